import * as tf from '@tensorflow/tfjs-core';
import { numParams } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { getEmbSz } from '../model/emb-sz.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { instevalDls } from '../test-utils/real-data.js';
import { CollabDataLoaders } from './collab-dataloaders.js';
import { EmbeddingDotBias } from './embedding-dot-bias.js';
import { EmbeddingNN } from './embedding-nn.js';

describe('collaborative filtering', () => {
  const path = `${datasets.path('insteval')}/ratings.csv`;

  it('CollabDataLoaders on insteval: users and items categorified on the training rows, x int32 [bs, 2], y float32 [bs, 1]', async () => {
    const rows = readCsvRows(path);
    const dls = await instevalDls();
    const train = rows.filter((r) => r.is_valid === 'FALSE');
    const users = new Set(train.map((r) => Number(r.user)));
    expect(dls.catNames).toEqual(['user', 'item']);
    expect(dls.classes.user).toEqual(['#na#', ...[...users].sort((a, b) => a - b).map(String)]);
    expect(dls.classes.item.length).toBe(new Set(train.map((r) => r.item)).size + 1);
    expect(dls.splits[0].length).toBe(train.length);
    const b = await dls.valid.oneBatch();
    expect(b.x.length).toBe(1);
    expect([b.x[0].dtype, b.x[0].shape, b.y.dtype, b.y.shape]).toEqual(['int32', [512, 2], 'float32', [512, 1]]);
    const x = b.x[0].arraySync() as number[][];
    const r0 = rows[dls.splits[1][0]];
    expect(x[0]).toEqual([
      Math.max(0, dls.classes.user.indexOf(r0.user)),
      Math.max(0, dls.classes.item.indexOf(r0.item)),
    ]);
    expect((b.y.arraySync() as number[][])[0]).toEqual([Number(r0.rating)]);
    tf.dispose([...b.x, b.y]);
    const defaults = await CollabDataLoaders.fromCsv(path, { validPct: 0.1, seed: 1 });
    expect(defaults.catNames).toEqual(['user', 'item']);
    expect(getEmbSz(defaults).map(([n]) => n)).toEqual([defaults.classes.user.length, defaults.classes.item.length]);
  });

  it('EmbeddingDotBias: PyTorch names, u·i + biases, squashed into yRange', () => {
    const m = new EmbeddingDotBias(3, 5, 4, [0, 5.5]);
    expect(Object.keys(m.stateDict())).toEqual([
      'u_weight.weight',
      'i_weight.weight',
      'u_bias.weight',
      'i_bias.weight',
    ]);
    expect(numParams(m)).toBe(5 * 3 + 4 * 3 + 5 + 4);
    const [uw, iw, ub, ib] = [m.uWeight, m.iWeight, m.uBias, m.iBias].map(
      (e) => e.weight.variable.arraySync() as number[][],
    );
    const pairs = [
      [0, 3],
      [4, 1],
      [2, 2],
    ];
    const expected = pairs.map(([u, i]) => {
      const r = uw[u].reduce((s, v, k) => s + v * iw[i][k], 0) + ub[u][0] + ib[i][0];
      return 5.5 / (1 + Math.exp(-r));
    });
    tf.tidy(() => {
      const out = m.call(tf.tensor2d(pairs, [3, 2], 'int32'));
      expect(out.shape).toEqual([3]);
      Array.from(out.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
    });
    m.dispose();
  });

  it('EmbeddingNN is a TabularModel over the user and item embeddings with one output and no continuous input', () => {
    const m = new EmbeddingNN(
      [
        [6, 4],
        [5, 3],
      ],
      [8],
    );
    expect(m.typeName).toBe('EmbeddingNN');
    expect(Object.keys(m.stateDict())).toContain('bn_cont.weight'); // BatchNorm1d(0), as PyTorch builds it
    expect(Object.keys(m.stateDict())).toContain('embeds.1.weight');
    tf.tidy(() => {
      expect(
        m.call(
          tf.tensor2d(
            [
              [1, 2],
              [5, 4],
            ],
            [2, 2],
            'int32',
          ),
        ).shape,
      ).toEqual([2, 1]);
    });
    m.dispose();
  });
});
