// Images with coloured dots at known points, and the centroid of each dot after a transform: the check that keypoints
// (PointBlock targets) move with the pixels. Used by augment/points.test.ts and data/point-block.test.ts.
import type { RGBImage } from '../data/image.js';

/** A black `w × h` image with a 3×3 red dot centred on pixel `red` and a green one on pixel `green`. */
export function dots(w: number, h: number, red: [number, number], green: [number, number]): RGBImage {
  const data = new Uint8Array(w * h * 3);
  for (const [[cx, cy], ch] of [
    [red, 0],
    [green, 1],
  ] as const)
    for (let y = cy - 1; y <= cy + 1; y++) for (let x = cx - 1; x <= cx + 1; x++) data[(y * w + x) * 3 + ch] = 255;
  return { data, width: w, height: h };
}

/** The points of `dots(…)` in pixel-edge coordinates (a pixel's centre is at +0.5): `[rx, ry, gx, gy]`. */
export const dotPoints = (red: [number, number], green: [number, number]): Float32Array =>
  Float32Array.of(red[0] + 0.5, red[1] + 0.5, green[0] + 0.5, green[1] + 0.5);

/**
 * The intensity centroid of channel `ch` (pixel-edge coordinates) of an RGB image whose full intensity is `full`
 * (255 for bytes, 1 for a float batch), or undefined when the dot is (nearly) gone.
 */
export function centroid(
  data: ArrayLike<number>,
  w: number,
  h: number,
  ch: number,
  full: number,
): [number, number] | undefined {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = data[(y * w + x) * 3 + ch];
      m += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  return m > 9 * full * 0.05 ? [sx / m, sy / m] : undefined;
}

/** How far each dot's centroid is from its point (`pts` in pixels: `[rx, ry, gx, gy]`); points within `margin` px of the border are skipped. */
export function dotOffsets(
  img: ArrayLike<number>,
  w: number,
  h: number,
  pts: ArrayLike<number>,
  full: number,
  margin = 3,
): { dot: number; at: [number, number]; dx: number; dy: number }[] {
  const out: { dot: number; at: [number, number]; dx: number; dy: number }[] = [];
  for (const ch of [0, 1]) {
    const [px, py] = [pts[2 * ch], pts[2 * ch + 1]];
    if (px < margin || py < margin || px > w - margin || py > h - margin) continue;
    const c = centroid(img, w, h, ch, full);
    out.push({ dot: ch, at: [px, py], dx: c ? Math.abs(c[0] - px) : Infinity, dy: c ? Math.abs(c[1] - py) : Infinity });
  }
  return out;
}
