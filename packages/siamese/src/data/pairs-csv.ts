// Reading a pairs CSV (`img_a,img_b,same,is_valid`, as the siamese_pairs.csv files of @tfai/datasets): paths relative to a
// folder, booleans as Python writes them (True/False) or as 1/0, true/false, yes/no.
import { parseFlag } from '@tfai/core';
import { CsvError, parseCsvText } from '@tfai/core/io';
import { SiameseDataError } from '../errors.js';
import type { ImagePair } from './pairs.js';
import { dirname, isAbsolute, readFile, resolve, stat } from '@tfai/core/internal';

/** One row of a pairs CSV, with its line number (1-based, the header is line 1). */
export interface PairRow extends ImagePair {
  /** True if the row belongs to the validation set (the `is_valid` column). */
  isValid: boolean;
  /** The row's line in the CSV (1-based; the header is line 1), named in errors. */
  line: number;
}

/** Options of {@link readPairsCsv}. */
export interface ReadPairsCsvOptions {
  /** Folder the image paths are relative to (default: the CSV's folder). */
  root?: string;
  /** Column names (defaults: `img_a`, `img_b`, `same`, `is_valid`). */
  aCol?: string;
  /** Column of the second image's path (default `img_b`). */
  bCol?: string;
  /** Boolean column, true when both images show the same class (default `same`). */
  sameCol?: string;
  /** Boolean column marking validation rows (default `is_valid`). */
  validCol?: string;
  /** Check that every image file exists (default true). */
  checkFiles?: boolean;
}

function parseBool(v: string, file: string, line: number, col: string): boolean {
  const f = parseFlag(v); // core's one rule for boolean flags
  if (f !== undefined) return f;
  throw new SiameseDataError(file, `line ${line}, column '${col}': expected a boolean (True/False, 1/0), got '${v}'`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a pairs CSV into rows with absolute image paths. Errors name the CSV, the line and the column: a
 * missing column, a value that is not a boolean, an empty path, an image file that does not exist.
 * @example
 * ```ts
 * const rows = await readPairsCsv('data/fashion_mnist/siamese_pairs.csv');
 * rows[0]; // { a: '/…/train/pullover/train_02624.png', b: '/…', same: true, isValid: false, line: 2 }
 * ```
 */
export async function readPairsCsv(file: string, opts: ReadPairsCsvOptions = {}): Promise<PairRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SiameseDataError(
      file,
      `cannot read the pairs CSV (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  // Line numbers count the header as line 1 (blank lines are skipped); core's reader numbers data rows from 1.
  let table: string[][];
  try {
    const t = parseCsvText(text, file, { trimHeader: false });
    table = [t.header, ...t.rows];
  } catch (e) {
    if (e instanceof CsvError && e.problem === 'empty') table = [];
    else if (e instanceof CsvError && e.row !== undefined)
      throw new SiameseDataError(file, `line ${e.row + 1}: ${e.reason}`);
    else if (e instanceof CsvError) throw new SiameseDataError(file, e.message.slice(file.length + 2));
    else throw e;
  }
  const [header, ...rows] = table.map((fields, i) => ({ fields, line: i + 1 }));
  if (!header) throw new SiameseDataError(file, 'the pairs CSV is empty');
  const names = {
    a: opts.aCol ?? 'img_a',
    b: opts.bCol ?? 'img_b',
    same: opts.sameCol ?? 'same',
    valid: opts.validCol ?? 'is_valid',
  };
  const cols = header.fields.map((f) => f.trim());
  const idx = Object.fromEntries(Object.entries(names).map(([k, n]) => [k, cols.indexOf(n)])) as Record<
    keyof typeof names,
    number
  >;
  const missing = Object.entries(names)
    .filter(([k]) => idx[k as keyof typeof names] < 0)
    .map(([, n]) => n);
  if (missing.length)
    throw new SiameseDataError(
      file,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (found: ${cols.join(', ')})`,
    );
  if (!rows.length) throw new SiameseDataError(file, 'the pairs CSV has a header but no rows');
  const root = opts.root ?? dirname(file);
  const out = rows.map(({ fields, line }) => {
    if (fields.length !== cols.length)
      throw new SiameseDataError(file, `line ${line}: expected ${cols.length} fields, got ${fields.length}`);
    const path = (col: 'a' | 'b') => {
      const p = fields[idx[col]].trim();
      if (!p) throw new SiameseDataError(file, `line ${line}, column '${names[col]}': empty image path`);
      return isAbsolute(p) ? p : resolve(root, p);
    };
    return {
      a: path('a'),
      b: path('b'),
      same: parseBool(fields[idx.same], file, line, names.same),
      isValid: parseBool(fields[idx.valid], file, line, names.valid),
      line,
    };
  });
  if (opts.checkFiles ?? true) {
    const files = [...new Set(out.flatMap((r) => [r.a, r.b]))];
    const exists = new Map<string, boolean>();
    await Promise.all(files.map(async (f) => exists.set(f, await isFile(f))));
    for (const r of out)
      for (const col of ['a', 'b'] as const)
        if (!exists.get(r[col]))
          throw new SiameseDataError(file, `line ${r.line}, column '${names[col]}': image not found: ${r[col]}`);
  }
  return out;
}
