import { describe, expect, it } from 'vitest';
import { OptimizerError } from '../errors.js';
import { referenceFacts } from '@tfai/test-utils';
import { evenMults, lrsForGroups, slice, LrSlice } from './lr.js';

const facts = referenceFacts();
const resnet = facts.vision_learner.resnet18_nout37 as Record<string, number[]>;

describe('discriminative learning rates', () => {
  it("evenMults is fastai's even_mults, bit for bit", () => {
    expect(evenMults(1e-6, 1e-4, 3)).toEqual(facts.vision_learner['even_mults_1e-6_1e-4_3']);
    expect(evenMults(1e-6, 1e-4, 1)).toEqual([1e-4]);
  });

  it("spreads slices over resnet18's three groups as fastai's set_hyper does", () => {
    expect(lrsForGroups(slice(1e-6, 1e-4), 3)).toEqual(resnet['lrs_for_slice_1e-6_1e-4']);
    expect(lrsForGroups(slice(1e-4), 3)).toEqual(resnet['lrs_for_slice_None_1e-4']);
    expect(lrsForGroups(1e-3, 3)).toEqual(resnet['lrs_for_float_1e-3']);
  });

  it('gives the siamese model (two groups) its reference learning rates', () => {
    expect(lrsForGroups(slice(1e-6, 1e-4), 2)).toEqual(facts.siamese['lrs_for_slice_1e-6_1e-4']);
  });

  it('takes lists (one value or one per group) and rejects a wrong length', () => {
    expect(lrsForGroups([1e-3], 2)).toEqual([1e-3, 1e-3]);
    expect(lrsForGroups([1, 2], 2)).toEqual([1, 2]);
    expect(() => lrsForGroups([1, 2], 3)).toThrow(OptimizerError);
    // Python treats a start of 0 as no start.
    expect(lrsForGroups(new LrSlice(0, 1e-2), 2)).toEqual([1e-3, 1e-2]);
    expect(lrsForGroups(slice(1e-2), 1)).toEqual([1e-2]);
  });
});
