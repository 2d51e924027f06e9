import { describe, expect, it } from 'vitest';
import { readDataFrame } from '../data/read-data-frame.js';
import { Tabular } from '../data/tabular.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { Categorify } from './categorify.js';
import { FillMissing } from './fill-missing.js';
import { Normalize } from './normalize.js';

/** Mean and population std (ddof 0) of numbers, computed here independently. */
function stats(v: number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
}

describe('Normalize', () => {
  it('penguins: mean/std of the training split only (after FillMissing), std + 1e-7, applied to every row', async () => {
    const path = `${datasets.path('penguins')}/penguins.csv`;
    const rows = readCsvRows(path);
    const train = rows.map((_, i) => i).filter((i) => rows[i].year !== '2009'); // a split by year: stats must differ from the whole file's
    const contNames = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
    const norm = new Normalize();
    const fm = new FillMissing();
    const { tabular, data } = Tabular.fit(await readDataFrame(path), Int32Array.from(train), {
      catNames: ['island', 'sex'],
      contNames,
      yNames: ['species'],
      procs: [norm, Categorify, fm],
    });
    contNames.forEach((c, j) => {
      const fill = fm.fillValues[c];
      const value = (i: number) => (rows[i][c] === '' ? fill : Number(rows[i][c]));
      const s = stats(train.map(value));
      expect(norm.means[c]).toBeCloseTo(s.mean, 9);
      expect(norm.stds[c]).toBeCloseTo(s.std + 1e-7, 9);
      expect(Math.abs(norm.means[c] - stats(rows.map((_, i) => value(i))).mean)).toBeGreaterThan(1e-3);
      rows.forEach((_, i) => expect(data.conts[j][i]).toBeCloseTo((value(i) - s.mean) / (s.std + 1e-7), 5));
    });
    expect(data.conts[0]).toBeInstanceOf(Float32Array);
    expect(tabular.contNames).toEqual(contNames);
    expect(Normalize.fromJSON(JSON.parse(JSON.stringify(norm.toJSON())) as never).toJSON()).toEqual(norm.toJSON());
  });
});
