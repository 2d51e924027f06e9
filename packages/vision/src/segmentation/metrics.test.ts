import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { dice, diceMulti, jaccardCoeff, jaccardCoeffMulti, foregroundAcc } from './metrics.js';

/** Random logits [n, h, w, c] and targets [n, h, w], with the argmax known in JS. */
function sample(seed: number, n: number, c: number) {
  const rng = new Rng(seed);
  const [h, w] = [5, 6];
  const logits = Float32Array.from({ length: n * h * w * c }, () => rng.next());
  const targ = Int32Array.from({ length: n * h * w }, () => rng.int(c));
  const pred = Int32Array.from({ length: n * h * w }, (_, i) => {
    let best = 0;
    for (let k = 1; k < c; k++) if (logits[i * c + k] > logits[i * c + best]) best = k;
    return best;
  });
  return { p: tf.tensor4d(logits, [n, h, w, c]), t: tf.tensor3d(targ, [n, h, w], 'int32'), pred, targ };
}

/** fastai's formulas, in plain JS over the whole set. */
const ref = {
  fgAcc: (p: Int32Array, t: Int32Array) => {
    let ok = 0;
    let n = 0;
    t.forEach((v, i) => {
      if (v !== 0) {
        n++;
        if (p[i] === v) ok++;
      }
    });
    return ok / n;
  },
  dice: (p: Int32Array, t: Int32Array) => {
    let inter = 0;
    let union = 0;
    p.forEach((v, i) => ((inter += v * t[i]), (union += v + t[i])));
    return { inter, union };
  },
  multi: (p: Int32Array, t: Int32Array, c: number, f: (i: number, u: number) => number) => {
    const vals: number[] = [];
    for (let k = 0; k < c; k++) {
      let inter = 0;
      let union = 0;
      p.forEach((v, i) => ((inter += +(v === k && t[i] === k)), (union += +(v === k) + +(t[i] === k))));
      if (union > 0) vals.push(f(inter, union));
    }
    return vals.reduce((a, b) => a + b, 0) / vals.length;
  },
};

async function run(m: ReturnType<typeof dice>, batches: { p: tf.Tensor; t: tf.Tensor }[]) {
  m.reset();
  for (const b of batches) m.accumulate(b.p, b.t);
  return m.value();
}

describe('segmentation metrics against fastai formulas', () => {
  it('foregroundAcc, DiceMulti, JaccardCoeffMulti over two batches (multi-class)', async () => {
    const a = sample(1, 2, 4);
    const b = sample(2, 3, 4);
    const p = Int32Array.from([...a.pred, ...b.pred]);
    const t = Int32Array.from([...a.targ, ...b.targ]);
    expect(await run(foregroundAcc(), [a, b])).toBeCloseTo(ref.fgAcc(p, t), 6);
    expect(await run(diceMulti(), [a, b])).toBeCloseTo(
      ref.multi(p, t, 4, (i, u) => (2 * i) / u),
      6,
    );
    expect(await run(jaccardCoeffMulti(), [a, b])).toBeCloseTo(
      ref.multi(p, t, 4, (i, u) => i / (u - i)),
      6,
    );
    // The running sums stay on the device (two tensors) until reset.
    const m = diceMulti();
    const before = tf.memory().numTensors;
    m.accumulate(a.p, a.t);
    m.accumulate(b.p, b.t);
    expect(tf.memory().numTensors).toBe(before + 2);
    m.reset();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a.p, a.t, b.p, b.t]);
  });

  it('Dice and JaccardCoeff on binary targets; foreground: true counts every class but 0 as foreground', async () => {
    const a = sample(3, 2, 2);
    const { inter, union } = ref.dice(a.pred, a.targ);
    expect(await run(dice(), [a])).toBeCloseTo((2 * inter) / union, 6);
    expect(await run(jaccardCoeff(), [a])).toBeCloseTo(inter / (union - inter), 6);
    const m = sample(4, 2, 5);
    const fg = (x: Int32Array) => Int32Array.from(x, (v) => +(v !== 0));
    const r = ref.dice(fg(m.pred), fg(m.targ));
    expect(await run(dice({ foreground: true }), [m])).toBeCloseTo((2 * r.inter) / r.union, 6);
    tf.dispose([a.p, a.t, m.p, m.t]);
  });

  it('an all-background predictor scores 0 foreground accuracy and 1/c of the classes in DiceMulti', async () => {
    const t = tf.tensor3d([0, 1, 2, 0, 0, 1, 2, 2], [1, 2, 4], 'int32');
    const p = tf.oneHot(tf.zeros([1, 2, 4], 'int32'), 3).mul(5);
    expect(await run(foregroundAcc(), [{ p, t }])).toBe(0);
    expect(await run(diceMulti(), [{ p, t }])).toBeCloseTo((2 * 3) / (8 + 3) / 3, 6);
    expect(await run(dice(), [{ p: tf.zeros([1, 2, 2, 2]), t: tf.zeros([1, 2, 2], 'int32') }])).toBeNaN();
    tf.dispose([t, p]);
  });
});
