import * as core from '@tfai/core';
import { describe, expect, it } from 'vitest';
import * as vision from '../index.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it('re-exports the same objects', () => {
    for (const name of [
      'ConvLayer',
      'ResBlock',
      'PixelShuffleICNR',
      'SelfAttention',
      'SequentialEx',
      'MergeLayer',
      'OrigModule',
      'fastaiBatchNorm',
      'applyInit',
      'ArchitectureError',
    ] as const)
      expect(vision[name], name).toBe(core[name]);
  });
});
