// What every example shares: its short mode, the line naming the question it answers, how it is run, and the small
// real data subsets the training examples use.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@tfai/core/backend';
import { path as dataPath } from '@tfai/datasets';

/** Where an example prints (console.log when run; the tests collect the lines). */
export type Log = (line: string) => void;

/** The short mode (`TFAI_EXAMPLES_SHORT=1`, set by the tests): small subsets, few epochs, well under a minute. */
export function isShort(): boolean {
  return process.env.TFAI_EXAMPLES_SHORT === '1';
}

/** The first line of every example: the exercise of the chapter it answers. */
export function answers(log: Log, question: string): void {
  log(`Answers: ${question}`);
}

/** Runs `main` when the file is executed (`npx tsx src/<example>.ts`), not when a test imports it. */
export async function runIfMain(url: string, main: (log: Log) => Promise<unknown>): Promise<void> {
  if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(url)) {
    await setBackend();
    await main((l) => console.log(l));
  }
}

/** A class-balanced subset of fashion_mnist: the first `perClass` images of each class of one split, and labels. */
export function fashionSubset(split: 'train' | 'valid', perClass: number): { items: string[]; labels: string[] } {
  const root = `${dataPath('fashion_mnist')}/${split}`;
  const items: string[] = [];
  const labels: string[] = [];
  for (const c of readdirSync(root).sort()) {
    for (const f of readdirSync(`${root}/${c}`).sort().slice(0, perClass)) {
      items.push(`${root}/${c}/${f}`);
      labels.push(c);
    }
  }
  return { items, labels };
}

/** Train and valid subsets as one list with its split, for `ImageDataLoaders.fromLists`. */
export function fashionLists(
  trainPerClass: number,
  validPerClass: number,
): { items: string[]; labels: string[]; split: { train: number[]; valid: number[] } } {
  const tr = fashionSubset('train', trainPerClass);
  const va = fashionSubset('valid', validPerClass);
  const n = tr.items.length;
  return {
    items: [...tr.items, ...va.items],
    labels: [...tr.labels, ...va.labels],
    split: {
      train: Array.from({ length: n }, (_, i) => i),
      valid: Array.from({ length: va.items.length }, (_, i) => n + i),
    },
  };
}

/** A number as a percentage with one decimal. */
export const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
