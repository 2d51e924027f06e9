// The three models of ../shared/reference/torch/bench.py, built from core modules, with bench.py's inputs.
// Core must not import a domain package (and a static import of @tfai/vision from core's files would make a
// core → vision → core cycle in Nx's project graph), so ResNet-18 is defined here: the same module tree as
// torchvision's resnet18 and packages/vision/src/models/resnet.ts (same layers, same parameter count).
import * as tf from '@tensorflow/tfjs';
import {
  AdaptiveAvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  crossEntropyLossFlat,
  Embedding,
  LSTM,
  Linear,
  MaxPool2d,
  Module,
  ModuleList,
  ReLU,
  Sequential,
  normal,
} from '../src/index.js';
import type { AnyModule, TensorModule } from '../src/index.js';

export const MODEL_NAMES = ['resnet18', 'tabular', 'lstm'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** One benchmark model with its fixed batch: `loss()` runs the forward and the loss (inside `tf.variableGrads`). */
export interface BenchModel {
  model: AnyModule;
  loss: () => tf.Scalar;
  /** bench.py's description, items per step and their unit. */
  cfg: string;
  items: number;
  unit: string;
  /** Parameter count of bench.py's PyTorch model (measured with torch 1.13 / torchvision 0.14), when known. */
  torchParams?: number;
  dispose(): void;
}

const int1d = (n: number, f: (i: number) => number) => tf.tensor1d(Int32Array.from({ length: n }, (_, i) => f(i)), 'int32');

// ---- ResNet-18 (torchvision's BasicBlock layout, NHWC) ----

class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | undefined;
  constructor(cin: number, cout: number, stride = 1) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(cout));
    this.relu = this.registerModule('relu', new ReLU(true));
    this.conv2 = this.registerModule('conv2', new Conv2d(cout, cout, 3, { padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(cout));
    if (stride !== 1 || cin !== cout)
      this.downsample = this.registerModule('downsample', new Sequential(new Conv2d(cin, cout, 1, { stride, bias: false }), new BatchNorm2d(cout)));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const out = this.bn2.call(this.conv2.call(this.relu.call(this.bn1.call(this.conv1.call(x)))));
      return this.relu.call(tf.add(out, this.downsample ? this.downsample.call(x) : x));
    });
  }
}

class ResNet18 extends Module {
  constructor(numClasses: number) {
    super();
    const layer = (cin: number, cout: number, stride: number) => new Sequential(new BasicBlock(cin, cout, stride), new BasicBlock(cout, cout));
    this.registerModule('conv1', new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }));
    this.registerModule('bn1', new BatchNorm2d(64));
    this.registerModule('relu', new ReLU(true));
    this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    this.registerModule('layer1', layer(64, 64, 1));
    this.registerModule('layer2', layer(64, 128, 2));
    this.registerModule('layer3', layer(128, 256, 2));
    this.registerModule('layer4', layer(256, 512, 2));
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.registerModule('fc', new Linear(512, numClasses));
    // torchvision's init: kaiming_normal_(mode='fan_out', nonlinearity='relu') for every conv.
    for (const m of this.modules()) {
      if (!(m instanceof Conv2d)) continue;
      const [kh, kw, , out] = m.weight.shape;
      tf.tidy(() => m.weight.variable.assign(normal(m.weight.shape, Math.sqrt(2 / (out * kh * kw)))));
    }
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let y = x;
      for (const [name, m] of this.namedChildren()) {
        if (name === 'fc') y = tf.reshape(y, [y.shape[0], -1]);
        y = (m as unknown as TensorModule).call(y);
      }
      return y;
    });
  }
}

function resnet18Bench(): BenchModel {
  const model = new ResNet18(10);
  const x = tf.randomNormal([16, 64, 64, 3]);
  const y = int1d(16, (i) => i % 10);
  const ce = crossEntropyLossFlat();
  return {
    model,
    loss: () => ce(model.call(x), y),
    cfg: 'ResNet-18 (torchvision layout), 64x64x3, bs16, 10 cls',
    items: 16,
    unit: 'img/s',
    torchParams: 11_181_642,
    dispose: () => (tf.dispose([x, y]), model.dispose()),
  };
}

// ---- bench.py's Tabular: 8 embeddings + bn_cont, (Linear → ReLU → BatchNorm1d) × 2, Linear ----

const CARDS = [10, 15, 20, 25, 30, 35, 40, 50].map((c) => c + 1);
const EMB = [6, 7, 8, 8, 9, 9, 10, 10];

class Tabular extends Module<[tf.Tensor, tf.Tensor]> {
  readonly embs = this.registerModule('embs', new ModuleList(CARDS.map((c, i) => new Embedding(c, EMB[i]))));
  readonly bnCont = this.registerModule('bn_cont', new BatchNorm1d(6));
  readonly l1 = this.registerModule('l1', new Linear(EMB.reduce((a, b) => a + b) + 6, 200));
  readonly b1 = this.registerModule('b1', new BatchNorm1d(200));
  readonly l2 = this.registerModule('l2', new Linear(200, 100));
  readonly b2 = this.registerModule('b2', new BatchNorm1d(100));
  readonly out = this.registerModule('out', new Linear(100, 2));
  forward(cats: tf.Tensor, conts: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const cols = tf.unstack(cats, 1);
      let x = tf.concat([...this.embs.items().map((e, i) => e.call(cols[i])), this.bnCont.call(conts)], 1);
      x = this.b1.call(tf.relu(this.l1.call(x)));
      x = this.b2.call(tf.relu(this.l2.call(x)));
      return this.out.call(x);
    });
  }
}

function tabularBench(): BenchModel {
  const bs = 512;
  const model = new Tabular();
  const codes = Int32Array.from({ length: bs * CARDS.length }, (_, k) => (Math.floor(k / CARDS.length) * 7) % CARDS[k % CARDS.length]);
  const cats = tf.tensor2d(codes, [bs, CARDS.length], 'int32');
  const conts = tf.randomNormal([bs, 6]);
  const y = int1d(bs, (i) => i % 2);
  const ce = crossEntropyLossFlat();
  return {
    model,
    loss: () => ce(model.call(cats, conts), y),
    cfg: 'tabular 8 emb + 6 cont, [200,100], bs512',
    items: bs,
    unit: 'rows/s',
    torchParams: 37_791,
    dispose: () => (tf.dispose([cats, conts, y]), model.dispose()),
  };
}

// ---- bench.py's LSTMLM: Embedding → 3 single-layer LSTMs (emb → H → H → emb) → Linear decoder ----

class LSTMLM extends Module {
  readonly enc: Embedding;
  readonly rnns: ModuleList<LSTM>;
  readonly dec: Linear;
  constructor(vocab: number, emb: number, hidden: number) {
    super();
    this.enc = this.registerModule('enc', new Embedding(vocab, emb));
    const sizes = [emb, hidden, hidden, emb];
    // Time-major inputs [T, B, ·], as nn.LSTM's default.
    this.rnns = this.registerModule('rnns', new ModuleList([0, 1, 2].map((l) => new LSTM(sizes[l], sizes[l + 1], { batchFirst: false }))));
    this.dec = this.registerModule('dec', new Linear(emb, vocab));
  }
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let x = this.enc.call(ids);
      for (const r of this.rnns.items()) x = r.call(x)[0];
      return this.dec.call(tf.reshape(x, [-1, x.shape[2] as number]));
    });
  }
}

/** Parameters of bench.py's LSTMLM for vocab 5000, emb 400 (PyTorch's nn.LSTM counts both biases). */
const lstmParams = (h: number) => 2 * 5000 * 400 + 5000 + [[400, h], [h, h], [h, 400]].reduce((s, [i, o]) => s + 4 * o * (i + o + 2), 0);

function lstmBench(hidden: number): BenchModel {
  const [T, B, V] = [70, 16, 5000];
  const model = new LSTMLM(V, 400, hidden);
  const ids = tf.reshape(int1d(T * B, (i) => (i * 7919) % V), [T, B]);
  const tgt = int1d(T * B, (i) => (i * 104729 + 1) % V);
  const ce = crossEntropyLossFlat();
  return {
    model,
    loss: () => ce(model.call(ids), tgt),
    cfg: `3-layer LSTM LM vocab5000 emb400 hidden${hidden}, T70 bs16 (core LSTM, lstmRecurrence BPTT)`,
    items: T * B,
    unit: 'tok/s',
    torchParams: lstmParams(hidden),
    dispose: () => (tf.dispose([ids, tgt]), model.dispose()),
  };
}

/**
 * Builds one benchmark model with bench.py's inputs (`hidden` for the LSTM only).
 * @example
 * ```ts
 * const b = buildBenchModel('tabular');
 * const { value, grads } = tf.variableGrads(b.loss);
 * ```
 */
export function buildBenchModel(name: ModelName, hidden = 1152): BenchModel {
  switch (name) {
    case 'resnet18':
      return resnet18Bench();
    case 'tabular':
      return tabularBench();
    case 'lstm':
      return lstmBench(hidden);
  }
}
