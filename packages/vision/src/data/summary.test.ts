// DataBlock.summary beside fastai's own: fixtures/fastai-summary-mnist-tiny.txt is fastai's output captured for the
// mnist_tiny DataBlock (ImageBlock, CategoryBlock, GrandparentSplitter, parent_label, Resize(28), Normalize); the same
// DataBlock on fashion_mnist (laid out as mnist_tiny: train/<class>/, valid/<class>/) must print fastai's sections in
// fastai's order, with this data set's own counts.
import { readFileSync } from 'node:fs';
import { CategoryBlock, DataBlock } from '@tfai/core/data';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { Normalize } from '../augment/normalize.js';
import { Resize } from '../augment/resize.js';
import { imagenetStats } from '../models/model-meta.js';
import { ImageBlock } from './image-block.js';
import { getImageFiles, grandparentSplitter, parentLabel } from './items.js';

const FASTAI = readFileSync(new URL('./fixtures/fastai-summary-mnist-tiny.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n');

/** fastai's section lines, in the order printed; a line's key is the first pattern it matches. */
const SECTIONS: [string, RegExp][] = [
  ['setting-up', /^Setting-up type transforms pipelines$/],
  ['collecting', /^Collecting items from \S/],
  ['found', /^Found \d+ items$/],
  ['datasets', /^2 datasets of sizes \d+,\d+$/],
  ['setup-pipeline', /^Setting up Pipeline: \S/],
  ['one-sample', /^Building one sample$/],
  ['pipeline', /^ {2}Pipeline: \S/],
  ['starting', /^ {4}starting from$/],
  ['applying', /^ {4}applying .+ gives$/],
  ['final-sample', /^Final sample: \(.+\)$/],
  ['after-item', /^Setting up after_item: Pipeline: /],
  ['before-batch', /^Setting up before_batch: Pipeline: /],
  ['after-batch', /^Setting up after_batch: Pipeline: /],
  ['one-batch', /^Building one batch$/],
  ['item-tfms', /^Applying item_tfms to the first sample:$/],
  ['next', /^Adding the next 3 samples$/],
  ['no-before-batch', /^No before_batch transform to apply$/],
  ['collating', /^Collating items in a batch$/],
  ['batch-tfms', /^Applying batch_tfms to the batch built$/],
];

/**
 * The keys of a summary's section lines up to and including "Final sample", then its top-level section lines.
 * fastai's `dataloaders(verbose=True)` prints the collecting/setting-up lines a second time after "Final sample";
 * tfai prints them once, so the repeat is dropped.
 */
function skeleton(text: string): string[] {
  const keys: string[] = [];
  let afterSample = false;
  for (const line of text.split('\n')) {
    const hit = SECTIONS.find(([, re]) => re.test(line));
    if (!hit) continue;
    const [key] = hit;
    if (afterSample && (/^ /.test(line) || ['collecting', 'found', 'datasets', 'setup-pipeline'].includes(key)))
      continue;
    keys.push(key);
    if (key === 'final-sample') afterSample = true;
  }
  return keys;
}

describe('DataBlock.summary beside fastai', () => {
  it("prints fastai's sections in fastai's order, with fashion_mnist's own counts", async () => {
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock()],
      getItems: (p: string) => getImageFiles(p),
      splitter: (files: string[]) => grandparentSplitter(files),
      getY: parentLabel,
      itemTfms: [new Resize(28)],
      batchTfms: [Normalize.fromStats(imagenetStats)],
    });
    const ours = await dblock.summary(datasets.path('fashion_mnist'), { print: false });
    const fastai = skeleton(FASTAI);
    expect(fastai).toContain('batch-tfms'); // the fixture is read whole
    expect(skeleton(ours)).toEqual(fastai);
    // fashion_mnist: 300 per class in train/, 100 per class in valid/ (the catalog's layout), 10 classes.
    expect(ours).toMatch(/^Found 4000 items$/m);
    expect(ours).toMatch(/^2 datasets of sizes 3000,1000$/m);
    expect(ours).toMatch(/^ {4}applying parentLabel gives\n {6}ankle_boot$/m);
    expect(ours).toMatch(/^Final batch: x = \(float32 \[4, 28, 28, 3\]\), y = int32 \[4\]$/m);
  }, 120_000);
});
