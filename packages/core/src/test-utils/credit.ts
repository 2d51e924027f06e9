// A hand-built numeric view of @tfai/datasets' credit_data for core's training tests (no tabular package here).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { DataLoader, DataLoaders, type Dataset } from '../data/dataloader.js';
import { ReLU } from '../nn/layers/activation.js';
import { BatchNorm1d } from '../nn/layers/batchnorm.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { datasets } from '@tfai/datasets';

/** Splits one CSV line with quoted fields (credit_data has no embedded newlines). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (ch === ',' && !q) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export interface CreditData {
  x: Float32Array;
  y: Int32Array;
  nFeatures: number;
  train: number[];
  valid: number[];
}

/** Numeric columns, median-filled and normalised on the training split; one-hot of Home/Marital/Records/Job. */
export function loadCredit(): CreditData {
  const lines = readFileSync(`${datasets.path('credit_data')}/credit_data.csv`, 'utf8')
    .trim()
    .split('\n');
  const header = splitLine(lines[0]);
  const rows = lines.slice(1).map(splitLine);
  const num = ['Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'];
  const cats = ['Home', 'Marital', 'Records', 'Job'];
  const n = rows.length;
  const valid: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < n; i++) (i % 5 === 4 ? valid : train).push(i);
  const cols: number[][] = [];
  for (const c of num) {
    const j = header.indexOf(c);
    const v = rows.map((r) => (r[j] === '' || r[j] === 'NA' ? NaN : Number(r[j])));
    const tr = train
      .map((i) => v[i])
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const med = tr[Math.floor(tr.length / 2)];
    const filled = v.map((x) => (Number.isFinite(x) ? x : med));
    const mean = train.reduce((s, i) => s + filled[i], 0) / train.length;
    const std = Math.sqrt(train.reduce((s, i) => s + (filled[i] - mean) ** 2, 0) / train.length) || 1;
    cols.push(filled.map((x) => (x - mean) / std));
  }
  for (const c of cats) {
    const j = header.indexOf(c);
    const levels = [...new Set(train.map((i) => rows[i][j]))].sort();
    for (const l of levels) cols.push(rows.map((r) => (r[j] === l ? 1 : 0)));
  }
  const f = cols.length;
  const x = new Float32Array(n * f);
  for (let i = 0; i < n; i++) for (let k = 0; k < f; k++) x[i * f + k] = cols[k][i];
  const si = header.indexOf('Status');
  const y = Int32Array.from(rows, (r) => (r[si] === 'good' ? 1 : 0));
  return { x, y, nFeatures: f, train, valid };
}

/** DataLoaders over the credit data (batches `{x: [float32 [bs, f]], y: int32 [bs]}`). */
export function creditDls(d: CreditData, bs = 64, seed = 0): DataLoaders {
  const ds = (idx: number[]): Dataset<number> => ({ length: idx.length, get: (i) => idx[i] });
  const collate = (items: number[]) => {
    const xb = new Float32Array(items.length * d.nFeatures);
    const yb = new Int32Array(items.length);
    items.forEach((r, i) => {
      xb.set(d.x.subarray(r * d.nFeatures, (r + 1) * d.nFeatures), i * d.nFeatures);
      yb[i] = d.y[r];
    });
    return { x: [tf.tensor2d(xb, [items.length, d.nFeatures])], y: tf.tensor1d(yb, 'int32') };
  };
  return new DataLoaders(
    new DataLoader(ds(d.train), { bs, shuffle: true, seed, collate }),
    new DataLoader(ds(d.valid), { bs: bs * 2, collate }),
    { vocab: ['bad', 'good'] },
  );
}

/**
 * The small classifier the credit runs train: `Linear(f, 32) → ReLU → BatchNorm1d(32) → Linear(32, 2)`.
 * @example
 * ```ts
 * manualSeed(0);
 * const learn = new Learner(creditDls(data), creditModel(data));
 * ```
 */
export function creditModel(d: CreditData): Sequential {
  return new Sequential(new Linear(d.nFeatures, 32), new ReLU(true), new BatchNorm1d(32), new Linear(32, 2));
}
