import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { SiameseDataError } from '../errors.js';
import { readPairsCsv } from './pairs-csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-siamese-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPairsCsv', () => {
  it('reads fashion_mnist’s siamese_pairs.csv: 2,000 training and 500 validation pairs, half of each "same"', async () => {
    const rows = await readPairsCsv(`${datasets.path('fashion_mnist')}/siamese_pairs.csv`);
    const train = rows.filter((r) => !r.isValid);
    const valid = rows.filter((r) => r.isValid);
    expect([train.length, valid.length]).toEqual([2000, 500]);
    expect(train.filter((r) => r.same).length).toBe(1000);
    expect(valid.filter((r) => r.same).length).toBe(250);
    expect(rows[0]).toMatchObject({
      a: `${datasets.path('fashion_mnist')}/train/pullover/train_02624.png`,
      same: true,
      isValid: false,
      line: 2,
    });
  });

  it('names the line, column and path of an image that does not exist', async () => {
    const csv = join(dir, 'missing.csv');
    await writeFile(
      csv,
      `img_a,img_b,same,is_valid\n${datasets.path('fashion_mnist')}/train/bag/train_01955.png,${datasets.path('fashion_mnist')}/train/bag/nope.png,True,False\n`,
    );
    const err = await readPairsCsv(csv).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SiameseDataError);
    expect((err as Error).message).toBe(
      `${csv}: line 2, column 'img_b': image not found: ${datasets.path('fashion_mnist')}/train/bag/nope.png`,
    );
  });

  it('refuses missing columns, non-boolean values and empty files, naming them', async () => {
    const bad = async (name: string, text: string) => {
      const f = join(dir, name);
      await writeFile(f, text);
      return readPairsCsv(f, { checkFiles: false }).then(
        () => new Error('no error'),
        (e: unknown) => e as Error,
      );
    };
    expect((await bad('cols.csv', 'img_a,img_b,label\na,b,1\n')).message).toMatch(
      /cols\.csv: missing columns 'same', 'is_valid' \(found: img_a, img_b, label\)/,
    );
    expect((await bad('bool.csv', 'img_a,img_b,same,is_valid\na,b,maybe,False\n')).message).toMatch(
      /bool\.csv: line 2, column 'same': expected a boolean .* got 'maybe'/,
    );
    expect((await bad('empty.csv', '')).message).toMatch(/empty\.csv: the pairs CSV is empty/);
    expect((await bad('nofile.csv', 'img_a,img_b,same,is_valid\n,b,1,0\n')).message).toMatch(
      /nofile\.csv: line 2, column 'img_a': empty image path/,
    );
    expect((await bad('short.csv', 'img_a,img_b,same,is_valid\na,b,1,0\n"x, y",b,1\n')).message).toMatch(
      /short\.csv: line 3: 3 fields where the header has 4/,
    );
    expect((await bad('dup.csv', 'img_a,img_b,same,img_a\na,b,1,0\n')).message).toMatch(
      /dup\.csv: column "img_a": appears twice in the header/,
    );
    await expect(readPairsCsv(join(dir, 'absent.csv'))).rejects.toThrow(
      /absent\.csv: cannot read the pairs CSV \(ENOENT\)/,
    );
  });
});
