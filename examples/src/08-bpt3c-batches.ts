// Chapter questionnaire on text classification with BPT3C: "How do we make batches of texts of different lengths,
// and why sort them?" — fastai's SortedDL puts texts of similar lengths in a batch (sorted within random chunks of
// 50·bs); against random batching, on real Amazon reviews: the lengths in each batch and the share of padding.
import * as tf from '@tensorflow/tfjs-core';
import { DataLoader } from '@tfai/core';
import { path as dataPath } from '@tfai/datasets';
import { collateText, column, makeVocab, Numericalize, readTextTable, SortedDL, type TextItem } from '@tfai/text';
import { tokenize1 } from '@tfai/text/tokenize';
import { answers, isShort, pct, runIfMain, type Log } from './common.js';

/** Per batch: the texts' lengths (min, max) and the padded width; and the padding share of the whole epoch. */
interface BatchStats {
  batches: { min: number; max: number; width: number }[];
  padShare: number;
}

async function stats(dl: DataLoader<TextItem>, padIdx: number): Promise<BatchStats> {
  const batches: BatchStats['batches'] = [];
  let pad = 0;
  let total = 0;
  for await (const b of dl) {
    const x = b.x[0]!;
    const [bs, width] = x.shape as [number, number];
    const ids = Int32Array.from(await x.data());
    const lens = Array.from({ length: bs }, (_, i) =>
      ids.subarray(i * width, (i + 1) * width).reduce((s, v) => s + (v === padIdx ? 0 : 1), 0),
    );
    pad += bs * width - lens.reduce((a, c) => a + c, 0);
    total += bs * width;
    batches.push({ min: Math.min(...lens), max: Math.max(...lens), width });
    tf.dispose([...b.x, b.y]);
  }
  return { batches, padShare: pad / total };
}

export async function main(
  log: Log,
  short = isShort(),
): Promise<{ n: number; bs: number; sorted: BatchStats; random: BatchStats }> {
  answers(
    log,
    'Why does fastai sort texts by length into batches (SortedDL, for BPT3C) instead of batching them at random? Lengths per batch and padding share.',
  );
  const table = await readTextTable(`${dataPath('amazon_fine_foods')}/reviews.csv`);
  const n = short ? 800 : table.rows.length;
  const texts = column(table, 'text').slice(0, n);
  const labels = column(table, 'label').slice(0, n);
  const toks = texts.map((t) => tokenize1(t));
  const counts = new Map<string, number>();
  for (const ts of toks) for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const num = new Numericalize(makeVocab(counts));
  const classes = [...new Set(labels)].sort();
  const items: TextItem[] = toks.map((ts, i) => ({ ids: num.encode(ts), label: classes.indexOf(labels[i]!) }));
  const bs = 32;
  const padIdx = 1;
  log(
    `amazon_fine_foods: ${n} reviews, ${num.vocab.length} tokens in the vocab, bs ${bs}, texts padded by chunks of 72 (pad_input_chunk)`,
  );
  const sortedDl = new SortedDL(items, { bs, shuffle: true, seed: 0 });
  const randomDl = new DataLoader<TextItem>(
    { length: items.length, get: (i) => items[i]! },
    { bs, shuffle: true, seed: 0, collate: (b) => collateText(b, { padIdx, seqLen: 72, padFirst: true }) },
  );
  const sorted = await stats(sortedDl, padIdx);
  const random = await stats(randomDl, padIdx);
  for (const [name, s] of [
    ['SortedDL (length-bucketed)', sorted],
    ['random batches', random],
  ] as const) {
    log(`${name}: ${s.batches.length} batches, padding ${pct(s.padShare)} of the tokens; the first five batches:`);
    for (const b of s.batches.slice(0, 5))
      log(`  lengths ${String(b.min).padStart(4)}–${String(b.max).padEnd(4)} padded to ${b.width}`);
  }
  log(
    `Random batching pads ${(random.padShare / sorted.padShare).toFixed(1)}× as many tokens as SortedDL: compute spent on xxpad.`,
  );
  return { n, bs, sorted, random };
}

await runIfMain(import.meta.url, main);
