import * as tf from '@tensorflow/tfjs-core';
import { fusedCrossEntropy } from '../backend/fused-ops.js';
import { ExportError, TfaiError } from '../errors.js';

/** A loss serialised into an export: its name and arguments (no code). */
export interface LossSpec {
  /** The loss's fastai class name: `'CrossEntropyLossFlat'`, `'BCEWithLogitsLossFlat'`, `'MSELossFlat'` or `'L1LossFlat'`. */
  name: string;
  /** Its options by name (`axis`, `labelSmoothing`, `ignoreIndex`, `threshold`), as given to its factory; unset ones absent. */
  args: Record<string, number | boolean | undefined>;
}

/**
 * A loss function with fastai's extras: `activation` (logits → probabilities, for `getPreds`) and `decodes`
 * (probabilities → predictions, for `predict`).
 */
export interface Loss {
  (pred: tf.Tensor, target: tf.Tensor): tf.Scalar;
  /** The loss's name and options, written into exports so that `loadLearner` can rebuild it. */
  readonly spec: LossSpec;
  /** Model outputs → what `getPreds` returns (softmax over the last axis for cross-entropy, identity for MSE). */
  activation(pred: tf.Tensor): tf.Tensor;
  /** Activations → decoded predictions (argmax for cross-entropy), as `predict` reports them. */
  decodes(probs: tf.Tensor): tf.Tensor;
  /**
   * fastai's `y_int`: the targets are class indices, so they cannot be blended (MixUp blends the losses of the two
   * targets instead, through {@link Loss.perItem}).
   */
  readonly yInt?: boolean;
  /**
   * The loss of each target element before the reduction (PyTorch's `reduction='none'`, fastai's `NoneReduce`),
   * flat; its mean is the loss (ignored targets count as 0).
   */
  perItem?(pred: tf.Tensor, target: tf.Tensor): tf.Tensor;
}

function makeLoss(
  spec: LossSpec,
  fn: (pred: tf.Tensor, target: tf.Tensor) => tf.Scalar,
  activation: (p: tf.Tensor) => tf.Tensor,
  decodes: (p: tf.Tensor) => tf.Tensor,
  extra: Pick<Loss, 'yInt' | 'perItem'> = {},
): Loss {
  const loss = ((pred: tf.Tensor, target: tf.Tensor) => tf.tidy(() => fn(pred, target))) as Loss;
  return Object.assign(loss, { spec, activation, decodes }, extra);
}

/** Options of {@link crossEntropyLossFlat}. */
export interface CrossEntropyOptions {
  /** The class axis of the predictions (default -1: NHWC segmentation logits work as they are). */
  axis?: number;
  /** fastai's `LabelSmoothingCrossEntropyFlat` ε (default 0: plain cross-entropy). */
  labelSmoothing?: number;
  /** Targets equal to this are ignored (PyTorch's `ignore_index`). */
  ignoreIndex?: number;
}

/**
 * Cross-entropy over flattened predictions and integer targets, as fastai's `CrossEntropyLossFlat`
 * (mean over items; activation softmax, decodes argmax).
 * @example
 * ```ts
 * const lossFunc = crossEntropyLossFlat();
 * lossFunc(tf.tensor2d([[2, 0]]), tf.tensor1d([0], 'int32')); // ≈ 0.127
 * ```
 */
export function crossEntropyLossFlat(opts: CrossEntropyOptions = {}): Loss {
  const axis = opts.axis ?? -1;
  const eps = opts.labelSmoothing ?? 0;
  const ignore = opts.ignoreIndex;
  const toLast = (p: tf.Tensor) => {
    const ax = axis < 0 ? p.rank + axis : axis;
    if (ax === p.rank - 1) return p;
    const perm = [...Array(p.rank).keys()].filter((i) => i !== ax).concat(ax);
    return tf.transpose(p, perm);
  };
  return makeLoss(
    { name: 'CrossEntropyLossFlat', args: { axis, labelSmoothing: eps, ignoreIndex: ignore } },
    (pred, target) => {
      // One kernel forward and one multiply backward on wasm/cpu (backend/kernels/cross-entropy.ts).
      const p = toLast(pred);
      classesOf(p);
      const fused = fusedCrossEntropy(p, target, eps, ignore);
      if (fused) return fused;
      const { per, keep } = perTargetLast(p, target);
      if (!keep) return tf.mean(per) as tf.Scalar;
      return tf.div(tf.sum(per), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
    },
    (pred) => tf.softmax(toLast(pred)),
    (probs) => tf.argMax(probs, -1),
    { yInt: true, perItem: (pred, target) => tf.tidy(() => perTarget(pred, target).per) },
  );
  /** The number of classes of class-last predictions (at least 2). */
  function classesOf(p: tf.Tensor): number {
    const c = p.shape[p.rank - 1]!;
    if (c < 2)
      throw new TfaiError(
        `CrossEntropyLossFlat needs at least 2 classes, the predictions have ${c} (a target with a single class? cross-entropy has nothing to learn from one class)`,
      );
    return c;
  }
  /** The loss of each target (0 where ignored), and the mask of those not ignored. */
  function perTarget(pred: tf.Tensor, target: tf.Tensor): { per: tf.Tensor; keep?: tf.Tensor } {
    return perTargetLast(toLast(pred), target);
  }
  /** {@link perTarget} of predictions with the classes last already. */
  function perTargetLast(p: tf.Tensor, target: tf.Tensor): { per: tf.Tensor; keep?: tf.Tensor } {
    const c = classesOf(p);
    const logp = tf.logSoftmax(p.reshape([-1, c]));
    const t = target.reshape([-1]).toInt();
    const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(t, c)), 1));
    const per = eps > 0 ? tf.add(tf.mul(nll, 1 - eps), tf.mul(tf.neg(tf.mean(logp, 1)), eps)) : nll;
    if (ignore === undefined) return { per };
    const keep = tf.notEqual(t, ignore).toFloat();
    return { per: tf.mul(per, keep), keep };
  }
}

/**
 * Binary cross-entropy on logits, flattened (multi-label or binary with float targets); activation sigmoid,
 * decodes `> threshold`.
 */
export function bceWithLogitsLossFlat(opts: { threshold?: number } = {}): Loss {
  const thresh = opts.threshold ?? 0.5;
  return makeLoss(
    { name: 'BCEWithLogitsLossFlat', args: { threshold: thresh } },
    (pred, target) => tf.mean(bcePer(pred, target)) as tf.Scalar,
    (pred) => tf.sigmoid(pred),
    (probs) => tf.greater(probs, thresh),
    { perItem: (pred, target) => tf.tidy(() => bcePer(pred, target)) },
  );
  function bcePer(pred: tf.Tensor, target: tf.Tensor): tf.Tensor {
    const x = pred.reshape([-1]);
    const y = target.reshape([-1]).toFloat();
    // max(x, 0) - x·y + log(1 + exp(-|x|)): stable for large |x|.
    return tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
  }
}

/** Mean squared error over flattened predictions and targets. */
export function mseLossFlat(): Loss {
  return makeLoss(
    { name: 'MSELossFlat', args: {} },
    (pred, target) => tf.mean(tf.squaredDifference(pred.reshape([-1]), target.reshape([-1]).toFloat())) as tf.Scalar,
    (p) => p,
    (p) => p,
    { perItem: (pred, target) => tf.squaredDifference(pred.reshape([-1]), target.reshape([-1]).toFloat()) },
  );
}

/** Mean absolute error over flattened predictions and targets. */
export function l1LossFlat(): Loss {
  return makeLoss(
    { name: 'L1LossFlat', args: {} },
    (pred, target) => tf.mean(tf.abs(tf.sub(pred.reshape([-1]), target.reshape([-1]).toFloat()))) as tf.Scalar,
    (p) => p,
    (p) => p,
    { perItem: (pred, target) => tf.tidy(() => tf.abs(tf.sub(pred.reshape([-1]), target.reshape([-1]).toFloat()))) },
  );
}

/**
 * Rebuilds a loss from its exported spec (untrusted: an unknown name or an argument of the wrong type is an
 * {@link ExportError}).
 * @example
 * ```ts
 * const loss = lossFromSpec({ name: 'CrossEntropyLossFlat', args: { labelSmoothing: 0.1 } });
 * ```
 */
export function lossFromSpec(spec: LossSpec): Loss {
  if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string')
    throw new ExportError(`loss spec ${JSON.stringify(spec)} in export has no name`);
  const raw: unknown = spec.args ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ExportError(`loss ${JSON.stringify(spec.name)} in export: args is not an object`);
  const a = raw as Record<string, unknown>;
  const num = (key: string, ok: (v: number) => boolean): number | undefined => {
    const v = Object.hasOwn(a, key) ? a[key] : undefined;
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
      throw new ExportError(`loss ${spec.name} in export: argument ${key} = ${JSON.stringify(v)} is out of range`);
    return v;
  };
  switch (spec.name) {
    case 'CrossEntropyLossFlat':
      return crossEntropyLossFlat({
        axis: num('axis', Number.isInteger),
        labelSmoothing: num('labelSmoothing', (v) => v >= 0 && v < 1),
        ignoreIndex: num('ignoreIndex', Number.isInteger),
      });
    case 'BCEWithLogitsLossFlat':
      return bceWithLogitsLossFlat({ threshold: num('threshold', () => true) });
    case 'MSELossFlat':
      return mseLossFlat();
    case 'L1LossFlat':
      return l1LossFlat();
    default:
      throw new ExportError(
        `unknown loss ${JSON.stringify(spec.name)} in export (known: CrossEntropyLossFlat, BCEWithLogitsLossFlat, MSELossFlat, L1LossFlat)`,
      );
  }
}
