// Diagnostic: a from-scratch AWD-LSTM classifier (unfreeze + fitOneCycle) on the Amazon reviews, logging the
// smoothed training loss every LOG_EVERY steps. Run from packages/text: `npx tsx bench/clas-scratch.ts`.
import { accuracy, manualSeed } from '@tfai/core';
import { setBackend } from '@tfai/core/backend';
import { readTextTable } from '../src/data/read.js';
import { TextDataLoaders } from '../src/data/text-dataloaders.js';
import { textClassifierLearner } from '../src/learner/text-learner.js';
import { AWDLSTM } from '../src/models/awd-lstm.js';
import { SortedDL } from '../src/data/sorted-dl.js';
import { stepLog, subset } from './bench-utils.js';
import { datasets } from '@tfai/datasets';

const env = (k: string, d: string): number => Number(process.env[k] ?? d);
const t0 = performance.now();
const log = (l: string) => console.log(`${l}  [${((performance.now() - t0) / 1000).toFixed(0)}s]`);
await setBackend();
manualSeed(0);
const full = await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`);
const seqLen = env('SEQ', '36');
const dls = await TextDataLoaders.fromTable(subset(full, env('ROWS', '4000'), env('VALID', '1000')), {
  bs: env('BS', '32'),
  seqLen,
  seed: 0,
  cacheDir: false,
  progress: false,
  minFreq: env('MINFREQ', '3'),
});
if (!(dls.train instanceof SortedDL)) throw new Error('expected a SortedDL');
const lens = Array.from(dls.train.lengths).sort((a, b) => a - b);
console.log(
  `vocab ${dls.textVocab.length} train ${dls.train.n} batches ${dls.train.length} median len ${lens[lens.length >> 1]} p90 ${lens[Math.floor(lens.length * 0.9)]} max ${lens[lens.length - 1]}`,
);
const config = { embSz: env('EMB', '64'), nHid: env('NHID', '128'), nLayers: env('LAYERS', '2') };
const learn = textClassifierLearner(dls, AWDLSTM, {
  config,
  dropMult: env('DROP', '0.5'),
  metrics: [accuracy()],
  logger: console.log,
  maxLen: env('MAXLEN', String(seqLen * 4)),
  cbs: [stepLog('clas', log, env('LOG_EVERY', '20'))],
});
learn.unfreeze();
await learn.fitOneCycle(env('EPOCHS', '1'), env('LR', '1e-2'));
console.log(
  `RESULT ${JSON.stringify({ config, table: learn.recorder.values, seconds: (performance.now() - t0) / 1000 })}`,
);
