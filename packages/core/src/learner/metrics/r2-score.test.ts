import { describe, expect, it } from 'vitest';
import { r2Score } from './r2-score.js';
import { E, fixtureTensors, value } from '../../test-utils/metrics.js';

describe('r2Score', () => {
  it("sklearn's r2_score over the whole set, on the fixture", async () => {
    const { preg, yreg } = fixtureTensors();
    expect(await value(r2Score(), preg, yreg)).toBeCloseTo(E.r2_score, 5);
    expect(await value(r2Score(), yreg, yreg)).toBe(1);
    expect(r2Score().direction).toBe('max');
  });
});
