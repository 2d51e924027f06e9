// tfai's metrics, one file each (fastai/metrics.py), with the accumulators they are made of and the registry exports
// look names up in.
export { AccumMetric, AvgMetric, type Metric, type MetricDirection } from './metric.js';
export { accuracy } from './accuracy.js';
export { errorRate } from './error-rate.js';
export { topKAccuracy } from './top-k-accuracy.js';
export { rmse } from './rmse.js';
export { mae } from './mae.js';
export { mse } from './mse.js';
export { r2Score } from './r2-score.js';
export { f1Score } from './f1-score.js';
export { rocAucBinary } from './roc-auc.js';
export { perplexity } from './perplexity.js';
export { accuracyMulti, type MultiLabelMetricOptions } from './accuracy-multi.js';
export { fBetaMulti, f1ScoreMulti, type FBetaMultiOptions } from './fbeta-multi.js';
export { METRICS } from './registry.js';
