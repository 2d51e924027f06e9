// Training and validation batches decode under one pixel budget for the process: a batch of large images is
// decoded a few at a time (one alone when it is larger than the budget), never all at once.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Resize } from '../augment/resize.js';
import { decodePixelsInFlight, DEFAULT_DECODE_PIXEL_BUDGET, setDecodePixelBudget, withDecodeBudget } from './image.js';
import { ImageDataLoaders } from './image-data-loaders.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-decode-budget-'));
  // 8 training images of 2000×2000 (4 M pixels each, a few KB of PNG), 2 validation ones.
  const png = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: { r: 9, g: 99, b: 199 } } })
    .png()
    .toBuffer();
  for (const [split, n] of [
    ['train', 8],
    ['valid', 2],
  ] as const)
    for (const cls of ['a', 'b']) {
      await mkdir(join(dir, split, cls), { recursive: true });
      for (let i = 0; i < n / 2; i++) await writeFile(join(dir, split, cls, `${i}.png`), png);
    }
});
afterAll(async () => {
  setDecodePixelBudget(DEFAULT_DECODE_PIXEL_BUDGET);
  await rm(dir, { recursive: true, force: true });
});

/** Runs `f` while sampling the decode pixels in flight; returns f's result and the largest sample. */
async function peakDuring<T>(f: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, decodePixelsInFlight())), 0);
  try {
    const result = await f();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

describe('the decode pixel budget', () => {
  it('a batch of 8 large images decodes at most the budget at once (two of 4 M under 8 M), all of them under Infinity', async () => {
    expect(DEFAULT_DECODE_PIXEL_BUDGET).toBe(64_000_000);
    const dls = await ImageDataLoaders.fromFolder(dir, { itemTfms: [new Resize(16)], bs: 8, seed: 0 });
    const n0 = tf.memory().numTensors;
    for (const [budget, most] of [
      [8_000_000, 8_000_000],
      [Infinity, 8 * 4_000_000],
    ] as const) {
      setDecodePixelBudget(budget);
      const { result: b, peak } = await peakDuring(() => dls.train.makeBatch([0, 1, 2, 3, 4, 5, 6, 7]));
      expect(b.x[0].shape).toEqual([8, 16, 16, 3]);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(most);
      if (budget === Infinity) expect(peak).toBeGreaterThan(8_000_000); // without a budget they all decode at once
      tf.dispose([...b.x, b.y]);
    }
    // An image larger than the whole budget decodes alone.
    setDecodePixelBudget(1_000_000);
    const { result: v, peak } = await peakDuring(() => dls.valid.makeBatch([0, 1]));
    expect(peak).toBe(4_000_000);
    tf.dispose([...v.x, v.y]);
    expect(tf.memory().numTensors).toBe(n0);
  }, 60_000);

  it('withDecodeBudget: waits for room, a too-large job alone, releases on failure', async () => {
    setDecodePixelBudget(10);
    const order: string[] = [];
    const job = (name: string, px: number, fail = false) =>
      withDecodeBudget(px, async () => {
        order.push(`start ${name} (${decodePixelsInFlight()})`);
        await new Promise((r) => setTimeout(r, 5));
        order.push(`end ${name}`);
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([job('a', 6), job('b', 6, true), job('c', 50), job('d', 4)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(decodePixelsInFlight()).toBe(0);
    for (const line of order.filter((l) => l.startsWith('start')))
      expect(Number(/\((\d+)\)/.exec(line)![1]), line).toBeLessThanOrEqual(50);
    expect(order.indexOf('start c (50)')).toBeGreaterThan(-1); // alone
    setDecodePixelBudget(DEFAULT_DECODE_PIXEL_BUDGET);
  });
});
