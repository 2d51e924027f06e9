import type { Learner } from './learner.js';

/** fastai's training events, in the order they fire. */
export const EVENTS = [
  'beforeFit',
  'beforeEpoch',
  'beforeTrain',
  'beforeBatch',
  'afterPred',
  'afterLoss',
  'beforeBackward',
  'afterCancelBackward',
  'afterBackward',
  'beforeStep',
  'afterCancelStep',
  'afterStep',
  'afterCancelBatch',
  'afterBatch',
  'afterCancelTrain',
  'afterTrain',
  'beforeValidate',
  'afterCancelValidate',
  'afterValidate',
  'afterCancelEpoch',
  'afterEpoch',
  'afterCancelFit',
  'afterFit',
] as const;

export type EventName = (typeof EVENTS)[number];

/** Events that fire inside the gradient computation: their handlers must be synchronous. */
export const SYNC_EVENTS: readonly EventName[] = ['afterPred', 'afterLoss'];

/**
 * A training callback, as fastai's: implement any of the event methods; `learn` is set when the callback is
 * added to a Learner; `order` sorts callbacks (lower first). Control flow by throwing the `Cancel…` errors.
 *
 * `afterPred` and `afterLoss` run inside the gradient tape (they may replace `learn.pred` / `learn.loss`,
 * e.g. to add a regulariser) and must be synchronous; all other events may be async.
 *
 * @example
 * ```ts
 * class PrintLr extends Callback {
 *   override afterEpoch() { console.log(this.learn.opt!.paramGroups.map((g) => g.lr)); }
 * }
 * await learn.fit(1, 1e-3, { cbs: [new PrintLr()] });
 * ```
 */
export abstract class Callback {
  /** Sorting key; built-ins use fastai's orders (Recorder 50, ProgressCallback 60, schedulers 1). */
  order = 0;
  /** Set to false to skip this callback during validation (`afterBatch` etc. still fire in training). */
  runValid = true;
  /** Set to false to skip this callback during training. */
  runTrain = true;
  /**
   * Set to false to skip this callback altogether in prediction ({@link Learner.getPreds}); its batch events there
   * also need `runValid` (prediction is a validation pass without the loss).
   */
  runPredict = true;
  private _learn: Learner | undefined;
  get learn(): Learner {
    if (!this._learn) throw new Error(`${this.name} is not attached to a Learner`);
    return this._learn;
  }
  set learn(l: Learner) {
    this._learn = l;
  }
  /** The callback's name (class name by default). */
  get name(): string {
    return this.constructor.name;
  }
  beforeFit?(): void | Promise<void>;
  beforeEpoch?(): void | Promise<void>;
  beforeTrain?(): void | Promise<void>;
  beforeBatch?(): void | Promise<void>;
  afterPred?(): void;
  afterLoss?(): void;
  beforeBackward?(): void | Promise<void>;
  afterCancelBackward?(): void | Promise<void>;
  afterBackward?(): void | Promise<void>;
  beforeStep?(): void | Promise<void>;
  afterCancelStep?(): void | Promise<void>;
  afterStep?(): void | Promise<void>;
  afterCancelBatch?(): void | Promise<void>;
  afterBatch?(): void | Promise<void>;
  afterCancelTrain?(): void | Promise<void>;
  afterTrain?(): void | Promise<void>;
  beforeValidate?(): void | Promise<void>;
  afterCancelValidate?(): void | Promise<void>;
  afterValidate?(): void | Promise<void>;
  afterCancelEpoch?(): void | Promise<void>;
  afterEpoch?(): void | Promise<void>;
  afterCancelFit?(): void | Promise<void>;
  afterFit?(): void | Promise<void>;
}

/** Base of the control-flow exceptions below (not errors: the loop catches them); `name` is the class's name. */
export class CancelException extends Error {
  constructor(message?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Skip the rest of this batch (fires `afterCancelBatch`, then `afterBatch`). */
export class CancelBatchException extends CancelException {}
/** Skip the optimizer step of this batch (fires `afterCancelStep`, then `afterStep`). */
export class CancelStepException extends CancelException {}
/**
 * Skip the backward pass of this batch (fires `afterCancelBackward`, then `afterBackward`; the step events still
 * fire, with no gradients to apply, as fastai's). The forward pass runs inside the gradient computation here, so
 * this also works from `afterPred`/`afterLoss` in training.
 */
export class CancelBackwardException extends CancelException {}
/** Stop the training phase of this epoch. */
export class CancelTrainException extends CancelException {}
/** Skip the validation of this epoch. */
export class CancelValidException extends CancelException {}
/** Stop this epoch. */
export class CancelEpochException extends CancelException {}
/** Stop training altogether (early stopping, lr_find). */
export class CancelFitException extends CancelException {}
