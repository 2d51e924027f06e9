// Registration of tfai's kernels in tfjs's global kernel registry, in place of the stock ones: the one shape every
// kernel declares (its name, its backends, its fallback), for core's kernels and for a domain package's own.
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs backends tfai has kernels for. */
export type KernelBackendName = 'wasm' | 'cpu' | 'webgpu';

/** What every kernel declares: tfjs's kernel name and the backends it is registered for. */
interface KernelDefBase {
  /** tfjs's kernel name (`tf.Tile`, …) or a new one of tfai's (`TfaiLSTMChunkForward`, …). */
  name: string;
  backends: readonly KernelBackendName[];
}

/**
 * A kernel with no stock kernel to fall back to: one tfjs lacks (tfai's fused kernels, whose callers fall back to
 * a composition of tf ops: fused-ops.ts), or a complete replacement of a stock kernel that is wrong or slow.
 */
export interface OwnKernelDef extends KernelDefBase {
  fallback: 'none';
  kernel(backend: KernelBackendName): tf.KernelFunc;
}

/** A kernel built around the stock one, which it runs for the inputs it does not take (not registered without it). */
export interface StockKernelDef extends KernelDefBase {
  fallback: 'stock';
  kernel(stock: tf.KernelFunc, backend: KernelBackendName): tf.KernelFunc;
}

/**
 * A kernel to register (see {@link registerKernels}).
 * @example
 * ```ts
 * const tile: KernelDef = { name: tf.Tile, backends: ['wasm'], fallback: 'stock', kernel: (stock) => stock };
 * registerKernels([tile]);
 * ```
 */
export type KernelDef = OwnKernelDef | StockKernelDef;

/** Marks kernel functions registered here, so registering twice (or from two copies of this module) is a no-op. */
const MARK = Symbol.for('tfai.kernel');
type Marked = tf.KernelFunc & { [MARK]?: true };

/** The kernels ours replaced (undefined: there was none), by `backend/kernel`, to put them back. */
const stockKernels = new Map<string, { kernelName: string; backendName: string; stock?: tf.KernelConfig }>();

/** Every kernel registered so far, for {@link registerDeclaredKernels} after {@link restoreStockKernels}. */
const declared = new Set<KernelDef>();

/**
 * Registers `defs` on each of their backends in place of the stock kernels, keeping the stock kernel's
 * setup/dispose functions (they bind the wasm functions other kernels share). Idempotent. A kernel with
 * `fallback: 'stock'` is registered only where its backend's stock kernel is (call again once a backend is loaded).
 * `only` limits the registration to those backends (a backend's module registers its stock kernels when first
 * imported, over any registered before it: register a stock kernel's replacement after its backend is loaded).
 * @example
 * ```ts
 * registerKernels(dotBiasKernels); // a domain package's own kernels
 * ```
 */
export function registerKernels(defs: readonly KernelDef[], only?: readonly KernelBackendName[]): void {
  for (const def of defs) {
    declared.add(def);
    for (const backendName of def.backends) if (!only || only.includes(backendName)) register(def, backendName);
  }
}

function register(def: KernelDef, backendName: KernelBackendName): void {
  const stock = tf.getKernel(def.name, backendName);
  if (stock && (stock.kernelFunc as Marked)[MARK]) return;
  let kernelFunc: Marked;
  if (def.fallback === 'none') kernelFunc = def.kernel(backendName);
  else if (stock) kernelFunc = def.kernel(stock.kernelFunc, backendName);
  else return;
  kernelFunc[MARK] = true;
  if (stock) tf.unregisterKernel(def.name, backendName);
  stockKernels.set(`${backendName}/${def.name}`, { kernelName: def.name, backendName, stock });
  tf.registerKernel({
    kernelName: def.name,
    backendName,
    kernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    ...(stock?.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
  });
}

/** Registers again every kernel {@link registerKernels} was given (after {@link restoreStockKernels}). */
export function registerDeclaredKernels(): void {
  registerKernels([...declared]);
}

/** Puts tfjs's own kernels back (for measuring ours against them). */
export function restoreStockKernels(): void {
  for (const { kernelName, backendName, stock } of stockKernels.values()) {
    tf.unregisterKernel(kernelName, backendName);
    if (stock) tf.registerKernel(stock);
  }
  stockKernels.clear();
}

/** Whether every kernel of `names` can run on tfjs's current backend (wasm or cpu, and registered there). */
export function loopKernelAvailable(...names: string[]): boolean {
  const b = tf.getBackend();
  return (b === 'wasm' || b === 'cpu') && names.every((n) => tf.getKernel(n, b) !== undefined);
}
