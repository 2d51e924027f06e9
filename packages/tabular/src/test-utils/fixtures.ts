// Helpers for tests: the fastai reference fixtures (./fixtures/ here, then @tfai/test-utils' fixtures/fastai/) and CSV
// rows of the real data sets of @tfai/datasets.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';
import { DATA as DATASETS_DIR, FIXTURES as CORE_FIXTURES, toStateDict, type FixtureTensor } from '@tfai/test-utils';
import { TabularModel } from '../model/tabular-model.js';

/** @tfai/datasets' folder with a trailing slash, for code written as `${DATA}titanic/…`; prefer `datasets.path(name)`. */
export const DATA = DATASETS_DIR;

/** @tfai/test-utils' fixture tensors and relative error, for this package's tests. */
export { relError, toStateDict, toTensor, type FixtureTensor } from '@tfai/test-utils';

/** This package's fixtures (`parity_tabular_model.json`). */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A fastai fixture as JSON: this package's `fixtures/`, else core's (`reference.json`). */
export function readFixture<T>(name: string): T {
  const own = `${FIXTURES}${name}`;
  return JSON.parse(readFileSync(existsSync(own) ? own : `${CORE_FIXTURES}${name}`, 'utf8')) as T;
}

/** `parity_tabular_model.json`: fastai's `TabularModel` (layers [200, 100]), its state dict and its eval outputs. */
export interface TabularParityFixture {
  emb_szs: [number, number][];
  x_cat: FixtureTensor;
  x_cont: FixtureTensor;
  output: FixtureTensor;
  state_dict: Record<string, FixtureTensor>;
}

/** The parity fixture, a fresh `TabularModel` of its sizes and the fixture's state dict as tensors (not loaded). */
export function tabularParity(): { fx: TabularParityFixture; model: TabularModel; sd: Record<string, tf.Tensor> } {
  const fx = readFixture<TabularParityFixture>('parity_tabular_model.json');
  const model = new TabularModel(fx.emb_szs, 6, 2, { layers: [200, 100] });
  const sd = toStateDict(fx.state_dict);
  return { fx, model, sd };
}

/** A CSV of @tfai/datasets parsed independently of the code under test (RFC 4180, header first; small files only). */
export function readCsvRows(path: string): Record<string, string>[] {
  const text = readFileSync(path, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}
