import { declaredName } from '../errors.js';
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

/** One of fastai's training events ({@link EVENTS}), a {@link Callback} method name. */
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
  /** The Learner this callback is attached to (set by the Learner when the callback is added; throws before). */
  get learn(): Learner {
    if (!this._learn) throw new Error(`${this.name} is not attached to a Learner`);
    return this._learn;
  }
  /** Attaches the callback (the Learner does it when the callback is added). */
  set learn(l: Learner) {
    this._learn = l;
  }
  /** The callback's name (class name by default). */
  get name(): string {
    return this.constructor.name;
  }
  /** At the start of `fit` (after the optimizer exists), before the first epoch. */
  beforeFit?(): void | Promise<void>;
  /** At the start of each epoch. */
  beforeEpoch?(): void | Promise<void>;
  /** Before the epoch's training pass (the model in training mode). */
  beforeTrain?(): void | Promise<void>;
  /** Before each batch; `learn.x`/`learn.y` hold it (change them to transform the batch). */
  beforeBatch?(): void | Promise<void>;
  /** After the forward pass (`learn.pred`); inside the gradient tape, so synchronous. */
  afterPred?(): void;
  /** After the loss is computed (`learn.loss`); inside the gradient tape, so synchronous. */
  afterLoss?(): void;
  /** Before the gradients are computed. */
  beforeBackward?(): void | Promise<void>;
  /** When a callback threw `CancelBackwardException`: the backward pass was skipped. */
  afterCancelBackward?(): void | Promise<void>;
  /** After the gradients are computed, before the optimizer step (clip or inspect them here). */
  afterBackward?(): void | Promise<void>;
  /** Before the optimizer step. */
  beforeStep?(): void | Promise<void>;
  /** When a callback threw `CancelStepException`: the optimizer step was skipped. */
  afterCancelStep?(): void | Promise<void>;
  /** After the optimizer step. */
  afterStep?(): void | Promise<void>;
  /** When a callback threw `CancelBatchException`: the rest of the batch was skipped. */
  afterCancelBatch?(): void | Promise<void>;
  /** After each batch, training and validation alike. */
  afterBatch?(): void | Promise<void>;
  /** When a callback threw `CancelTrainException`: the rest of the epoch's training was skipped. */
  afterCancelTrain?(): void | Promise<void>;
  /** After the epoch's training pass. */
  afterTrain?(): void | Promise<void>;
  /** Before the validation pass (the model in evaluation mode). */
  beforeValidate?(): void | Promise<void>;
  /** When a callback threw `CancelValidException`: the rest of the validation was skipped. */
  afterCancelValidate?(): void | Promise<void>;
  /** After the validation pass. */
  afterValidate?(): void | Promise<void>;
  /** When a callback threw `CancelEpochException`: the rest of the epoch was skipped. */
  afterCancelEpoch?(): void | Promise<void>;
  /** At the end of each epoch (the Recorder has its losses and metrics). */
  afterEpoch?(): void | Promise<void>;
  /** When a callback threw `CancelFitException` (as `EarlyStoppingCallback` does): training stopped. */
  afterCancelFit?(): void | Promise<void>;
  /** At the end of `fit`, whether or not it was cancelled. */
  afterFit?(): void | Promise<void>;
}

/** Base of the control-flow exceptions below (not errors: the loop catches them); `name` is the class's name. */
export class CancelException extends Error {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static readonly errorName: string = 'CancelException';
  constructor(message?: string) {
    super(message);
    this.name = declaredName(new.target, 'errorName');
  }
}

/** Skip the rest of this batch (fires `afterCancelBatch`, then `afterBatch`). */
export class CancelBatchException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelBatchException';
}
/** Skip the optimizer step of this batch (fires `afterCancelStep`, then `afterStep`). */
export class CancelStepException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelStepException';
}
/**
 * Skip the backward pass of this batch (fires `afterCancelBackward`, then `afterBackward`; the step events still
 * fire, with no gradients to apply, as fastai's). The forward pass runs inside the gradient computation here, so
 * this also works from `afterPred`/`afterLoss` in training.
 */
export class CancelBackwardException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelBackwardException';
}
/** Stop the training phase of this epoch. */
export class CancelTrainException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelTrainException';
}
/** Skip the validation of this epoch. */
export class CancelValidException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelValidException';
}
/** Stop this epoch. */
export class CancelEpochException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelEpochException';
}
/** Stop training altogether (early stopping, lr_find). */
export class CancelFitException extends CancelException {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CancelFitException';
}
