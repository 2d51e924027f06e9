// The built-in metrics by the name an export records (fastai's metric names).
import { accuracy } from './accuracy.js';
import { accuracyMulti } from './accuracy-multi.js';
import { errorRate } from './error-rate.js';
import { f1Score } from './f1-score.js';
import { mae } from './mae.js';
import type { Metric } from './metric.js';
import { mse } from './mse.js';
import { perplexity } from './perplexity.js';
import { r2Score } from './r2-score.js';
import { rmse } from './rmse.js';
import { rocAucBinary } from './roc-auc.js';
import { topKAccuracy } from './top-k-accuracy.js';

/** Names of the built-in metrics, for exports (a prototype-less, frozen record: look names up with `Object.hasOwn`). */
export const METRICS: Readonly<Record<string, () => Metric>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, () => Metric>, {
    accuracy,
    accuracy_multi: () => accuracyMulti(),
    error_rate: errorRate,
    top_k_accuracy: () => topKAccuracy(),
    _rmse: rmse,
    mae,
    mse,
    r2_score: r2Score,
    f1_score: () => f1Score(),
    roc_auc_score: rocAucBinary,
    perplexity,
  }),
);
