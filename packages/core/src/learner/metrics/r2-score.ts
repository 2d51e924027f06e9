// fastai's `R2Score` (sklearn's `r2_score`) over the whole set.
import { AccumMetric, type Metric } from './metric.js';

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
