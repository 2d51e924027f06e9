import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { perplexity } from './perplexity.js';
import { E, I } from '../../test-utils/metrics.js';

describe('perplexity', () => {
  it('exp of the mean cross-entropy of a language model’s [B, T, V] outputs, on the fixture; lower is better', async () => {
    const m = perplexity();
    const [p, t] = [tf.tensor3d(I.lmLogits), tf.tensor2d(I.lmY, undefined, 'int32')];
    m.accumulate(p, t);
    expect(await m.value()).toBeCloseTo(E.perplexity, 4);
    expect(m.direction).toBe('min');
    m.reset();
    tf.dispose([p, t]);
  });
});
