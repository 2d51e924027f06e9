// fastai's segmentation metrics (`fastai/metrics.py`): foreground_acc, Dice, DiceMulti, JaccardCoeff,
// JaccardCoeffMulti. Predictions are NHWC logits `[n, h, w, c]`, targets class maps `[n, h, w]`; the running sums
// stay on the device (no read per batch) and are read once by `value()`.
import * as tf from '@tensorflow/tfjs-core';
import type { Metric } from '@tfai/core';

/** Device-side running sums, replaced (and the old ones disposed) at each accumulate. */
class Sums {
  private t: tf.Tensor[] | undefined;
  reset(): void {
    if (this.t) tf.dispose(this.t);
    this.t = undefined;
  }
  add(next: () => tf.Tensor[]): void {
    const old = this.t;
    this.t = tf.tidy(() => {
      const n = next();
      return old ? n.map((v, i) => tf.add(old[i], v)) : n;
    });
    if (old) tf.dispose(old);
  }
  async read(): Promise<Float32Array[] | undefined> {
    if (!this.t) return undefined;
    return Promise.all(this.t.map(async (v) => Float32Array.from(await v.data())));
  }
}

const argmax = (pred: tf.Tensor) => tf.argMax(pred, -1).toInt();

/**
 * fastai's `foreground_acc(inp, targ, bkg_idx=0)`: pixel accuracy over the pixels whose target is not the
 * background class. fastai averages per-batch values (weighted by batch size); tfai counts pixels over the whole
 * set, so the value is exact and a batch with no foreground pixel does not make it NaN.
 * @example
 * ```ts
 * const learn = await unetLearner(dls, resnet18, { metrics: [foregroundAcc(), diceMulti()] });
 * ```
 */
export function foregroundAcc(opts: { bkgIdx?: number } = {}): Metric {
  const bkg = opts.bkgIdx ?? 0;
  const sums = new Sums();
  return {
    name: 'foreground_acc',
    reset: () => sums.reset(),
    accumulate(pred, targ) {
      sums.add(() => {
        const t = targ.toInt().reshape(pred.shape.slice(0, -1));
        const fg = tf.notEqual(t, bkg);
        const ok = tf.logicalAnd(fg, tf.equal(argmax(pred), t));
        return [tf.sum(ok.toFloat()), tf.sum(fg.toFloat())];
      });
    },
    async value() {
      const s = await sums.read();
      return s && s[1][0] > 0 ? s[0][0] / s[1][0] : NaN;
    },
  };
}

/** Options of {@link dice} and {@link jaccardCoeff}. */
export interface BinarySegOptions {
  /**
   * Count every non-background class as foreground (prediction and target both `!= bkgIdx`). fastai's `Dice`
   * multiplies and adds the raw class indices, which is the Dice of class 1 only for binary targets; with
   * `foreground` tfai's works for multi-class data too. Default false (fastai's).
   */
  foreground?: boolean;
  /** Index of the background class (default 0), fastai's `bkg_idx`. */
  bkgIdx?: number;
}

/** Dice from an intersection and the sum `|pred| + |targ|`. */
const diceOf = (inter: number, sum: number): number => (2 * inter) / sum;
/** Jaccard (intersection over union) from the same sums: the union is `sum - inter`. */
const jaccardOf = (inter: number, sum: number): number => inter / (sum - inter);

/** A binary metric over the whole set: `score(intersection, |pred| + |targ|)`, NaN while the sum is 0. */
function binaryMetric(name: string, opts: BinarySegOptions, score: (inter: number, sum: number) => number): Metric {
  const sums = new Sums();
  return {
    name,
    reset: () => sums.reset(),
    accumulate(pred, targ) {
      sums.add(() => {
        let p = argmax(pred).reshape([-1]);
        let t = targ.toInt().reshape([-1]);
        if (opts.foreground) {
          const b = opts.bkgIdx ?? 0;
          p = tf.notEqual(p, b).toInt();
          t = tf.notEqual(t, b).toInt();
        }
        return [tf.sum(tf.mul(p, t).toFloat()), tf.sum(tf.add(p, t).toFloat())];
      });
    },
    async value() {
      const s = await sums.read();
      return s && s[1][0] > 0 ? score(s[0][0], s[1][0]) : NaN;
    },
  };
}

/**
 * fastai's `Dice`: `2·Σ(pred·targ) / Σ(pred + targ)` over the whole set, for binary targets (see
 * `foreground` for multi-class data).
 * @example
 * ```ts
 * dice({ foreground: true }); // object vs background Dice on multi-class masks
 * ```
 */
export function dice(opts: BinarySegOptions = {}): Metric {
  return binaryMetric(opts.foreground ? 'dice_foreground' : 'dice', opts, diceOf);
}

/**
 * fastai's `JaccardCoeff`: `inter / (union - inter)` with Dice's sums (intersection over union), binary targets.
 * @example
 * ```ts
 * const m = jaccardCoeff();
 * ```
 */
export function jaccardCoeff(opts: BinarySegOptions = {}): Metric {
  return binaryMetric(opts.foreground ? 'jaccard_coeff_foreground' : 'jaccard_coeff', opts, jaccardOf);
}

/**
 * A metric over the whole set from per-class intersections and `|pred| + |targ|` sums (fastai's DiceMulti
 * accumulation): `perClass(inter, sum)` for each class present in predictions or targets (`sum > 0`), averaged.
 */
function classMeanMetric(name: string, perClass: (inter: number, sum: number) => number): Metric {
  const sums = new Sums();
  return {
    name,
    reset: () => sums.reset(),
    accumulate(pred, targ) {
      const c = pred.shape[pred.rank - 1]!;
      sums.add(() => {
        const p = tf.oneHot(argmax(pred).reshape([-1]), c);
        const t = tf.oneHot(targ.toInt().reshape([-1]), c);
        return [tf.sum(tf.mul(p, t), 0), tf.add(tf.sum(p, 0), tf.sum(t, 0))];
      });
    },
    async value() {
      const s = await sums.read();
      if (!s) return NaN;
      return nanMean(Array.from(s[0], (inter, c) => (s[1][c] > 0 ? perClass(inter, s[1][c]) : NaN)));
    },
  };
}

function nanMean(xs: number[]): number {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

/**
 * fastai's `DiceMulti`: the Dice of each class (`2·inter / (|pred| + |targ|)`) over the whole set, averaged over
 * the classes present in predictions or targets (a macro F1 over pixels).
 * @example
 * ```ts
 * const learn = await unetLearner(dls, resnet18, { metrics: [diceMulti()] });
 * ```
 */
export function diceMulti(): Metric {
  return classMeanMetric('dice_multi', diceOf);
}

/**
 * fastai's `JaccardCoeffMulti`: the mean over classes of `inter / (union - inter)` (mean IoU).
 * @example
 * ```ts
 * const m = jaccardCoeffMulti();
 * ```
 */
export function jaccardCoeffMulti(): Metric {
  return classMeanMetric('jaccard_coeff_multi', jaccardOf);
}

/** The segmentation metrics by name, for exports (`metricsFromNames(names, SEGMENTATION_METRICS)`); no prototype. */
export const SEGMENTATION_METRICS: Readonly<Record<string, () => Metric>> = Object.assign(
  Object.create(null) as Record<string, () => Metric>,
  {
    foreground_acc: () => foregroundAcc(),
    dice: () => dice(),
    dice_foreground: () => dice({ foreground: true }),
    jaccard_coeff: () => jaccardCoeff(),
    jaccard_coeff_foreground: () => jaccardCoeff({ foreground: true }),
    dice_multi: diceMulti,
    jaccard_coeff_multi: jaccardCoeffMulti,
  },
);
