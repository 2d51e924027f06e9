import * as core from '@tfai/core';
import { describe, expect, it } from 'vitest';
import * as tabular from '../index.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it('re-exports the same objects (one LinBnDrop class for tabular and text)', () => {
    expect(tabular.LinBnDrop).toBe(core.LinBnDrop);
    expect(tabular.fastaiEmbedding).toBe(core.fastaiEmbedding);
    expect(tabular.fastaiBatchNorm1d).toBe(core.fastaiBatchNorm1d);
    expect(tabular.truncNormal).toBe(core.truncNormal);
    const m = new tabular.TabularModel([[5, 3]], 2, 1, { layers: [4] });
    expect(m.layers.get(0)).toBeInstanceOf(core.LinBnDrop);
    m.dispose();
  });
});
