// Head and U-Net options as one nested object (`head: {...}`, `unet: {...}`, as fastai's cnn_config/unet_config),
// with the old flat form still read for one release (deprecated, warned once). Shared by vision and siamese through
// `@tfai/core/internal`.
import { warnOnce } from './option-keys.js';

/**
 * The nested options `nested` merged over the deprecated flat ones found in `rest` under `flatKeys` (which are
 * removed from `rest`). The first call of `fn` that uses the flat form warns once.
 * @example
 * ```ts
 * const { head, ...rest } = opts;
 * const headOpts = nestedOptions('visionLearner', 'head', head, rest, ['linFtrs', 'ps']);
 * ```
 */
export function nestedOptions<T extends object>(
  fn: string,
  nestName: string,
  nested: T | undefined,
  rest: Record<string, unknown>,
  flatKeys: readonly (keyof T & string)[],
): T {
  const flat: Record<string, unknown> = {};
  for (const k of flatKeys) {
    if (!Object.hasOwn(rest, k)) continue;
    if (rest[k] !== undefined) flat[k] = rest[k];
    delete rest[k];
  }
  const used = Object.keys(flat);
  if (used.length)
    warnOnce(
      `${fn}:flat-${nestName}`,
      `${fn}: flat ${nestName} options (${used.join(', ')}) are deprecated and go in the next release; pass them as \`${nestName}: { ${used.join(', ')} }\``,
    );
  return { ...flat, ...nested } as T;
}
