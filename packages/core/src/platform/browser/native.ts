// The oneDNN addon in a page: there is none (a Node-API addon runs in Node only); wasm's own kernels run.
import type { NativeBinding } from '../../backend/wasm/native-types.js';

/** The binding, or why there is none. */
export type NativeLoad = { binding: NativeBinding; reason?: undefined } | { binding?: undefined; reason: string };

/**
 * No addon in a page.
 * @example
 * ```ts
 * loadNativeAddon().reason; // 'native kernels run in Node only'
 * ```
 */
export function loadNativeAddon(): NativeLoad {
  return { reason: 'native kernels run in Node only' };
}
