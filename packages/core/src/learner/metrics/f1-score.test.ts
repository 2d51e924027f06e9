import { describe, expect, it } from 'vitest';
import { f1Score } from './f1-score.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('f1Score', () => {
  it("sklearn's f1_score, binary (positive class 1), macro and micro, on the fixture", async () => {
    const { logits, labels, bin2, binY } = fixtureTensors();
    expect(await value(f1Score(), bin2, binY)).toBeCloseTo(E.f1_binary, 6);
    expect(await value(f1Score({ average: 'macro' }), logits, labels)).toBeCloseTo(E.f1_macro, 6);
    expect(await value(f1Score({ average: 'micro' }), logits, labels)).toBeCloseTo(E.f1_micro, 6);
  });
});
