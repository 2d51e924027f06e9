import { describe, expect, it } from 'vitest';
import { errorRate } from './error-rate.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('errorRate', () => {
  it('1 − accuracy on the fixture; lower is better', async () => {
    const { logits, labels } = fixtureTensors();
    expect(await value(errorRate(), logits, labels)).toBeCloseTo(E.error_rate, 6);
    expect(errorRate().name).toBe('error_rate');
    expect(errorRate().direction).toBe('min');
  });
});
