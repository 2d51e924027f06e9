import { describe, expect, it } from 'vitest';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';
import { topKAccuracy } from './top-k-accuracy.js';

describe('topKAccuracy', () => {
  it('the target among the 2 highest scores, on the fixture', async () => {
    const { logits, labels } = fixtureTensors();
    expect(await value(topKAccuracy(2), logits, labels)).toBeCloseTo(E.top_k_accuracy_2, 6);
    // k = the 3 classes: always a hit.
    expect(await value(topKAccuracy(3), logits, labels)).toBe(1);
  });
});
