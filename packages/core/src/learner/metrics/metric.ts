// The metric interface and fastai's two accumulators (fastai/metrics.py: AvgMetric, AccumMetric), which every
// built-in metric in this folder is made of.
import * as tf from '@tensorflow/tfjs-core';

/** Which way a metric is better. */
export type MetricDirection = 'min' | 'max';

/**
 * A metric accumulated over a whole validation set. `accumulate` keeps its running state on the device
 * (no reads per batch); `value` reads it once.
 */
export interface Metric {
  /** The metric's fastai name (`'accuracy'`, `'error_rate'`): its epoch-table column, its key in results and exports. */
  readonly name: string;
  /**
   * Which way is better, as Keras's metrics declare it: 'min' for errors and losses (MAE, RMSE, perplexity), 'max'
   * for scores (accuracy, F1). Trackers (`EarlyStoppingCallback`, `SaveModelCallback`) read it; a metric
   * without one counts as 'max'.
   */
  readonly direction?: MetricDirection;
  /** Clears the running state before a validation pass. */
  reset(): void;
  /** Adds one batch's predictions and targets to the running state (on the device, no read). */
  accumulate(pred: tf.Tensor, target: tf.Tensor): void;
  /** The metric over everything accumulated since `reset` (one read from the device). */
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
  /** {@inheritDoc Metric.reset} */
  reset(): void {
    this.total?.dispose();
    this.total = undefined;
    this.count = 0;
  }
  /** {@inheritDoc Metric.accumulate} */
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
  /** {@inheritDoc Metric.value} */
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
    private readonly fn: (
      pred: Float32Array | Int32Array | Uint8Array,
      target: Float32Array | Int32Array | Uint8Array,
      predShape: number[],
    ) => number,
    private readonly prep: (pred: tf.Tensor) => tf.Tensor = (p) => p,
    readonly direction: MetricDirection = 'max',
  ) {}
  /** {@inheritDoc Metric.reset} */
  reset(): void {
    tf.dispose([...this.preds, ...this.targs]);
    this.preds = [];
    this.targs = [];
  }
  /** {@inheritDoc Metric.accumulate} */
  accumulate(pred: tf.Tensor, target: tf.Tensor): void {
    // tf.clone when `prep` returns its input (the identity): tidy keeps but does not copy it, and the Learner
    // disposes the batch's predictions after the step.
    this.preds.push(
      tf.tidy(() => {
        const p = this.prep(pred);
        return p === pred ? tf.clone(p) : p;
      }),
    );
    this.targs.push(tf.clone(target));
  }
  /** {@inheritDoc Metric.value} */
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
