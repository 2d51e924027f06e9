// fastai's `rmse` (`_rmse`): root mean squared error over the whole set (lower is better).
import { AccumMetric, type Metric } from './metric.js';

/** Root mean squared error over the whole set. */
export function rmse(): Metric {
  return new AccumMetric(
    '_rmse',
    (p, t) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) s += (p[i] - t[i]) ** 2;
      return Math.sqrt(s / p.length);
    },
    undefined,
    'min',
  );
}
