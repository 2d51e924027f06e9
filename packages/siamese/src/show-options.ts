// The one calling convention of showResults across tfai: `{ file, maxN }`.

/** Options of `showResults` (the same as vision's): the PNG to write and how many pairs. */
export interface SiameseShowOptions {
  /** Output PNG (default `show_results.png`). */
  file?: string;
  /** Pairs shown (default 9). */
  maxN?: number;
}
