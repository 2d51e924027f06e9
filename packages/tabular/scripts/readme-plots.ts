// The plots shown in packages/core/README.md, from a short real run on titanic (≈ 20 s):
//   node --conditions=@tfai/source --import tsx scripts/readme-plots.ts [outDir]   (default ../core/docs)
// lr_find, then 4 epochs of fitOneCycle at its valley suggestion; then plotLoss, plotMetrics, plotSched.
import { resolve } from 'node:path';
import { accuracy, manualSeed } from '@tfai/core';
import { setBackend } from '@tfai/core/backend';
import { TabularDataLoaders, tabularLearner } from '../src/index.js';
import { DATA } from '../src/test-utils/fixtures.js';
import { TITANIC } from '../src/test-utils/real-data.js';

const out = resolve(process.argv[2] ?? new URL('../../core/docs', import.meta.url).pathname);
await setBackend();
manualSeed(42);
const dls = await TabularDataLoaders.fromCsv(`${DATA}titanic/titanic.csv`, { ...TITANIC, seed: 42 });
const learn = tabularLearner(dls, { metrics: [accuracy()] });
const { valley } = await learn.lrFind({ plot: `${out}/lr_find.png` });
console.log(`lr_find valley ${valley.toExponential(2)}`);
await learn.fitOneCycle(8, valley * 3);
console.log(await learn.recorder.plotLoss(`${out}/plot_loss.png`));
console.log(await learn.recorder.plotMetrics(`${out}/plot_metrics.png`));
console.log(await learn.recorder.plotSched(`${out}/plot_sched.png`));
