import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import type { RGBImage } from '../data/image.js';
import { RandomResizedCrop, randomResizedCropPlan } from './random-resized-crop.js';
import { Resize, cropPad, resizePlan } from './resize.js';

/** A w×h image whose red channel is the column, green the row, blue 100. */
function ramp(w: number, h: number): RGBImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 100], (y * w + x) * 3);
  return { data, width: w, height: h };
}
const px = (im: RGBImage, x: number, y: number) =>
  Array.from(im.data.subarray((y * im.width + x) * 3, (y * im.width + x) * 3 + 3));

describe('Resize: fastai’s crop/pad/squish arithmetic on sharp', () => {
  // Each row: image w, h, target [h, w], method, pct → crop window [left, top, width, height].
  it.each([
    // crop: m = min(100/32, 50/32) = 1.5625 → 50×50, centred at x = int(0.5·50) = 25
    [100, 50, [32, 32], 'crop', [0.5, 0.5], [25, 0, 50, 50]],
    // pad: m = max(…) = 3.125 → 100×100, tl.y = int(0.5·(50 − 100)) = −25 (truncated toward 0, as Python's int)
    [100, 50, [32, 32], 'pad', [0.5, 0.5], [0, -25, 100, 100]],
    [87, 128, [64, 64], 'pad', [0.5, 0.5], [-20, 0, 128, 128]],
    // non-square target [h, w] = [20, 40]: crop m = min(100/40, 50/20) = 2.5 → 100×50
    [100, 50, [20, 40], 'crop', [0.5, 0.5], [0, 0, 100, 50]],
    [100, 50, [32, 32], 'squish', [0.2, 0.2], [0, 0, 100, 50]],
  ] as const)(
    'resizePlan reproduces fastai’s Resize.encodes (cp_sz = int(m·size), tl = int(pct·(orig − cp_sz))): %i×%i to %j by %s',
    (w, h, size, method, pct, [left, top, width, height]) => {
      expect(resizePlan(w, h, [...size], method, [...pct])).toEqual({ left, top, width, height, resizeTo: [...size] });
    },
  );

  it('resizePlan places the crop by pct: 0 at the left, 0.999 at the right', () => {
    expect(resizePlan(100, 50, [32, 32], 'crop', [0, 0.3]).left).toBe(0);
    expect(resizePlan(100, 50, [32, 32], 'crop', [0.999, 0.3]).left).toBe(49);
  });

  it('crop without resizing keeps exact pixels; validation crops the centre, training a random position', async () => {
    const img = ramp(60, 40);
    const centre = await new Resize(40).apply(img, { train: false, rng: new Rng(0) });
    expect([centre.width, centre.height]).toEqual([40, 40]);
    expect(px(centre, 0, 0)).toEqual([10, 0, 100]);
    expect(px(centre, 39, 39)).toEqual([49, 39, 100]);
    const lefts = new Set<number>();
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++) lefts.add(px(await new Resize(40).apply(img, { train: true, rng }), 0, 0)[0]);
    expect(lefts.size).toBeGreaterThan(5);
    expect(Math.min(...lefts)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lefts)).toBeLessThanOrEqual(20);
  });

  it('pad with zeros puts black bands around the fitted image; reflection mirrors it; squish fills the frame', async () => {
    const img = ramp(40, 20);
    const zeros = await new Resize(40, { method: 'pad', padMode: 'zeros' }).apply(img, {
      train: false,
      rng: new Rng(0),
    });
    expect([zeros.width, zeros.height]).toEqual([40, 40]);
    expect(px(zeros, 5, 3)).toEqual([0, 0, 0]);
    expect(px(zeros, 5, 36)).toEqual([0, 0, 0]);
    expect(px(zeros, 5, 15)).toEqual([5, 5, 100]);
    const refl = await new Resize(40, { method: 'pad' }).apply(img, { train: false, rng: new Rng(0) });
    expect(px(refl, 5, 3)[2]).toBe(100); // mirrored image, not black
    const squish = await new Resize([10, 20], { method: 'squish' }).apply(img, { train: false, rng: new Rng(0) });
    expect([squish.width, squish.height]).toEqual([20, 10]);
    expect(px(squish, 0, 0)[2]).toBe(100);
  });

  it('cropPad resizes bilinearly: a 2× downscale of a ramp averages neighbours', async () => {
    const out = await cropPad(ramp(64, 64), { left: 0, top: 0, width: 64, height: 64, resizeTo: [32, 32] });
    expect(px(out, 10, 10)[0]).toBeGreaterThanOrEqual(20);
    expect(px(out, 10, 10)[0]).toBeLessThanOrEqual(21);
  });

  it('rejects bad sizes and methods with a RangeError', () => {
    expect(() => new Resize(0)).toThrow(RangeError);
    expect(() => new Resize(32, { method: 'stretch' as never })).toThrow(/unknown method/);
  });
});

describe('RandomResizedCrop as fastai', () => {
  it('training crops cover minScale…1 of the area with a ratio in [3/4, 4/3], inside the image', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const p = randomResizedCropPlan(120, 90, [64, 64], { minScale: 0.35, maxScale: 1, ratio: [3 / 4, 4 / 3] }, rng);
      expect(p.left).toBeGreaterThanOrEqual(0);
      expect(p.top).toBeGreaterThanOrEqual(0);
      expect(p.left + p.width).toBeLessThanOrEqual(120);
      expect(p.top + p.height).toBeLessThanOrEqual(90);
      const area = (p.width * p.height) / (120 * 90);
      expect(area).toBeGreaterThan(0.3);
      if (p.width !== 120 || p.height !== 90) expect(p.width / p.height).toBeGreaterThan(0.7);
    }
  });

  it('falls back to a centred crop of the allowed ratio when ten attempts fail (fastai’s fallback)', () => {
    // A 400×10 strip: no crop of ≥ 99% of the area fits with ratio ≤ 4/3 → centre crop of width int(10·4/3) = 13.
    const p = randomResizedCropPlan(
      400,
      10,
      [8, 8],
      { minScale: 0.99, maxScale: 1, ratio: [3 / 4, 4 / 3] },
      new Rng(0),
    );
    expect(p).toEqual({ left: Math.floor((400 - 13) / 2), top: 0, width: 13, height: 10, resizeTo: [8, 8] });
  });

  it('validation resizes to size + ceil(size·0.14/8)·8 and centre-crops: 64 → 80 → 64', async () => {
    const img = ramp(80, 80);
    const out = await new RandomResizedCrop(64).apply(img, { train: false, rng: new Rng(0) });
    expect([out.width, out.height]).toEqual([64, 64]);
    expect(px(out, 0, 0)).toEqual([8, 8, 100]); // xtra = ceil(8.96/8)·8 = 16; (80 − 64) / 2 = 8: exact pixels
  });
});
