import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { InvalidTargetError } from '../errors.js';
import { getEmbSz } from '../model/emb-sz.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { TITANIC } from '../test-utils/real-data.js';
import { Tabular } from './tabular.js';
import { TabularDataLoaders } from './tabular-dataloaders.js';

async function all(dl: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of dl) out.push(b);
  return out;
}

describe('TabularDataLoaders', () => {
  const titanic = `${datasets.path('titanic')}/titanic.csv`;
  const opts = { ...TITANIC, seed: 42 };

  it('titanic: batches {x: [int32 [bs, nCat], float32 [bs, nCont]], y: int32 [bs]}, rows equal processRow of the raw rows', async () => {
    const rows = readCsvRows(titanic);
    const dls = await TabularDataLoaders.fromCsv(titanic, opts);
    expect(dls.catNames).toEqual(['pclass', 'sex', 'age_na']);
    expect(dls.vocab).toEqual(['died', 'survived']);
    expect(dls.c).toBe(2);
    expect(getEmbSz(dls)).toEqual([
      [4, 3],
      [3, 3],
      [3, 3],
    ]);
    const [train, valid] = dls.splits;
    expect(valid.length).toBe(Math.floor(0.2 * rows.length));
    expect(train.length + valid.length).toBe(rows.length);
    expect(dls.train.length).toBe(Math.floor(train.length / 64));
    const vb = await all(dls.valid);
    expect(vb.length).toBe(Math.ceil(valid.length / 64));
    const [xCat, xCont] = vb[0].x;
    expect([xCat.dtype, xCat.shape, xCont.dtype, xCont.shape, vb[0].y.dtype, vb[0].y.shape]).toEqual([
      'int32',
      [64, 3],
      'float32',
      [64, 3],
      'int32',
      [64],
    ]);
    const cat = xCat.arraySync() as number[][];
    const cont = xCont.arraySync() as number[][];
    const y = vb[0].y.arraySync() as number[];
    for (let b = 0; b < 64; b++) {
      const raw = rows[valid[b]];
      const e = dls.tabular.processRow(raw);
      expect(cat[b]).toEqual(Array.from(e.xCat));
      expect(cont[b]).toEqual(Array.from(e.xCont));
      expect(y[b]).toBe(dls.vocab!.indexOf(raw.survived));
    }
    for (const b of vb) tf.dispose([...b.x, b.y]);
    const tb = await all(dls.train);
    expect(tb.every((b) => b.y.shape[0] === 64)).toBe(true);
    for (const b of tb) tf.dispose([...b.x, b.y]);
  });

  it('the preprocessing survives JSON: a rebuilt Tabular encodes rows identically', async () => {
    const dls = await TabularDataLoaders.fromCsv(titanic, opts);
    const back = Tabular.fromJSON(JSON.parse(JSON.stringify(dls.tabular.toJSON())));
    const rows = readCsvRows(titanic).slice(0, 50);
    const a = dls.tabular.processRows(rows);
    const b = back.processRows(rows);
    expect(b.cats).toEqual(a.cats);
    expect(b.conts).toEqual(a.conts);
    expect(b.y).toEqual(a.y);
    expect(back.classes).toEqual(dls.classes);
  });

  it('diamonds: several regression targets give y float32 [bs, nY]; validIdx splits; cont names default to the rest', async () => {
    const path = `${datasets.path('diamonds')}/diamonds.csv`;
    const validIdx = Array.from({ length: 10000 }, (_, i) => i * 5);
    const dls = await TabularDataLoaders.fromCsv(path, {
      yNames: ['price', 'carat'],
      catNames: ['cut', 'color', 'clarity'],
      validIdx,
      bs: 512,
    });
    expect(dls.contNames).toEqual(['depth', 'table', 'x', 'y', 'z']);
    expect(dls.c).toBe(2);
    expect(dls.splits[1].length).toBe(10000);
    const b = await dls.valid.oneBatch();
    expect([b.y.dtype, b.y.shape]).toEqual(['float32', [512, 2]]);
    const rows = readCsvRows(path);
    expect((b.y.arraySync() as number[][])[1]).toEqual([
      Math.fround(Number(rows[5].price)),
      Math.fround(Number(rows[5].carat)),
    ]);
    tf.dispose([...b.x, b.y]);
  });

  it('validCol (TRUE/FALSE) splits the rows; integer columns as categories', async () => {
    const path = `${datasets.path('insteval')}/ratings.csv`;
    const rows = readCsvRows(path);
    const dls = await TabularDataLoaders.fromCsv(path, {
      yNames: ['rating'],
      catNames: ['studage', 'lectage', 'service', 'dept'],
      contNames: [],
      validCol: 'is_valid',
      bs: 256,
    });
    expect(dls.splits[1].length).toBe(rows.filter((r) => r.is_valid === 'TRUE').length);
    expect(dls.splits[0].length).toBe(rows.filter((r) => r.is_valid === 'FALSE').length);
    expect(dls.classes.studage).toEqual(['#na#', '2', '4', '6', '8']);
    const b = await dls.train.oneBatch();
    expect([b.x[1].shape, b.y.shape, b.y.dtype]).toEqual([[256, 0], [256, 1], 'float32']);
    tf.dispose([...b.x, b.y]);
  });

  it('a missing target value throws InvalidTargetError naming the column and row', async () => {
    const path = `${datasets.path('penguins')}/penguins.csv`;
    const err = await TabularDataLoaders.fromCsv(path, {
      yNames: ['body_mass_g'],
      catNames: ['species'],
      contNames: ['bill_length_mm'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTargetError);
    expect(err).toMatchObject({ column: 'body_mass_g', row: 4 });
  });
});
