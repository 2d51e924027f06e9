import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { referenceFacts } from '@tfai/test-utils';
import { imagenetStats } from '../models/model-meta.js';
import { Normalize } from './normalize.js';

describe('Normalize', () => {
  it('fromStats(imagenetStats) has fastai’s ImageNet statistics (model_meta resnet18 stats)', () => {
    const meta = (referenceFacts().model_meta as Record<string, { stats?: number[][] }>).resnet18;
    const n = Normalize.fromStats(imagenetStats);
    expect([n.mean, n.std]).toEqual(meta.stats ?? [n.mean, n.std]);
    expect(n.mean).toEqual([0.485, 0.456, 0.406]);
    expect(n.order).toBe(99);
  });

  it('encodes (x − mean) / std per channel; decodes undoes it', () => {
    const n = Normalize.fromStats([0.5, 0.25, 0], [0.5, 0.25, 2]);
    const x = tf.tensor4d([1, 0.5, 1, 0, 0, 0], [1, 1, 2, 3]);
    const y = n.encodes(x);
    expect(Array.from(y.dataSync())).toEqual([1, 1, 0.5, -1, -1, 0]);
    const back = n.decodes(y);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, back]);
    expect(() => Normalize.fromStats([0.5], [0])).toThrow(RangeError);
  });
});
