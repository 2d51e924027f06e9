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
  /** A standard normal draw (Box–Muller on two uniforms). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(u) is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /**
   * A Gamma(shape, 1) draw by Marsaglia and Tsang's method (2000); for shape < 1, Gamma(shape + 1) · U^(1/shape).
   * @example
   * ```ts
   * new Rng(0).gamma(2); // mean 2, variance 2
   * ```
   */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma: shape must be positive, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }
  /**
   * A Beta(a, b) draw, as `X / (X + Y)` of X ~ Gamma(a), Y ~ Gamma(b) (what MixUp's λ is drawn from).
   * @example
   * ```ts
   * new Rng(0).beta(0.4, 0.4); // in [0, 1], mostly near 0 or 1
   * ```
   */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    // Both underflow for tiny shapes: then the draw is 0 or 1 with probabilities a/(a+b), b/(a+b).
    if (x + y === 0) return this.next() < a / (a + b) ? 1 : 0;
    return x / (x + y);
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
