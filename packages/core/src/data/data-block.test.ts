// DataBlock on core's own path (no domain loaders): a real table (@tfai/datasets' penguins), its rows as items.
import * as tf from '@tensorflow/tfjs-core';
import { path as datasetPath } from '@tfai/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { Learner } from '../learner/learner.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { CategoryBlock, MultiCategoryBlock, RegressionBlock, type TransformBlock } from './block.js';
import { DataBlockError } from './categorize.js';
import { csvRecords, readCsv } from './csv.js';
import { DataBlock } from './data-block.js';
import { randomSplitter } from './splitters.js';

type Row = Record<string, string>;
let rows: Row[];
beforeAll(async () => {
  const t = await readCsv(`${datasetPath('penguins')}/penguins.csv`);
  rows = csvRecords(t).filter((r) => Object.values(r).every((v) => v !== 'NA' && v !== ''));
});

/** An input block of numbers (each item's getter gives a list of them). */
const numbers: TransformBlock = { name: 'NumbersBlock', typeTfms: [] };
const measures = (r: Row) => ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm'].map((k) => Number(r[k]) / 100);
const species = (r: Row) => r.species;
const seeded = (items: unknown[]) => randomSplitter(items.length, 0.2, 42);

describe('DataBlock (core path)', () => {
  it('blocks, getters and splitter make the DataLoaders: vocab, c, the loss the target implies, batches', async () => {
    const dblock = new DataBlock({
      blocks: [numbers, new CategoryBlock()],
      getX: measures,
      getY: species,
      splitter: seeded,
    });
    const dls = await dblock.dataloaders(rows, { bs: 16, seed: 0 });
    expect(dls.vocab).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(dls.c).toBe(3);
    expect(dls.lossFunc?.spec.name).toBe('CrossEntropyLossFlat');
    const split = randomSplitter(rows.length, 0.2, 42);
    expect(dls.train.n).toBe(split.train.length);
    expect(dls.valid.n).toBe(split.valid.length);
    const before = tf.memory().numTensors;
    const b = await dls.valid.oneBatch(); // unshuffled: the first 16 validation rows, in order
    expect(b.x[0].shape).toEqual([16, 3]);
    expect(b.y.dtype).toBe('int32');
    const want = split.valid.slice(0, 16).map((i) => dls.vocab!.indexOf(rows[i].species));
    expect(Array.from(await b.y.data())).toEqual(want);
    const x0 = Array.from((await b.x[0].data()).slice(0, 3));
    measures(rows[split.valid[0]]).forEach((v, j) => expect(x0[j]).toBeCloseTo(v, 6));
    tf.dispose([...b.x, b.y]);
    let n = 0;
    for await (const bb of dls.train) {
      n += bb.y.shape[0];
      tf.dispose([...bb.x, bb.y]);
    }
    expect(n).toBe(Math.floor(split.train.length / 16) * 16); // drop-last in training
    expect(tf.memory().numTensors).toBe(before);
  });

  it('MultiCategoryBlock: one-hot float targets over the sorted vocab, BCEWithLogitsLossFlat, and the Learner takes it', async () => {
    const dblock = new DataBlock({
      blocks: [numbers, new MultiCategoryBlock()],
      getX: measures,
      getY: (r: Row) => [r.species, r.island],
      splitter: seeded,
    });
    const dls = await dblock.dataloaders(rows, { bs: 8, seed: 0 });
    expect(dls.vocab).toEqual(['Adelie', 'Biscoe', 'Chinstrap', 'Dream', 'Gentoo', 'Torgersen']);
    const b = await dls.valid.oneBatch();
    expect(b.y.shape).toEqual([8, 6]);
    const first = rows[randomSplitter(rows.length, 0.2, 42).valid[0]];
    const y0 = Array.from((await b.y.data()).slice(0, 6));
    expect(y0).toEqual(dls.vocab!.map((v) => (v === first.species || v === first.island ? 1 : 0)));
    tf.dispose([...b.x, b.y]);
    const learn = new Learner(dls, new Linear(3, 6));
    expect(learn.lossFunc.spec).toEqual({ name: 'BCEWithLogitsLossFlat', args: { threshold: 0.5 } });
  });

  it('RegressionBlock: float targets and MSELossFlat; a non-number target names the item', async () => {
    const dblock = new DataBlock({
      blocks: [numbers, new RegressionBlock()],
      getX: measures,
      getY: (r: Row) => Number(r.body_mass_g) / 1000,
      splitter: seeded,
    });
    const dls = await dblock.dataloaders(rows, { bs: 4 });
    expect(dls.lossFunc?.spec.name).toBe('MSELossFlat');
    expect(dls.c).toBe(1);
    const b = await dls.valid.oneBatch();
    expect(b.y.shape).toEqual([4, 1]);
    tf.dispose([...b.x, b.y]);
    const bad = new DataBlock({ blocks: [numbers, new RegressionBlock()], getY: () => 'heavy', splitter: seeded });
    const dsets = await bad.datasets(rows.slice(0, 3)).catch((e: unknown) => e);
    expect(dsets).toBeInstanceOf(DataBlockError);
  });

  it('getters are checked against the blocks; the default splitter draws from the global RNG (manualSeed)', async () => {
    expect(() => new DataBlock({ blocks: [numbers, new CategoryBlock()], getX: [measures, measures] })).toThrow(
      /getX has 2 getters for 1 blocks/,
    );
    const dblock = new DataBlock({ blocks: [numbers, new CategoryBlock()], getX: measures, getY: species });
    manualSeed(3);
    const a = await dblock.datasets(rows);
    manualSeed(3);
    const b = await dblock.datasets(rows);
    expect(a.splits).toEqual(b.splits);
    expect(a.valid.length).toBe(Math.floor(rows.length * 0.2));
  });

  it("summary prints each part's pipeline applied to the first training item, then one batch", async () => {
    const dblock = new DataBlock({
      blocks: [numbers, new CategoryBlock()],
      getX: measures,
      getY: species,
      splitter: seeded,
    });
    const text = await dblock.summary(rows, { print: false });
    const first = rows[randomSplitter(rows.length, 0.2, 42).train[0]];
    expect(text).toContain(`Found ${rows.length} items`);
    expect(text).toContain('Setting up Pipeline: measures');
    expect(text).toContain('Setting up Pipeline: species -> Categorize -- {"vocab":null,"sort":true}');
    expect(text).toContain(`    applying species gives\n      ${first.species}`);
    expect(text).toContain('applying Categorize -- {"vocab":null,"sort":true} gives');
    expect(text).toContain('Final batch: x = (float32 [4, 3]), y = int32 [4]');
  });
});
