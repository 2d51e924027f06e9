// fastai's `MultiCategorize` and `OneHotEncode` (fastai/data/transforms.py): a set of labels → their indices in the
// vocab → a one-hot vector of the vocab's length (the target of BCEWithLogitsLossFlat).
import { categoryMap, DataBlockError } from './categorize.js';
import { Transform } from './transform.js';

/**
 * fastai's `MultiCategorize`: a list of labels → their indices in the vocab, in the order given (`decodes` back).
 * The vocab is every label of the training items, sorted, unless given.
 * @example
 * ```ts
 * const m = new MultiCategorize();
 * m.setup([['dog', 'cat'], ['bird']]);
 * m.vocab; // ['bird', 'cat', 'dog']
 * m.encodes(['dog', 'cat']); // [2, 1]
 * ```
 */
export class MultiCategorize extends Transform<readonly string[], number[]> {
  /** The classes in index order (set by `setup` unless given). */
  vocab: string[];
  private readonly given: boolean;
  private o2i = new Map<string, number>();
  constructor(opts: { vocab?: readonly string[] } = {}) {
    super({ name: 'MultiCategorize' });
    this.vocab = opts.vocab ? [...opts.vocab] : [];
    this.given = opts.vocab !== undefined;
    this.o2i = new Map(this.vocab.map((v, i) => [v, i]));
  }

  /** Builds the vocab from every label of the training items (unless one was given). */
  override setup(items: readonly (readonly string[])[]): void {
    if (this.given) return;
    this.vocab = categoryMap(items.flat().map(String));
    this.o2i = new Map(this.vocab.map((v, i) => [v, i]));
  }

  /** The labels' indices, in the order given. */
  override encodes(labels: readonly string[]): number[] {
    if (!Array.isArray(labels))
      throw new DataBlockError(`MultiCategorize needs a list of labels, got ${JSON.stringify(labels)}`);
    return labels.map((l) => {
      const i = this.o2i.get(String(l));
      if (i === undefined)
        throw new DataBlockError(
          `label ${JSON.stringify(l)} is not in the vocab (${this.vocab.length} labels from the training set)`,
        );
      return i;
    });
  }

  /** The labels of indices. */
  override decodes(y: number[]): string[] {
    return y.map((i) => this.vocab[i] ?? String(i));
  }

  protected override args(): Record<string, unknown> {
    return { vocab: this.given ? this.vocab : null };
  }
}

/**
 * fastai's `OneHotEncode`: class indices → a float vector of length `c` with 1 at each (`decodes`: the indices of
 * the ones). `c` comes from the vocab of the {@link MultiCategorize} before it when not given.
 * @example
 * ```ts
 * new OneHotEncode(4).encodes([2, 1]); // Float32Array [0, 1, 1, 0]
 * ```
 */
export class OneHotEncode extends Transform<number[], Float32Array> {
  constructor(
    /** The vector's length (the number of classes); a function reads it after the vocab is set up. */
    private readonly cOf: number | (() => number),
  ) {
    super({ name: 'OneHotEncode' });
  }

  /** The vector's length. */
  get c(): number {
    return typeof this.cOf === 'number' ? this.cOf : this.cOf();
  }

  /** 1 at each index, 0 elsewhere. */
  override encodes(idx: number[]): Float32Array {
    const out = new Float32Array(this.c);
    for (const i of idx) {
      if (!(Number.isInteger(i) && i >= 0 && i < out.length))
        throw new DataBlockError(`OneHotEncode: index ${i} out of range (c = ${out.length})`);
      out[i] = 1;
    }
    return out;
  }

  /** The indices of the ones (values above 0.5). */
  override decodes(y: Float32Array): number[] {
    const out: number[] = [];
    y.forEach((v, i) => {
      if (v > 0.5) out.push(i);
    });
    return out;
  }

  protected override args(): Record<string, unknown> {
    return { c: this.c };
  }
}
