import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('accuracy', () => {
  it('the fraction of argmax hits over the set, as numpy computes it on the fixture; direction max', async () => {
    const { logits, labels } = fixtureTensors();
    expect(await value(accuracy(), logits, labels)).toBeCloseTo(E.accuracy, 6);
    expect(accuracy().name).toBe('accuracy');
    expect(accuracy().direction).toBe('max');
  });
});
