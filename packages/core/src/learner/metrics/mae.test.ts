import { describe, expect, it } from 'vitest';
import { mae } from './mae.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('mae', () => {
  it('mean absolute error on the fixture, weighted by batch size; lower is better', async () => {
    const { preg, yreg } = fixtureTensors();
    expect(await value(mae(), preg, yreg)).toBeCloseTo(E.mae, 5);
    expect(mae().direction).toBe('min');
  });
});
