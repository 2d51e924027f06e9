// The one calling convention of showResults/showBatch across tfai: `{ file, maxN }` (siamese's old `(file, { n })` kept, deprecated).

/** Options of `showResults`/`showBatch` (the same as vision's): the PNG to write and how many pairs. */
export interface SiameseShowOptions {
  /** Output PNG (default `show_results.png` / `show_batch.png`). */
  file?: string;
  /** Pairs shown (default 9). */
  maxN?: number;
}

/** Both calling conventions to `{ file, maxN }`. */
export function showOptions(
  a: SiameseShowOptions | string,
  legacy: { n?: number },
  defaultFile: string,
): { file: string; maxN: number } {
  return typeof a === 'string' ? { file: a, maxN: legacy.n ?? 9 } : { file: a.file ?? defaultFile, maxN: a.maxN ?? 9 };
}
