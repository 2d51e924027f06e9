import { describe, expect, it } from 'vitest';
import type { BatchTransform } from '../augment/batch-transform.js';
import { bodyOptions, setUpBodyLearner } from './load-body.js';
import { resnetSplit } from './model-meta.js';
import { resnet18 } from './resnet.js';

const data = () => {
  const batchTfms: BatchTransform[] = [];
  return { batchTfms, addBatchTfms: (...t: BatchTransform[]) => void batchTfms.push(...t) };
};

describe('the body options and the set-up the body-based learners share', () => {
  it('fills the defaults once: pretrained true (as fastai), 3 input channels', () => {
    expect(bodyOptions()).toEqual({ pretrained: true, pretrainedSha256: undefined, cut: undefined, nIn: 3 });
    expect(bodyOptions({ pretrained: false, nIn: 1, cut: -3 })).toMatchObject({ pretrained: false, nIn: 1, cut: -3 });
  });

  it('adds the normalisation when pretrained, and records what an export can name', async () => {
    const dls = data();
    const s = await setUpBodyLearner(dls, resnet18, {});
    expect(s.meta.split).toBe(resnetSplit);
    expect(dls.batchTfms.map((t) => t.constructor.name)).toEqual(['Normalize']);
    expect(s.bodyArgs).toEqual({ arch: 'resnet18', nIn: 3 });
    const plain = data();
    const t = await setUpBodyLearner(plain, resnet18, { pretrained: false, cut: -3, normalize: true });
    expect(plain.batchTfms).toHaveLength(0);
    expect(t.bodyArgs).toEqual({ arch: 'resnet18', nIn: 3, cut: -3 });
    const cutFn = await setUpBodyLearner(data(), resnet18, { pretrained: false, cut: (m) => m as never });
    expect(cutFn.bodyArgs).toBeUndefined();
  });
});
