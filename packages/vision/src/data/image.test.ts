import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfaiError } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { ImageReadError } from './errors.js';
import { loadImage } from './image.js';

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
    const rgba = await sharp({ create: { width: 4, height: 3, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    const img = await loadImage(rgba);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([10, 20, 30]);
    const deep = await sharp({ create: { width: 2, height: 2, channels: 3, background: { r: 255, g: 0, b: 128 } } }).toColourspace('rgb16').png().toBuffer();
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
