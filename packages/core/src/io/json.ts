import { readFile } from '#platform/fs';
import { TfaiError } from '../errors.js';

/**
 * Reads a JSON file, naming it in the error (unreadable file or invalid JSON: a {@link TfaiError}).
 * @example
 * ```ts
 * const spec = await readJson('export.json');
 * ```
 */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TfaiError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TfaiError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}
