// fastai's pad_chunk / pad_input_chunk: padding by whole chunks so that a SentenceEncoder's chunks line up.

/** Options of {@link padChunk} and {@link padInputChunk} (fastai's defaults). */
export interface PadChunkOptions {
  /** The `xxpad` index (default 1). */
  padIdx?: number;
  /** Put the whole chunks of padding before the text (default true); the remainder always goes after it. */
  padFirst?: boolean;
  /** Chunk length (default 72). */
  seqLen?: number;
}

/**
 * Pads `x` to `padLen` as fastai's `pad_chunk`: `(padLen - len) // seqLen` whole chunks of `padIdx` before the text
 * (after it with `padFirst: false`) and the remaining `(padLen - len) % seqLen` after it. So the text starts on a
 * chunk boundary, which {@link SentenceEncoder} relies on.
 * @example
 * ```ts
 * padChunk(Int32Array.of(5, 6, 7), 10, { seqLen: 4 }); // [1,1,1,1, 5,6,7, 1,1,1]
 * ```
 */
export function padChunk(x: ArrayLike<number>, padLen: number, opts: PadChunkOptions = {}): Int32Array {
  const padIdx = opts.padIdx ?? 1;
  const seqLen = opts.seqLen ?? 72;
  const l = padLen - x.length;
  if (l < 0) throw new RangeError(`padChunk: text of length ${x.length} is longer than padLen ${padLen}`);
  const chunk = Math.floor(l / seqLen) * seqLen;
  const out = new Int32Array(padLen).fill(padIdx);
  out.set(Array.from(x), (opts.padFirst ?? true) ? chunk : 0);
  return out;
}

/**
 * Pads every sample to the longest one with {@link padChunk} (fastai's `pad_input_chunk`, the `before_batch` of
 * text classification loaders).
 * @example
 * ```ts
 * padInputChunk([Int32Array.of(2, 3, 4, 5, 6), Int32Array.of(7)], { seqLen: 2 }); // [[2,3,4,5,6], [1,1,1,1,7]]
 * ```
 */
export function padInputChunk(samples: ArrayLike<number>[], opts: PadChunkOptions = {}): Int32Array[] {
  const maxLen = Math.max(0, ...samples.map((s) => s.length));
  return samples.map((s) => padChunk(s, maxLen, opts));
}
