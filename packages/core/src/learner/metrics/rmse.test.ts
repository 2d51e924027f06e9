import { describe, expect, it } from 'vitest';
import { rmse } from './rmse.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('rmse', () => {
  it('root mean squared error over the whole set (not a mean of batch values); lower is better', async () => {
    const { preg, yreg } = fixtureTensors();
    expect(await value(rmse(), preg, yreg)).toBeCloseTo(E._rmse, 5);
    expect(await value(rmse(), preg, yreg, 3)).toBeCloseTo(E._rmse, 5);
    expect(rmse().direction).toBe('min');
  });
});
