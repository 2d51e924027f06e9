import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfaiError } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { bombPng } from '@tfai/test-utils';
import { ImageReadError } from './errors.js';
import {
  declaredPixels,
  DEFAULT_MAX_IMAGE_PIXELS,
  getMaxImagePixels,
  loadImage,
  mapWithPixelBudget,
  setMaxImagePixels,
} from './image.js';

const GREY = `${datasets.path('fashion_mnist')}/train/bag/train_00035.png`;
const RGB = `${datasets.path('tux_photos')}/train/mammal/animals__mammals__apes__chimp.png`;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadImage: sharp decoding to 8-bit RGB', () => {
  it('promotes a greyscale PNG to 3 equal channels holding the grey values', async () => {
    const meta = await sharp(GREY).metadata();
    expect(meta.channels).toBe(1);
    const grey = await sharp(GREY).toColourspace('b-w').raw().toBuffer(); // the file's one band
    const img = await loadImage(GREY);
    expect([img.width, img.height, img.data.length]).toEqual([28, 28, 28 * 28 * 3]);
    for (let i = 0; i < 28 * 28; i++) {
      expect(img.data[i * 3]).toBe(grey[i]);
      expect(img.data[i * 3 + 1]).toBe(grey[i]);
      expect(img.data[i * 3 + 2]).toBe(grey[i]);
    }
  });

  it('reads an RGB photo, from a path or from its bytes, identically', async () => {
    const a = await loadImage(RGB);
    const b = await loadImage(readFileSync(RGB));
    expect([a.width, a.height]).toEqual([87, 128]);
    expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
  });

  it('drops an alpha channel (as PIL convert("RGB")) and reduces 16-bit images to 8 bits', async () => {
    const rgba = await sharp({
      create: { width: 4, height: 3, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const img = await loadImage(rgba);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([10, 20, 30]);
    const deep = await sharp({ create: { width: 2, height: 2, channels: 3, background: { r: 255, g: 0, b: 128 } } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect(Array.from((await loadImage(deep)).data.subarray(0, 3))).toEqual([255, 0, 128]);
  });

  it('bad input is an ImageReadError naming the file, never an error from inside sharp', async () => {
    const full = readFileSync(RGB);
    const cases: [string, Buffer | undefined, RegExp][] = [
      ['missing.png', undefined, /file not found/],
      ['text.png', Buffer.from('this is not an image\n'), /not an image/],
      ['truncated.png', full.subarray(0, Math.floor(full.length / 2)), /corrupt or truncated/],
      ['empty.png', Buffer.alloc(0), /empty file/],
    ];
    for (const [name, bytes, reason] of cases) {
      const f = join(dir, name);
      if (bytes) await writeFile(f, bytes);
      const err = await loadImage(f).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageReadError);
      expect(err).toBeInstanceOf(TfaiError);
      expect((err as ImageReadError).file).toBe(f);
      expect((err as Error).message).toMatch(reason);
      expect((err as Error).message.startsWith(f)).toBe(true);
    }
    const fromBuffer = await loadImage(Buffer.from('nope')).catch((e: unknown) => e);
    expect(fromBuffer).toBeInstanceOf(ImageReadError);
    expect((fromBuffer as Error).message).toMatch(/^<buffer of 4 bytes>: not an image/);
  });
});

describe('decode limits (decompression bombs)', () => {
  it('a PNG declaring 14000×14000 pixels is refused before decoding, naming the file and the size (PIL’s limit by default)', async () => {
    expect(getMaxImagePixels()).toBe(DEFAULT_MAX_IMAGE_PIXELS);
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBe(178_956_970);
    const file = join(dir, 'bomb.png');
    await writeFile(file, bombPng(14000, 14000));
    const before = process.memoryUsage().rss;
    const err = await loadImage(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageReadError);
    expect((err as Error).message).toBe(
      `${file}: declares 14000×14000 = 196000000 pixels, above the decode limit of 178956970 pixels (a decompression bomb?); raise it with setMaxImagePixels() if the file is trusted`,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it('the limit is the user’s to change: lowered below a 28×28 image it refuses it; raised back it decodes', async () => {
    const prev = setMaxImagePixels(700);
    try {
      await expect(loadImage(GREY)).rejects.toThrow(
        /declares 28×28 = 784 pixels, above the decode limit of 700 pixels/,
      );
      setMaxImagePixels(784);
      expect((await loadImage(GREY)).width).toBe(28);
      expect(() => setMaxImagePixels(0)).toThrow(TfaiError);
    } finally {
      setMaxImagePixels(prev);
    }
  });

  it('bad-image scanning decodes at most the pixel budget at once (an image above it alone)', async () => {
    const sizes = [30, 30, 30, 80, 10, 10, 120, 5, 5, 5];
    let inFlight = 0;
    let peak = 0;
    let alone = true;
    await mapWithPixelBudget(
      sizes.length,
      16,
      100,
      async (i) => sizes[i],
      async (i) => {
        inFlight += Math.min(sizes[i], 100);
        peak = Math.max(peak, inFlight);
        if (sizes[i] >= 100 && inFlight !== 100) alone = false;
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= Math.min(sizes[i], 100);
      },
    );
    expect(peak).toBeLessThanOrEqual(100);
    expect(peak).toBeGreaterThanOrEqual(90); // it does run several at once
    expect(alone).toBe(true);
    expect(await declaredPixels(bombPng(14000, 14000))).toBe(196_000_000);
  });
});
