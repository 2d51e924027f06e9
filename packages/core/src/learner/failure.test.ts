// Failure paths of the training loop: fastai's Cancel exceptions from every event they are caught in, and a failed
// fit that leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from '../nn/layers/activation.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../test-utils/credit.js';
import type { CancelException } from './callback.js';
import {
  Callback,
  CancelBackwardException,
  CancelBatchException,
  CancelEpochException,
  CancelFitException,
  CancelStepException,
  CancelTrainException,
  CancelValidException,
  EVENTS,
  type EventName,
} from './callback.js';
import { GradientClip } from './callbacks/gradient-clip.js';
import { Learner } from './learner.js';
import { crossEntropyLossFlat, type Loss } from './loss.js';
import { accuracy } from './metrics/index.js';
import type { Metric } from './metrics/index.js';

let data: CreditData;
beforeAll(() => {
  data = loadCredit();
});

function makeLearner(cbs: Callback[] = [], metrics: Metric[] = [accuracy()], lossFunc?: Loss): Learner {
  manualSeed(0);
  const dls = creditDls({ ...data, train: data.train.slice(0, 192), valid: data.valid.slice(0, 128) }, 64);
  return new Learner(dls, new Sequential(new Linear(data.nFeatures, 16), new ReLU(true), new Linear(16, 2)), {
    metrics,
    progress: false,
    cbs,
    lossFunc,
  });
}

/** Records every event; throws `ex` the first time `at` fires in the given phase. */
class Thrower extends Callback {
  seen: string[] = [];
  thrown = false;
  constructor(
    readonly at: EventName,
    readonly ex: new () => CancelException,
    readonly phase: 'train' | 'valid' | 'any' = 'any',
  ) {
    super();
    for (const e of EVENTS)
      (this as unknown as Record<EventName, () => void>)[e] = () => {
        this.seen.push(e);
        const inPhase = this.phase === 'any' || (this.phase === 'train') === this.learn.training;
        if (e === this.at && inPhase && !this.thrown) {
          this.thrown = true;
          throw new this.ex();
        }
      };
  }
}

const BATCH: EventName[] = [
  'beforeBatch',
  'afterPred',
  'afterLoss',
  'beforeBackward',
  'afterBackward',
  'beforeStep',
  'afterStep',
];
// fastai's `_with_events` scopes: where each exception is raised from and caught (fastai/learner.py).
const CASES: [new () => CancelException, EventName[], 'train' | 'valid' | 'any', string][] = [
  [CancelBatchException, BATCH, 'train', 'Batch'],
  [CancelBatchException, ['beforeBatch', 'afterPred', 'afterLoss'], 'valid', 'Batch'],
  [CancelBackwardException, ['beforeBackward', 'afterLoss'], 'train', 'Backward'],
  [CancelStepException, ['beforeStep'], 'train', 'Step'],
  [CancelTrainException, ['beforeTrain', ...BATCH], 'train', 'Train'],
  [CancelValidException, ['beforeValidate', 'beforeBatch', 'afterPred', 'afterLoss'], 'valid', 'Validate'],
  [
    CancelEpochException,
    ['beforeEpoch', 'beforeTrain', ...BATCH, 'afterTrain', 'beforeValidate', 'afterValidate'],
    'any',
    'Epoch',
  ],
  [
    CancelFitException,
    ['beforeFit', 'beforeEpoch', ...BATCH, 'afterTrain', 'afterValidate', 'afterEpoch'],
    'any',
    'Fit',
  ],
];

describe("fastai's Cancel exceptions, from every event", () => {
  for (const [ex, events, phase, scope] of CASES)
    it(`${ex.name} (${phase}): afterCancel${scope} then after${scope}, the fit goes on as fastai's, no tensor left`, async () => {
      for (const at of events) {
        const before = tf.memory().numTensors;
        const t = new Thrower(at, ex, phase);
        const learn = makeLearner([t]);
        await learn.fit(1, 1e-3);
        expect(t.thrown, `${ex.name} at ${at}`).toBe(true);
        const after = t.seen.slice(t.seen.indexOf(`afterCancel${scope}`));
        expect(after[after.indexOf(`afterCancel${scope}`) + 1], `${ex.name} at ${at}: ${after.slice(0, 6)}`).toBe(
          `after${scope}`,
        );
        expect(t.seen[t.seen.length - 1], `${ex.name} at ${at}`).toBe('afterFit');
        // Losses of the fit are finite numbers (the Recorder did not read a disposed tensor).
        for (const l of learn.recorder.losses) expect(Number.isFinite(l)).toBe(true);
        learn.dispose();
        expect(tf.memory().numTensors, `${ex.name} at ${at}`).toBe(before);
      }
    }, 60_000);
});

describe('a failed fit leaves no tensor behind', () => {
  class Boom extends Callback {
    constructor(readonly at: EventName) {
      super();
      (this as unknown as Record<EventName, () => void>)[at] = () => {
        if (this.learn.iter === 1 || at.includes('Validate') || at.includes('Fit')) throw new Error(`boom in ${at}`);
      };
    }
  }
  const failing: [string, () => Learner][] = [
    [
      // A loss that throws on its second batch, inside the gradient computation (as tfjs's oneHot does for a label
      // outside the classes): the step's forward tensors and the tape's saved tensors.
      'a loss that throws mid-epoch',
      () => {
        const ce = crossEntropyLossFlat();
        const loss = Object.assign((p: tf.Tensor, y: tf.Tensor) => {
          if (learn.training && learn.iter === 1) throw new Error('oneHot: depth must be >= 2');
          return ce(p, y);
        }, ce) as Loss;
        const learn: Learner = makeLearner([], [accuracy()], loss);
        return learn;
      },
    ],
    ['a callback that throws in afterStep', () => makeLearner([new Boom('afterStep')])],
    ['a callback that throws in afterPred', () => makeLearner([new Boom('afterPred')])],
    [
      'a callback that throws in afterValidate (the Recorder holds unread losses)',
      () => makeLearner([new Boom('afterValidate')]),
    ],
    [
      'a metric that throws when read (one class in the validation set)',
      () => {
        const m = accuracy();
        m.value = () => Promise.reject(new Error('only one class present'));
        return makeLearner([], [m]);
      },
    ],
  ];
  for (const [what, make] of failing)
    it(`${what}: numTensors flat over 20 failing fits`, async () => {
      const learn = make();
      const counts: number[] = [];
      for (let i = 0; i < 20; i++) {
        const err = await learn.fit(1, 1e-3).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        counts.push(tf.memory().numTensors);
      }
      // The first fit creates the optimizer's state; every later failure adds nothing.
      expect(new Set(counts.slice(1)).size, counts.join(',')).toBe(1);
      expect(counts[1]).toBe(counts[0]);
      learn.dispose();
    }, 60_000);
});

describe('afterBackward fires (GradientClip clips)', () => {
  it('once per training batch, with the gradients in place; their global norm is at most maxNorm after it', async () => {
    const clip = new GradientClip(1e-3);
    const norms: number[] = [];
    class Norm extends Callback {
      override order = 100; // after GradientClip
      override afterBackward(): void {
        const g = this.learn.grads!;
        norms.push(
          Math.sqrt(Object.values(g).reduce((s, t) => s + tf.tidy(() => t.square().sum().arraySync() as number), 0)),
        );
      }
    }
    const learn = makeLearner([clip, new Norm()]);
    await learn.fit(1, 1e-3);
    expect(norms).toHaveLength(learn.dls.train.length);
    for (const n of norms) expect(n).toBeLessThanOrEqual(1e-3 * (1 + 1e-4));
    learn.dispose();
  });
});
