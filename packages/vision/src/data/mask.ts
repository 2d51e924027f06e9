// Segmentation masks (fastai's `PILMask` / `TensorMask`), beside `RGBImage`: decoded as one byte per pixel (the
// class index), checked against the image and the codes, cropped and resized with nearest neighbour, coloured for
// pictures. The transforms (augment/) take masks from here.
import { decodeMaskRaw } from '#platform/decode';
import type { CropPadPlan } from '../augment/resize.js';
import type { PadMode } from '../augment/item-transform.js';
import { SegmentationDataError } from './errors.js';
import { isImagePixels, sourceName, type ImageSource, type RGBImage } from './image.js';

/** A class map: `height × width` class indices, row-major. */
export interface Mask {
  /** Class index of each pixel (`height × width`, row-major; values below the number of codes). */
  data: Uint8Array;
  /** Width in pixels (equal to its image's). */
  width: number;
  /** Height in pixels (equal to its image's). */
  height: number;
}

/**
 * Decodes a mask image to one class index per pixel: the grey level of an 8-bit greyscale PNG (an alpha band is
 * ignored). A colour image whose channels differ is refused (a mask must hold class indices, not colours).
 * @example
 * ```ts
 * const m = await loadMask('brain_aal/labels_lobes/ch2_axial_z060.png'); // 181×217 indices 0…7
 * ```
 */
export async function loadMask(src: ImageSource): Promise<Mask> {
  const { data, width, height, channels } = isImagePixels(src)
    ? { ...src, data: src.data as Uint8Array, channels: src.channels ?? 4 }
    : await decodeMaskRaw(src);
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = i * channels;
    if (channels >= 3 && (data[j] !== data[j + 1] || data[j] !== data[j + 2]))
      throw new SegmentationDataError(
        sourceName(src),
        `is a colour image (pixel ${i % width},${Math.floor(i / width)} is RGB ${data[j]},${data[j + 1]},${data[j + 2]}); a mask must be greyscale class indices`,
      );
    out[i] = data[j];
  }
  return { data: out, width, height };
}

/**
 * Checks a mask against its image and the codes: same size, every value a valid class index. Errors name the file.
 * @example
 * ```ts
 * checkMask(mask, 'labels/a.png', image, 'images/a.png', 8);
 * ```
 */
export function checkMask(
  mask: Mask,
  maskName: string,
  image: { width: number; height: number },
  imageName: string,
  nCodes: number | undefined,
): void {
  if (mask.width !== image.width || mask.height !== image.height)
    throw new SegmentationDataError(
      maskName,
      `mask is ${mask.width}×${mask.height} but its image ${imageName} is ${image.width}×${image.height}`,
    );
  if (nCodes === undefined) return;
  const d = mask.data;
  for (let i = 0; i < d.length; i++)
    if (d[i] >= nCodes)
      throw new SegmentationDataError(
        maskName,
        `pixel ${i % mask.width},${Math.floor(i / mask.width)} has value ${d[i]}, outside the ${nCodes} codes (0…${nCodes - 1})`,
      );
}

/** A source coordinate outside `[0, n)` brought back in as `padMode` pads (symmetric mirror as sharp's, edge, or -1 for zeros). */
export function padIndex(i: number, n: number, padMode: PadMode): number {
  if (i >= 0 && i < n) return i;
  if (padMode === 'zeros') return -1;
  if (padMode === 'border') return i < 0 ? 0 : n - 1;
  const period = 2 * n;
  const k = ((i % period) + period) % period;
  return k < n ? k : period - 1 - k;
}

/**
 * The mask counterpart of `cropPad`: the region of `plan` (padded with `padMode` where it reaches outside the
 * mask; zeros pad with class 0) resized to `plan.resizeTo` with nearest neighbour (pixel centres aligned, as
 * sharp's resize of the image), so the mask stays aligned with its image and keeps integer classes.
 * @example
 * ```ts
 * const small = cropPadMask(mask, { left: 0, top: 0, width: mask.width, height: mask.height, resizeTo: [64, 64] });
 * ```
 */
export function cropPadMask(mask: Mask, plan: CropPadPlan, padMode: PadMode = 'reflection'): Mask {
  const [oh, ow] = plan.resizeTo;
  if (
    plan.left === 0 &&
    plan.top === 0 &&
    plan.width === mask.width &&
    plan.height === mask.height &&
    ow === mask.width &&
    oh === mask.height
  )
    return mask;
  const sx = plan.width / ow;
  const sy = plan.height / oh;
  const cols = Int32Array.from({ length: ow }, (_, x) =>
    padIndex(plan.left + Math.floor((x + 0.5) * sx), mask.width, padMode),
  );
  const out = new Uint8Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const r = padIndex(plan.top + Math.floor((y + 0.5) * sy), mask.height, padMode);
    if (r < 0) continue;
    const row = r * mask.width;
    for (let x = 0; x < ow; x++) if (cols[x] >= 0) out[y * ow + x] = mask.data[row + cols[x]];
  }
  return { data: out, width: ow, height: oh };
}

/** A colour per class: black for class 0 (background), then well-separated hues. */
export function classColors(n: number): [number, number, number][] {
  const base: [number, number, number][] = [
    [0, 0, 0],
    [230, 25, 75],
    [60, 180, 75],
    [255, 225, 25],
    [0, 130, 200],
    [245, 130, 48],
    [145, 30, 180],
    [70, 240, 240],
    [240, 50, 230],
    [210, 245, 60],
    [250, 190, 212],
    [0, 128, 128],
    [220, 190, 255],
    [170, 110, 40],
    [255, 250, 200],
    [128, 0, 0],
    [170, 255, 195],
    [128, 128, 0],
    [255, 215, 180],
    [0, 0, 128],
  ];
  return Array.from({ length: n }, (_, i) => {
    if (i < base.length) return base[i];
    // Golden-angle hues beyond the table.
    const h = (i * 137.508) % 360;
    const f = (k: number) => {
      const kk = (k + h / 60) % 6;
      return Math.round(255 * (1 - 0.8 * Math.max(0, Math.min(kk, 4 - kk, 1))));
    };
    return [f(5), f(3), f(1)];
  });
}

/**
 * A class map as an RGB picture with {@link classColors} (fastai shows masks with a colour map).
 * @example
 * ```ts
 * const rgb = maskToRGB(mask, 8);
 * ```
 */
export function maskToRGB(
  mask: { data: ArrayLike<number>; width: number; height: number },
  nClasses: number,
): RGBImage {
  const colors = classColors(Math.max(nClasses, 1));
  const n = mask.width * mask.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = colors[mask.data[i]] ?? [255, 255, 255];
    data.set(c, i * 3);
  }
  return { data, width: mask.width, height: mask.height };
}
