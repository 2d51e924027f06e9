/** Python's `round` (ties to even), so sizes match fastai's exactly. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * fastai's rule of thumb for the embedding size of a category with `nCat` classes:
 * `min(600, round(1.6 * nCat ** 0.56))`.
 *
 * @example
 * ```ts
 * embSzRule(10); // 6
 * embSzRule(1000); // 77
 * ```
 */
export function embSzRule(nCat: number): number {
  return Math.min(600, pyRound(1.6 * nCat ** 0.56));
}

/** What {@link getEmbSz} needs: the categorical columns and their vocabs (`TabularDataLoaders`, `Tabular`). */
export interface HasClasses {
  /** The categorical columns, in model input order. */
  readonly catNames: readonly string[];
  /** Vocab of each categorical column (`#na#` first); its length is the embedding's number of rows. */
  readonly classes: Record<string, readonly string[]>;
}

/**
 * `[numEmbeddings, embeddingDim]` for each categorical column, as fastai's `get_emb_sz`: the vocab length
 * (`#na#` included) and `szDict[name]` or {@link embSzRule} of it.
 *
 * @example
 * ```ts
 * getEmbSz(dls, { sex: 4 }); // [[4, 3], [3, 4], [3, 3]]
 * ```
 */
export function getEmbSz(to: HasClasses, szDict: Record<string, number> = {}): [number, number][] {
  return to.catNames.map((n) => {
    const vocab = to.classes[n];
    if (!vocab) throw new RangeError(`no vocab for categorical column "${n}"`);
    return [vocab.length, szDict[n] ?? embSzRule(vocab.length)];
  });
}
