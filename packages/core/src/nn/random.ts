/**
 * A small seedable random source (mulberry32). Initialisers and data shuffling draw from it so that a run
 * can be repeated with {@link manualSeed}.
 */
export class Rng {
  private state: number;
  constructor(seed = Date.now() >>> 0) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** A 32-bit seed for a tfjs random op. */
  seed(): number {
    return Math.floor(this.next() * 2 ** 31);
  }
  /** Fisher–Yates shuffle of [0, n). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** The global random source used by initialisers and dropout. */
export let globalRng = new Rng();

/**
 * Seeds tfai's global random source (weight initialisation, dropout masks), like `torch.manual_seed`.
 * @example
 * ```ts
 * manualSeed(42);
 * const a = new Linear(3, 2); // same weights on every run
 * ```
 */
export function manualSeed(seed: number): void {
  globalRng = new Rng(seed);
}
