import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './resample.js';

// Pillow 9.4's Image.resize(BILINEAR) of synthetic images (fixtures/pil-bilinear.py writes them).
const cases = JSON.parse(readFileSync(new URL('./fixtures/pil-bilinear.json', import.meta.url), 'utf8')) as [
  number,
  number,
  number,
  number,
  number[],
][];

const synthetic = (w: number, h: number) =>
  Uint8Array.from({ length: w * h * 3 }, (_, i) => {
    const c = i % 3;
    const p = (i - c) / 3;
    const x = p % w;
    const y = (p - x) / w;
    return ((y * w + x) * 37 + c * 101 + (x * x * 7 + y * 13)) % 256;
  });

describe("resizeBilinear: Pillow's bilinear resize, byte for byte", () => {
  for (const [w, h, ow, oh, want] of cases)
    it(`${w}×${h} → ${ow}×${oh}`, () => {
      const out = resizeBilinear({ data: synthetic(w, h), width: w, height: h }, ow, oh);
      expect([out.width, out.height]).toEqual([ow, oh]);
      expect(Array.from(out.data)).toEqual(want);
    });

  it('the same size is a copy, never the input itself', () => {
    const img = { data: synthetic(3, 2), width: 3, height: 2 };
    const out = resizeBilinear(img, 3, 2);
    expect(out.data).not.toBe(img.data);
    expect(Array.from(out.data)).toEqual(Array.from(img.data));
  });
});
