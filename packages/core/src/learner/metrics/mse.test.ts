import { describe, expect, it } from 'vitest';
import { mse } from './mse.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('mse', () => {
  it('mean squared error on the fixture, weighted by batch size; lower is better', async () => {
    const { preg, yreg } = fixtureTensors();
    expect(await value(mse(), preg, yreg)).toBeCloseTo(E.mse, 5);
    expect(mse().direction).toBe('min');
  });
});
