import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetNotFoundError, datasets, list, path } from './index.js';

/** Files and bytes under a folder, counted here independently of the catalog. */
function totals(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    const st = statSync(join(dir, rel));
    if (st.isFile()) {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}

describe('@tfai/datasets', () => {
  it('lists the 13 data sets the repository uses, each with its modality, size, source and licence', () => {
    const names = list().map((d) => d.name);
    expect(names.sort()).toEqual([
      'amazon_fine_foods',
      'ames',
      'brain_aal',
      'credit_data',
      'diamonds',
      'fashion_mnist',
      'fortunes',
      'insteval',
      'jane_austen',
      'penguins',
      'titanic',
      'tux_photos',
      'tux_seg',
    ]);
    for (const d of list()) {
      expect(d.licence.length).toBeGreaterThan(2);
      expect(d.source.length).toBeGreaterThan(10);
      expect(d.size).toMatch(/MB$/);
    }
    expect(
      list()
        .filter((d) => d.modality === 'tabular')
        .map((d) => d.name),
    ).toEqual(['penguins', 'titanic', 'credit_data', 'ames', 'diamonds']);
  });

  it("each catalog entry's file count and bytes are the shipped folder's", () => {
    for (const d of list())
      expect({ name: d.name, ...totals(path(d.name)) }).toEqual({ name: d.name, files: d.files, bytes: d.bytes });
    // The package holds nothing but these folders.
    expect(readdirSync(join(path('titanic'), '..')).sort()).toEqual(
      list()
        .map((d) => d.name)
        .sort(),
    );
  });

  it('path() is an absolute folder holding the files the loaders read', () => {
    const p = datasets.path('fashion_mnist');
    expect(p.startsWith('/') || /^[A-Z]:\\/.test(p)).toBe(true);
    expect(readdirSync(p).sort()).toEqual(['labels.csv', 'siamese_pairs.csv', 'train', 'valid']);
    expect(readdirSync(join(p, 'train')).length).toBe(10);
    expect(readdirSync(join(p, 'train', 'bag')).length).toBe(300);
    expect(readdirSync(join(path('brain_aal'), 'images')).length).toBe(144);
  });

  it('an unknown name throws DatasetNotFoundError listing the known ones', () => {
    let err: unknown;
    try {
      path('mnist');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect((err as DatasetNotFoundError).dataset).toBe('mnist');
    expect((err as Error).message).toContain("no data set 'mnist'");
    expect((err as Error).message).toContain('fashion_mnist, tux_photos');
    expect(() => path('../core')).toThrow(DatasetNotFoundError);
  });

  it('list() hands out copies: the catalog cannot be changed through it', () => {
    const a = list();
    (a[0] as { name: string }).name = 'changed';
    expect(list()[0].name).toBe('fashion_mnist');
  });
});
