import * as core from '@tfai/core';
import { describe, expect, it } from 'vitest';
import * as vision from '../index.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("@tfai/vision does not re-export core's objects (import them from @tfai/core)", () => {
    const coreObjects = new Set<unknown>(Object.values(core));
    expect(Object.keys(vision).filter((k) => coreObjects.has(vision[k as keyof typeof vision]))).toEqual([]);
  });
});
