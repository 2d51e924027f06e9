// fastai's `FBetaMulti` and `F1ScoreMulti` (sklearn's `fbeta_score` on thresholded multi-label predictions).
import * as tf from '@tensorflow/tfjs-core';
import type { MultiLabelMetricOptions } from './accuracy-multi.js';
import { AccumMetric, type Metric } from './metric.js';

/** Options of {@link fBetaMulti}. */
export interface FBetaMultiOptions extends MultiLabelMetricOptions {
  /** How the per-sample or per-label scores combine (sklearn's `average`; default `'samples'`). */
  average?: 'samples' | 'macro' | 'micro' | 'weighted';
}

/** F-beta of counts, 0 where undefined (sklearn's `zero_division=0`). */
function fbeta(tp: number, fp: number, fn: number, beta: number): number {
  const p = tp + fp ? tp / (tp + fp) : 0;
  const r = tp + fn ? tp / (tp + fn) : 0;
  const b2 = beta * beta;
  return p + r ? ((1 + b2) * p * r) / (b2 * p + r) : 0;
}

/**
 * sklearn's multi-label `fbeta_score` of 0/1 predictions and targets `[n, c]` (flat, row-major).
 * @example
 * ```ts
 * multiLabelFBeta(new Uint8Array([1, 0]), new Float32Array([1, 1]), 1, 2, 1, 'samples'); // 0.667
 * ```
 */
export function multiLabelFBeta(
  pred: ArrayLike<number>,
  targ: ArrayLike<number>,
  n: number,
  c: number,
  beta: number,
  average: NonNullable<FBetaMultiOptions['average']>,
): number {
  const count = (rows: boolean) => {
    const len = rows ? n : c;
    const tp = new Float64Array(len);
    const fp = new Float64Array(len);
    const fn = new Float64Array(len);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < c; j++) {
        const k = rows ? i : j;
        const p = pred[i * c + j] > 0;
        const t = targ[i * c + j] > 0.5;
        if (p && t) tp[k]++;
        else if (p) fp[k]++;
        else if (t) fn[k]++;
      }
    return { tp, fp, fn, len };
  };
  if (average === 'samples') {
    const { tp, fp, fn } = count(true);
    let s = 0;
    for (let i = 0; i < n; i++) s += fbeta(tp[i], fp[i], fn[i], beta);
    return s / n;
  }
  const { tp, fp, fn } = count(false);
  if (average === 'micro') {
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    return fbeta(sum(tp), sum(fp), sum(fn), beta);
  }
  let s = 0;
  let w = 0;
  for (let j = 0; j < c; j++) {
    const support = average === 'weighted' ? tp[j] + fn[j] : 1;
    s += support * fbeta(tp[j], fp[j], fn[j], beta);
    w += support;
  }
  return w ? s / w : 0;
}

/**
 * fastai's `FBetaMulti(beta, thresh, sigmoid, average)`: sklearn's `fbeta_score` over the whole validation set of
 * predictions (logits, sigmoid applied unless `sigmoid: false`) above `thresh` against one-hot targets.
 * @example
 * ```ts
 * new Learner(dls, model, { metrics: [fBetaMulti(2, { average: 'samples' })] });
 * ```
 */
export function fBetaMulti(beta: number, opts: FBetaMultiOptions = {}): Metric {
  return multiLabelScore('fbeta_score', beta, opts);
}

/** An AccumMetric of {@link multiLabelFBeta} named `name`. */
function multiLabelScore(name: string, beta: number, opts: FBetaMultiOptions): Metric {
  const thresh = opts.thresh ?? 0.5;
  const sigmoid = opts.sigmoid ?? true;
  const average = opts.average ?? 'samples';
  return new AccumMetric(
    name,
    (p, t, shape) => {
      const c = shape[shape.length - 1] ?? 1;
      return multiLabelFBeta(p, t, p.length / c, c, beta, average);
    },
    (pred) => tf.greater(sigmoid ? tf.sigmoid(pred) : pred, thresh).toInt(),
  );
}

/**
 * fastai's `F1ScoreMulti(thresh, sigmoid, average)`: {@link fBetaMulti} with beta 1 (default average `'macro'`).
 * @example
 * ```ts
 * new Learner(dls, model, { metrics: [f1ScoreMulti()] });
 * ```
 */
export function f1ScoreMulti(opts: FBetaMultiOptions = {}): Metric {
  return multiLabelScore('f1_score', 1, { average: 'macro', ...opts });
}
