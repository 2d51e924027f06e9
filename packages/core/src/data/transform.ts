// fastai's `Transform` and `Pipeline` (fastcore/transform.py): a function with an inverse (`encodes`/`decodes`), an
// optional `setup` on the training items, and a composition of them that encodes in order and decodes in reverse.

/** What a {@link Transform} is made of when built from functions. */
export interface TransformFunctions<I, O> {
  /** The forward function (default: the identity). */
  encodes?: (x: I) => O;
  /** Its inverse, for showing (default: the identity). */
  decodes?: (y: O) => I;
  /** Learns state from the training items (a vocab, a mean), before any `encodes`. */
  setup?: (items: readonly I[]) => void;
  /** The name `summary` prints (default `'Transform'`). */
  name?: string;
}

/**
 * fastai's `Transform`: `encodes` an item, `decodes` it back for display, and `setup`s its state (a vocab) on the
 * training items. Subclass it and override the three methods, or build one from functions.
 * @example
 * ```ts
 * const upper = new Transform<string, string>({ name: 'upper', encodes: (s) => s.toUpperCase(), decodes: (s) => s.toLowerCase() });
 * upper.encodes('cat'); // 'CAT'
 * ```
 */
export class Transform<I = unknown, O = unknown> {
  /** The name `summary` prints. */
  readonly name: string;
  // Kept untyped so that a Transform<I, O> is a Transform of anything (its methods are what is typed).
  private readonly fns: TransformFunctions<unknown, unknown>;
  constructor(fns: TransformFunctions<I, O> = {}) {
    this.fns = fns as TransformFunctions<unknown, unknown>;
    this.name = fns.name ?? (this.constructor === Transform ? 'Transform' : this.constructor.name);
  }

  /** Learns state from the training items (default: the `setup` function given, or nothing). */
  setup(items: readonly I[]): void {
    this.fns.setup?.(items as readonly unknown[]);
  }

  /** The forward function. */
  encodes(x: I): O {
    return (this.fns.encodes ? this.fns.encodes(x) : x) as O;
  }

  /** The inverse of {@link Transform.encodes}, for display. */
  decodes(y: O): I {
    return (this.fns.decodes ? this.fns.decodes(y) : y) as I;
  }

  /** fastai's repr: the name and the arguments that matter, e.g. `Categorize -- {"vocab":null,"sort":true}`. */
  toString(): string {
    const args = this.args();
    return args ? `${this.name} -- ${JSON.stringify(args)}` : this.name;
  }

  /** The arguments {@link Transform.toString} prints (none by default). */
  protected args(): Record<string, unknown> | undefined {
    return undefined;
  }
}

/**
 * fastai's `Pipeline`: transforms composed, encoding in order and decoding in reverse; `setup` sets each transform up
 * on the items as the transforms before it left them.
 * @example
 * ```ts
 * const p = new Pipeline([new Transform<string, string>({ encodes: (s) => s.trim() }), new Categorize()]);
 * p.setup(['a ', 'b']);
 * p.encode(' b'); // 1
 * ```
 */
export class Pipeline<I = unknown, O = unknown> {
  /** The transforms, in the order they encode. */
  readonly fs: readonly Transform[];
  constructor(fs: readonly Transform[] = []) {
    this.fs = [...fs];
  }

  /** Sets each transform up on the training items, each seeing the items the earlier ones encoded. */
  setup(items: readonly I[]): void {
    let xs: readonly unknown[] = items;
    for (const f of this.fs) {
      f.setup(xs);
      xs = xs.map((x) => f.encodes(x));
    }
  }

  /** Every transform's `encodes`, in order. */
  encode(x: I): O {
    return this.fs.reduce<unknown>((v, f) => f.encodes(v), x) as O;
  }

  /** Every transform's `decodes`, last first. */
  decode(y: O): I {
    return this.fs.reduceRight<unknown>((v, f) => f.decodes(v), y) as I;
  }

  /** The intermediate values of encoding `x`: `[x, after f0, after f1, …]` (for `DataBlock.summary`). */
  trace(x: I): unknown[] {
    const out: unknown[] = [x];
    for (const f of this.fs) out.push(f.encodes(out[out.length - 1]));
    return out;
  }

  /** fastai's repr: `Pipeline: A -> B`. */
  toString(): string {
    return `Pipeline: ${this.fs.map(String).join(' -> ')}`;
  }
}
