// exportOnnx for core's layers: ONNX Runtime's outputs against tfai's eval-mode outputs on fashion_mnist images
// (batch 1 and 7, NCHW and NHWC, with the loss's activation), the initializers' PyTorch names, onnx.checker's
// full check, and a layer with no ONNX form refused by path and type with nothing written.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import protobuf from 'protobufjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path as datasetPath } from '@tfai/datasets';
import { onnxCheck, onnxCheckerSkip, ortRelErr, randomizeBatchNorms } from '@tfai/test-utils/onnx';
import {
  AdaptiveConcatPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ConvLayer,
  Dropout,
  Embedding,
  Flatten,
  LeakyReLU,
  Linear,
  LSTM,
  MaxPool2d,
  Module,
  ReLU,
  SelfAttention,
  Sequential,
  SigmoidRange,
  Tanh,
} from '../nn.js';
import { OnnxExportError } from '../errors.js';
import { exportOnnx, onnxBytes } from './export-onnx.js';
import { ONNX_PROTO } from './onnx-proto.js';

let dir: string;
let images: tf.Tensor4D; // 7 fashion_mnist images, NHWC in [0, 1]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-onnx-'));
  const root = join(datasetPath('fashion_mnist'), 'valid');
  const files: string[] = [];
  for (const cls of (await readdir(root)).sort().slice(0, 7))
    files.push(join(root, cls, (await readdir(join(root, cls))).sort()[0]!));
  const pixels = await Promise.all(
    files.map(async (f) => (await sharp(f).greyscale().raw().toBuffer({ resolveWithObject: true })).data),
  );
  images = tf.tidy(() =>
    tf.tensor4d(
      Float32Array.from(Buffer.concat(pixels), (v) => v / 255),
      [7, 28, 28, 1],
    ),
  );
});
afterAll(async () => {
  images.dispose();
  await rm(dir, { recursive: true, force: true });
});

function smallCnn(): Sequential {
  const m = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, bias: false }),
    new BatchNorm2d(8),
    new ReLU(true),
    new MaxPool2d(3, { stride: 2, padding: 1 }),
    new Conv2d(8, 12, 3, { stride: 2, padding: 1 }),
    // fastai's ConvLayer (a Sequential whose forward fuses BatchNorm + ReLU in training) exports as its layers.
    new ConvLayer(12, 12),
    new AdaptiveConcatPool2d(),
    new Flatten(),
    new BatchNorm1d(24),
    new Dropout(0.5),
    new Linear(24, 10),
  );
  randomizeBatchNorms(m);
  return m.eval();
}

describe('exportOnnx: core layers on ONNX Runtime', () => {
  it('a small CNN (conv, BatchNorm, pools, ConvLayer, AdaptiveConcatPool2d, Flatten, Linear) matches at batch 1 and 7', async () => {
    const model = smallCnn();
    const { onnx, json, description } = await exportOnnx(model, join(dir, 'cnn.onnx'));
    expect(existsSync(onnx) && existsSync(json!)).toBe(true);
    expect(description.inputs).toEqual([
      expect.objectContaining({ name: 'image', dtype: 'float32', shape: ['batch', 1, 'height', 'width'] }),
    ]);
    for (const n of [1, 7]) {
      const x = images.slice(0, n);
      const y = model.call(x);
      const { err, dims } = await ortRelErr(onnx, [{ name: 'image', tensor: x }], y);
      expect(dims).toEqual([n, 10]);
      expect(err).toBeLessThan(1e-4);
      tf.dispose([x, y]);
    }
    model.parameters().forEach((p) => p.variable.dispose());
  });

  it('leaves no tensors behind (initializers are released once written), also when it fails', async () => {
    const model = smallCnn();
    await onnxBytes(model); // the lazily parsed schema and backend set-up, once
    const before = tf.memory().numTensors;
    await onnxBytes(model);
    await onnxBytes(
      new Sequential(
        model,
        new (class Odd extends Module {
          forward(x: tf.Tensor): tf.Tensor {
            return x;
          }
        })(),
      ),
    ).catch(() => undefined);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("NHWC inputs and the loss's softmax in the graph", async () => {
    const model = smallCnn();
    const learn = {
      model,
      lossFunc: { spec: { name: 'CrossEntropyLossFlat', args: {} } },
      builder: undefined,
      dls: { vocab: ['a', 'b'] },
    } as unknown as Parameters<typeof exportOnnx>[0];
    const { onnx, description } = await exportOnnx(learn, join(dir, 'cnn-nhwc.onnx'), {
      layout: 'NHWC',
      activation: true,
    });
    expect(description.outputs[0]!.name).toBe('probabilities');
    expect(description.inputs[0]!.shape).toEqual(['batch', 'height', 'width', 1]);
    expect(description.vocab).toEqual(['a', 'b']);
    const y = tf.tidy(() => tf.softmax(model.call(images)));
    const { err } = await ortRelErr(onnx, [{ name: 'image', tensor: images }], y, { nhwc: true });
    expect(err).toBeLessThan(1e-4);
    y.dispose();
  });

  it('token ids (int64) through Embedding, rank-3 Linear, LeakyReLU, Tanh and SigmoidRange', async () => {
    const model = new Sequential(
      new Embedding(50, 6),
      new Linear(6, 5),
      new LeakyReLU(0.1),
      new Tanh(),
      new Linear(5, 2),
      new SigmoidRange(-1, 3),
    ).eval();
    const ids = tf.tensor2d(
      Int32Array.from({ length: 7 * 9 }, (_, i) => (i * 17) % 50),
      [7, 9],
      'int32',
    );
    const { onnx } = await exportOnnx(model, join(dir, 'emb.onnx'), {
      inputs: [{ name: 'tokens', dtype: 'int64', shape: ['batch', 'sequence'] }],
    });
    const y = model.call(ids);
    const { err, dims } = await ortRelErr(onnx, [{ name: 'tokens', tensor: ids }], y);
    expect(dims).toEqual([7, 9, 2]);
    expect(err).toBeLessThan(1e-4);
    tf.dispose([ids, y]);
  });

  it('LSTM (2 layers, bidirectional): ONNX LSTM on the reordered PyTorch weights matches from a zero state', async () => {
    const lstm = new LSTM(5, 6, { numLayers: 2, bidirectional: true }).eval();
    const x = tf.tidy(() => tf.reshape(images.slice([0, 10, 0, 0], [7, 5, 28, 1]), [7, 28, 5]).sub(0.5)); // [N, T, C]
    const { onnx } = await exportOnnx(lstm, join(dir, 'lstm.onnx'), {
      inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 'time', 5] }],
    });
    for (const n of [1, 7]) {
      const xn = x.slice(0, n);
      const [y, [h, c]] = lstm.call(xn);
      const { err, dims } = await ortRelErr(onnx, [{ name: 'x', tensor: xn }], y);
      expect(dims).toEqual([n, 28, 12]);
      expect(err).toBeLessThan(1e-4);
      tf.dispose([xn, y, h, c]);
    }
    x.dispose();
  });

  it('SelfAttention (spectral-norm convs in eval form, gamma ≠ 0) matches on [N, C, H, W] values', async () => {
    const model = new Sequential(new Conv2d(1, 16, 3, { padding: 1 }), new SelfAttention(16)).eval();
    const sa = model.get(1) as SelfAttention;
    tf.tidy(() => sa.gamma.variable.assign(tf.fill([1], 0.7)));
    const { onnx } = await exportOnnx(model, join(dir, 'sa.onnx'));
    for (const n of [1, 7]) {
      const x = tf.tidy(() => tf.image.resizeBilinear(images.slice(0, n), [12, 10]));
      const y = model.call(x);
      const { err, dims } = await ortRelErr(onnx, [{ name: 'image', tensor: x }], y);
      expect(dims).toEqual([n, 16, 12, 10]);
      expect(err).toBeLessThan(1e-4);
      tf.dispose([x, y]);
    }
  });

  it("initializers carry PyTorch's parameter names and layouts (the state dict's, less num_batches_tracked)", async () => {
    const model = smallCnn();
    const { bytes } = await onnxBytes(model);
    const Model = protobuf.parse(ONNX_PROTO).root.lookupType('onnx.ModelProto');
    const m = Model.toObject(Model.decode(bytes), { longs: Number }) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: { initializer: { name: string; dims: number[] }[] };
      metadataProps: { key: string; value: string }[];
    };
    expect(m.irVersion).toBe(8);
    expect(m.opsetImport[0]!.version).toBe(17);
    const sd = model.stateDict();
    const expected = Object.fromEntries(
      Object.entries(sd)
        .filter(([k]) => !k.endsWith('num_batches_tracked'))
        .map(([k, t]) => [k, t.shape]),
    );
    tf.dispose(Object.values(sd));
    const named = Object.fromEntries(m.graph.initializer.filter((i) => expected[i.name]).map((i) => [i.name, i.dims]));
    expect(named).toEqual(expected);
    expect(named['0.weight']).toEqual([8, 1, 3, 3]); // OIHW
    expect(JSON.parse(m.metadataProps.find((p) => p.key === 'tfai')!.value)).toMatchObject({
      format: 'tfai-onnx',
      opset: 17,
    });
  });

  it('a layer with no ONNX form is an OnnxExportError naming its path and type, and nothing is written', async () => {
    class Custom extends Module {
      forward(x: tf.Tensor): tf.Tensor {
        return tf.square(x);
      }
    }
    // A subclass overriding forward does not inherit its parent's ONNX form.
    class TwiceRelu extends ReLU {
      override forward(x: tf.Tensor): tf.Tensor {
        return tf.mul(tf.relu(x), 2);
      }
    }
    for (const [layer, type] of [
      [new Custom(), 'Custom'],
      [new TwiceRelu(), 'TwiceRelu'],
    ] as const) {
      const model = new Sequential(new Conv2d(1, 2, 3), new Sequential(new ReLU(), layer));
      const file = join(dir, `bad-${type}.onnx`);
      const err = await exportOnnx(model, file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OnnxExportError);
      expect(err).toMatchObject({ path: '1.1', layerType: type });
      expect((err as Error).message).toContain(`layer 1.1 (${type})`);
      expect(existsSync(file) || existsSync(file.replace(/\.onnx$/, '.onnx.json'))).toBe(false);
    }
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it.skipIf(onnxCheckerSkip)(
    'onnx.checker (full_check) accepts the export (python3-onnx) (skipped where python3 cannot import onnx)',
    async () => {
      const { onnx } = await exportOnnx(smallCnn(), join(dir, 'checked.onnx'));
      const info = onnxCheck(onnx);
      expect(info).toMatchObject({ opset: 17, irVersion: 8 });
      expect(info.nodes).toBeGreaterThan(8);
      expect((await readFile(onnx)).length).toBeGreaterThan(4 * (8 * 9 + 12 * 8 * 9 + 24 * 10));
    },
  );
});
