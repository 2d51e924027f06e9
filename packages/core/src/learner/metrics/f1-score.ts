// fastai's `F1Score` (sklearn's `f1_score`): binary, macro or micro over the whole set.
import * as tf from '@tensorflow/tfjs-core';
import { AccumMetric, type Metric } from './metric.js';

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
