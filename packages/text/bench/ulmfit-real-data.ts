// The text learners on the real data sets of ../shared/data, with small AWD-LSTMs (wasm is ~10 s per step at
// fastai's 400/1152/3): a Jane Austen language model (validation perplexity per epoch), the ULMFiT path on Amazon
// fine-food reviews (LM fine-tune → saveEncoder → classifier with loadEncoder and gradual unfreezing) against the
// majority class, and a from-scratch classifier on the 8 fortune categories. Prints `RESULT {json}` per run.
// Run from packages/text: `npx tsx bench/ulmfit-real-data.ts` (env: RUNS=austen,amazon,fortunes; AUSTEN_ROWS,
// AMAZON_ROWS, EPOCHS…).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, manualSeed, setBackend, slice } from '@tfai/core';
import { readCsv, type CsvTable } from '../src/data/read.js';
import { TextDataLoaders } from '../src/data/text-dataloaders.js';
import { textClassifierLearner, languageModelLearner } from '../src/learner/text-learner.js';
import { AWDLSTM } from '../src/models/awd-lstm.js';

const env = (k: string, d: string): number => Number(process.env[k] ?? d);
const RUNS = (process.env.RUNS ?? 'austen,amazon,fortunes').split(',');
const DATA = new URL('../../../../shared/data/', import.meta.url).pathname;
const small = { embSz: env('EMB', '64'), nHid: env('NHID', '128'), nLayers: env('LAYERS', '2') };
const path = mkdtempSync(join(tmpdir(), 'tfai-ulmfit-'));
const log = (l: string) => console.log(l);

function subset(t: CsvTable, nTrain: number, nValid: number, validCol = 'is_valid'): CsvTable {
  const isV = (r: Record<string, string>) => /^(true|1)$/i.test(r[validCol] ?? '');
  return { fields: t.fields, rows: [...t.rows.filter((r) => !isV(r)).slice(0, nTrain), ...t.rows.filter(isV).slice(0, nValid)] };
}

function majority(t: CsvTable, col: string): number {
  const valid = t.rows.filter((r) => /^(true|1)$/i.test(r.is_valid ?? ''));
  const counts = new Map<string, number>();
  for (const r of valid) counts.set(r[col], (counts.get(r[col]) ?? 0) + 1);
  return Math.max(...counts.values()) / valid.length;
}

await setBackend();
manualSeed(0);

if (RUNS.includes('austen')) {
  const t0 = performance.now();
  const table = await readCsv(`${DATA}jane_austen/austen.csv`);
  const rows = env('AUSTEN_ROWS', '800');
  const dls = await TextDataLoaders.fromTable({ fields: table.fields, rows: table.rows.slice(0, rows) }, { isLm: true, validPct: 0.1, bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false });
  const learn = languageModelLearner(dls, AWDLSTM, { config: small, dropMult: 0.3, path, logger: log });
  const epochs = env('EPOCHS', '3');
  await learn.fitOneCycle(epochs, 1e-2);
  const gen = await learn.predict('It is a truth universally acknowledged', { nWords: 15, temperature: 0.75, seed: 1 });
  console.log(`RESULT ${JSON.stringify({ run: 'austen_lm', rows, vocab: dls.textVocab.length, trainBatches: dls.train.length, config: small, epochs, table: learn.recorder.values, sample: gen.text, seconds: (performance.now() - t0) / 1000 })}`);
  learn.dispose();
}

if (RUNS.includes('amazon')) {
  const t0 = performance.now();
  const full = await readCsv(`${DATA}amazon_fine_foods/reviews.csv`);
  const table = subset(full, env('AMAZON_ROWS', '800'), env('AMAZON_VALID', '300'));
  // fastai's ULMFiT: the language model is fine-tuned on every text (labels unused), here with a 10% random split.
  const lmDls = await TextDataLoaders.fromTable({ fields: ['text'], rows: table.rows.map((r) => ({ text: r.text })) }, { isLm: true, validPct: 0.1, bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false });
  const lm = languageModelLearner(lmDls, AWDLSTM, { config: small, dropMult: 0.3, path, logger: log });
  await lm.fitOneCycle(env('LM_EPOCHS', '2'), 1e-2);
  await lm.saveEncoder('finetuned');
  const lmTable = lm.recorder.values;
  lm.dispose();
  const dls = await TextDataLoaders.fromTable(table, { textVocab: lmDls.textVocab, bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false });
  const clasDrop = env('CLAS_DROP', '0.5');
  const lastLr = env('CLAS_LR', '1e-3');
  const learn = textClassifierLearner(dls, AWDLSTM, { config: small, dropMult: clasDrop, metrics: [accuracy()], path, logger: log, maxLen: 36 * 4 });
  await learn.loadEncoder('finetuned');
  await learn.fitOneCycle(1, 2e-2);
  learn.freezeTo(-2);
  await learn.fitOneCycle(1, slice(1e-2 / 2.6 ** 4, 1e-2));
  learn.freezeTo(-3);
  await learn.fitOneCycle(1, slice(5e-3 / 2.6 ** 4, 5e-3));
  learn.unfreeze();
  await learn.fitOneCycle(env('CLAS_EPOCHS', '2'), slice(lastLr / 2.6 ** 4, lastLr));
  const { metrics } = await learn.validate();
  console.log(`RESULT ${JSON.stringify({ run: 'amazon_ulmfit', trainRows: dls.train.n, validRows: dls.valid.n, majority: majority(table, 'label'), clasDrop, lastLr, lmTable, table: learn.recorder.values, accuracy: metrics.accuracy, seconds: (performance.now() - t0) / 1000 })}`);
  learn.dispose();
}

if (RUNS.includes('fortunes')) {
  const t0 = performance.now();
  const table = await readCsv(`${DATA}fortunes/fortunes.csv`);
  const dls = await TextDataLoaders.fromTable(table, { bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false });
  const learn = textClassifierLearner(dls, AWDLSTM, { config: small, dropMult: 0.5, metrics: [accuracy()], path, logger: log, maxLen: 36 * 4 });
  learn.unfreeze();
  await learn.fitOneCycle(env('FORTUNE_EPOCHS', '4'), 1e-2);
  const { metrics } = await learn.validate();
  console.log(`RESULT ${JSON.stringify({ run: 'fortunes_scratch', trainRows: dls.train.n, validRows: dls.valid.n, majority: majority(table, 'label'), table: learn.recorder.values, accuracy: metrics.accuracy, seconds: (performance.now() - t0) / 1000 })}`);
  learn.dispose();
}
