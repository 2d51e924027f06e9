// fastai 2.7's `TextLearner`, `LMLearner`, `language_model_learner` and `text_classifier_learner`.
import * as tf from '@tensorflow/tfjs-core';
import { Learner, Rng, accuracy, crossEntropyLossFlat, perplexity } from '@tfai/core';
import { ready } from '@tfai/core/backend';
import { join, mkdir, weightsFile } from '@tfai/core/internal';
import type { LearnerOptions, Prediction } from '@tfai/core';
import type { TextDataLoaders } from '../data/text-dataloaders.js';
import { TextInputError } from '../errors.js';
import { AWDLSTM } from '../models/awd-lstm.js';
import { awdLstmClasSplit, getTextClassifier, type ClasConfig } from '../models/classifier.js';
import { awdLstmLmSplit, getLanguageModel, scaleDropouts, type LMConfig } from '../models/language-model.js';
import { awdLstmClasConfig, awdLstmLmConfig } from '../models/awd-lstm.js';
import type { SequentialRNN } from '../models/sequential-rnn.js';
import { UNK } from '../tokenize/rules.js';
import { WordTokenizer } from '../tokenize/word-tokenizer.js';
import { rnnCbs } from './callbacks.js';
import { detokenize } from './decode.js';
import { encoderOf, loadEncoderWeights, saveEncoderWeights } from './encoder.js';
import { loadPretrainedLm, wt103Files, type LoadPretrainedResult } from './pretrained.js';

/** Options of {@link TextLearner}: the Learner's, plus the AR/TAR weights. */
export interface TextLearnerOptions extends Omit<LearnerOptions, 'builder'> {
  /** Activation regularisation α (default 2). */
  alpha?: number;
  /** Temporal activation regularisation β (default 1). */
  beta?: number;
}

/** How an exported text learner is rebuilt (no code: the vocab, classes and the model's full config). */
export interface TextLearnerArgs {
  /** Which learner to rebuild: a language model or a classifier. */
  kind: 'languageModel' | 'textClassifier';
  /** The encoder architecture, fastai's name (`AWD_LSTM`, the only one). */
  arch: 'AWD_LSTM';
  /** The token vocab, id order (`xxunk` 0, `xxpad` 1…). */
  textVocab: string[];
  /** A classifier's class names, index order; absent for a language model. */
  classes?: string[];
  /** The model's config with the dropouts already scaled. */
  config: Record<string, number | boolean>;
  /** BPTT length (language model) or the encoder's chunk length (classifier). */
  seqLen: number;
  /** A classifier's number of tokens pooled (fastai's `max_len`). */
  maxLen?: number;
  /** A classifier head's hidden sizes (fastai's `lin_ftrs`). */
  linFtrs?: number[];
  /** A classifier head's dropouts, one per hidden layer (fastai's `ps`). */
  ps?: number[];
  /** `[low, high]` a regression head's output is squashed into; absent: none. */
  yRange?: [number, number];
  /** The tokenizer to rebuild: `'word'`, fastai's default `WordTokenizer`. */
  tokenizer: 'word';
}

/**
 * fastai's `TextLearner`: a {@link Learner} with `ModelResetter` and `RNNRegularizer(alpha, beta)` added, one-cycle
 * momentums (0.8, 0.7, 0.8), and the encoder moved between models with {@link saveEncoder} / {@link loadEncoder}.
 * @example
 * ```ts
 * const learn = textClassifierLearner(dls, AWDLSTM, { metrics: [accuracy()] });
 * await learn.loadEncoder('finetuned');
 * ```
 */
export class TextLearner extends Learner {
  /** The text data the learner trains on (its `numericalize` encodes `predict`'s texts). */
  declare readonly dls: TextDataLoaders;
  /** The model: the AWD-LSTM encoder (in a `SentenceEncoder` for a classifier) and its head. */
  declare readonly model: SequentialRNN;

  constructor(
    dls: TextDataLoaders,
    model: SequentialRNN,
    opts: TextLearnerOptions & { builder?: LearnerOptions['builder'] } = {},
  ) {
    const { alpha = 2, beta = 1, cbs = [], ...rest } = opts;
    super(dls, model, { moms: [0.8, 0.7, 0.8], ...rest, cbs: [...rnnCbs(alpha, beta), ...cbs] });
  }

  /**
   * fastai's `save_encoder`: the AWD-LSTM's state dict (`model[0]`, or `model[0].module` in a classifier) to
   * `<path>/<modelDir>/<name>.safetensors`, atomically, with the vocab in its metadata. Returns the file.
   * @example
   * ```ts
   * await lmLearn.saveEncoder('finetuned');
   * ```
   */
  async saveEncoder(name: string): Promise<string> {
    await mkdir(join(this.path, this.modelDir), { recursive: true });
    const file = weightsFile(this, name);
    await saveEncoderWeights(encoderOf(this.model), this.dls.textVocab, file);
    return file;
  }

  /**
   * fastai's `load_encoder`: loads a saved encoder strictly into this model's AWD-LSTM — remapping the embedding
   * with fastai's `match_embeds` when the saved vocab differs from this data's — then freezes all but the head.
   * @example
   * ```ts
   * await clasLearn.loadEncoder('finetuned');
   * await clasLearn.fitOneCycle(1, 2e-2);
   * ```
   */
  async loadEncoder(name: string): Promise<this> {
    await loadEncoderWeights(encoderOf(this.model), this.dls.textVocab, weightsFile(this, name));
    this.freeze();
    return this;
  }

  /**
   * Classifies one text: tokenized and numericalized as the training texts. Returns the class index, its name and
   * the probabilities.
   * @example
   * ```ts
   * const { label, probs } = await learn.predict('The best coffee I have had.');
   * ```
   */
  override async predict(text: string): Promise<Prediction> {
    return super.predict(text);
  }
}

/** Options of {@link LMLearner.predict} (fastai's defaults). */
export interface LMPredictOptions {
  /** Words to generate (default 1). */
  nWords?: number;
  /** Never sample `xxunk` (default true). */
  noUnk?: boolean;
  /** Sampling temperature: probabilities are raised to `1/temperature` (default 1; lower is greedier). */
  temperature?: number;
  /** Tokens below this probability are never sampled. */
  minP?: number;
  /** Seed of the sampling (default: random). */
  seed?: number;
}

/** {@link LMLearner.predict}'s result. */
export interface LMPrediction extends Prediction {
  /** The prompt and the generated words, detokenized (fastai's return value). */
  text: string;
  /** The generated tokens. */
  tokens: string[];
}

/**
 * fastai's `LMLearner`: a {@link TextLearner} whose `predict` continues a text.
 * @example
 * ```ts
 * const { text } = await learn.predict('It is a truth universally', { nWords: 20, temperature: 0.75 });
 * ```
 */
export class LMLearner extends TextLearner {
  /**
   * fastai's `load_pretrained(wgts_fname, vocab_fname)`: loads a pretrained language model (a `.pth`, either
   * PyTorch format, and its pickled vocab) adapted to this data's vocab (see {@link loadPretrainedLm}), then freezes.
   * @example
   * ```ts
   * await learn.loadPretrained('models/lstm_fwd.pth', 'models/itos_wt103.pkl');
   * ```
   */
  async loadPretrained(wgtsFname: string, vocabFname: string): Promise<LoadPretrainedResult> {
    const res = await loadPretrainedLm(this.model, this.dls.textVocab, wgtsFname, vocabFname);
    this.freeze();
    return res;
  }

  /**
   * fastai's `LMLearner.predict`: reads `text` (from a cleared state), then samples `nWords` tokens one at a time
   * from the softmax of the last output raised to `1/temperature`, feeding each back in. `decoded` holds the
   * generated ids, `probs` the last distribution sampled from.
   * @example
   * ```ts
   * (await learn.predict('I could not', { nWords: 5, seed: 1 })).text; // 'I could not have been so much'
   * ```
   */
  override async predict(text: string, opts: LMPredictOptions = {}): Promise<LMPrediction> {
    await ready();
    const { nWords = 1, noUnk = true, temperature = 1, minP } = opts;
    if (!(temperature > 0)) throw new TextInputError(`predict: temperature must be > 0 (got ${temperature})`);
    const rng = new Rng(opts.seed);
    const vocab = this.dls.textVocab;
    const unk = vocab.indexOf(UNK);
    const [x] = await this.dls.encodeItems([text]);
    const ids = Array.from(await x.data());
    const wasTraining = this.model.training;
    this.model.eval();
    this.model.reset();
    const lastProbs = (inp: tf.Tensor) =>
      tf.tidy(() => {
        const logits = this.model.call(inp);
        const T = logits.shape[1]!;
        return tf.softmax(tf.slice(logits, [0, T - 1, 0], [1, 1, -1]).reshape([-1]));
      });
    let probsT = lastProbs(x);
    x.dispose();
    const generated: number[] = [];
    let res = new Float32Array(0);
    try {
      for (let k = 0; k < nWords; k++) {
        res = new Float32Array(await probsT.data());
        probsT.dispose();
        if (noUnk && unk >= 0) res[unk] = 0;
        if (minP !== undefined && res.some((p) => p >= minP)) res = res.map((p) => (p < minP ? 0 : p));
        if (temperature !== 1) res = res.map((p) => p ** (1 / temperature));
        const idx = sample(res, rng);
        generated.push(idx);
        const next = tf.tensor2d([idx], [1, 1], 'int32');
        probsT = lastProbs(next);
        next.dispose();
      }
    } finally {
      probsT.dispose();
      this.model.reset();
      this.model.train(wasTraining);
    }
    const tokens = generated.map((i) => vocab[i]);
    const total = res.reduce((s, p) => s + p, 0);
    return {
      decoded: generated,
      probs: Array.from(res, (p) => p / (total || 1)),
      tokens,
      text: detokenize([...ids.map((i) => vocab[i]), ...tokens]),
    };
  }
}

/** Draws an index with probability proportional to `w` (PyTorch's `multinomial(w, 1)`). */
function sample(w: Float32Array, rng: Rng): number {
  let total = 0;
  for (const v of w) total += v;
  if (!(total > 0)) throw new TextInputError('predict: every token has probability 0 (minP too high?)');
  let u = rng.next() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u < 0) return i;
  }
  return w.length - 1;
}

/** Whether texts are tokenized by the default word tokenizer (the only one an export can rebuild). */
function exportableTok(dls: TextDataLoaders): boolean {
  return dls.tok === undefined || dls.tok instanceof WordTokenizer;
}

/** Options of {@link languageModelLearner}. */
export interface LanguageModelLearnerOptions extends TextLearnerOptions {
  /** Overrides of {@link awdLstmLmConfig} (small models: `{ embSz: 64, nHid: 128, nLayers: 2 }`). */
  config?: Partial<LMConfig>;
  /** Multiplies every dropout (default 1). */
  dropMult?: number;
  /**
   * Start from fastai's WikiText-103 model (`URLs.WT103_FWD`, downloaded once into `$TFAI_HOME/models`), as fastai's
   * `pretrained=True`; the learner is then returned as a Promise. Default false (unlike fastai: downloading needs
   * an `await`, and the default config must stay the one WT103 was trained with).
   */
  pretrained?: boolean;
  /** Fastai's `pretrained_fnames`: `[weights, vocab]`, paths of a `.pth` and a `.pkl` (a bare name is `<path>/<modelDir>/<name>.pth|.pkl`). */
  pretrainedFnames?: readonly [string, string];
  /** Fastai's `backwards`: the backward WT103 model (`URLs.WT103_BWD`) for `pretrained`. */
  backwards?: boolean;
}

/** {@link languageModelLearner}'s options when it loads pretrained weights (then it returns a Promise). */
export type PretrainedLanguageModelLearnerOptions = LanguageModelLearnerOptions &
  (
    | {
        /** Load fastai's WikiText-103 model (`URLs.WT103_FWD`, or `_BWD` with `backwards`). */
        pretrained: true;
      }
    | {
        /** `[weights, vocab]` of a pretrained model to load: a `.pth` and a `.pkl`. */
        pretrainedFnames: readonly [string, string];
      }
  );

/**
 * fastai's `language_model_learner`: {@link getLanguageModel} sized to the data's vocab, `CrossEntropyLossFlat`
 * over `[bs, seqLen, vocab]`, the `awdLstmLmSplit` parameter groups, metrics `accuracy` (over all tokens) and
 * `perplexity` unless given, AR/TAR (α 2, β 1). With `pretrained: true` (fastai's WT103 model) or
 * `pretrainedFnames`, the weights are loaded as fastai's `load_pretrained` (vocab matched, frozen) and the learner
 * comes as a Promise.
 * @example
 * ```ts
 * const dls = await TextDataLoaders.fromCsv('austen.csv', { isLm: true, validPct: 0.1 });
 * const learn = languageModelLearner(dls, AWDLSTM, { dropMult: 0.3 });
 * await learn.fitOneCycle(1, 2e-2);
 * await learn.saveEncoder('finetuned');
 * const ulmfit = await languageModelLearner(dls, AWDLSTM, { pretrained: true, dropMult: 0.3 }); // WT103, frozen
 * ```
 */
export function languageModelLearner(
  dls: TextDataLoaders,
  arch: typeof AWDLSTM,
  opts: PretrainedLanguageModelLearnerOptions,
): Promise<LMLearner>;
export function languageModelLearner(
  dls: TextDataLoaders,
  arch: typeof AWDLSTM,
  opts?: LanguageModelLearnerOptions & { pretrained?: false; pretrainedFnames?: undefined },
): LMLearner;
export function languageModelLearner(
  dls: TextDataLoaders,
  arch: typeof AWDLSTM,
  opts: LanguageModelLearnerOptions = {},
): LMLearner | Promise<LMLearner> {
  const { pretrained = false, pretrainedFnames, backwards = false, ...lmOpts } = opts;
  const learn = buildLanguageModelLearner(dls, arch, lmOpts);
  if (!pretrained && !pretrainedFnames) return learn;
  return (async () => {
    try {
      const [pth, pkl] = pretrainedFnames
        ? pretrainedFnames.map((fn, i) =>
            /\.(pth|pt|pkl)$/.test(fn) || fn.includes('/')
              ? fn
              : join(learn.path, learn.modelDir, `${fn}.${i ? 'pkl' : 'pth'}`),
          )
        : await wt103Files({ backwards });
      await learn.loadPretrained(pth, pkl);
      return learn;
    } catch (e) {
      learn.dispose();
      throw e;
    }
  })();
}

function buildLanguageModelLearner(
  dls: TextDataLoaders,
  arch: typeof AWDLSTM,
  opts: LanguageModelLearnerOptions,
): LMLearner {
  if (!dls.isLm)
    throw new TextInputError('languageModelLearner: the loaders are for classification; build them with isLm: true');
  const { config: cfg, dropMult = 1, metrics, ...rest } = opts;
  const config = scaleDropouts({ ...awdLstmLmConfig, ...cfg }, dropMult);
  const model = getLanguageModel(arch, dls.textVocab.length, { config });
  const args: TextLearnerArgs = {
    kind: 'languageModel',
    arch: 'AWD_LSTM',
    textVocab: [...dls.textVocab],
    config,
    seqLen: dls.seqLen,
    tokenizer: 'word',
  };
  try {
    return new LMLearner(dls, model, {
      lossFunc: crossEntropyLossFlat(),
      splitter: awdLstmLmSplit,
      metrics: metrics ?? [accuracy(), perplexity()],
      ...rest,
      builder:
        arch === AWDLSTM && exportableTok(dls)
          ? { package: '@tfai/text', name: 'languageModelLearner', args }
          : undefined,
    });
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}

/** Options of {@link textClassifierLearner} (fastai's defaults). */
export interface TextClassifierLearnerOptions extends TextLearnerOptions {
  /** Overrides of {@link awdLstmClasConfig}; must match the language model's sizes to load its encoder. */
  config?: Partial<ClasConfig>;
  /** Multiplies every dropout (default 0.5). */
  dropMult?: number;
  /** Outputs (default `dls.c`). */
  nOut?: number;
  /** Hidden sizes of the head (default [50]). */
  linFtrs?: number[];
  /** Dropouts of the head's hidden layers (default 0.1 each; fastai's `ps`). */
  ps?: number[];
  /** Tokens pooled (default 72·20). */
  maxLen?: number;
  /** Squash the output into `[low, high]` with a sigmoid (regression); default none (fastai's `y_range`). */
  yRange?: [number, number];
}

/**
 * fastai's `text_classifier_learner`: {@link getTextClassifier} (SentenceEncoder over the AWD-LSTM, pooling head)
 * with chunks of `dls.seqLen`, `awdLstmClasSplit` parameter groups (embedding, each LSTM, head) for gradual
 * unfreezing, cross-entropy, AR/TAR (α 2, β 1).
 * @example
 * ```ts
 * const learn = textClassifierLearner(dls, AWDLSTM, { metrics: [accuracy()] });
 * await learn.loadEncoder('finetuned');       // frozen: only the head trains
 * await learn.fitOneCycle(1, 2e-2);
 * learn.freezeTo(-2);
 * await learn.fitOneCycle(1, slice(1e-2 / 2.6 ** 4, 1e-2));
 * learn.unfreeze();
 * await learn.fitOneCycle(2, slice(1e-3 / 2.6 ** 4, 1e-3));
 * ```
 */
export function textClassifierLearner(
  dls: TextDataLoaders,
  arch: typeof AWDLSTM,
  opts: TextClassifierLearnerOptions = {},
): TextLearner {
  if (dls.isLm)
    throw new TextInputError('textClassifierLearner: the loaders are for a language model; build them with a labelCol');
  const { config: cfg, dropMult = 0.5, nOut: nOutOpt, linFtrs, ps, maxLen = 72 * 20, yRange, ...rest } = opts;
  const nOut = nOutOpt ?? dls.c;
  if (!nOut)
    throw new TextInputError('textClassifierLearner: nOut is not defined and the data has no classes; pass nOut');
  const config = scaleDropouts({ ...awdLstmClasConfig, ...cfg }, dropMult);
  const model = getTextClassifier(arch, dls.textVocab.length, nOut, {
    seqLen: dls.seqLen,
    config,
    linFtrs,
    ps,
    maxLen,
    yRange,
  });
  const args: TextLearnerArgs = {
    kind: 'textClassifier',
    arch: 'AWD_LSTM',
    textVocab: [...dls.textVocab],
    classes: dls.vocab,
    config,
    seqLen: dls.seqLen,
    maxLen,
    linFtrs,
    ps,
    yRange,
    tokenizer: 'word',
  };
  try {
    return new TextLearner(dls, model, {
      lossFunc: crossEntropyLossFlat(),
      splitter: awdLstmClasSplit,
      ...rest,
      builder:
        arch === AWDLSTM && exportableTok(dls)
          ? { package: '@tfai/text', name: 'textClassifierLearner', args }
          : undefined,
    });
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}
