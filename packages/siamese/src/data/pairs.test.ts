import { describe, expect, it } from 'vitest';
import { Rng } from '@tfai/core';
import { SiameseDataError } from '../errors.js';
import { drawPairs, PairSampler, type LabelledImage } from './pairs.js';

const images: LabelledImage[] = Array.from({ length: 30 }, (_, i) => ({ file: `img${i}.png`, label: `c${i % 3}` }));
const label = new Map(images.map((im) => [im.file, im.label]));

describe('drawPairs', () => {
  it('pairs each anchor with a same-class image for exactly half the anchors, a different class otherwise', () => {
    const pairs = drawPairs(images, images, new Rng(1));
    expect(pairs.map((p) => p.a)).toEqual(images.map((im) => im.file));
    expect(pairs.filter((p) => p.same).length).toBe(15);
    for (const p of pairs) {
      expect(label.get(p.a) === label.get(p.b)).toBe(p.same);
      expect(p.b).not.toBe(p.a);
    }
    // An odd count rounds the same half up.
    expect(drawPairs(images.slice(0, 7), images, new Rng(1)).filter((p) => p.same).length).toBe(4);
  });

  it('is seeded: the same RNG seed gives the same pairs, another seed others', () => {
    expect(drawPairs(images, images, new Rng(5))).toEqual(drawPairs(images, images, new Rng(5)));
    expect(drawPairs(images, images, new Rng(5))).not.toEqual(drawPairs(images, images, new Rng(6)));
  });

  it('needs two classes for different pairs', () => {
    const one = images.filter((im) => im.label === 'c0');
    expect(() => drawPairs(one, one, new Rng(1), 'folder/train')).toThrow(SiameseDataError);
    expect(() => drawPairs(one, one, new Rng(1), 'folder/train')).toThrow(
      /folder\/train: .*at least 2 classes, found 1 \(c0\)/,
    );
  });
});

describe('PairSampler', () => {
  it('re-draws the pairs each epoch, reproducibly', () => {
    const s = new PairSampler(images, images, 42);
    const e0 = s.pairs(0);
    const e1 = s.pairs(1);
    expect(e1).not.toEqual(e0);
    expect(new PairSampler(images, images, 42).pairs(1)).toEqual(e1);
    expect(s.pairs(0)).toEqual(e0);
    expect(e1.filter((p) => p.same).length).toBe(15);
  });
});
