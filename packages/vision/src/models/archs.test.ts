import { describe, expect, it } from 'vitest';
import { getModelMeta, isRegisteredArch, modelMeta, publishedWeights, visionArch, VISION_ARCHS } from './archs.js';
import { defaultMeta } from './model-meta.js';
import { resnet18, resnet34 } from './resnet.js';

describe('the architecture registry', () => {
  it('keys each entry by its architecture name; modelMeta and the lookups are its views', () => {
    for (const [name, e] of Object.entries(VISION_ARCHS)) {
      expect(e.build.name).toBe(name);
      expect(modelMeta[name]).toBe(e.meta);
      expect(getModelMeta(e.build)).toBe(e.meta);
      expect(visionArch(name)).toBe(e.build);
      expect(publishedWeights(name)).toBe(e.weights?.file);
    }
    expect(Object.keys(modelMeta)).toEqual(Object.keys(VISION_ARCHS));
  });

  it('an unknown name (or an Object.prototype key) is no architecture', () => {
    expect(visionArch('toString')).toBeUndefined();
    expect(publishedWeights('myNet')).toBeUndefined();
    expect(getModelMeta('constructor')).toBe(defaultMeta);
    const resnet18Twin = Object.defineProperty(() => resnet34(), 'name', { value: 'resnet18' }) as typeof resnet18;
    expect(isRegisteredArch(resnet18)).toBe(true);
    expect(isRegisteredArch(resnet18Twin)).toBe(false);
  });
});
