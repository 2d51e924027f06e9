// fastai's SentenceEncoder, masked_concat_pool, PoolingLinearClassifier, get_text_classifier, awd_lstm_clas_split.
import * as tf from '@tensorflow/tfjs-core';
import { params } from '@tfai/core';
import {
  LinBnDrop,
  Module,
  ReLU,
  Sequential,
  SigmoidRange,
  type AnyModule,
  type Parameter,
  type TensorModule,
} from '@tfai/core/nn';
import { inputsOfModule, type OnnxConverter, type OnnxGraph, type OnnxInputsOf, type OnnxValue } from '@tfai/core/onnx';
import type { AWDLSTM } from './awd-lstm.js';
import { awdLstmClasConfig } from './awd-lstm.js';
import { scaleDropouts } from './language-model.js';
import { SequentialRNN } from './sequential-rnn.js';
import { chunkBatchSizes } from './text-batch.js';

/**
 * Runs `fn` off the gradient tape: the ops inside are not recorded, so nothing they create is kept for a backward
 * pass. Used for the chunks of a long text whose outputs are dropped (the state they leave is detached anyway).
 */
function withoutGradient(fn: () => void): void {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    fn();
    const x = args[0] as tf.Tensor;
    return { value: tf.zerosLike(x), gradFunc: () => tf.zerosLike(x) };
  });
  tf.tidy(() => void f(tf.scalar(0)));
}

/**
 * fastai's `SentenceEncoder`: reads a padded batch `[bs, seqLen]` through `module` (an {@link AWDLSTM}) `bptt`
 * tokens at a time, carrying the hidden state from chunk to chunk, and returns the outputs and the padding mask of
 * the last `maxLen` tokens (rounded up to whole chunks) as `[outputs [bs, L, emb], mask [bs, L] (true = pad)]`.
 *
 * As fastai's, it expects rows sorted by decreasing length and padded at the start by whole chunks
 * ({@link padInputChunk}): for each chunk only the first `realBs` rows (those with a token at the chunk's first
 * position) are run, and the others get zero outputs. Chunks before the last `maxLen` tokens are run off the
 * gradient tape, so a long document costs the memory of `maxLen` tokens only. The batch's ids must be known on the
 * host (a tensor from `textBatch`, as the text DataLoaders make, or after `await prepareTextBatch(x)`): the
 * chunk batch sizes are shapes, and the forward reads nothing back from the device.
 * @example
 * ```ts
 * const enc = new SentenceEncoder(72, new AWDLSTM(1000, 400, 1152, 3), 1, 1440);
 * const [outs, mask] = enc.call(ids); // ids [2, 150] → outs [2, 150, 400], mask [2, 150]
 * ```
 */
export class SentenceEncoder extends Module<[tf.Tensor], [tf.Tensor, tf.Tensor]> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SentenceEncoder';
  /** The wrapped encoder, run chunk by chunk (PyTorch's `module`). */
  readonly module: AWDLSTM;
  /** How many rows were run for each chunk of the latest call (fastai's `real_bs`). */
  lastRealBs: number[] = [];
  constructor(
    /** Chunk length the text is fed in (the loaders' `seqLen`, default 72). */
    readonly bptt: number,
    module: AWDLSTM,
    /** Id of `xxpad` (default 1): padded positions are masked out of the pooling. */
    readonly padIdx = 1,
    /** Only the outputs of the last `maxLen` tokens are kept for pooling (fastai's `max_len`); undefined: all. */
    readonly maxLen?: number,
  ) {
    super();
    this.module = this.registerModule('module', module);
  }

  /** Clears the encoder's hidden state (before a new batch of documents). */
  reset(): void {
    this.module.reset();
  }

  forward(input: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const [bs, sl] = input.shape as [number, number];
    this.reset();
    const starts = Array.from({ length: Math.ceil(sl / this.bptt) }, (_, k) => k * this.bptt);
    // How many rows have a token at each chunk's first position, from the batch's ids on the host (textBatch).
    const realBs = chunkBatchSizes(input, starts, this.padIdx);
    this.lastRealBs = realBs;
    return tf.tidy(() => {
      const mask = tf.equal(input, this.padIdx);
      const outs: tf.Tensor[] = [];
      const masks: tf.Tensor[] = [];
      starts.forEach((i, k) => {
        const len = Math.min(this.bptt, sl - i);
        const keep = this.maxLen === undefined || sl - i <= this.maxLen;
        const n = realBs[k];
        const run = () => this.module.call(tf.slice(input, [0, i], [n, len]));
        if (!keep) {
          if (n > 0) withoutGradient(() => void tf.tidy(run));
          return;
        }
        const o = n > 0 ? run() : tf.zeros([0, len, this.module.embSz]);
        outs.push(n < bs ? tf.concat([o, tf.zeros([bs - n, len, o.shape[2] ?? this.module.embSz])], 0) : o);
        masks.push(tf.slice(mask, [0, i], [bs, len]));
      });
      return [tf.concat(outs, 1), tf.concat(masks, 1)];
    });
  }
  protected override attributes(): Record<string, unknown> {
    return { bptt: this.bptt, pad_idx: this.padIdx, max_len: this.maxLen ?? null };
  }

  /**
   * ONNX form, equal in eval mode to the chunked pass on fastai's batches (texts padded first by whole chunks):
   * each row runs the encoder from a zero state over the chunks whose first token is not padding (its own
   * steps moved to the front, ONNX's `sequence_lens`, then moved back; zeros elsewhere), and the outputs and
   * padding mask of the last `maxLen` positions' chunks go on to the pooling.
   */
  static readonly onnx: OnnxConverter<SentenceEncoder> = (m, [tokens], ctx) => {
    const g = ctx.graph;
    const x = tokens!.name;
    const i64 = (v: number) => g.int64([v], 'c', []);
    const pad = i64(m.padIdx);
    const bptt = i64(m.bptt);
    const L = g.op('Gather', [g.op('Shape', [x]), i64(1)], { axis: { i: 0 } });
    const starts = g.op('Range', [i64(0), L, bptt]);
    const active = g.op(
      'Cast',
      [g.op('Not', [g.op('Equal', [g.op('Gather', [x, starts], { axis: { i: 1 } }), pad])])],
      { to: { i: 6 } },
    );
    const k0 = g.op('ArgMax', [active], { axis: { i: 1 }, keepdims: { i: 0 } });
    const k1 = g.op('ArgMax', [active], { axis: { i: 1 }, keepdims: { i: 0 }, select_last_index: { i: 1 } });
    const s = g.op('Mul', [k0, bptt]); // [N] first step of each row
    const e = g.op('Min', [g.op('Mul', [g.op('Add', [k1, i64(1)]), bptt]), L]); // [N] end of its last chunk
    const lens = g.op('Cast', [g.op('Sub', [e, s])], { to: { i: 6 } });
    const t = g.op('Unsqueeze', [g.op('Range', [i64(0), L, i64(1)]), g.int64([0], 'axes')]); // [1, L]
    const s1 = g.op('Unsqueeze', [s, g.int64([1], 'axes')]); // [N, 1]
    const last = g.op('Sub', [L, i64(1)]);
    const fwd = g.op('Min', [g.op('Add', [t, s1]), last]); // [N, L]
    const shifted = g.op('GatherElements', [x, fwd], { axis: { i: 1 } });
    const enc = ctx.child('module', [
      { name: shifted, rank: 2 },
      { name: lens, rank: 1 },
    ])[0]!; // [N, L, H], row r's step j = position s_r + j
    const back = g.op('Max', [g.op('Sub', [t, s1]), i64(0)]); // [N, L]
    const backIdx = g.op('Expand', [g.op('Unsqueeze', [back, g.int64([2], 'axes')]), g.op('Shape', [enc.name])]);
    const moved = g.op('GatherElements', [enc.name, backIdx], { axis: { i: 1 } });
    const e1 = g.op('Unsqueeze', [e, g.int64([1], 'axes')]);
    const valid = g.op('Unsqueeze', [
      g.op('And', [g.op('GreaterOrEqual', [t, s1]), g.op('Less', [t, e1])]),
      g.int64([2], 'axes'),
    ]);
    const output = g.op('Where', [valid, moved, g.float([0], [], 'zero')]);
    const mask = g.op('Equal', [x, pad]);
    if (m.maxLen === undefined)
      return [
        { name: output, rank: 3 },
        { name: mask, rank: 2 },
      ];
    // Keep the chunks starting at or after L - maxLen: from ceil(max(L - maxLen, 0) / bptt) · bptt.
    const over = g.op('Max', [g.op('Sub', [L, i64(m.maxLen)]), i64(0)]);
    const keep = g.op('Mul', [g.op('Div', [g.op('Add', [over, i64(m.bptt - 1)]), bptt]), bptt]);
    const from = g.op('Unsqueeze', [keep, g.int64([0], 'axes')]);
    const to = g.op('Unsqueeze', [L, g.int64([0], 'axes')]);
    const axis1 = g.int64([1], 'axes');
    return [
      { name: g.op('Slice', [output, from, to, axis1]), rank: 3 },
      { name: g.op('Slice', [mask, from, to, axis1]), rank: 2 },
    ];
  };

  /** The ONNX input: `tokens` [batch, sequence] int64, padded first by whole chunks as the text loaders do. */
  static readonly onnxInputs: OnnxInputsOf<SentenceEncoder> = (m) => inputsOfModule(m.module);
}

/**
 * `max(x + negPad, 1)` for x `[bs, L, n]` and negPad `[bs, L, 1]` (0, or −∞ at padding), with PyTorch's gradient
 * of `max(dim)`: all of `dy` to the one position the max came from (the first, on ties). tfjs's own gradient of
 * `tf.max` compares the input with the broadcast max element by element (one `Equal` over `[bs, L, n]`, 245 ms at
 * the AWD-LSTM classifier's batch of 32 × 1,000 × 100 on wasm); here the backward is one `ScatterNd` of `bs·n`
 * values. The max runs over the last axis of the transposed sum, where the backends reduce without a copy.
 */
const maxOverTime = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, negPad, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const [bs, L, n] = x.shape as [number, number, number];
  const padShape = negPad.shape;
  const t = tf.transpose(tf.add(x, negPad), [0, 2, 1]);
  const arg = tf.argMax(t, 2);
  save([arg]);
  return {
    value: tf.max(t, 2),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      // Flat position of x[b, arg[b, j], j]: b·L·n + arg·n + j.
      const int = (v: number) => tf.scalar(v, 'int32');
      const rows = tf.mul(tf.reshape(tf.range(0, bs, 1, 'int32'), [bs, 1]), int(L * n));
      const at = tf.reshape(tf.add(tf.add(tf.mul(saved[0], int(n)), rows), tf.range(0, n, 1, 'int32')), [bs * n, 1]);
      const dx = tf.reshape(tf.scatterND(at, tf.reshape(dy as tf.Tensor, [bs * n]), [bs * L * n]), [bs, L, n]);
      return [dx, tf.zeros(padShape)];
    },
  };
});

/**
 * fastai's `masked_concat_pool`: for outputs `[bs, L, n]` and a padding mask `[bs, L]`, the concatenation
 * `[last non-pad output, max over non-pad steps, mean over non-pad steps]` → `[bs, 3n]`. The "last" output is
 * found as fastai does, counting the padding in the last `bptt` positions.
 * @example
 * ```ts
 * maskedConcatPool(outs, mask, 72).shape; // [bs, 1200] for 400 features
 * ```
 */
export function maskedConcatPool(output: tf.Tensor, mask: tf.Tensor, bptt: number): tf.Tensor {
  return tf.tidy(() => {
    const [bs, L, n] = output.shape as [number, number, number];
    const padF = tf.cast(mask, 'float32');
    const lens = tf.sub(L, tf.sum(padF, 1));
    const lastLens = tf.sum(tf.slice(padF, [0, Math.max(0, L - bptt)], [bs, Math.min(bptt, L)]), 1);
    const keep3 = tf.expandDims(tf.sub(1, padF), 2);
    const avgPool = tf.div(tf.sum(tf.mul(output, keep3), 1), tf.expandDims(lens, 1));
    const negPad = tf.where(tf.cast(mask, 'bool'), tf.fill([bs, L], -Infinity), tf.zeros([bs, L]));
    const maxPool = maxOverTime(output, tf.expandDims(negPad, 2));
    // output[b, L - lastLens[b] - 1] for each row b, as one gather over the flattened [bs·L, n].
    const idx = tf.cast(tf.add(tf.mul(tf.range(0, bs), L), tf.sub(L - 1, lastLens)), 'int32');
    const last = tf.gather(tf.reshape(output, [bs * L, n]), idx);
    return tf.concat([last, maxPool, avgPool], 1);
  });
}

/** {@link maskedConcatPool} as ONNX nodes on out [N, L, H] and the boolean padding mask [N, L]. */
function maskedConcatPoolToOnnx(out: OnnxValue, mask: OnnxValue, bptt: number, g: OnnxGraph): OnnxValue {
  const axes = (v: number) => g.int64([v], 'axes');
  const L = g.op('Gather', [g.op('Shape', [out.name]), g.int64([1], 'c', [])], { axis: { i: 0 } });
  const padF = g.op('Cast', [mask.name], { to: { i: 1 } });
  const lens = g.op('Sub', [
    g.op('Cast', [L], { to: { i: 1 } }),
    g.op('ReduceSum', [padF, axes(1)], { keepdims: { i: 0 } }),
  ]);
  const from = g.op('Max', [g.op('Sub', [L, g.int64([bptt], 'c', [])]), g.int64([0], 'c', [])]);
  const unsq0 = (v: string) => g.op('Unsqueeze', [v, axes(0)]);
  const tail = g.op('Slice', [padF, unsq0(from), unsq0(L), axes(1)]);
  const lastLens = g.op('ReduceSum', [tail, axes(1)], { keepdims: { i: 0 } });
  const keep3 = g.op('Unsqueeze', [g.op('Sub', [g.float([1], [], 'one'), padF]), axes(2)]);
  const sum = g.op('ReduceSum', [g.op('Mul', [out.name, keep3]), axes(1)], { keepdims: { i: 0 } });
  const avg = g.op('Div', [sum, g.op('Unsqueeze', [lens, axes(1)])]);
  const negInf = g.op('Where', [
    g.op('Unsqueeze', [mask.name, axes(2)]),
    g.float([-Infinity], [], 'neg_inf'),
    out.name,
  ]);
  const max = g.op('ReduceMax', [negInf], { axes: { ints: [1] }, keepdims: { i: 0 } });
  const lastF = g.op('Sub', [g.op('Sub', [g.op('Cast', [L], { to: { i: 1 } }), g.float([1], [], 'one')]), lastLens]);
  const idx = g.op('Unsqueeze', [g.op('Cast', [lastF], { to: { i: 7 } }), g.int64([1, 2], 'axes')]); // [N, 1, 1]
  const shape = g.op(
    'Concat',
    [
      g.op('Slice', [g.op('Shape', [out.name]), axes(0), axes(1)]),
      g.int64([1], 'one'),
      g.op('Slice', [g.op('Shape', [out.name]), axes(2), axes(3)]),
    ],
    { axis: { i: 0 } },
  );
  const last = g.op('Squeeze', [
    g.op('GatherElements', [out.name, g.op('Expand', [idx, shape])], { axis: { i: 1 } }),
    axes(1),
  ]);
  return { name: g.op('Concat', [last, max, avg], { axis: { i: 1 } }), rank: 2 };
}

/**
 * fastai's `PoolingLinearClassifier`: {@link maskedConcatPool} of the encoder's outputs, then `LinBnDrop` layers
 * (ReLU between them). Takes `[outputs, mask]` and returns `[logits, outputs, outputs]`.
 * @example
 * ```ts
 * const head = new PoolingLinearClassifier([1200, 50, 2], [0.4, 0.1], 72);
 * ```
 */
export class PoolingLinearClassifier extends Module<[[tf.Tensor, tf.Tensor]], tf.Tensor[]> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'PoolingLinearClassifier';
  /** The head's `LinBnDrop` blocks over `dims` (`[3·embSz, …linFtrs, nClass]` in `getTextClassifier`), then `SigmoidRange` if `yRange` (PyTorch's `layers`). */
  readonly layers: Sequential;
  constructor(
    dims: number[],
    ps: number[],
    /** Chunk length of the encoder (fastai's `bptt`), used to locate each text's last real step. */
    readonly bptt: number,
    yRange?: [number, number],
  ) {
    super();
    if (ps.length !== dims.length - 1) throw new RangeError('Number of layers and dropout values do not match.');
    const layers: TensorModule[] = ps.map(
      (p, i) => new LinBnDrop(dims[i], dims[i + 1], { p, act: i < ps.length - 1 ? new ReLU(true) : undefined }),
    );
    if (yRange) layers.push(new SigmoidRange(...yRange));
    this.layers = this.registerModule('layers', new Sequential(...layers));
  }
  forward([out, mask]: [tf.Tensor, tf.Tensor]): tf.Tensor[] {
    const x = maskedConcatPool(out, mask, this.bptt);
    return [this.layers.call(x), out, out];
  }

  /** ONNX form: fastai's masked_concat_pool (last real step, max and mean over real steps), then the layers. */
  static readonly onnx: OnnxConverter<PoolingLinearClassifier> = (m, [out, mask], ctx) => {
    if (!out || !mask) throw ctx.fail('needs the encoder output and its padding mask');
    return [ctx.child1('layers', maskedConcatPoolToOnnx(out, mask, m.bptt, ctx.graph))];
  };
}

/** A classifier config: {@link awdLstmClasConfig}'s keys. */
export type ClasConfig = {
  -readonly [K in keyof typeof awdLstmClasConfig]: (typeof awdLstmClasConfig)[K] extends boolean ? boolean : number;
};

/** Options of {@link getTextClassifier} (fastai's defaults). */
export interface TextClassifierOptions {
  /** Chunk length of the {@link SentenceEncoder} (default 72). */
  seqLen?: number;
  /** Overrides of {@link awdLstmClasConfig} (sizes and dropouts of the encoder). */
  config?: Partial<ClasConfig>;
  /** Multiplies every dropout (default 1). */
  dropMult?: number;
  /** Sizes of the hidden layers of the head (default [50]). */
  linFtrs?: number[];
  /** Dropouts of the head's hidden layers (default 0.1 each). */
  ps?: number[];
  /** Id of `xxpad` (default 1). */
  padIdx?: number;
  /** Tokens whose outputs are pooled (default 72·20). */
  maxLen?: number;
  /** Squash the output into `[low, high]` with a sigmoid (regression); default none. */
  yRange?: [number, number];
}

/**
 * fastai's `get_text_classifier`: `SequentialRNN(SentenceEncoder(AWD_LSTM), PoolingLinearClassifier)` with config
 * {@link awdLstmClasConfig}.
 * @example
 * ```ts
 * const clas = getTextClassifier(AWDLSTM, vocab.length, 2);
 * clas.call(ids).shape; // [bs, 2]
 * ```
 */
export function getTextClassifier(
  arch: typeof AWDLSTM,
  vocabSz: number,
  nClass: number,
  opts: TextClassifierOptions = {},
): SequentialRNN {
  const config = scaleDropouts({ ...awdLstmClasConfig, ...opts.config }, opts.dropMult ?? 1);
  const linFtrs = opts.linFtrs ?? [50];
  const ps = [config.outputP, ...(opts.ps ?? linFtrs.map(() => 0.1))];
  const seqLen = opts.seqLen ?? 72;
  const layers = [config.embSz * 3, ...linFtrs, nClass];
  const encoder = new SentenceEncoder(
    seqLen,
    new arch(vocabSz, config.embSz, config.nHid, config.nLayers, config),
    opts.padIdx ?? 1,
    opts.maxLen ?? 72 * 20,
  );
  return new SequentialRNN(encoder, new PoolingLinearClassifier(layers, ps, seqLen, opts.yRange));
}

/**
 * fastai's `awd_lstm_clas_split`: the embedding, then each LSTM layer (with its dropout), then the head.
 * @example
 * ```ts
 * awdLstmClasSplit(clas).map((g) => g.length); // [1, 4, 4, 4, 6]
 * ```
 */
export function awdLstmClasSplit(model: AnyModule): Parameter[][] {
  const [sentenceEncoder, head] = model.children() as [SentenceEncoder, PoolingLinearClassifier];
  const enc = sentenceEncoder.module;
  const groups = [
    params(enc.encoder, enc.encoderDp),
    ...enc.rnns.items().map((rnn, l) => params(rnn, enc.hiddenDps.get(l))),
  ];
  return [...groups, params(head)];
}
