// The tfai demo: fastai's vision workflow in TypeScript. Trains a ResNet from scratch on @tfai/datasets' fashion_mnist
// (or tux_photos) with fitOneCycle, then looks at the results and round-trips an export. Run with `npm run demo`.
// Env: TFAI_DEMO_QUICK=1 (a run of under a minute: a fifth of fashion_mnist), TFAI_DEMO_DATA=tux_photos,
//      TFAI_DEMO_OUT (where the pictures go; default <tmp>/tfai-demo), TFAI_BACKEND (cuda|tensorflow|wasm|cpu).
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { datasets } from '@tfai/datasets';
import { accuracy, manualSeed } from '@tfai/core';
import { describeBackend, setBackend } from '@tfai/core/backend';
import { csvRecords, exportLearner, loadLearner, readCsv } from '@tfai/core/io';
import { ClassificationInterpretation, ImageDataLoaders, visionLearner, type VisionLearner } from '@tfai/vision';
import { Resize, augTransforms } from '@tfai/vision/augment';
import { resnet18 } from '@tfai/vision/models';

const quick = process.env.TFAI_DEMO_QUICK === '1' || process.env.TFAI_DEMO_QUICK === 'true';
const which = process.env.TFAI_DEMO_DATA ?? 'fashion_mnist';
const OUT = process.env.TFAI_DEMO_OUT ?? join(os.tmpdir(), 'tfai-demo');
if (!['fashion_mnist', 'tux_photos'].includes(which))
  throw new Error(`TFAI_DEMO_DATA must be fashion_mnist or tux_photos, got '${which}'`);
// The data sets ship in the repository as the @tfai/datasets package (packages/datasets/data).
const DATA = datasets.path(which);
mkdirSync(OUT, { recursive: true });

const t0 = performance.now();
await setBackend();
console.log(
  `backend: ${describeBackend()} (${os.cpus().length} cores)${quick ? ' — quick run (TFAI_DEMO_QUICK)' : ''}`,
);
manualSeed(0);

// Data: fashion_mnist is 28×28 greyscale (promoted to RGB), used at its size; tux photos are resized to 64×64.
// Quick: every 5th image of fashion_mnist's labels.csv (600 train / 200 valid); tux_photos for 2 epochs.
let dls: ImageDataLoaders;
if (which === 'fashion_mnist') {
  const opts = { bs: 16, seed: 0 };
  if (quick) {
    const rows = csvRecords(await readCsv(join(DATA, 'labels.csv'))).filter((_, i) => i % 5 === 0);
    dls = await ImageDataLoaders.fromDf(rows, {
      ...opts,
      path: DATA,
      fnCol: 'name',
      labelCol: 'label',
      validCol: 'is_valid',
    });
  } else dls = await ImageDataLoaders.fromFolder(DATA, opts);
} else {
  dls = await ImageDataLoaders.fromFolder(DATA, {
    bs: 16,
    seed: 0,
    itemTfms: [new Resize(64)],
    batchTfms: augTransforms(),
  });
}
console.log(
  `data: ${which}, ${dls.train.n} training / ${dls.valid.n} validation images, ${dls.c} classes: ${dls.vocab.join(', ')}`,
);
const batchFile = await dls.showBatch({ file: join(OUT, 'show_batch.png') });

// A ResNet-18 from scratch. On fashion_mnist's 28×28 images the body is cut after layer1 (stem and layer1: 7×7×64
// features) with a one-layer head: as accurate as deeper cuts in a few epochs, and faster (see the vision README).
const fashion = which === 'fashion_mnist';
const head = fashion ? { cut: 5, head: { linFtrs: [], ps: 0.25 } } : {};
const learn: VisionLearner = await visionLearner(dls, resnet18, {
  pretrained: false,
  ...head,
  metrics: [accuracy()],
  progress: { backend: false }, // the first line above names it
});
const epochs = quick ? 2 : fashion ? 6 : 8;
const lr = 3e-3;
console.log(
  `model: resnet18${fashion ? ' cut after layer1, head BatchNorm–Dropout–Linear' : ''}; fitOneCycle(${epochs}, ${lr})`,
);
await learn.fitOneCycle(epochs, lr);

// Looking at the results.
const interp = await ClassificationInterpretation.fromLearner(learn);
const acc = interp.decoded.filter((d, i) => d === interp.targs[i]).length / interp.targs.length;
console.log(`validation accuracy: ${(100 * acc).toFixed(1)}%`);
console.log(
  `most confused (actual, predicted, count): ${
    interp
      .mostConfused(2)
      .slice(0, 5)
      .map(([a, p, n]) => `${a}→${p} ${n}`)
      .join(', ') || 'none twice'
  }`,
);
const pictures = [
  batchFile,
  await learn.showResults({ file: join(OUT, 'show_results.png') }),
  await interp.plotConfusionMatrix({ file: join(OUT, 'confusion_matrix.png') }),
  await interp.plotTopLosses(9, { file: join(OUT, 'top_losses.png') }),
];
console.log(`pictures: ${pictures.join(', ')}`);

// Export, load back (weights + JSON, rebuilt by @tfai/vision's learnerBuilders) and predict one image.
const { json } = await exportLearner(learn, join(OUT, 'export'));
const loaded = (await loadLearner(json)) as VisionLearner;
const image = String(dls.valid.ds.items[0]);
const [a, b] = [await learn.predict(image), await loaded.predict(image)];
const same = a.probs.every((p, i) => p === b.probs[i]);
console.log(
  `export: ${json}; loadLearner → predict(${image.slice(DATA.length + 1)}) = ${b.label} (${(100 * Math.max(...b.probs)).toFixed(1)}%), ${same ? 'identical to' : 'DIFFERENT from'} the trained learner`,
);
console.log(`total time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
learn.dispose();
loaded.dispose();
process.exit(same ? 0 : 1);
