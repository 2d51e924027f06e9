import { describe, expect, it } from 'vitest';
import { readFixture } from '../test-utils/fixtures.js';
import { embSzRule, getEmbSz } from './emb-sz.js';

const ref = readFixture<{
  emb_sz_rule: Record<string, number>;
  tabular: Record<string, { emb_szs: [number, number][] }> & { cardinalities: number[] };
}>('reference.json');

describe('embSzRule / getEmbSz', () => {
  it("equals fastai's emb_sz_rule on the reference cardinalities", () => {
    for (const [n, sz] of Object.entries(ref.emb_sz_rule)) expect(embSzRule(Number(n))).toBe(sz);
  });

  it("uses the vocab length, #na# included (fastai's get_emb_sz), and szDict overrides", () => {
    const cards = ref.tabular.cardinalities;
    const names = cards.map((_, i) => `c${i}`);
    const to = {
      catNames: names,
      classes: Object.fromEntries(
        names.map((n, i) => [n, ['#na#', ...Array.from({ length: cards[i] }, (_, k) => `v${k}`)]]),
      ),
    };
    expect(getEmbSz(to)).toEqual(ref.tabular.emb_szs_as_get_emb_sz_with_na.emb_szs);
    expect(getEmbSz(to, { c1: 4 })[1]).toEqual([cards[1] + 1, 4]);
  });
});
