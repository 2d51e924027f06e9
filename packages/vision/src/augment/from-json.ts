// Transforms back from the JSON an export keeps (no code in files: a closed list of types).
import { ImageDataError } from '../data/errors.js';
import type { BatchTfmSpec, BatchTransform } from './batch-transform.js';
import type { ItemTfmSpec, ItemTransform } from './item-transform.js';
import { FlipItem } from './flip.js';
import { Normalize } from './normalize.js';
import { RandomResizedCrop } from './random-resized-crop.js';
import { Resize } from './resize.js';

/**
 * An item transform from its `toJSON()` form.
 * @example
 * ```ts
 * itemTfmFromJSON({ type: 'Resize', size: [64, 64], method: 'crop', padMode: 'reflection' });
 * ```
 */
export function itemTfmFromJSON(spec: ItemTfmSpec): ItemTransform {
  switch (spec.type) {
    case 'Resize':
      return new Resize(spec.size, { method: spec.method, padMode: spec.padMode });
    case 'RandomResizedCrop':
      return new RandomResizedCrop(spec.size, {
        minScale: spec.minScale,
        maxScale: spec.maxScale,
        ratio: spec.ratio,
        valXtra: spec.valXtra,
      });
    case 'FlipItem':
      return new FlipItem({ p: spec.p });
    default:
      throw new ImageDataError(`unknown item transform '${(spec as { type?: string }).type}' in an export`);
  }
}

/**
 * A batch transform from its `toJSON()` form.
 * @example
 * ```ts
 * batchTfmFromJSON({ type: 'Normalize', mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] });
 * ```
 */
export function batchTfmFromJSON(spec: BatchTfmSpec): BatchTransform {
  switch (spec.type) {
    case 'Normalize':
      return new Normalize(spec.mean, spec.std);
    default:
      throw new ImageDataError(`unknown batch transform '${(spec as { type?: string }).type}' in an export`);
  }
}
