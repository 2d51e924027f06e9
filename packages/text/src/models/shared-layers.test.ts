import * as core from '@tfai/core';
import { describe, expect, it } from 'vitest';
import * as text from '../index.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("the classifier head is built of core's LinBnDrop; @tfai/text does not re-export core's objects", () => {
    const coreObjects = new Set<unknown>(Object.values(core));
    expect(Object.keys(text).filter((k) => coreObjects.has(text[k as keyof typeof text]))).toEqual([]);
    const head = new text.PoolingLinearClassifier([12, 5, 2], [0.4, 0.1], 72);
    expect(head.layers.layers().every((l) => l instanceof core.LinBnDrop)).toBe(true);
    head.dispose();
  });
});
