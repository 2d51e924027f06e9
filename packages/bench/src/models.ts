// The three models of the reference's torch/bench.py (copied as torch/bench.py), built from tfai's packages, with
// bench.py's inputs, and two more with their PyTorch twins in torch/bench_extra.py: `awdlstm` (fastai's AWD-LSTM text
// classifier) and `collab` (EmbeddingDotBias). Every model comes through a package's public API — vision's
// `resnet18`, tabular's `TabularEmbeddings` and `EmbeddingDotBias`, text's `getTextClassifier` — so the source
// measured is the source in the tree, and the dependencies are @tfai/bench's declared ones.
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm1d, Embedding, LSTM, Linear, Module, ModuleList, batchNormRelu } from '@tfai/core/nn';
import { crossEntropyLossFlat, mseLossFlat } from '@tfai/core';
import type { AnyModule } from '@tfai/core/nn';
import { TabularEmbeddings } from '@tfai/tabular';
import { EmbeddingDotBias } from '@tfai/tabular/collab';
import { AWDLSTM, getTextClassifier, textBatch } from '@tfai/text/models';
import { resnet18 } from '@tfai/vision/models';

export const MODEL_NAMES = ['resnet18', 'tabular', 'lstm', 'awdlstm', 'collab'] as const;
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
  /**
   * The optimizer of both sides: `torch` is torch.optim.Adam's hyper-parameters (bench.py: lr 1e-3, eps 1e-8, no
   * weight decay), `fastai` is fastai's Adam defaults (lr 1e-3, sqr_mom 0.99, eps 1e-5, wd 0.01 decoupled, none on
   * BatchNorm and biases), as torch/bench_extra.py's hand-written fastai step (default `torch`).
   */
  optimizer?: 'torch' | 'fastai';
  dispose(): void;
}

const int1d = (n: number, f: (i: number) => number) =>
  tf.tensor1d(
    Int32Array.from({ length: n }, (_, i) => f(i)),
    'int32',
  );

// ---- ResNet-18: vision's resnet18 (torchvision's layout and init), NHWC ----

function resnet18Bench(): BenchModel {
  const model = resnet18({ numClasses: 10 });
  const x = tf.randomNormal([16, 64, 64, 3]);
  const y = int1d(16, (i) => i % 10);
  const ce = crossEntropyLossFlat();
  return {
    model,
    loss: () => ce(model.call(x), y),
    cfg: "ResNet-18 (vision's resnet18), 64x64x3, bs16, 10 cls",
    items: 16,
    unit: 'img/s',
    torchParams: 11_181_642,
    dispose: () => (tf.dispose([x, y]), model.dispose()),
  };
}

// ---- bench.py's Tabular: 8 embeddings + bn_cont, (Linear → ReLU → BatchNorm1d) × 2, Linear ----

const CARDS = [10, 15, 20, 25, 30, 35, 40, 50].map((c) => c + 1);
const EMB = [6, 7, 8, 8, 9, 9, 10, 10];

/**
 * bench.py's Tabular, with tabular's real `TabularEmbeddings` (children `0`…`7`, the same tables as bench.py's
 * `nn.ModuleList` of `nn.Embedding`, looked up as one gather, as TabularModel does).
 */
class Tabular extends Module<[tf.Tensor, tf.Tensor]> {
  readonly bnCont = this.registerModule('bn_cont', new BatchNorm1d(6));
  readonly l1 = this.registerModule('l1', new Linear(EMB.reduce((a, b) => a + b) + 6, 200));
  readonly b1 = this.registerModule('b1', new BatchNorm1d(200));
  readonly l2 = this.registerModule('l2', new Linear(200, 100));
  readonly b2 = this.registerModule('b2', new BatchNorm1d(100));
  readonly out = this.registerModule('out', new Linear(100, 2));
  // Registered last, as when it was a constructor argument: the same initialisation order as before.
  readonly embs = this.registerModule('embs', new TabularEmbeddings(CARDS.map((c, i) => [c, EMB[i]] as const)));
  forward(cats: tf.Tensor, conts: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let x = tf.concat([this.embs.call(cats), this.bnCont.call(conts)], 1);
      // ReLU → BatchNorm1d as one kernel when training (batchNormRelu; TFAI_FUSED_BN_ACT=0: tf.relu, then b1).
      x = batchNormRelu(this.b1, undefined, this.l1.call(x), 'reluBefore');
      x = batchNormRelu(this.b2, undefined, this.l2.call(x), 'reluBefore');
      return this.out.call(x);
    });
  }
}

function tabularBench(): BenchModel {
  const bs = 512;
  const model = new Tabular();
  const codes = Int32Array.from(
    { length: bs * CARDS.length },
    (_, k) => (Math.floor(k / CARDS.length) * 7) % CARDS[k % CARDS.length],
  );
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
    this.rnns = this.registerModule(
      'rnns',
      new ModuleList([0, 1, 2].map((l) => new LSTM(sizes[l], sizes[l + 1], { batchFirst: false }))),
    );
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
const lstmParams = (h: number) =>
  2 * 5000 * 400 +
  5000 +
  [
    [400, h],
    [h, h],
    [h, 400],
  ].reduce((s, [i, o]) => s + 4 * o * (i + o + 2), 0);

function lstmBench(hidden: number): BenchModel {
  const [T, B, V] = [70, 16, 5000];
  const model = new LSTMLM(V, 400, hidden);
  const ids = tf.reshape(
    int1d(T * B, (i) => (i * 7919) % V),
    [T, B],
  );
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

// ---- awdlstm: fastai's text classifier, get_text_classifier(AWD_LSTM) at emb 100, hidden 256, 2 layers ----

/** The AWD-LSTM classifier's parameters: embedding, LSTMs emb→hid→emb (both biases), head BN+Linear(no bias) ×2. */
const awdParams = (V: number, emb: number, hid: number) =>
  V * emb + 4 * hid * (emb + hid + 2) + 4 * emb * (hid + emb + 2) + (2 * 3 * emb + 3 * emb * 50) + (2 * 50 + 50 * 2);

function awdlstmBench(): BenchModel {
  const [V, B, L, bptt] = [10_000, 32, 1000, 72];
  // fastai's awd_lstm_clas_config dropouts (all active in train mode), emb/hidden/layers of the recipe.
  const model = getTextClassifier(AWDLSTM, V, 2, { seqLen: bptt, config: { embSz: 100, nHid: 256, nLayers: 2 } });
  // Token ids 2.. (no xxunk, no xxpad): every text is 1,000 tokens long, so no row is padded (14 chunks, the last 64).
  const x = textBatch(
    Int32Array.from({ length: B * L }, (_, i) => ((i * 7919) % (V - 2)) + 2),
    B,
    L,
  );
  const y = int1d(B, (i) => i % 2);
  const ce = crossEntropyLossFlat();
  return {
    model,
    loss: () => ce(model.call(x), y),
    cfg: `AWD-LSTM classifier (text's getTextClassifier) vocab${V} emb100 hidden256 2 layers, bs${B} x ${L} tokens, BPT3C chunks of ${bptt}, fastai Adam`,
    items: B,
    unit: 'texts/s',
    torchParams: awdParams(V, 100, 256),
    optimizer: 'fastai',
    dispose: () => (tf.dispose([x, y]), model.dispose()),
  };
}

// ---- collab: tabular's EmbeddingDotBias, 50 factors, InstEval's users and items (+ #na#), y_range (0, 5.5) ----

function collabBench(): BenchModel {
  const [NU, NI, B] = [2973, 1129, 256];
  const model = new EmbeddingDotBias(50, NU, NI, [0, 5.5]);
  const x = tf.tensor2d(
    Int32Array.from({ length: 2 * B }, (_, k) => (k % 2 ? ((k >> 1) * 104729) % NI : ((k >> 1) * 7919) % NU)),
    [B, 2],
    'int32',
  );
  const y = tf.tensor1d(Float32Array.from({ length: B }, (_, i) => (i % 5) + 1));
  const mse = mseLossFlat();
  return {
    model,
    loss: () => mse(model.call(x), y),
    cfg: `EmbeddingDotBias (tabular's) 50 factors, ${NU} users x ${NI} items, y_range (0, 5.5), bs${B}, MSE, fastai Adam`,
    items: B,
    unit: 'rows/s',
    torchParams: (NU + NI) * 51,
    optimizer: 'fastai',
    dispose: () => (tf.dispose([x, y]), model.dispose()),
  };
}

/**
 * Builds one benchmark model with its fixed batch (`hidden` for the LSTM LM only).
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
    case 'awdlstm':
      return awdlstmBench();
    case 'collab':
      return collabBench();
  }
}
