import { describe, expect, it } from 'vitest';
import { rocAucBinary } from './roc-auc.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('rocAucBinary', () => {
  it("sklearn's roc_auc_score with ties, from one logit column (sigmoid) or two (softmax), on the fixture", async () => {
    const { bin1, bin2, binY } = fixtureTensors();
    expect(await value(rocAucBinary(), bin1, binY)).toBeCloseTo(E.roc_auc_score, 6);
    expect(await value(rocAucBinary(), bin2, binY)).toBeCloseTo(E.roc_auc_score, 6);
  });
});
