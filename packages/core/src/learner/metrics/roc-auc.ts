// fastai's `RocAucBinary` (sklearn's `roc_auc_score`, ties averaged) over the whole set.
import * as tf from '@tensorflow/tfjs-core';
import { AccumMetric, type Metric } from './metric.js';

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
      for (let i = 0; i < idx.length;) {
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
    (pred) =>
      pred.shape[pred.rank - 1] === 1 || pred.rank === 1
        ? tf.sigmoid(pred.reshape([-1]))
        : tf.softmax(pred).slice([0, 1], [-1, 1]).reshape([-1]),
  );
}
