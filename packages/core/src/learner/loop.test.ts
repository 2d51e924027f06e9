// One loop: fit, validate and getPreds run through the learner's callbacks (fastai's `_with_events`), each callback
// taking part in training (`runTrain`), validation (`runValid`) and prediction (`runPredict`) as it says.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from '../nn/layers/activation.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../test-utils/credit.js';
import { Callback, EVENTS, type EventName } from './callback.js';
import { GatherPreds } from './callbacks/gather-preds.js';
import { MixUp } from './callbacks/mixup.js';
import { Learner } from './learner.js';
import { accuracy } from './metrics/index.js';

let data: CreditData;
beforeAll(() => {
  data = loadCredit();
});

/** Records every event it sees, with the learner's phase. */
class Spy extends Callback {
  seen: string[] = [];
  constructor(opts: { runValid?: boolean; runPredict?: boolean } = {}) {
    super();
    this.runValid = opts.runValid ?? true;
    this.runPredict = opts.runPredict ?? true;
    for (const e of EVENTS) (this as unknown as Record<EventName, () => void>)[e] = () => void this.seen.push(e);
  }
}

function makeLearner(cbs: Callback[]): Learner {
  manualSeed(0);
  const dls = creditDls({ ...data, train: data.train.slice(0, 256), valid: data.valid.slice(0, 300) }, 64);
  return new Learner(dls, new Sequential(new Linear(data.nFeatures, 16), new ReLU(true), new Linear(16, 2)), {
    metrics: [accuracy()],
    progress: false,
    cbs,
  });
}

/** `beforeValidate`, then per batch `beforeBatch afterPred [afterLoss] afterBatch`, then `afterValidate`. */
function validEvents(nBatch: number, withLoss: boolean): string[] {
  const batch = ['beforeBatch', 'afterPred', ...(withLoss ? ['afterLoss'] : []), 'afterBatch'];
  return ['beforeValidate', ...Array.from({ length: nBatch }, () => batch).flat(), 'afterValidate'];
}

describe('one Learner loop', () => {
  it('validate() and getPreds() fire beforeValidate, the batch events and afterValidate on the learner’s callbacks', async () => {
    const spy = new Spy();
    const learn = makeLearner([spy]);
    const nValid = learn.dls.valid.length;
    expect(nValid).toBe(3); // 300 loans in batches of 128
    const { validLoss, metrics } = await learn.validate();
    expect(spy.seen).toEqual(validEvents(nValid, true));
    expect(Number.isFinite(validLoss)).toBe(true);
    expect(metrics.accuracy).toBeGreaterThan(0);
    spy.seen = [];
    const before = { loss: learn.recorder.lastValidLoss, acc: learn.recorder.lastMetrics.accuracy };
    const { preds, targets } = await learn.getPreds();
    // Prediction: no loss, so no afterLoss; the Recorder (runPredict = false) keeps the validation's figures.
    expect(spy.seen).toEqual(validEvents(nValid, false));
    expect(learn.recorder.lastValidLoss).toBe(before.loss);
    expect(learn.recorder.lastMetrics.accuracy).toBe(before.acc);
    expect(preds.shape).toEqual([300, 2]);
    expect(targets.shape).toEqual([300]);
    // Activated: rows of probabilities; the accuracy of the gathered predictions is the validation's.
    const rowSums = await tf.tidy(() => preds.sum(1)).data();
    for (const s of rowSums) expect(s).toBeCloseTo(1, 5);
    const acc = (await tf.tidy(() => preds.argMax(1).equal(targets.toInt()).mean()).data())[0];
    expect(acc).toBeCloseTo(before.acc!, 6);
    tf.dispose([preds, targets]);
    learn.dispose();
  });

  it("getPreds({ withInput, withDecoded, withLoss }): fastai's (inputs, preds, targs, decoded, losses) by name", async () => {
    const learn = makeLearner([]);
    /** Reads a tensor made for the check and frees it. */
    const vals = async (f: () => tf.Tensor) => {
      const t = f();
      const v = Array.from(await t.data());
      t.dispose();
      return v;
    };
    const { validLoss } = await learn.validate();
    const n0 = tf.memory().numTensors;
    const r = await learn.getPreds({ withInput: true, withDecoded: true, withLoss: true });
    expect(r.inputs).toHaveLength(1);
    expect(r.inputs[0].shape).toEqual([300, data.nFeatures]);
    expect(r.preds.shape).toEqual([300, 2]);
    expect(r.decoded.shape).toEqual([300]);
    expect(r.losses.shape).toEqual([300]);
    // decoded = the loss's decodes (argmax) of the activated predictions.
    expect(Array.from(await r.decoded.data())).toEqual(await vals(() => r.preds.argMax(1)));
    // The inputs are what the model saw: its activated outputs on them are the predictions.
    const again = learn.predictBatch(r.inputs);
    expect((await vals(() => tf.tidy(() => tf.abs(tf.sub(again, r.preds)).max())))[0]).toBeLessThan(1e-6);
    // Each item's loss is −log p(target); their mean is validate()'s loss.
    const ce = await vals(() =>
      tf.tidy(() => tf.neg(tf.log(tf.sum(tf.mul(r.preds, tf.oneHot(r.targets.toInt(), 2)), 1)))),
    );
    const losses = Array.from(await r.losses.data());
    ce.forEach((v, i) => expect(losses[i]).toBeCloseTo(v, 5));
    expect(losses.reduce((a, b) => a + b, 0) / 300).toBeCloseTo(validLoss, 5);
    // act: false gives the raw outputs; act as a function is applied as given.
    const raw = await learn.getPreds(learn.dls.valid, { act: false });
    const dbl = await learn.getPreds({ act: (p) => tf.mul(p, 2) });
    expect(await vals(() => tf.tidy(() => tf.abs(tf.sub(dbl.preds, tf.mul(raw.preds, 2))).max()))).toEqual([0]);
    // @ts-expect-error decoded is only in the result when withDecoded is true
    expect(raw.decoded).toBeUndefined();
    tf.dispose([
      again,
      ...r.inputs,
      r.preds,
      r.targets,
      r.decoded,
      r.losses,
      raw.preds,
      raw.targets,
      dbl.preds,
      dbl.targets,
    ]);
    expect(tf.memory().numTensors).toBe(n0);
    learn.dispose();
  });

  it('during fit the same callbacks see the training and validation phases; runPredict = false keeps one out of getPreds', async () => {
    const spy = new Spy();
    const quiet = new Spy({ runPredict: false });
    const learn = makeLearner([spy, quiet]);
    await learn.fit(1, 1e-3);
    expect(spy.seen.slice(0, 3)).toEqual(['beforeFit', 'beforeEpoch', 'beforeTrain']);
    expect(spy.seen.filter((e) => e === 'beforeStep')).toHaveLength(learn.dls.train.length);
    expect(spy.seen.slice(spy.seen.indexOf('beforeValidate'), spy.seen.indexOf('afterValidate') + 1)).toEqual(
      validEvents(learn.dls.valid.length, true),
    );
    spy.seen = [];
    quiet.seen = [];
    const n0 = tf.memory().numTensors;
    const { preds, targets } = await learn.getPreds(learn.dls.valid, { act: false });
    tf.dispose([preds, targets]);
    expect(tf.memory().numTensors).toBe(n0);
    expect(spy.seen).toEqual(validEvents(learn.dls.valid.length, false));
    expect(quiet.seen).toEqual([]);
    learn.dispose();
  });

  it('a callback with runValid = false (MixUp) sees no batch of validate() or getPreds(); GatherPreds gathers during validate()', async () => {
    const mix = new MixUp(0.4);
    const spy = new Spy({ runValid: false });
    const learn = makeLearner([mix, spy]);
    const mixed: number[] = [];
    const orig = mix.beforeBatch.bind(mix);
    mix.beforeBatch = () => {
      mixed.push(learn.iter);
      orig();
    };
    const gather = new GatherPreds();
    learn.addCb(gather);
    await learn.validate();
    const { preds, targets } = gather.result();
    expect(preds.shape).toEqual([300, 2]);
    learn.removeCb(gather);
    gather.dispose();
    tf.dispose([preds, targets]);
    const p = await learn.getPreds();
    tf.dispose([p.preds, p.targets]);
    expect(mixed).toEqual([]);
    expect(spy.seen).toEqual(['beforeValidate', 'afterValidate', 'beforeValidate', 'afterValidate']);
    learn.dispose();
  });
});
