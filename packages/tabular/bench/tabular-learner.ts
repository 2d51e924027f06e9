// `npm run bench` in packages/tabular, part 1: the tabular pipeline end to end.
//  data    diamonds.csv replicated in memory to ≥ 1M rows (REPLICAS, default 20 → 1,078,800 rows) and streamed through
//          readDataFrameStream (papaparse → typed columns), then TabularDataLoaders.fromDf (FillMissing, Categorify,
//          Normalize fit on 80% of the rows, every row encoded): rows per second of each step, and the peak memory of
//          the process (getrusage's max RSS; this part runs first, so the peak is the 1M-row run's).
//  train   tabularLearner on those 1M-row loaders: training samples per second (forward, backward, Adam and the
//          batch collation; wall time and per CPU-second of this process) at bs 512 and at fastai's default 64.
//  results the real-data figures on the full sets: credit_data accuracy against the majority class and a logistic
//          regression; ames and diamonds RMSE of ln(price) against the training mean; insteval MSE against the
//          global mean rating (EmbeddingDotBias).
// Env: BENCH_PARTS=data,train,results  REPLICAS=20  TRAIN_BATCHES=120  TFAI_BACKEND.
// Writes bench-results/tabular-learner.json (also printed as a RESULT line).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { accuracy, Callback, CancelFitException, manualSeed, mse, rmse } from '@tfai/core';
import { getBackend, setBackend } from '@tfai/core/backend';
import { collabLearner } from '../src/collab.js';
import { readDataFrame, readDataFrameStream, TabularDataLoaders, tabularLearner } from '../src/index.js';
import { logisticRegressionAccuracy, majorityAccuracy, meanRmse } from '../src/test-utils/baselines.js';
import { instevalDls, logPriceDls, withLogPrice } from '../src/test-utils/real-data.js';
import { datasets } from '@tfai/datasets';

const OUT = fileURLToPath(new URL('../bench-results/tabular-learner.json', import.meta.url));
const PARTS = (process.env.BENCH_PARTS ?? 'data,train,results').split(',');
const REPLICAS = Number(process.env.REPLICAS ?? 20);
const TRAIN_BATCHES = Number(process.env.TRAIN_BATCHES ?? 120);
const WARM_BATCHES = 10;
const MB = 1024 * 1024;
const log = (s: string) => process.stderr.write(`${s}\n`);
const round = (x: number, d = 4) => Number(x.toFixed(d));

await setBackend();
const result: Record<string, unknown> = {
  backend: getBackend(),
  node: process.version,
  date: new Date().toISOString(),
};
const startRss = process.memoryUsage().rss;

const diamondsCols = { catNames: ['cut', 'color', 'clarity'], contNames: ['carat', 'depth', 'table', 'x', 'y', 'z'] };
let big: TabularDataLoaders | undefined;

if (PARTS.includes('data') || PARTS.includes('train')) {
  const text = readFileSync(`${datasets.path('diamonds')}/diamonds.csv`, 'utf8');
  const nl = text.indexOf('\n');
  const header = text.slice(0, nl + 1);
  const body = text.slice(nl + 1).replace(/\n*$/, '\n');
  const rowsPerCopy = body.split('\n').length - 1;
  // The heap and the memory outside it (typed arrays, wasm), sampled while the parse streams.
  let peakHeap = 0;
  let peakExternal = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  const df = await readDataFrameStream(
    Readable.from(
      (function* () {
        yield header;
        for (let r = 0; r < REPLICAS; r++) yield body;
      })(),
    ),
    `diamonds.csv ×${REPLICAS} (in memory)`,
    { numeric: diamondsCols.contNames, categorical: diamondsCols.catNames, required: ['price'] },
  );
  const t1 = performance.now();
  sample();
  const priceLog = df.with('log_price', {
    kind: 'number',
    values: Float64Array.from(df.numeric('price'), Math.log),
    integer: false,
  });
  const t2 = performance.now();
  big = TabularDataLoaders.fromDf(priceLog, {
    yNames: ['log_price'],
    ...diamondsCols,
    validPct: 0.2,
    seed: 42,
    bs: 512,
  });
  const t3 = performance.now();
  sample();
  clearInterval(timer);
  const n = df.nRows;
  if (n !== rowsPerCopy * REPLICAS) throw new Error(`parsed ${n} rows, expected ${rowsPerCopy * REPLICAS}`);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  result.data = {
    rows: n,
    csv_mb: round((header.length + body.length * REPLICAS) / MB, 1),
    parse_s: round((t1 - t0) / 1000, 3),
    parse_rows_per_s: Math.round(n / ((t1 - t0) / 1000)),
    procs_s: round((t3 - t2) / 1000, 3),
    procs_rows_per_s: Math.round(n / ((t3 - t2) / 1000)),
    parse_and_procs_rows_per_s: Math.round(n / ((t1 - t0 + t3 - t2) / 1000)),
    peak_rss_mb: round(maxRss / MB, 1),
    rss_before_mb: round(startRss / MB, 1),
    peak_heap_used_mb: round(peakHeap / MB, 1),
    peak_external_and_array_buffers_mb: round(peakExternal / MB, 1),
  };
  log(`data: ${JSON.stringify(result.data)}`);
}

/** Stops a fit after `n` training batches and times the batches after the warm-up ones (wall and CPU time). */
class Throughput extends Callback {
  samples = 0;
  wall = 0;
  cpu = 0;
  private t = 0;
  private c = process.cpuUsage();
  constructor(private readonly n: number) {
    super();
  }
  override beforeBatch(): void {
    if (this.learn.iter === WARM_BATCHES) {
      this.t = performance.now();
      this.c = process.cpuUsage();
    }
  }
  override afterBatch(): void {
    const it = this.learn.iter;
    if (it >= WARM_BATCHES) this.samples += this.learn.y?.shape[0] ?? 0;
    if (it + 1 === WARM_BATCHES + this.n) {
      this.wall = (performance.now() - this.t) / 1000;
      const d = process.cpuUsage(this.c);
      this.cpu = (d.user + d.system) / 1e6;
      throw new CancelFitException();
    }
  }
}

if (PARTS.includes('train') && big) {
  const out: Record<string, unknown>[] = [];
  for (const bs of [512, 64]) {
    manualSeed(0);
    const dls =
      bs === 512
        ? big
        : TabularDataLoaders.fromDf(await readDataFrame(`${datasets.path('diamonds')}/diamonds.csv`), {
            yNames: ['price'],
            ...diamondsCols,
            validPct: 0.2,
            seed: 42,
            bs,
          });
    const learn = tabularLearner(dls, { progress: false });
    const tp = new Throughput(TRAIN_BATCHES);
    await learn.fit(1, 1e-3, { cbs: [tp] });
    out.push({
      bs,
      rows_in_loader: dls.train.n,
      batches_timed: TRAIN_BATCHES,
      samples_per_s: Math.round(tp.samples / tp.wall),
      samples_per_cpu_s: Math.round(tp.samples / tp.cpu),
      ms_per_batch: round((1000 * tp.wall) / TRAIN_BATCHES, 2),
    });
    learn.dispose();
    log(`train: ${JSON.stringify(out[out.length - 1])}`);
  }
  result.train = {
    model: 'tabularLearner default (layers [200, 100]) on diamonds: 3 embeddings, 6 continuous',
    runs: out,
  };
}

async function logPriceRun(
  name: string,
  file: string,
  price: string,
  epochs: number,
  lr: number,
  bs: number,
  yRange: [number, number],
) {
  const logPrice = await withLogPrice(file, price);
  manualSeed(0);
  const dls = logPriceDls(logPrice, bs);
  const learn = tabularLearner(dls, { metrics: [rmse()], yRange, logger: log });
  const t0 = performance.now();
  await learn.fitOneCycle(epochs, lr);
  const { metrics } = await learn.validate();
  const [train, valid] = dls.splits;
  learn.dispose();
  return {
    data: name,
    rows: logPrice.df.nRows,
    train_rows: train.length,
    valid_rows: valid.length,
    epochs,
    lr,
    bs,
    y_range: yRange,
    rmse_log_price: round(metrics._rmse),
    baseline_train_mean_rmse: round(meanRmse(dls.data.y as Float32Array, train, valid)),
    train_s: round((performance.now() - t0) / 1000, 1),
  };
}

if (PARTS.includes('results')) {
  const res: Record<string, unknown> = {};
  {
    manualSeed(0);
    const dls = await TabularDataLoaders.fromCsv(`${datasets.path('credit_data')}/credit_data.csv`, {
      yNames: ['Status'],
      catNames: ['Home', 'Marital', 'Records', 'Job'],
      contNames: ['Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'],
      validPct: 0.2,
      seed: 42,
      bs: 64,
    });
    const learn = tabularLearner(dls, { metrics: [accuracy()], logger: log });
    const t0 = performance.now();
    await learn.fitOneCycle(4, 1e-2);
    const { metrics } = await learn.validate();
    const [train, valid] = dls.splits;
    const y = dls.data.y as Int32Array;
    res.credit_data = {
      rows: dls.data.nRows,
      train_rows: train.length,
      valid_rows: valid.length,
      epochs: 4,
      lr: 1e-2,
      bs: 64,
      accuracy: round(metrics.accuracy),
      majority_class_accuracy: round(majorityAccuracy(y, train, valid).accuracy),
      logistic_regression_accuracy: round(
        logisticRegressionAccuracy(
          dls.data,
          dls.catNames.map((c) => dls.classes[c].length),
          train,
          valid,
        ),
      ),
      train_s: round((performance.now() - t0) / 1000, 1),
    };
    learn.dispose();
    log(`credit_data: ${JSON.stringify(res.credit_data)}`);
  }
  res.ames = await logPriceRun('ames', `${datasets.path('ames')}/ames.csv`, 'Sale_Price', 10, 1e-2, 64, [9, 14]);
  log(`ames: ${JSON.stringify(res.ames)}`);
  res.diamonds = await logPriceRun(
    'diamonds',
    `${datasets.path('diamonds')}/diamonds.csv`,
    'price',
    6,
    1e-2,
    512,
    [5, 11],
  );
  log(`diamonds: ${JSON.stringify(res.diamonds)}`);
  {
    const dls = await instevalDls();
    manualSeed(0);
    const learn = collabLearner(dls, { nFactors: 50, yRange: [0, 5.5], metrics: [mse()], logger: log });
    const t0 = performance.now();
    await learn.fitOneCycle(3, 5e-3, { wd: 0.1 });
    const { metrics } = await learn.validate();
    const y = dls.data.y as Float32Array;
    const [train, valid] = dls.splits;
    const mean = train.reduce((s, i) => s + y[i], 0) / train.length;
    const baseline = valid.reduce((s, i) => s + (y[i] - mean) ** 2, 0) / valid.length;
    res.insteval = {
      model: 'EmbeddingDotBias, 50 factors, yRange [0, 5.5]',
      train_rows: train.length,
      valid_rows: valid.length,
      epochs: 3,
      lr: 5e-3,
      wd: 0.1,
      bs: 512,
      mse: round(metrics.mse),
      global_mean_mse: round(baseline),
      train_s: round((performance.now() - t0) / 1000, 1),
    };
    learn.dispose();
    log(`insteval: ${JSON.stringify(res.insteval)}`);
  }
  result.results = res;
}

mkdirSync(new URL('../bench-results/', import.meta.url), { recursive: true });
writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
