import * as tf from '@tensorflow/tfjs';

/** Which way a metric is better. */
export type MetricDirection = 'min' | 'max';

/**
 * A metric accumulated over a whole validation set. `accumulate` keeps its running state on the device
 * (no reads per batch); `value` reads it once.
 */
export interface Metric {
  readonly name: string;
  /**
   * Which way is better, as Keras's metrics declare it: 'min' for errors and losses (MAE, RMSE, perplexity), 'max'
   * for scores (accuracy, F1). Trackers (`EarlyStoppingCallback`, `SaveModelCallback`) read it; a metric
   * without one counts as 'max'.
   */
  readonly direction?: MetricDirection;
  reset(): void;
  accumulate(pred: tf.Tensor, target: tf.Tensor): void;
  value(): Promise<number>;
}

/**
 * fastai's `AvgMetric`: a per-batch function weighted by batch size, so the result is exact over the set.
 */
export class AvgMetric implements Metric {
  private total: tf.Scalar | undefined;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly fn: (pred: tf.Tensor, target: tf.Tensor) => tf.Scalar,
    readonly direction: MetricDirection = 'max',
  ) {}
  reset(): void {
    this.total?.dispose();
    this.total = undefined;
    this.count = 0;
  }
  accumulate(pred: tf.Tensor, target: tf.Tensor): void {
    const bs = target.shape[0] ?? 1;
    const next = tf.tidy(() => {
      const v = tf.mul(this.fn(pred, target), bs) as tf.Scalar;
      return this.total ? (tf.add(this.total, v) as tf.Scalar) : v;
    });
    this.total?.dispose();
    this.total = next;
    this.count += bs;
  }
  async value(): Promise<number> {
    if (!this.total || this.count === 0) return NaN;
    return (await this.total.data())[0] / this.count;
  }
}

/**
 * fastai's `AccumMetric`: keeps every prediction and target, then computes the metric once over the set
 * (F1, ROC AUC, R², RMSE… where a mean of batch values would differ).
 */
export class AccumMetric implements Metric {
  private preds: tf.Tensor[] = [];
  private targs: tf.Tensor[] = [];
  constructor(
    readonly name: string,
    private readonly fn: (pred: Float32Array | Int32Array | Uint8Array, target: Float32Array | Int32Array | Uint8Array, predShape: number[]) => number,
    private readonly prep: (pred: tf.Tensor) => tf.Tensor = (p) => p,
    readonly direction: MetricDirection = 'max',
  ) {}
  reset(): void {
    tf.dispose([...this.preds, ...this.targs]);
    this.preds = [];
    this.targs = [];
  }
  accumulate(pred: tf.Tensor, target: tf.Tensor): void {
    // tf.clone when `prep` returns its input (the identity): tidy keeps but does not copy it, and the Learner
    // disposes the batch's predictions after the step.
    this.preds.push(tf.tidy(() => {
      const p = this.prep(pred);
      return p === pred ? tf.clone(p) : p;
    }));
    this.targs.push(tf.clone(target));
  }
  async value(): Promise<number> {
    if (!this.preds.length) return NaN;
    const p = tf.concat(this.preds, 0);
    const t = tf.concat(this.targs, 0);
    const [pd, td] = await Promise.all([p.data(), t.data()]);
    const shape = p.shape;
    tf.dispose([p, t]);
    return this.fn(pd, td, shape);
  }
}

const argmaxEq = (pred: tf.Tensor, target: tf.Tensor) => tf.equal(tf.argMax(pred, -1), target.toInt().reshape(pred.shape.slice(0, -1)));

/**
 * Fraction of items whose argmax equals the target (any leading shape; class axis last).
 * @example
 * ```ts
 * new Learner(dls, model, { metrics: [accuracy()] });
 * ```
 */
export function accuracy(): Metric {
  return new AvgMetric('accuracy', (p, t) => tf.mean(argmaxEq(p, t).toFloat()) as tf.Scalar);
}

/** `1 - accuracy`. */
export function errorRate(): Metric {
  return new AvgMetric('error_rate', (p, t) => tf.sub(1, tf.mean(argmaxEq(p, t).toFloat())) as tf.Scalar, 'min');
}

/** Whether the target is among the `k` highest predictions. */
export function topKAccuracy(k = 5): Metric {
  return new AvgMetric('top_k_accuracy', (p, t) => {
    const { indices } = tf.topk(p, k);
    return tf.mean(tf.any(tf.equal(indices, t.toInt().reshape([-1, 1])), 1).toFloat()) as tf.Scalar;
  });
}

/** Root mean squared error over the whole set. */
export function rmse(): Metric {
  return new AccumMetric('_rmse', (p, t) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += (p[i] - t[i]) ** 2;
    return Math.sqrt(s / p.length);
  }, undefined, 'min');
}

/** Mean absolute error. */
export function mae(): Metric {
  return new AvgMetric('mae', (p, t) => tf.mean(tf.abs(tf.sub(p.reshape([-1]), t.reshape([-1]).toFloat()))) as tf.Scalar, 'min');
}

/** Mean squared error. */
export function mse(): Metric {
  return new AvgMetric('mse', (p, t) => tf.mean(tf.squaredDifference(p.reshape([-1]), t.reshape([-1]).toFloat())) as tf.Scalar, 'min');
}

/** Coefficient of determination over the whole set (sklearn's `r2_score`). */
export function r2Score(): Metric {
  return new AccumMetric('r2_score', (p, t) => {
    let mean = 0;
    for (let i = 0; i < t.length; i++) mean += t[i];
    mean /= t.length;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < t.length; i++) {
      ssRes += (t[i] - p[i]) ** 2;
      ssTot += (t[i] - mean) ** 2;
    }
    return 1 - ssRes / ssTot;
  });
}

/**
 * F1 score over the whole set (sklearn's `f1_score`): `average` 'binary' (positive class 1, the default),
 * 'macro' or 'micro'. Predictions are class scores (argmax taken).
 */
export function f1Score(opts: { average?: 'binary' | 'macro' | 'micro'; posLabel?: number } = {}): Metric {
  const average = opts.average ?? 'binary';
  const pos = opts.posLabel ?? 1;
  return new AccumMetric(
    'f1_score',
    (p, t) => {
      const classes = new Set<number>();
      for (let i = 0; i < t.length; i++) classes.add(t[i]).add(p[i]);
      const f1For = (c: number) => {
        let tp = 0;
        let fp = 0;
        let fn = 0;
        for (let i = 0; i < t.length; i++) {
          if (p[i] === c && t[i] === c) tp++;
          else if (p[i] === c) fp++;
          else if (t[i] === c) fn++;
        }
        return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
      };
      if (average === 'binary') return f1For(pos);
      if (average === 'macro') {
        const cs = [...classes];
        return cs.reduce((s, c) => s + f1For(c), 0) / cs.length;
      }
      let ok = 0;
      for (let i = 0; i < t.length; i++) if (p[i] === t[i]) ok++;
      return ok / t.length; // micro-F1 of single-label classification equals accuracy
    },
    (pred) => tf.argMax(pred, -1),
  );
}

/**
 * Area under the ROC curve for binary classification (scores of class 1 after softmax, or a single logit
 * column after sigmoid), computed over the whole set with ties averaged (as sklearn's `roc_auc_score`).
 */
export function rocAucBinary(): Metric {
  return new AccumMetric(
    'roc_auc_score',
    (s, t) => {
      const idx = Array.from(s.keys()).sort((a, b) => s[a] - s[b]);
      // Mann–Whitney U with average ranks for ties.
      const ranks = new Float64Array(s.length);
      for (let i = 0; i < idx.length; ) {
        let j = i;
        while (j + 1 < idx.length && s[idx[j + 1]] === s[idx[i]]) j++;
        for (let k = i; k <= j; k++) ranks[idx[k]] = (i + j) / 2 + 1;
        i = j + 1;
      }
      let nPos = 0;
      let sumPos = 0;
      for (let i = 0; i < t.length; i++)
        if (t[i] === 1) {
          nPos++;
          sumPos += ranks[i];
        }
      const nNeg = t.length - nPos;
      if (!nPos || !nNeg) return NaN;
      return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
    },
    (pred) => (pred.shape[pred.rank - 1] === 1 || pred.rank === 1 ? tf.sigmoid(pred.reshape([-1])) : tf.softmax(pred).slice([0, 1], [-1, 1]).reshape([-1])),
  );
}

/** `exp(cross-entropy)` for language models (pred `[B, T, V]`, target `[B, T]`). */
export function perplexity(): Metric {
  const m = new AvgMetric('perplexity', (p, t) => {
    const v = p.shape[p.rank - 1]!;
    const logp = tf.logSoftmax(p.reshape([-1, v]));
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(t.reshape([-1]).toInt(), v)), 1))) as tf.Scalar;
  });
  return {
    name: 'perplexity',
    direction: 'min',
    reset: () => m.reset(),
    accumulate: (p, t) => m.accumulate(p, t),
    value: async () => Math.exp(await m.value()),
  };
}

/** Names of the built-in metrics, for exports (a prototype-less, frozen record: look names up with `Object.hasOwn`). */
export const METRICS: Readonly<Record<string, () => Metric>> = Object.freeze(Object.assign(Object.create(null) as Record<string, () => Metric>, {
  accuracy,
  error_rate: errorRate,
  top_k_accuracy: () => topKAccuracy(),
  _rmse: rmse,
  mae,
  mse,
  r2_score: r2Score,
  f1_score: () => f1Score(),
  roc_auc_score: rocAucBinary,
  perplexity,
}));

// PascalCase names of the factories above, kept one release for old scripts.
/** @deprecated Use {@link r2Score} (tfai's factories are camelCase); this name goes in the next release. */
export const R2Score = r2Score;
/** @deprecated Use {@link f1Score} (tfai's factories are camelCase); this name goes in the next release. */
export const F1Score = f1Score;
/** @deprecated Use {@link rocAucBinary} (tfai's factories are camelCase); this name goes in the next release. */
export const RocAucBinary = rocAucBinary;
