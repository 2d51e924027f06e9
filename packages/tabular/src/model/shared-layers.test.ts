import * as core from '@tfai/core';
import { describe, expect, it } from 'vitest';
import * as tabular from '../index.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("the model is built of core's LinBnDrop; @tfai/tabular does not re-export core's objects", () => {
    const coreObjects = new Set<unknown>(Object.values(core));
    expect(Object.keys(tabular).filter((k) => coreObjects.has(tabular[k as keyof typeof tabular]))).toEqual([]);
    const m = new tabular.TabularModel([[5, 3]], 2, 1, { layers: [4] });
    expect(m.layers.get(0)).toBeInstanceOf(core.LinBnDrop);
    m.dispose();
  });
});
