// Points drawn on an image (fastai's TensorPoint.show: a scatter over the picture), for showBatch/showResults of a
// PointBlock target: each point in [-1, 1] (x, y) becomes a small filled square.
import type { RGBImage } from './image.js';

/**
 * A copy of `img` with each point (x, y in [-1, 1], fastai's scaled coordinates) drawn as a `size`-pixel square.
 * @example
 * ```ts
 * const marked = drawPoints(img, [[0, 0]], [255, 0, 0]); // a red square at the centre
 * ```
 */
export function drawPoints(
  img: RGBImage,
  points: readonly (readonly [number, number])[],
  color: readonly [number, number, number] = [255, 0, 0],
  size = Math.max(3, Math.round(Math.min(img.width, img.height) / 16)),
): RGBImage {
  const data = new Uint8Array(img.data);
  const r = Math.floor(size / 2);
  for (const [x, y] of points) {
    const cx = Math.round(((x + 1) / 2) * img.width - 0.5);
    const cy = Math.round(((y + 1) / 2) * img.height - 0.5);
    for (let yy = cy - r; yy <= cy + r; yy++)
      for (let xx = cx - r; xx <= cx + r; xx++) {
        if (xx < 0 || yy < 0 || xx >= img.width || yy >= img.height) continue;
        data.set(color, (yy * img.width + xx) * 3);
      }
  }
  return { ...img, data };
}
