import * as tf from '@tensorflow/tfjs-core';
import { numParams, type LayerInfo } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { relErr, trainStepFused } from '@tfai/test-utils';
import { EMB_CODES, expectedEmbGrads, twoTableModel } from '../test-utils/embedding-grads.js';
import { readFixture, relError, tabularParity, toTensor } from '../test-utils/fixtures.js';
import { TabularModel, type TabularModelOptions } from './tabular-model.js';

interface Variant {
  emb_szs: [number, number][];
  kwargs: { ps?: number[]; embed_p?: number; y_range?: [number, number]; bn_final?: boolean };
  n_emb: number;
  n_params: number;
  embeds: LayerInfo[];
  emb_drop: LayerInfo;
  bn_cont: LayerInfo;
  layers: (LayerInfo & { idx: number })[];
}
const ref = readFixture<{ tabular: Record<string, Variant> }>('reference.json').tabular;
const VARIANTS = ['emb_szs_rule_on_cardinality', 'emb_szs_as_get_emb_sz_with_na', 'with_ps_embed_p_y_range_bn_final'];

function build(v: Variant): TabularModel {
  const k = v.kwargs;
  const opts: TabularModelOptions = {
    layers: [200, 100],
    ps: k.ps,
    embedP: k.embed_p,
    yRange: k.y_range,
    bnFinal: k.bn_final,
  };
  // fastai's reference models: TabularModel(emb_szs, n_cont=6, out_sz=2, layers=[200, 100], **kwargs)
  return new TabularModel(v.emb_szs, 6, 2, opts);
}

/** Our describe() children keyed by name, the layer list in the reference's shape (`idx` instead of `name`). */
function parts(m: TabularModel): Record<string, LayerInfo> {
  return Object.fromEntries((m.describe().children ?? []).map(({ name, ...rest }) => [name, rest as LayerInfo]));
}
const withoutName = ({ name: _n, ...rest }: LayerInfo): LayerInfo => rest as LayerInfo;

describe('TabularModel against fastai 2.7', () => {
  it.each(VARIANTS)('%s: layers, embeds, emb_drop, bn_cont and n_params equal the reference', (key) => {
    const v = ref[key];
    const m = build(v);
    const p = parts(m);
    expect(numParams(m)).toBe(v.n_params);
    expect(m.nEmb).toBe(v.n_emb);
    expect(p.embeds.children!.map(withoutName)).toEqual(v.embeds);
    expect(p.emb_drop).toEqual(v.emb_drop);
    expect(p.bn_cont).toEqual(v.bn_cont);
    const layers = p.layers.children!.map(({ name, ...rest }) => ({
      idx: Number(name),
      ...rest,
      ...(rest.children ? { children: rest.children } : {}),
    }));
    expect(layers).toEqual(v.layers);
    const again = TabularModel.fromConfig(JSON.parse(JSON.stringify(m.config)));
    expect(again.describe()).toEqual(m.describe());
    again.dispose();
    m.dispose();
  });

  it('loads parity_tabular_model.json (PyTorch names) and reproduces its eval outputs to 1e-5', () => {
    const { fx, model: m, sd } = tabularParity();
    expect(Object.keys(m.stateDict()).sort()).toEqual(Object.keys(sd).sort());
    m.loadStateDict(sd);
    m.eval();
    tf.tidy(() => {
      const out = m.call(toTensor(fx.x_cat), toTensor(fx.x_cont));
      expect(out.shape).toEqual(fx.output.shape);
      expect(relError(out, toTensor(fx.output))).toBeLessThan(1e-5);
    });
    tf.dispose(Object.values(sd));
    m.dispose();
  });

  it.each([
    ['float positions', 2 ** 24],
    ['int positions (tables over 2^24 elements)', 0],
  ])('the single lookup (%s) equals per-table gathers concatenated', (_, limit) => {
    const saved = TabularModel.floatIndexLimit;
    TabularModel.floatIndexLimit = limit;
    const m = new TabularModel(
      [
        [10, 6],
        [17, 8],
        [3, 3],
      ],
      0,
      1,
      { layers: [4] },
    );
    TabularModel.floatIndexLimit = saved;
    tf.tidy(() => {
      const xCat = tf.tensor2d(
        [
          [0, 16, 2],
          [9, 0, 1],
          [3, 5, 0],
          [9, 16, 2],
        ],
        [4, 3],
        'int32',
      );
      const cols = tf.unstack(xCat, 1);
      const expected = tf.concat(
        m.embeds.items().map((e, i) => tf.gather(e.weight.variable, cols[i])),
        1,
      );
      expect(relError(m.embed(xCat), expected)).toBe(0);
    });
    m.dispose();
  });

  it.each(['cpu', 'current'])(
    'embedding gradients land in the right table rows, duplicates summed (%s backend)',
    async (backend) => {
      const prev = tf.getBackend();
      if (backend === 'cpu') await tf.setBackend('cpu');
      try {
        const m = twoTableModel();
        const ws = m.embeds.items().map((e) => e.weight.variable);
        tf.tidy(() => {
          const target = tf.randomNormal([3, 5]);
          const expected = expectedEmbGrads(target.arraySync() as number[][]);
          const { grads } = tf.variableGrads(
            () => tf.sum(tf.mul(m.embed(tf.tensor2d(EMB_CODES, [3, 2], 'int32')), target)) as tf.Scalar,
            ws,
          );
          ws.forEach((w, i) => expect(relError(grads[w.name], tf.tensor2d(expected[i]))).toBeLessThan(1e-6));
        });
        m.dispose();
      } finally {
        await tf.setBackend(prev);
      }
    },
  );

  it('runs in training mode and with no categorical or no continuous input', () => {
    tf.tidy(() => {
      const a = new TabularModel([[5, 3]], 2, 3, { layers: [8], ps: 0.5, embedP: 0.1, yRange: [0, 1] });
      const out = a.call(tf.tensor2d([[1], [4], [0]], [3, 1], 'int32'), tf.randomNormal([3, 2]));
      expect(out.shape).toEqual([3, 3]);
      const v = out.dataSync();
      expect(v.every((x) => x > 0 && x < 1)).toBe(true);
      const b = new TabularModel([], 2, 1, { layers: [8] });
      expect(b.call(tf.zeros([3, 0], 'int32'), tf.randomNormal([3, 2])).shape).toEqual([3, 1]);
      a.dispose();
      b.dispose();
    });
  });
});

describe('TabularModel training with ReLU → BatchNorm1d fused into the BatchNorm kernels', () => {
  /** One step: loss, every parameter's gradient, the buffers, and the kernels that ran. */
  const trainStep = (m: TabularModel, cat: tf.Tensor, cont: tf.Tensor, fused: boolean) =>
    trainStepFused(m, () => m.call(cat, cont), fused);

  it('loss, gradients and running stats equal the unfused step (Linear+ReLU as one product) to 1e-5', async () => {
    const m = new TabularModel(
      [
        [6, 3],
        [9, 4],
      ],
      3,
      2,
      { layers: [17, 8], ps: 0, embedP: 0 },
    );
    const cat = tf.tensor2d([0, 1, 5, 8, 2, 3, 4, 0, 1, 7, 3, 2, 0, 6], [7, 2], 'int32');
    const cont = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const f = await trainStep(m, cat, cont, true);
    const p = await trainStep(m, cat, cont, false);
    expect(tf.memory().numTensors).toBe(before);
    expect(f.values.length).toBe(p.values.length);
    f.values.forEach((v, i) => expect(relErr(v, p.values[i]), `value ${i}`).toBeLessThan(1e-5));
    // Fused: no ReLU anywhere (not in the products, no Step/Multiply of its gradient); unfused: relu in the products.
    const count = (ks: string[], name: string) => ks.filter((k) => k === name).length;
    expect(count(f.kernels, 'Step')).toBe(0);
    expect(count(f.kernels, 'Relu')).toBe(0);
    expect(count(p.kernels, 'TfaiBatchNormTrainGrad')).toBe(count(f.kernels, 'TfaiBatchNormTrainGrad'));
    tf.dispose([cat, cont]);
    m.dispose();
  });
});
