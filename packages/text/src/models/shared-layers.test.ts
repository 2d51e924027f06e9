import * as core from '@tfai/core';
import { describe, expect, it } from 'vitest';
import * as text from '../index.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("re-exports core's LinBnDrop (the class @tfai/tabular exports too), which the classifier head is built of", () => {
    expect(text.LinBnDrop).toBe(core.LinBnDrop);
    const head = new text.PoolingLinearClassifier([12, 5, 2], [0.4, 0.1], 72);
    expect(head.layers.layers().every((l) => l instanceof core.LinBnDrop)).toBe(true);
    head.dispose();
  });
});
