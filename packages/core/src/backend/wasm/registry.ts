// Registration of tfai's kernels in tfjs's global kernel registry, in place of the stock ones.
import * as tf from '@tensorflow/tfjs';

/** Marks kernel functions registered here, so registering twice (or from two copies of this module) is a no-op. */
const MARK = Symbol.for('tfai.kernel');
type Marked = tf.KernelFunc & { [MARK]?: true };

/** A kernel to register: either a whole new function, or a wrapper around the stock one. */
export interface Replacement {
  kernelName: string;
  backendName: string;
  kernelFunc?: tf.KernelFunc;
  wrap?: (stock: tf.KernelFunc) => tf.KernelFunc;
}

const keyOf = (k: Replacement): string => `${k.backendName}/${k.kernelName}`;

/** The kernels ours replaced (undefined: there was none), to put them back. */
const stockKernels = new Map<string, tf.KernelConfig | undefined>();

/**
 * Registers `kernels` (or those whose `backend/kernel` key is in `only`) in place of the stock ones, keeping the
 * stock kernel's setup/dispose functions (they bind the wasm functions other kernels share). Idempotent.
 */
export function registerKernels(kernels: readonly Replacement[], only?: ReadonlySet<string>): void {
  for (const k of kernels) {
    if (only && !only.has(keyOf(k))) continue;
    const stock = tf.getKernel(k.kernelName, k.backendName);
    if (stock && (stock.kernelFunc as Marked)[MARK]) continue;
    const kernelFunc: Marked | undefined = k.wrap ? (stock ? k.wrap(stock.kernelFunc) : undefined) : k.kernelFunc;
    if (!kernelFunc) continue;
    kernelFunc[MARK] = true;
    if (stock) tf.unregisterKernel(k.kernelName, k.backendName);
    stockKernels.set(keyOf(k), stock);
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: k.backendName,
      kernelFunc,
      ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
      ...(stock?.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
    });
  }
}

/** Puts tfjs's own kernels back (for measuring ours against them). */
export function restoreStockKernels(): void {
  for (const [key, stock] of stockKernels) {
    const [backendName, kernelName] = key.split('/');
    tf.unregisterKernel(kernelName, backendName);
    if (stock) tf.registerKernel(stock);
  }
  stockKernels.clear();
}

/** Whether the kernel `kernelName` can run on tfjs's current backend (wasm or cpu, and registered there). */
export function loopKernelAvailable(kernelName: string): boolean {
  const b = tf.getBackend();
  return (b === 'wasm' || b === 'cpu') && tf.getKernel(kernelName, b) !== undefined;
}
