// Captions are never cut where a cell can widen: the cell grows to the longest line (as matplotlib's titles, which
// overflow rather than shorten), at 6.6 px a character of 12-px sans-serif, less the 8-px padding it may run into,
// up to three picture sides.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captionWidth, writeImageGrid, type GridTile } from './image-grid.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-grid-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tile = (text: string): GridTile => ({
  image: { data: new Uint8Array(20 * 10 * 3).fill(128), width: 20, height: 10 },
  lines: [{ text }],
});

describe('writeImageGrid captions', () => {
  it('a short caption keeps the square cell; a long one widens it to fit whole; an absurd one stops at 3 sides', async () => {
    expect(captionWidth([tile('bag')], 160)).toBe(160);
    // "pred: different (p(same) 0.93)": 30 characters, 198 px (190 + the padding), where a 160-px cell cut it after 25.
    expect(captionWidth([tile('pred: different (p(same) 0.93)')], 160)).toBe(190);
    // 'prediction' (66 px) fits a 64-px picture with its padding: no widening.
    expect(captionWidth([tile('prediction')], 64)).toBe(64);
    expect(captionWidth([tile('x'.repeat(500))], 160)).toBe(480);
    const short = await sharp(await writeImageGrid(join(dir, 'a.png'), [tile('bag')], { tileSize: 160 })).metadata();
    expect(short.width).toBe(160 + 16);
    const long = await sharp(
      await writeImageGrid(join(dir, 'b.png'), [tile('bag'), tile('pred: different (p(same) 0.93)')], {
        tileSize: 160,
        ncols: 2,
      }),
    ).metadata();
    expect(long.width).toBe(2 * (190 + 16)); // one row of two cells, both widened
  });
});
