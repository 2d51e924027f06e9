// fastai's text/models/awdlstm.py: the dropouts of AWD-LSTM and the model itself.
import * as tf from '@tensorflow/tfjs-core';
import { Embedding, LSTM, detach, Module, ModuleList, uniform, type LSTMState, type Parameter } from '@tfai/core/nn';
import { dropout, embeddingLookup, globalRng } from '@tfai/core/internal';
import { lstmToOnnx, type OnnxConverter, type OnnxInputsOf } from '@tfai/core/onnx';

/**
 * Dropout with one mask per sequence, shared by every time step (inputs `[batch, time, features]`), as fastai's.
 * @example
 * ```ts
 * new RNNDropout(0.3).call(tf.ones([2, 5, 4])); // whole feature columns of each sequence zeroed, the rest × 1/0.7
 * ```
 */
export class RNNDropout extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'RNNDropout';
  constructor(
    /** Probability of zeroing a feature, the same features for every time step of a sequence (default 0.5). */
    readonly p = 0.5,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, [x.shape[0], 1, ...x.shape.slice(2)], globalRng.seed());
  }
  protected override extraRepr(): string {
    return '';
  }
  protected override attributes(): Record<string, unknown> {
    return { p: this.p };
  }
}

/**
 * Dropout of whole rows of an embedding's table (words), applied to the weights before the lookup, as fastai's.
 * Shares the wrapped embedding's weight.
 * @example
 * ```ts
 * const emb = new Embedding(100, 8, 1);
 * new EmbeddingDropout(emb, 0.1).call(tf.tensor2d([[2, 3]], [1, 2], 'int32')).shape; // [1, 2, 8]
 * ```
 */
export class EmbeddingDropout extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'EmbeddingDropout';
  /** The embedding whose rows are dropped (its weight is shared, not copied). */
  readonly emb: Embedding;
  constructor(
    emb: Embedding,
    /** Probability of dropping a whole embedding row (a token of the vocab) in training, the rest scaled by `1/(1-p)`. */
    readonly embedP: number,
  ) {
    super();
    this.emb = this.registerModule('emb', emb);
  }
  forward(words: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const w = this.emb.weight.variable;
      const masked =
        this.training && this.embedP !== 0 ? dropout(w, this.embedP, [w.shape[0], 1], globalRng.seed()) : w;
      return embeddingLookup(masked, words, this.emb.paddingIdx);
    });
  }
  protected override attributes(): Record<string, unknown> {
    return { embed_p: this.embedP };
  }
}

/**
 * Wraps an LSTM and drops elements of some of its weights (by default the hidden-to-hidden `weight_hh_l0`) in
 * training, a new mask each forward. As in fastai, the wrapped weight becomes this module's parameter
 * `weight_hh_l0_raw`, and the LSTM keeps only the others (`module.weight_ih_l0`, …).
 * @example
 * ```ts
 * const wd = new WeightDropout(new LSTM(4, 6), 0.5);
 * Object.keys(wd.stateDict()); // ['weight_hh_l0_raw', 'module.weight_ih_l0', 'module.bias_ih_l0', 'module.bias_hh_l0']
 * ```
 */
export class WeightDropout extends Module<[tf.Tensor, LSTMState?], [tf.Tensor, LSTMState]> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'WeightDropout';
  /** The wrapped LSTM, whose hidden-to-hidden weights are dropped (PyTorch's `module`). */
  readonly module: LSTM;
  constructor(
    module: LSTM,
    /** Dropout probability of the hidden-to-hidden weights, redrawn each training forward (fastai's `weight_p`). */
    readonly weightP: number,
    /** Names of the LSTM weights dropped (default `['weight_hh_l0']`; kept raw as `<name>_raw`). */
    readonly layerNames: string[] = ['weight_hh_l0'],
  ) {
    super();
    for (const name of layerNames) {
      const raw: Parameter = module.replaceWeight(name, () =>
        this.training && this.weightP !== 0
          ? dropout(raw.variable, this.weightP, undefined, globalRng.seed())
          : raw.variable,
      );
      this.shareParameter(`${name}_raw`, raw);
    }
    this.module = this.registerModule('module', module);
  }
  forward(x: tf.Tensor, state?: LSTMState): [tf.Tensor, LSTMState] {
    return this.module.call(x, state);
  }
  protected override attributes(): Record<string, unknown> {
    return { weight_p: this.weightP, layer_names: this.layerNames };
  }

  /**
   * ONNX form (eval mode, no weight dropout): the LSTM on the raw weights (`weight_hh_l0_raw`…); a second input
   * gives ONNX's per-row `sequence_lens` (int32).
   */
  static readonly onnx: OnnxConverter<WeightDropout> = (m, [x, lens], ctx) => [
    lstmToOnnx(m.module, x!, ctx, {
      weight: (n) => (m.layerNames.includes(n) ? ctx.param(`${n}_raw`) : ctx.param(`module.${n}`)),
      seqLens: lens?.name,
    }),
  ];
}

/** Options of {@link AWDLSTM} (fastai's defaults). */
export interface AWDLSTMOptions {
  /** Index of `xxpad` (default 1). */
  padToken?: number;
  /** Dropout between LSTM layers (default 0.2). */
  hiddenP?: number;
  /** Dropout of the embedded inputs (default 0.6). */
  inputP?: number;
  /** Dropout of embedding rows (default 0.1). */
  embedP?: number;
  /** Dropout of the hidden-to-hidden weights (default 0.5). */
  weightP?: number;
  /** Bidirectional LSTMs (default false; the hidden sizes are then halved per direction). */
  bidir?: boolean;
}

/**
 * AWD-LSTM (Merity et al. 2017) as fastai's `AWD_LSTM`: an embedding with {@link EmbeddingDropout}, `nLayers`
 * single-layer LSTMs (the last one with `embSz` units) each wrapped in {@link WeightDropout}, and
 * {@link RNNDropout} on the inputs and between layers. Inputs are token ids `[batch, time]`; the output is the
 * last layer's `[batch, time, embSz]`.
 *
 * The hidden state is carried from one call to the next (a language model reads a stream batch after batch,
 * without backpropagating into earlier batches); {@link reset} sets it back to zeros. When the batch size changes,
 * the state is cut or padded with zeros, as fastai's.
 * @example
 * ```ts
 * const enc = new AWDLSTM(1000, 400, 1152, 3);
 * enc.call(tf.zeros([4, 72], 'int32')).shape; // [4, 72, 400]
 * enc.reset();
 * ```
 */
export class AWDLSTM extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AWDLSTM';
  /** Half-width of the uniform initialisation of the embedding, `U(-0.1, 0.1)` (fastai's `initrange`). */
  static readonly initRange = 0.1;
  /** Index of `xxpad` (default 1), the embedding's `padding_idx`. */
  readonly padToken: number;
  /** Directions of the LSTMs: 1, or 2 when bidirectional. */
  readonly nDir: number;
  /** The token embedding, `[vocabSz, embSz]` (PyTorch's `encoder`). */
  readonly encoder: Embedding;
  /** Embedding dropout on `encoder`, `embedP` (PyTorch's `encoder_dp`). */
  readonly encoderDp: EmbeddingDropout;
  /** The `nLayers` LSTMs, each in a WeightDropout (PyTorch's `rnns`). */
  readonly rnns: ModuleList<WeightDropout>;
  /** Dropout of the embedded inputs, `inputP` (PyTorch's `input_dp`). */
  readonly inputDp: RNNDropout;
  /** Dropout after each LSTM layer, `hiddenP` (PyTorch's `hidden_dps`). */
  readonly hiddenDps: ModuleList<RNNDropout>;
  /** The batch size the hidden state is for. */
  bs = 1;
  private hidden: LSTMState[] = [];

  constructor(
    /** Vocab size: rows of the embedding (fastai's `vocab_sz`). */
    readonly vocabSz: number,
    /** Embedding width, also the last LSTM's output size (fastai's `emb_sz`; 400 in ULMFiT). */
    readonly embSz: number,
    /** Hidden size of the inner LSTM layers (fastai's `n_hid`; 1152 in ULMFiT). */
    readonly nHid: number,
    /** Number of stacked LSTM layers (fastai's `n_layers`; 3 in ULMFiT). */
    readonly nLayers: number,
    opts: AWDLSTMOptions = {},
  ) {
    super();
    this.padToken = opts.padToken ?? 1;
    const bidir = opts.bidir ?? false;
    this.nDir = bidir ? 2 : 1;
    this.encoder = this.registerModule('encoder', new Embedding(vocabSz, embSz, this.padToken));
    this.encoderDp = this.registerModule('encoder_dp', new EmbeddingDropout(this.encoder, opts.embedP ?? 0.1));
    const rnns: WeightDropout[] = [];
    for (let l = 0; l < nLayers; l++) {
      const lstm = new LSTM(l === 0 ? embSz : nHid, this.hiddenSize(l), { bidirectional: bidir, batchFirst: true });
      rnns.push(new WeightDropout(lstm, opts.weightP ?? 0.5));
    }
    this.rnns = this.registerModule('rnns', new ModuleList(rnns));
    // As fastai: the whole table (padding row included) is drawn from U(-0.1, 0.1).
    tf.tidy(() => this.encoder.weight.variable.assign(uniform([vocabSz, embSz], AWDLSTM.initRange)));
    this.inputDp = this.registerModule('input_dp', new RNNDropout(opts.inputP ?? 0.6));
    this.hiddenDps = this.registerModule(
      'hidden_dps',
      new ModuleList(Array.from({ length: nLayers }, () => new RNNDropout(opts.hiddenP ?? 0.2))),
    );
    this.reset();
  }

  override get typeName(): string {
    return 'AWD_LSTM';
  }

  /** Units of layer `l`'s LSTM per direction. */
  private hiddenSize(l: number): number {
    return Math.floor((l !== this.nLayers - 1 ? this.nHid : this.embSz) / this.nDir);
  }

  /** Token ids `[batch, time]` (or embeddings `[batch, time, embSz]` with `fromEmbeds`) → `[batch, time, embSz]`. */
  forward(inp: tf.Tensor, fromEmbeds = false): tf.Tensor {
    const bs = inp.shape[0];
    if (bs !== this.bs) this.changeHidden(bs);
    return tf.tidy(() => {
      let output = this.inputDp.call(fromEmbeds ? inp : this.encoderDp.call(inp));
      const newHidden: LSTMState[] = [];
      this.rnns.items().forEach((rnn, l) => {
        const [out, state] = rnn.call(output, this.hidden[l]);
        newHidden.push(state);
        output = l !== this.nLayers - 1 ? this.hiddenDps.get(l).call(out) : out;
      });
      this.setHidden(newHidden);
      return output;
    });
  }

  /** Zeroes the hidden state (call between independent texts). */
  reset(): void {
    // In a tidy: setHidden keeps detached copies, the zeros themselves are freed (they leaked 2 a layer a reset).
    tf.tidy(() =>
      this.setHidden(
        Array.from({ length: this.nLayers }, (_, l): LSTMState => {
          const z = () => tf.zeros([this.nDir, this.bs, this.hiddenSize(l)]);
          return [z(), z()];
        }),
      ),
    );
  }

  /** The current hidden state of each layer (`[h, c]`, each `[nDir, bs, units]`), owned by this module. */
  get hiddenState(): readonly LSTMState[] {
    return this.hidden;
  }

  /**
   * Replaces the hidden state by detached, kept references to `states` (fastai's `to_detach`: no gradient flows
   * into an earlier call, e.g. an earlier chunk of the SentenceEncoder), freeing the old one.
   */
  private setHidden(states: LSTMState[]): void {
    const old = this.hidden.flat();
    this.hidden = states.map(([h, c]): LSTMState => [tf.keep(detach(h)), tf.keep(detach(c))]);
    tf.dispose(old);
  }

  private changeHidden(bs: number): void {
    const resized = tf.tidy(() =>
      this.hidden.map(
        (state, l): LSTMState =>
          state.map((t) =>
            this.bs < bs
              ? tf.concat([t, tf.zeros([this.nDir, bs - this.bs, this.hiddenSize(l)])], 1)
              : tf.slice(t, [0, 0, 0], [this.nDir, bs, this.hiddenSize(l)]),
          ) as LSTMState,
      ),
    );
    this.setHidden(resized);
    tf.dispose(resized.flat());
    this.bs = bs;
  }

  override dispose(): void {
    tf.dispose(this.hidden.flat());
    this.hidden = [];
    super.dispose();
  }

  /**
   * ONNX form (eval mode, from a zero hidden state as after `reset()`): the embedding of the token ids, then
   * each LSTM layer (dropouts removed). A second input, int32 [N] lengths, limits each row's steps.
   */
  static readonly onnx: OnnxConverter<AWDLSTM> = (m, [tokens, lens], ctx) => {
    if (m.nDir !== 1) throw ctx.fail('bidirectional AWD-LSTM has no ONNX form here');
    let y = ctx.child1('encoder', tokens!);
    for (let l = 0; l < m.nLayers; l++) {
      const out = ctx.child(`rnns.${l}`, lens ? [y, lens] : [y]);
      y = out[0]!;
    }
    return [y];
  };

  /** The ONNX input: `tokens` [batch, sequence] int64, the vocab's indices. */
  static readonly onnxInputs: OnnxInputsOf<AWDLSTM> = () => [
    {
      name: 'tokens',
      dtype: 'int64',
      shape: ['batch', 'sequence'],
      doc: "token ids (indices in the description's vocab)",
    },
  ];
}

/** fastai's `awd_lstm_lm_config`: the AWD-LSTM of a ULMFiT language model. */
export const awdLstmLmConfig = {
  /** Embedding width, also the last LSTM's output size. */
  embSz: 400,
  /** Hidden size of the inner LSTM layers. */
  nHid: 1152,
  /** Number of stacked LSTM layers. */
  nLayers: 3,
  /** Index of `xxpad` in the vocab. */
  padToken: 1,
  /** Bidirectional LSTMs (false: ULMFiT is unidirectional). */
  bidir: false,
  /** Dropout of the encoder's output, before the head (fastai's `output_p`). */
  outputP: 0.1,
  /** Dropout between LSTM layers (fastai's `hidden_p`). */
  hiddenP: 0.15,
  /** Dropout of the embedded inputs (fastai's `input_p`). */
  inputP: 0.25,
  /** Dropout of whole embedding rows (fastai's `embed_p`). */
  embedP: 0.02,
  /** Dropout of the hidden-to-hidden LSTM weights (fastai's `weight_p`). */
  weightP: 0.2,
  /** Share the decoder's weight with the embedding (fastai's `tie_weights`). */
  tieWeights: true,
  /** Give the decoder a bias (fastai's `out_bias`). */
  outBias: true,
} as const;

/** fastai's `awd_lstm_clas_config`: the AWD-LSTM of a ULMFiT text classifier. */
export const awdLstmClasConfig = {
  /** Embedding width, also the last LSTM's output size. */
  embSz: 400,
  /** Hidden size of the inner LSTM layers. */
  nHid: 1152,
  /** Number of stacked LSTM layers. */
  nLayers: 3,
  /** Index of `xxpad` in the vocab. */
  padToken: 1,
  /** Bidirectional LSTMs (false: ULMFiT is unidirectional). */
  bidir: false,
  /** Dropout of the encoder's output, before the head (fastai's `output_p`). */
  outputP: 0.4,
  /** Dropout between LSTM layers (fastai's `hidden_p`). */
  hiddenP: 0.3,
  /** Dropout of the embedded inputs (fastai's `input_p`). */
  inputP: 0.4,
  /** Dropout of whole embedding rows (fastai's `embed_p`). */
  embedP: 0.05,
  /** Dropout of the hidden-to-hidden LSTM weights (fastai's `weight_p`). */
  weightP: 0.5,
} as const;
