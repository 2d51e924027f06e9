// The optional oneDNN addon (@tfai/native) in Node: loaded once, on first use, from wherever Node finds it from
// @tfai/core (an optional dependency: a machine without a compiler or oneDNN installs without it).
import { createRequire } from 'node:module';
import type { NativeBinding } from '../../backend/wasm/native-types.js';

const require = createRequire(import.meta.url);

/** The binding, or why there is none (package not installed, build failed, load failed). */
export type NativeLoad = { binding: NativeBinding; reason?: undefined } | { binding?: undefined; reason: string };

let loaded: NativeLoad | undefined;

/**
 * Loads `@tfai/native`'s compiled addon once; never throws.
 * @example
 * ```ts
 * const { binding, reason } = loadNativeAddon();
 * ```
 */
export function loadNativeAddon(): NativeLoad {
  if (loaded) return loaded;
  let pkg: { load(): NativeBinding; unavailableReason(): string | undefined };
  try {
    pkg = require('@tfai/native') as typeof pkg;
  } catch {
    return (loaded = { reason: '@tfai/native is not installed (npm install @tfai/native; it needs oneDNN)' });
  }
  // oneDNN's OpenMP threads sleep when idle instead of spinning (read once, when libgomp loads with the addon):
  // spinning threads take the cores from wasm's own threads and from other processes, and made a tabular test
  // run 3× slower on a loaded machine. OMP_WAIT_POLICY=ACTIVE in the environment keeps them spinning.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    return (loaded = { binding: pkg.load() });
  } catch (e) {
    return (loaded = { reason: (e as Error).message.replace(/^@tfai\/native: /, '') });
  }
}
