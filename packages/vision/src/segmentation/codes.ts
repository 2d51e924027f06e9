// The class names of a segmentation set (fastai's `codes`), read from a `codes.txt`.
import { SegmentationDataError } from '../data/errors.js';
import { readFile } from '@tfai/core/internal';

/**
 * Reads a `codes.txt` (one class name a line, as fastai's `np.loadtxt(path/'codes.txt', dtype=str)`).
 * @example
 * ```ts
 * const codes = await readCodes(`${datasets.path('brain_aal')}/codes_lobes.txt`); // ['background', 'frontal', …]
 * ```
 */
export async function readCodes(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SegmentationDataError(
      file,
      `cannot read the codes file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const codes = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length);
  if (!codes.length) throw new SegmentationDataError(file, 'the codes file is empty');
  return codes;
}
