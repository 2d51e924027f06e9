// fastai's `Interpretation` / `ClassificationInterpretation` (fastai/interpret.py) for any learner: the
// predictions, targets and per-item losses of a whole loader, and `plotTopLosses` as a table (fastai's
// `plot_top_losses` for text and tabular data: input, target, predicted, probability, loss). The domain part is
// one method of the data ({@link ShowsRows.inputRows}); images draw theirs in @tfai/vision.
import type { DataLoader, DataLoaders } from '../data/dataloader.js';
import { TfaiError } from '../errors.js';
import type { Learner } from './learner.js';

/** One row of a shown table: column name → text or number. */
export type ShowRow = Record<string, string | number>;

/** Items shown as table rows: what {@link ShowsRows.inputRows} returns. */
export interface ShownRows {
  /** Column names, in display order. */
  columns: string[];
  /** One row per item, in the order asked. */
  rows: ShowRow[];
}

/**
 * Data that can show its items as table rows (text, tabular): what {@link Interpretation.plotTopLosses} needs.
 * @example
 * ```ts
 * if (isShowsRows(learn.dls)) await learn.dls.inputRows(learn.dls.valid, [0, 1]);
 * ```
 */
export interface ShowsRows {
  /**
   * The decoded inputs of the items `idx` (indices into `dl.dataset`) as table rows, and their column names in
   * display order (text: `input`; tabular: the categorical then the continuous columns).
   */
  inputRows(dl: DataLoader<unknown>, idx: readonly number[]): Promise<ShownRows>;
}

/**
 * Whether `dls` implements {@link ShowsRows}.
 * @example
 * ```ts
 * isShowsRows(textDls); // true
 * ```
 */
export function isShowsRows(dls: unknown): dls is ShowsRows {
  return typeof (dls as Partial<ShowsRows> | undefined)?.inputRows === 'function';
}

/** Data that cannot be shown as a table, or a loader that has no items to interpret. */
export class InterpretationError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'InterpretationError';
}

/**
 * A plain-text table (pandas-like: a header, numbers right-aligned, text left-aligned, two spaces between
 * columns, a line break in a cell shown as `\n`) of `rows` over `columns`, one string per line.
 * @example
 * ```ts
 * formatTable([{ a: 1, b: 'x' }], ['a', 'b']); // ['a  b', '1  x']
 * ```
 */
export function formatTable(rows: readonly ShowRow[], columns: readonly string[]): string[] {
  // A line break inside a cell is shown as `\n` (as pandas prints it), so each row stays one line.
  const cell = (v: string | number | undefined) => (v === undefined ? '' : String(v).replace(/\r?\n/g, '\\n'));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const pad = (text: string, w: number, right: boolean) => (right ? text.padStart(w) : text.padEnd(w));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const line = (vals: string[]) =>
    vals
      .map((v, j) => pad(v, widths[j], numeric[j]))
      .join('  ')
      .trimEnd();
  return [line([...columns]), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))];
}

/**
 * fastai's `top_losses` over per-item losses: the `k` largest (or smallest) and their indices, sorted (ties keep
 * item order). Shared by {@link Interpretation} and vision's `ClassificationInterpretation`.
 * @example
 * ```ts
 * topLosses([0.1, 2, 0.5], 2); // { losses: [2, 0.5], idx: [1, 2] }
 * ```
 */
export function topLosses(
  losses: readonly number[],
  k = losses.length,
  largest = true,
): {
  /** The `k` losses, largest first (smallest first when `largest` is false). */
  losses: number[];
  /** The item index of each of those losses. */
  idx: number[];
} {
  const idx = losses.map((_, i) => i).sort((a, b) => (largest ? losses[b] - losses[a] : losses[a] - losses[b]));
  const top = idx.slice(0, k);
  return { losses: top.map((i) => losses[i]), idx: top };
}

/** Options of {@link Interpretation.plotTopLosses}. */
export interface TopLossesTableOptions {
  /** The largest losses (default) or the smallest. */
  largest?: boolean;
  /** Where the table's lines go (default the learner's logger). */
  logger?: (line: string) => void;
}

/** Rounds a shown float to 4 decimals (as pandas shows a float column). */
const round4 = (v: number): number => Number(v.toFixed(4));

/**
 * fastai's `Interpretation` for any learner: activated predictions, decoded predictions, targets and the loss of
 * each item of a loader (default the validation loader), in the loader's dataset order.
 * @example
 * ```ts
 * const interp = await Interpretation.fromLearner(learn);
 * interp.topLosses(5); // { losses: [3.2, 2.9, …], idx: [17, 4, …] }
 * await interp.plotTopLosses(5); // prints input, target, predicted, probability, loss
 * ```
 */
export class Interpretation {
  private constructor(
    /** The data the learner was built on. */
    readonly dls: DataLoaders,
    /** The loader interpreted. */
    readonly dl: DataLoader<unknown>,
    /** Activated predictions of each item (probabilities for a classifier), in dataset order. */
    readonly preds: number[][],
    /** The target of each item, flat (one class index, or the target's values). */
    readonly targs: number[][],
    /** The loss's decoding of each prediction (the class index for a classifier), flat. */
    readonly decoded: number[][],
    /** The loss of each item. */
    readonly losses: number[],
    /** Where the learner's lines go. */
    private readonly logger: (line: string) => void,
  ) {}

  /**
   * Runs the learner over `dl` (default its validation loader) in eval mode, with each item's loss (the loss
   * function's `reduction='none'`), and puts the results in the dataset's order (a length-sorted text loader
   * visits its items in another order).
   * @example
   * ```ts
   * const interp = await Interpretation.fromLearner(learn, { dl: learn.dls.valid });
   * ```
   */
  static async fromLearner(learn: Learner, opts: { dl?: DataLoader<unknown> } = {}): Promise<Interpretation> {
    const dl = opts.dl ?? learn.dls.valid;
    const order = dl.itemIndices();
    if (!order.length) throw new InterpretationError('Interpretation: the loader has no items');
    const out = await learn.getPreds(dl, { withDecoded: true, withLoss: true });
    try {
      const n = order.length;
      const [p, d, l, t] = await Promise.all([
        out.preds.data(),
        out.decoded.data(),
        out.losses.data(),
        out.targets.data(),
      ]);
      if (l.length !== n)
        throw new InterpretationError(`Interpretation: ${l.length} losses for ${n} items (one loss per item needed)`);
      const rows = (a: ArrayLike<number>): number[][] => {
        const w = a.length / n;
        const all = Array.from(a);
        const res = new Array<number[]>(n);
        for (let k = 0; k < n; k++) res[order[k]] = all.slice(k * w, (k + 1) * w);
        return res;
      };
      const losses = new Array<number>(n);
      for (let k = 0; k < n; k++) losses[order[k]] = l[k];
      return new Interpretation(learn.dls, dl, rows(p), rows(t), rows(d), losses, learn.logger);
    } finally {
      out.preds.dispose();
      out.decoded.dispose();
      out.losses.dispose();
      out.targets.dispose();
    }
  }

  /**
   * fastai's `top_losses`: the `k` largest (or smallest) losses and their item indices, sorted.
   * @example
   * ```ts
   * const { losses, idx } = interp.topLosses(9);
   * ```
   */
  topLosses(k = this.losses.length, largest = true): ReturnType<typeof topLosses> {
    return topLosses(this.losses, k, largest);
  }

  /** A target or decoded prediction as shown: the class name when the data has a vocab, else the value(s). */
  private show(v: number[]): string | number {
    const vocab = this.dls.vocab;
    if (v.length === 1) return vocab ? (vocab[v[0]] ?? String(v[0])) : round4(v[0]);
    return v.map((x) => (Number.isInteger(x) ? String(x) : String(round4(x)))).join(';');
  }

  /**
   * fastai's `plot_top_losses` for text and tabular data: a table of the `k` items with the largest losses, with
   * columns the decoded input(s), `target`, `predicted`, `probability` (of the predicted class; the largest
   * activation; left out when the data has no classes, as a regression) and `loss`, printed and returned. The data must implement {@link ShowsRows}.
   * @example
   * ```ts
   * await interp.plotTopLosses(3);
   * // input                       target  predicted  probability    loss
   * // xxbos xxmaj the food was …  neg     pos             0.9712  3.5421
   * ```
   */
  async plotTopLosses(k = 9, opts: TopLossesTableOptions = {}): Promise<ShowRow[]> {
    if (!isShowsRows(this.dls))
      throw new InterpretationError(
        'plotTopLosses as a table needs data that shows its items as rows (text, tabular); images: use @tfai/vision’s ClassificationInterpretation',
      );
    const { losses, idx } = this.topLosses(k, opts.largest ?? true);
    const { columns, rows } = await this.dls.inputRows(this.dl, idx);
    // A probability only for classes: a regression's activation is the prediction itself.
    const withProb = this.dls.vocab !== undefined;
    const out = rows.map((r, j): ShowRow => {
      const i = idx[j];
      return {
        ...r,
        target: this.show(this.targs[i]),
        predicted: this.show(this.decoded[i]),
        ...(withProb ? { probability: round4(Math.max(...this.preds[i])) } : {}),
        loss: round4(losses[j]),
      };
    });
    const cols = [...columns, 'target', 'predicted', ...(withProb ? ['probability'] : []), 'loss'];
    const log = opts.logger ?? this.logger;
    for (const line of formatTable(out, cols)) log(line);
    return out;
  }
}
