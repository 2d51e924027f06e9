// The book's custom pipeline (fastai's Siamese tutorial, chapter "the mid-level API"): a SiameseTransform written
// with core's Transform, a TfmdLists over the image files, and the loaders made from it.
import * as tf from '@tensorflow/tfjs-core';
import { parentLabel, randomSplitter, Rng } from '@tfai/core';
import { TfmdLists, Transform } from '@tfai/core/data';
import { datasets } from '@tfai/datasets';
import { getImageFiles } from '@tfai/vision';
import { describe, expect, it } from 'vitest';
import { SiameseInputError } from '../errors.js';
import type { ImagePair } from './pairs.js';
import { SiameseDataLoaders } from './siamese-dataloaders.js';

/** The book's SiameseTransform: a partner drawn per call for training files, fixed ones for validation files. */
class SiameseTransform extends Transform<string, ImagePair> {
  private readonly byLabel = new Map<string, string[]>();
  private readonly valid: Map<string, [string, boolean]>;
  private readonly rng = new Rng(42);
  constructor(
    files: string[],
    private readonly labelOf: (f: string) => string,
    validFiles: string[],
  ) {
    super();
    for (const f of files) this.byLabel.set(labelOf(f), [...(this.byLabel.get(labelOf(f)) ?? []), f]);
    this.valid = new Map(validFiles.map((f) => [f, this.draw(f)]));
  }
  override encodes(f: string): ImagePair {
    const [b, same] = this.valid.get(f) ?? this.draw(f);
    return { a: f, b, same };
  }
  private draw(f: string): [string, boolean] {
    const same = this.rng.next() < 0.5;
    const labels = [...this.byLabel.keys()];
    const others = labels.filter((l) => l !== this.labelOf(f));
    const cls = same ? this.labelOf(f) : others[Math.floor(this.rng.next() * others.length)];
    const pool = this.byLabel.get(cls)!;
    return [pool[Math.floor(this.rng.next() * pool.length)], same];
  }
}

describe('siamese pairs from a TfmdLists (the book’s mid-level pipeline)', () => {
  it('SiameseTransform + TfmdLists → SiameseDataLoaders: fixed validation pairs, training pairs re-drawn each epoch', async () => {
    const files = await getImageFiles(datasets.path('tux_photos'));
    const splits = randomSplitter(files.length, 0.2, 42);
    const tfm = new SiameseTransform(
      files,
      parentLabel,
      splits.valid.map((i) => files[i]),
    );
    const tls = new TfmdLists(files, [tfm], { splits });
    expect(String(tls.tfms)).toBe('Pipeline: SiameseTransform');
    const dls = SiameseDataLoaders.fromTfmdLists(tls, { size: 32, bs: 8, seed: 0 });
    expect(dls.valid.ds.pairs).toEqual(splits.valid.map((i) => tfm.encodes(files[i])));
    expect(dls.train.n).toBe(splits.train.length);

    const b = await dls.valid.oneBatch();
    expect(b.x.map((x) => x.shape)).toEqual([
      [8, 32, 32, 3],
      [8, 32, 32, 3],
    ]);
    expect(Array.from(await b.y.data())).toEqual(dls.valid.ds.pairs.slice(0, 8).map((p) => (p.same ? 1 : 0)));
    tf.dispose([...b.x, b.y]);

    const epoch = (e: number) => {
      dls.train.ds.setEpoch(e);
      return dls.train.ds.pairs.map((p) => p.b);
    };
    const [e0, e0again, e1] = [epoch(0), epoch(0), epoch(1)];
    expect(e0again).toEqual(e0);
    expect(e1).not.toEqual(e0);
  });

  it('a pipeline that does not make { a, b, same } is a SiameseInputError naming the item', () => {
    const tls = new TfmdLists(['x.png', 'y.png'], [new Transform({ encodes: (f: string) => ({ a: f }) })], {
      splits: { train: [0], valid: [1] },
    });
    expect(() => SiameseDataLoaders.fromTfmdLists(tls)).toThrow(SiameseInputError);
    expect(() => SiameseDataLoaders.fromTfmdLists(tls)).toThrow(/item 0: the pipeline must make \{ a, b, same \}/);
  });
});
