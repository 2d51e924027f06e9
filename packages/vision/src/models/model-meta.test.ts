import { describe, expect, it } from 'vitest';
import { referenceFacts } from '@tfai/test-utils';
import { getModelMeta, modelMeta } from './archs.js';
import { defaultMeta, defaultSplit, imagenetStats, resnetSplit } from './model-meta.js';
import { resnet101, resnet152, resnet18, resnet34, resnet50 } from './resnet.js';

interface MetaFacts {
  cut: number | null;
  split: string;
  stats?: number[][];
}
const ref = referenceFacts();
const refMeta = ref.model_meta as Record<string, MetaFacts>;
const splitNames = new Map<unknown, string>([
  [resnetSplit, '_resnet_split'],
  [defaultSplit, 'default_split'],
]);

describe('modelMeta against fastai 2.7.12', () => {
  it.each([resnet18, resnet34, resnet50, resnet101, resnet152])('$name: cut, split and stats', (arch) => {
    const meta = getModelMeta(arch);
    expect(meta).toBe(modelMeta[arch.name]);
    const r = refMeta[arch.name];
    expect({ cut: meta.cut, split: splitNames.get(meta.split), stats: meta.stats }).toEqual({
      cut: r.cut,
      split: r.split,
      stats: r.stats,
    });
  });

  it('unknown architectures get the default meta (no cut, default split)', () => {
    const r = ref.model_meta_default as unknown as MetaFacts;
    const meta = getModelMeta('myNet');
    expect(meta).toBe(defaultMeta);
    expect([meta.cut ?? null, splitNames.get(meta.split), meta.stats]).toEqual([r.cut, r.split, undefined]);
    expect(getModelMeta('toString')).toBe(defaultMeta);
  });

  it('imagenetStats are the reference stats', () => {
    expect(imagenetStats).toEqual(refMeta.resnet34.stats);
  });
});
