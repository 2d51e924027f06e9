// The text learners on the real data sets of @tfai/datasets, with small AWD-LSTMs (wasm is ~10 s per step at
// fastai's 400/1152/3): a Jane Austen language model (validation perplexity per epoch), the ULMFiT path on Amazon
// fine-food reviews (general-English LM on Austen → LM fine-tuned on the review texts → saveEncoder → classifier
// with loadEncoder and gradual unfreezing) against the majority class, and a from-scratch classifier on the 8
// fortune categories. Prints `RESULT {json}` per run.
// Run from packages/text: `TFAI_WASM_THREADS=1 npx tsx bench/ulmfit-real-data.ts`. Env: RUNS=austen,amazon,fortunes;
// EMB/NHID/LAYERS (64/128/2); AUSTEN_ROWS, EPOCHS; amazon: AMAZON_ROWS/AMAZON_VALID (4000/1000), PRE_ROWS (Austen
// paragraphs of the pretraining LM, 10298 = all; 0 = none), PRE_EPOCHS (1), PRE_LR (1e-2), LM_EPOCHS (2), LM_LR
// (5e-3 after pretraining, else 1e-2), LM_DROP (0.3), ENCODER (a saved fine-tuned encoder: skip both LMs), CLAS_DROP
// (0.5), CLAS_LR (last phase, 1e-2), CLAS_EPOCHS (5), MAXLEN (144); LOG_EVERY (steps between loss lines, 50).
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, manualSeed, slice } from '@tfai/core';
import { setBackend } from '@tfai/core/backend';
import { readTextTable, type TextTable } from '../src/data/read.js';
import { TextDataLoaders } from '../src/data/text-dataloaders.js';
import { textClassifierLearner, languageModelLearner } from '../src/learner/text-learner.js';
import { AWDLSTM } from '../src/models/awd-lstm.js';
import { stepLog as stepLogTo, subset } from './bench-utils.js';
import { datasets } from '@tfai/datasets';

const env = (k: string, d: string): number => Number(process.env[k] ?? d);
const RUNS = (process.env.RUNS ?? 'austen,amazon,fortunes').split(',');
const small = { embSz: env('EMB', '64'), nHid: env('NHID', '128'), nLayers: env('LAYERS', '2') };
const path = mkdtempSync(join(tmpdir(), 'tfai-ulmfit-'));
const T0 = performance.now();
const log = (l: string) => console.log(`${l}  [${((performance.now() - T0) / 1000).toFixed(0)}s]`);
const stepLog = (name: string) => stepLogTo(name, log, env('LOG_EVERY', '50'));

function majority(t: TextTable, col: string): number {
  const valid = t.rows.filter((r) => /^(true|1)$/i.test(r.is_valid ?? ''));
  const counts = new Map<string, number>();
  for (const r of valid) counts.set(r[col], (counts.get(r[col]) ?? 0) + 1);
  return Math.max(...counts.values()) / valid.length;
}

await setBackend();
manualSeed(0);

if (RUNS.includes('austen')) {
  const t0 = performance.now();
  const table = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
  const rows = env('AUSTEN_ROWS', '800');
  const dls = await TextDataLoaders.fromTable(
    { fields: table.fields, rows: table.rows.slice(0, rows) },
    { isLm: true, validPct: 0.1, bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false },
  );
  const learn = languageModelLearner(dls, AWDLSTM, { config: small, dropMult: 0.3, path, logger: log });
  const epochs = env('EPOCHS', '3');
  await learn.fitOneCycle(epochs, 1e-2);
  const gen = await learn.predict('It is a truth universally acknowledged', { nWords: 15, temperature: 0.75, seed: 1 });
  console.log(
    `RESULT ${JSON.stringify({ run: 'austen_lm', rows, vocab: dls.textVocab.length, trainBatches: dls.train.length, config: small, epochs, table: learn.recorder.values, sample: gen.text, seconds: (performance.now() - t0) / 1000 })}`,
  );
  learn.dispose();
}

if (RUNS.includes('amazon')) {
  // ULMFiT on all 4,000 training / 1,000 validation reviews. fastai starts from an AWD-LSTM pretrained on
  // WikiText-103; the stand-in here (PRE_ROWS > 0) is a language model trained from scratch on Jane Austen's
  // paragraphs (general English), whose encoder is then loaded — embedding remapped by match_embeds — into the
  // language model fine-tuned on the review texts (fastai: 1 frozen epoch at 2e-2, then unfrozen).
  const t0 = performance.now();
  const cfg = { embSz: env('EMB', '64'), nHid: env('NHID', '128'), nLayers: env('LAYERS', '2') };
  const lmOpts = { isLm: true, validPct: 0.1, bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false } as const;
  // A language model of `cfg` whose steps are logged as `name`, its dropouts scaled by the env variable `dropVar` (0.3).
  const lmLearner = (dls: TextDataLoaders, name: string, dropVar: string) =>
    languageModelLearner(dls, AWDLSTM, {
      config: cfg,
      dropMult: env(dropVar, '0.3'),
      path,
      logger: log,
      cbs: [stepLog(name)],
    });
  const preRows = process.env.ENCODER ? 0 : env('PRE_ROWS', '10298');
  let preTable: number[][] = [];
  if (preRows > 0) {
    const austen = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
    const preDls = await TextDataLoaders.fromTable(
      { fields: ['text'], rows: austen.rows.slice(0, preRows).map((r) => ({ text: r.text })) },
      lmOpts,
    );
    log(
      `pretraining LM on ${preRows} Austen paragraphs: vocab ${preDls.textVocab.length}, ${preDls.train.length} batches/epoch`,
    );
    const pre = lmLearner(preDls, 'pre', 'PRE_DROP');
    await pre.fitOneCycle(env('PRE_EPOCHS', '1'), env('PRE_LR', '1e-2'));
    await pre.saveEncoder('pretrained');
    preTable = pre.recorder.values;
    pre.dispose();
  }
  const full = await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`);
  const table = subset(full, env('AMAZON_ROWS', '4000'), env('AMAZON_VALID', '1000'));
  // fastai's ULMFiT: the language model is fine-tuned on every text (labels unused), here with a 10% random split.
  const lmDls = await TextDataLoaders.fromTable(
    { fields: ['text'], rows: table.rows.map((r) => ({ text: r.text })) },
    lmOpts,
  );
  log(`LM on ${table.rows.length} review texts: vocab ${lmDls.textVocab.length}, ${lmDls.train.length} batches/epoch`);
  const lmLr = env('LM_LR', preRows > 0 ? '5e-3' : '1e-2');
  let lmTable: number[][] = [];
  if (process.env.ENCODER) {
    // Tuning the classifier only: reuse the fine-tuned encoder of an earlier run (same data, so the same vocab).
    mkdirSync(join(path, 'models'), { recursive: true });
    copyFileSync(process.env.ENCODER, join(path, 'models', 'finetuned.safetensors'));
  } else {
    const lm = lmLearner(lmDls, 'lm', 'LM_DROP');
    if (preRows > 0) {
      await lm.loadEncoder('pretrained'); // frozen: the embedding and decoder train first
      await lm.fitOneCycle(1, 2e-2);
      lm.unfreeze();
    }
    await lm.fitOneCycle(env('LM_EPOCHS', '2'), lmLr);
    log(`encoder saved to ${await lm.saveEncoder('finetuned')}`);
    lmTable = lm.recorder.values;
    lm.dispose();
  }
  const dls = await TextDataLoaders.fromTable(table, {
    textVocab: lmDls.textVocab,
    bs: 32,
    seqLen: 36,
    seed: 0,
    cacheDir: false,
    progress: false,
  });
  const clasDrop = env('CLAS_DROP', '0.5');
  const lastLr = env('CLAS_LR', '1e-2');
  const learn = textClassifierLearner(dls, AWDLSTM, {
    config: cfg,
    dropMult: clasDrop,
    metrics: [accuracy()],
    path,
    logger: log,
    maxLen: env('MAXLEN', String(36 * 4)),
    cbs: [stepLog('clas')],
  });
  await learn.loadEncoder('finetuned');
  const phases: number[][] = [];
  const phase = async (f: () => Promise<void>) => {
    await f();
    phases.push(learn.recorder.values[learn.recorder.values.length - 1]);
  };
  await phase(() => learn.fitOneCycle(1, 2e-2));
  learn.freezeTo(-2);
  await phase(() => learn.fitOneCycle(1, slice(1e-2 / 2.6 ** 4, 1e-2)));
  learn.freezeTo(-3);
  await phase(() => learn.fitOneCycle(1, slice(5e-3 / 2.6 ** 4, 5e-3)));
  learn.unfreeze();
  await phase(() => learn.fitOneCycle(env('CLAS_EPOCHS', '5'), slice(lastLr / 2.6 ** 4, lastLr)));
  const { metrics } = await learn.validate();
  console.log(
    `RESULT ${JSON.stringify({ run: 'amazon_ulmfit', config: cfg, preRows, encoder: process.env.ENCODER ?? null, trainRows: dls.train.n, validRows: dls.valid.n, majority: majority(table, 'label'), clasDrop, lmLr, lastLr, preTable, lmTable, phases, accuracy: metrics.accuracy, seconds: (performance.now() - t0) / 1000 })}`,
  );
  learn.dispose();
}

if (RUNS.includes('fortunes')) {
  const t0 = performance.now();
  const table = await readTextTable(`${datasets.path('fortunes')}/fortunes.csv`);
  const dls = await TextDataLoaders.fromTable(table, { bs: 32, seqLen: 36, seed: 0, cacheDir: false, progress: false });
  const learn = textClassifierLearner(dls, AWDLSTM, {
    config: small,
    dropMult: 0.5,
    metrics: [accuracy()],
    path,
    logger: log,
    maxLen: 36 * 4,
  });
  learn.unfreeze();
  await learn.fitOneCycle(env('FORTUNE_EPOCHS', '4'), 1e-2);
  const { metrics } = await learn.validate();
  console.log(
    `RESULT ${JSON.stringify({ run: 'fortunes_scratch', trainRows: dls.train.n, validRows: dls.valid.n, majority: majority(table, 'label'), table: learn.recorder.values, accuracy: metrics.accuracy, seconds: (performance.now() - t0) / 1000 })}`,
  );
  learn.dispose();
}
