/**
 * One switch for tfai's fused training kernels (the optimizer step, the LSTM chunk, BatchNorm, cross-entropy, …):
 * each fused path asks {@link fusedEnabled} with its name and falls back to the composition of ordinary tfjs ops
 * when it says no, so tests can compare the two on the same inputs and `npm run bench` can measure both.
 *
 * `TFAI_FUSED=0` (or `off`) turns every fused path off; `TFAI_FUSED=-adam,-lstm` turns off the named ones;
 * {@link setFused} does the same from code (tests). The names: `adam`, `sgd`, `lstm`, `batchnorm`,
 * `cross-entropy`, `dropout`, `conv-grad`, `embedding`, `bn-act` (a ReLU next to a BatchNorm run inside its
 * training kernels; also `TFAI_FUSED_BN_ACT`, read per call: `0` off, `after` / `before` one order only), and `simd`
 * (wasm's WebAssembly SIMD loops: the optimizer step, BatchNorm's passes, `Sum` and `Transpose`; off, the JS loops
 * and stock kernels run).
 */
/** The fused paths, each switched on or off by its name. */
export type FusedName =
  'adam' | 'sgd' | 'lstm' | 'batchnorm' | 'bn-act' | 'cross-entropy' | 'dropout' | 'conv-grad' | 'embedding' | 'simd';

const env = typeof process === 'undefined' ? undefined : process.env.TFAI_FUSED;
let allOff = env === '0' || env === 'off' || env === 'false';
const off = new Set<string>(
  (env ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('-'))
    .map((s) => s.slice(1)),
);

/**
 * Whether the fused path called `name` may run (the caller still checks that its backend has one).
 * @example
 * ```ts
 * if (fusedEnabled('adam')) console.log('one kernel per optimizer step');
 * ```
 */
export function fusedEnabled(name: FusedName): boolean {
  return !allOff && !off.has(name);
}

/**
 * Turns one fused path (or `'all'`) on or off; returns a function that restores the previous setting.
 * @example
 * ```ts
 * const restore = setFused('lstm', false); // the unfused composition, for comparison
 * restore();
 * ```
 */
export function setFused(name: FusedName | 'all', on: boolean): () => void {
  if (name === 'all') {
    const prev = allOff;
    allOff = !on;
    return () => void (allOff = prev);
  }
  const had = off.has(name);
  if (on) off.delete(name);
  else off.add(name);
  return () => void (had ? off.add(name) : off.delete(name));
}
