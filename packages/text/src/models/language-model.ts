// fastai's LinearDecoder, get_language_model and awd_lstm_lm_split.
import * as tf from '@tensorflow/tfjs-core';
import { params } from '@tfai/core';
import { Module, uniform, type AnyModule, type Embedding, type Parameter } from '@tfai/core/nn';
import { linearToOnnx, type OnnxConverter } from '@tfai/core/onnx';
import type { AWDLSTM } from './awd-lstm.js';
import { RNNDropout, awdLstmLmConfig } from './awd-lstm.js';
import { SequentialRNN } from './sequential-rnn.js';

/**
 * A linear layer whose weight is kept in PyTorch's layout `[out, in]`, so that it can be the very same tensor as
 * an embedding table `[vocab, emb]` (tied weights). Reported as `Linear`.
 */
export class TiedLinear extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'TiedLinear';
  /** The weight, `[outFeatures, inFeatures]` as PyTorch's (the embedding table itself when tied). */
  readonly weight: Parameter;
  /** The bias, `[outFeatures]`; undefined without one. */
  readonly bias: Parameter | undefined;
  constructor(
    /** Input width (the encoder's `embSz`). */
    readonly inFeatures: number,
    /** Output width (the vocab size). */
    readonly outFeatures: number,
    opts: { bias: boolean; tie?: Embedding },
  ) {
    super();
    this.weight = opts.tie
      ? this.shareParameter('weight', opts.tie.weight)
      : this.registerParameter('weight', uniform([outFeatures, inFeatures], LinearDecoder.initRange));
    this.bias = opts.bias ? this.registerParameter('bias', tf.zeros([outFeatures]), 'none', 'bias') : undefined;
  }
  override get typeName(): string {
    return 'Linear';
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x2 = tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D;
      const y = tf.fused.matMul({
        a: x2,
        b: this.weight.variable as tf.Tensor2D,
        transposeB: true,
        bias: this.bias?.variable,
      });
      return tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }
  protected override attributes(): Record<string, unknown> {
    return { in_features: this.inFeatures, out_features: this.outFeatures, bias: this.bias !== undefined };
  }
  /** ONNX form: a Linear on PyTorch's [out, in] weight (the encoder's initializer when tied). */
  static readonly onnx: OnnxConverter<TiedLinear> = (m, [x], ctx) => [linearToOnnx(m, x!, ctx)];
}

/**
 * The head of a language model: {@link RNNDropout} then a linear layer to the vocabulary, whose weight can be tied
 * to the encoder's embedding (`tieEncoder`). Returns `[logits, input, droppedInput]` as fastai's.
 * @example
 * ```ts
 * const dec = new LinearDecoder(1000, 400, 0.1, encoder.encoder);
 * const [logits] = dec.call(h); // [bs, seqLen, 1000]
 * ```
 */
export class LinearDecoder extends Module<[tf.Tensor], tf.Tensor[]> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'LinearDecoder';
  /** Half-width of the uniform initialisation of an untied decoder weight, `U(-0.1, 0.1)`. */
  static readonly initRange = 0.1;
  /** The projection to the vocab, tied to the embedding when `tieEncoder` is given (PyTorch's `decoder`). */
  readonly decoder: TiedLinear;
  /** Dropout of the encoder's output, `outputP` (PyTorch's `output_dp`). */
  readonly outputDp: RNNDropout;
  constructor(nOut: number, nHid: number, outputP = 0.1, tieEncoder?: Embedding, bias = true) {
    super();
    this.decoder = this.registerModule('decoder', new TiedLinear(nHid, nOut, { bias, tie: tieEncoder }));
    this.outputDp = this.registerModule('output_dp', new RNNDropout(outputP));
  }
  forward(input: tf.Tensor): tf.Tensor[] {
    const dpInp = this.outputDp.call(input);
    return [this.decoder.call(dpInp), input, dpInp];
  }

  /** ONNX form (eval mode): the decoder's logits over the vocab, [batch, sequence, vocab]. */
  static readonly onnx: OnnxConverter<LinearDecoder> = (_m, [x], ctx) => [ctx.child1('decoder', x!)];
}

/** A language-model config: {@link awdLstmLmConfig}'s keys. */
export type LMConfig = {
  -readonly [K in keyof typeof awdLstmLmConfig]: (typeof awdLstmLmConfig)[K] extends boolean ? boolean : number;
};

/** Multiplies every dropout probability (`…P`) of a config by `dropMult`, as fastai does. */
export function scaleDropouts<C extends object>(config: C, dropMult: number): C {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, k.endsWith('P') && typeof v === 'number' ? v * dropMult : v]),
  ) as C;
}

/** Options of {@link getLanguageModel}. */
export interface LanguageModelOptions {
  /** Overrides of {@link awdLstmLmConfig} (sizes, dropouts, tied weights). */
  config?: Partial<LMConfig>;
  /** Multiplies every dropout (default 1). */
  dropMult?: number;
}

/**
 * fastai's `get_language_model`: `SequentialRNN(AWD_LSTM, LinearDecoder)` with the decoder's weight tied to the
 * encoder's embedding (config {@link awdLstmLmConfig}).
 * @example
 * ```ts
 * const lm = getLanguageModel(AWDLSTM, vocab.length, { dropMult: 0.3 });
 * numParams(lm); // 20,674,280 for a vocab of 1000
 * ```
 */
export function getLanguageModel(
  arch: typeof AWDLSTM,
  vocabSz: number,
  opts: LanguageModelOptions = {},
): SequentialRNN {
  const config = scaleDropouts({ ...awdLstmLmConfig, ...opts.config }, opts.dropMult ?? 1);
  const encoder = new arch(vocabSz, config.embSz, config.nHid, config.nLayers, config);
  const decoder = new LinearDecoder(
    vocabSz,
    config.embSz,
    config.outputP,
    config.tieWeights ? encoder.encoder : undefined,
    config.outBias,
  );
  return new SequentialRNN(encoder, decoder);
}

/**
 * fastai's `awd_lstm_lm_split`: one group per LSTM layer (with its dropout), then the embedding and the decoder.
 * @example
 * ```ts
 * awdLstmLmSplit(lm).map((g) => g.length); // [4, 4, 4, 2]
 * ```
 */
export function awdLstmLmSplit(model: AnyModule): Parameter[][] {
  const [enc, dec] = model.children() as [AWDLSTM, LinearDecoder];
  const groups = enc.rnns.items().map((rnn, l) => params(rnn, enc.hiddenDps.get(l)));
  return [...groups, params(enc.encoder, enc.encoderDp, dec)];
}
