import { describe, expect, it } from 'vitest';
import { numParams } from '@tfai/core/nn';
import { MODEL_NAMES, buildBenchModel } from './models.js';

describe('the bench models', () => {
  // Building a model is cheap (no step runs): each one, through its package's public API, has exactly the parameters
  // of its PyTorch twin, so the ratios compare the same networks.
  it.each(MODEL_NAMES)('%s has the parameter count of its PyTorch twin', (name) => {
    const b = buildBenchModel(name, 256);
    try {
      expect(b.torchParams).toBeGreaterThan(0);
      expect(numParams(b.model)).toBe(b.torchParams);
    } finally {
      b.dispose();
    }
  });

  it('the loss of a batch is a finite scalar (the tabular net)', () => {
    const b = buildBenchModel('tabular');
    try {
      const loss = b.loss();
      expect(loss.shape).toEqual([]);
      expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
      loss.dispose();
    } finally {
      b.dispose();
    }
  });
});
