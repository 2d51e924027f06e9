// The Node side of the browser tests: a learner per task trained briefly on a real data set of @tfai/datasets
// (it need not be accurate: the tests compare Node's predictions with the page's), exported, its validation items
// written for the page (decoded pixels, rows, texts), and Node's own predictions of the same items.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { manualSeed, type Learner } from '@tfai/core';
import { csvRecords, exportLearner, loadLearner, readCsv, registerLearnerBuilder } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import {
  ImageDataLoaders,
  SegmentationDataLoaders,
  learnerBuilders as visionBuilders,
  unetLearner,
  visionLearner,
} from '@tfai/vision';
import { Resize } from '@tfai/vision/augment';
import { resnet18 } from '@tfai/vision/models';
import { TabularDataLoaders, learnerBuilders as tabularBuilders, tabularLearner } from '@tfai/tabular';
import { AWDLSTM, TextDataLoaders, learnerBuilders as textBuilders, textClassifierLearner } from '@tfai/text';
import { SiameseDataLoaders, learnerBuilders as siameseBuilders, siameseLearner } from '@tfai/siamese';
import type { PagePrediction, PixelManifest } from './page/api.js';

// Node's loadLearner finds the builders by package name; the sources' builders are registered so nothing is read
// from dist/ (as the integration flows do).
for (const table of [visionBuilders, tabularBuilders, textBuilders, siameseBuilders])
  for (const [name, b] of Object.entries(table)) registerLearnerBuilder(name, b);

export type TaskName = 'vision' | 'segmentation' | 'tabular' | 'text' | 'siamese';

export interface TaskFixture {
  task: TaskName;
  dataset: string;
  /** Files under the served folder: the export's JSON and weights, and the items. */
  exportJson: string;
  exportWeights: string;
  /** Node's loadLearner of the same files, in ms; the weights file's size. */
  nodeLoadMs: number;
  weightsBytes: number;
  /** `pixels.json` (images, pairs), `rows.json`, `texts.json`. */
  itemsFile: string;
  /** Node's `predict` of each validation item, reduced as the page reduces its own. */
  node: PagePrediction[];
  /** The image files of the items (vision tasks), for the decode-in-the-page test. */
  files?: string[];
  learn: Learner;
}

/** Decodes image files with sharp to RGBA (what a page's ImageData holds) and writes them as one pixel file + manifest. */
export async function writePixels(files: readonly string[], dir: string, stem: string): Promise<string> {
  const chunks: Buffer[] = [];
  const items: PixelManifest['items'] = [];
  let offset = 0;
  for (const f of files) {
    const { data, info } = await sharp(f).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    items.push({ offset, width: info.width, height: info.height, channels: 4 });
    chunks.push(data);
    offset += data.length;
  }
  await writeFile(join(dir, `${stem}.bin`), Buffer.concat(chunks));
  const manifest: PixelManifest = { bin: `${stem}.bin`, items };
  await writeFile(join(dir, `${stem}.json`), JSON.stringify(manifest));
  return `${stem}.json`;
}

function reduce(p: { decoded: number | number[]; label?: string; probs: ArrayLike<number> } & object): PagePrediction {
  const q = p as typeof p & { mask?: { data: ArrayLike<number> }; probability?: number };
  return {
    decoded: q.decoded,
    label: q.label,
    probs: q.mask ? [] : Array.from(q.probs),
    mask: q.mask ? Array.from(q.mask.data) : undefined,
    probability: q.probability,
  };
}

/** Exports, then times Node's own loadLearner of the files (the table compares it with the page's). */
async function exportTo(learn: Learner, dir: string, task: TaskName) {
  const { json, weights } = await exportLearner(learn, join(dir, task));
  const t0 = performance.now();
  (await loadLearner(json)).dispose();
  const nodeLoadMs = performance.now() - t0;
  return {
    exportJson: `${task}.json`,
    exportWeights: `${task}.safetensors`,
    nodeLoadMs,
    weightsBytes: (await stat(weights)).size,
  };
}

const quiet = { progress: false } as const;

/**
 * Trains, exports and predicts one task in Node; `dir` is the folder the server serves to the page.
 * @example
 * ```ts
 * const fx = await prepareTask('tabular', dir);
 * ```
 */
export async function prepareTask(task: TaskName, dir: string): Promise<TaskFixture> {
  await mkdir(dir, { recursive: true });
  manualSeed(0);
  switch (task) {
    case 'vision': {
      // tux_photos (PNG photos of varied sizes, 7 classes) resized to 32 px: Resize runs on both sides.
      const dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), {
        bs: 16,
        seed: 0,
        itemTfms: [new Resize(32)],
      });
      const learn = await visionLearner(dls, resnet18, {
        pretrained: false,
        cut: 5,
        head: { linFtrs: [], ps: 0.25 },
        ...quiet,
      });
      await learn.fitOneCycle(1, 3e-3);
      const files = dls.valid.ds.items.map(String);
      const node: PagePrediction[] = [];
      for (const f of files) node.push(reduce(await learn.predict(f)));
      return {
        task,
        dataset: 'tux_photos',
        ...(await exportTo(learn, dir, task)),
        itemsFile: await writePixels(files, dir, `${task}-pixels`),
        node,
        files,
        learn,
      };
    }
    case 'segmentation': {
      // 24 of tux_seg's 189 photos (every 8th), a third of them for validation, at 32 px; masks come back at the
      // photo's own size (nearest neighbour) on both sides.
      const root = datasets.path('tux_seg');
      const names = (await readFile(join(root, 'pairs.csv'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0])
        .filter((_, i) => i % 8 === 0);
      const codes = (await readFile(join(root, 'codes.txt'), 'utf8')).trim().split('\n');
      const dls = await SegmentationDataLoaders.fromLabelFunc(
        '',
        names.map((n) => join(root, 'images', n)),
        (f) => f.replace('/images/', '/labels/'),
        { codes, itemTfms: [new Resize(32)], validPct: 1 / 3, bs: 8, seed: 0 },
      );
      const learn = await unetLearner(dls, resnet18, { pretrained: false, ...quiet });
      await learn.fitOneCycle(1, 1e-2);
      const files = dls.valid.ds.items.map(String);
      const node: PagePrediction[] = [];
      for (const f of files) node.push(reduce(await learn.predict(f)));
      return {
        task,
        dataset: 'tux_seg',
        ...(await exportTo(learn, dir, task)),
        itemsFile: await writePixels(files, dir, `${task}-pixels`),
        node,
        files,
        learn,
      };
    }
    case 'siamese': {
      // A third of the CSV's pairs (paths relative to the data set's folder: `root`).
      const root = datasets.path('tux_photos');
      const lines = (await readFile(join(root, 'siamese_pairs.csv'), 'utf8')).trim().split('\n');
      const subset = [lines[0], ...lines.slice(1).filter((_, i) => i % 3 === 0)];
      await writeFile(join(dir, 'siamese-pairs.csv'), `${subset.join('\n')}\n`);
      const dls = await SiameseDataLoaders.fromCsv(join(dir, 'siamese-pairs.csv'), {
        root,
        size: 32,
        bs: 16,
        seed: 0,
      });
      const learn = await siameseLearner(dls, resnet18, { pretrained: false, cut: 5, ...quiet });
      await learn.fitOneCycle(1, 3e-3);
      const pairs = dls.valid.ds.pairs;
      const files = pairs.flatMap((p) => [String(p.a), String(p.b)]);
      const node: PagePrediction[] = [];
      for (const p of pairs) node.push(reduce(await learn.predict([p.a, p.b])));
      return {
        task,
        dataset: 'tux_photos (siamese_pairs.csv)',
        ...(await exportTo(learn, dir, task)),
        itemsFile: await writePixels(files, dir, `${task}-pixels`),
        node,
        files,
        learn,
      };
    }
    case 'tabular': {
      const csv = join(datasets.path('titanic'), 'titanic.csv');
      const dls = await TabularDataLoaders.fromCsv(csv, {
        yNames: ['survived'],
        catNames: ['pclass', 'sex'],
        contNames: ['age', 'sibsp', 'parch'],
        validPct: 0.2,
        seed: 42,
        bs: 64,
      });
      const learn = tabularLearner(dls, quiet);
      await learn.fitOneCycle(1, 1e-2);
      // The validation rows as raw CSV values (missing ages stay missing: FillMissing from the export fills them).
      const all = csvRecords(await readCsv(csv));
      const rows = Array.from(dls.splits[1], (i) => {
        const r = all[i];
        const num = (v: string) => (v === '' || v === 'NA' ? null : Number(v));
        return { pclass: r.pclass, sex: r.sex, age: num(r.age), sibsp: num(r.sibsp), parch: num(r.parch) };
      });
      const node = (await learn.predictRows(rows)).map(reduce);
      await writeFile(join(dir, 'tabular-rows.json'), JSON.stringify(rows));
      return {
        task,
        dataset: 'titanic',
        ...(await exportTo(learn, dir, task)),
        itemsFile: 'tabular-rows.json',
        node,
        learn,
      };
    }
    case 'text': {
      // amazon_fine_foods reviews of up to 60 words: a small AWD-LSTM classifier from scratch, 200 training / 60 validation.
      const all = csvRecords(await readCsv(join(datasets.path('amazon_fine_foods'), 'reviews.csv')));
      const short = all.filter((r) => r.text.split(/\s+/).length <= 60);
      const train = short.filter((r) => !/true/i.test(r.is_valid)).slice(0, 200);
      const valid = short.filter((r) => /true/i.test(r.is_valid)).slice(0, 60);
      const rows = [...train, ...valid].map((r, i) => ({ text: r.text, label: r.label, is_valid: String(i >= 200) }));
      const dls = await TextDataLoaders.fromTable(
        { fields: ['text', 'label', 'is_valid'], rows },
        { bs: 16, seqLen: 36, seed: 0, cacheDir: false, progress: false },
      );
      const learn = textClassifierLearner(dls, AWDLSTM, {
        config: { embSz: 32, nHid: 64, nLayers: 2 },
        dropMult: 0.3,
        maxLen: 72,
        ...quiet,
        logger: () => undefined,
      });
      await learn.fitOneCycle(1, 1e-2);
      const texts = valid.map((r) => r.text);
      const node: PagePrediction[] = [];
      for (const t of texts) node.push(reduce(await learn.predict(t)));
      await writeFile(join(dir, 'text-texts.json'), JSON.stringify(texts));
      return {
        task,
        dataset: 'amazon_fine_foods',
        ...(await exportTo(learn, dir, task)),
        itemsFile: 'text-texts.json',
        node,
        learn,
      };
    }
  }
}
