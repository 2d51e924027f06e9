// fastai's `Categorize` (fastai/data/transforms.py): labels ↔ class indices, the vocab set up on the training labels.
import { TfaiError } from '../errors.js';
import { Transform } from './transform.js';

/**
 * A label the vocab does not have, or an item a DataBlock cannot build; the message names the item or label.
 * @example
 * ```ts
 * try { cat.encodes('zebra'); } catch (e) { if (e instanceof DataBlockError) console.log(e.message); }
 * ```
 */
export class DataBlockError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'DataBlockError';
}

/** Options of {@link Categorize}. */
export interface CategorizeOptions {
  /** The classes in index order (default: the training labels' unique values, sorted). */
  vocab?: readonly string[];
  /** Sort the vocab found in the training labels (default true, as fastai). */
  sort?: boolean;
}

/** The sorted (or first-seen) unique values, as fastai's `CategoryMap`. */
export function categoryMap(values: Iterable<string>, sort = true): string[] {
  const u = [...new Set(values)];
  return sort ? u.sort() : u;
}

/**
 * fastai's `Categorize`: a label → its index in the vocab (`decodes` back). The vocab is the sorted unique training
 * labels unless given; a label outside it is a {@link DataBlockError} naming it.
 * @example
 * ```ts
 * const c = new Categorize();
 * c.setup(['dog', 'cat', 'dog']);
 * c.vocab; // ['cat', 'dog']
 * c.encodes('dog'); // 1
 * ```
 */
export class Categorize extends Transform<unknown, number> {
  /** The classes in index order (set by `setup` unless given). */
  vocab: string[];
  private readonly sort: boolean;
  private readonly given: boolean;
  private o2i = new Map<string, number>();
  constructor(opts: CategorizeOptions = {}) {
    super({ name: 'Categorize' });
    this.vocab = opts.vocab ? [...opts.vocab] : [];
    this.sort = opts.sort ?? true;
    this.given = opts.vocab !== undefined;
    this.index();
  }

  private index(): void {
    this.o2i = new Map(this.vocab.map((v, i) => [v, i]));
  }

  /** Builds the vocab from the training labels (unless one was given). */
  override setup(items: readonly unknown[]): void {
    if (this.given) return;
    this.vocab = categoryMap(
      items.map((x) => String(x)),
      this.sort,
    );
    this.index();
  }

  /** The label's index in the vocab. */
  override encodes(x: unknown): number {
    const i = this.o2i.get(String(x));
    if (i === undefined)
      throw new DataBlockError(
        `label ${JSON.stringify(String(x))} is not in the vocab (${this.vocab.length} classes from the training set: ${this.vocab.slice(0, 10).join(', ')}${this.vocab.length > 10 ? ', …' : ''})`,
      );
    return i;
  }

  /** The class name of an index. */
  override decodes(y: number): string {
    return this.vocab[y] ?? String(y);
  }

  protected override args(): Record<string, unknown> {
    return { vocab: this.given ? this.vocab : null, sort: this.sort };
  }
}
