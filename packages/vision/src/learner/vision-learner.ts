// fastai 2.7's `vision_learner`: a cut (pretrained) body plus a new head, ImageNet normalisation when pretrained,
// frozen when pretrained; `predict` on an image path, `showResults`, and the builder `loadLearner` calls.
import * as tf from '@tensorflow/tfjs-core';
import { Learner } from '@tfai/core';
import { rebuiltLearnerOptions } from '@tfai/core/io';
import { checkOptionKeys, learnerOptionsOf, optionKeys, predictDecoded } from '@tfai/core/internal';
import type { LearnerOptions, Prediction, Splitter } from '@tfai/core';
import type { LearnerBuilder } from '@tfai/core/io';
import { ImageDataLoaders, type ImageInferenceSpec } from '../data/image-data-loaders.js';
import type { ImageSource } from '../data/image.js';
import { writeImageGrid, type ImageGridOptions } from '../data/image-grid.js';
import { ImageDataError } from '../data/errors.js';
import type { ImageDataLoader } from '../data/image-dataset.js';
import type { Cut } from '../models/create-body.js';
import type { CreateHeadOptions } from '../models/create-head.js';
import { createVisionModel, type AddHeadOptions } from '../models/create-vision-model.js';
import { exportedArch, getModelMeta } from '../models/archs.js';
import {
  freezeIfPretrained,
  setUpBodyLearner,
  splitBodyLearnerOptions,
  type BodyLearnerOptions,
} from '../models/load-body.js';
import type { VisionArch } from '../models/resnet.js';
import { buildUnetLearner } from '../unet/unet-learner.js';

/**
 * Options of {@link visionLearner}: the Learner's, the body's (`loadBody`), the head's in `head` (fastai's
 * `cnn_config`), a custom head and its initialiser. Any other key is an `UnknownOptionError`.
 */
export interface VisionLearnerOptions
  extends
    Omit<LearnerOptions, 'builder' | 'splitter'>,
    BodyLearnerOptions,
    Pick<AddHeadOptions, 'customHead' | 'init'> {
  /** Where to cut the body; default the architecture's `modelMeta` cut. */
  cut?: Cut;
  /** {@link createHead}'s options (fastai's `cnn_config`), e.g. `{ linFtrs: [256], ps: 0.25 }`. */
  head?: CreateHeadOptions;
  /** Outputs; default the number of classes (`dls.c`). */
  nOut?: number;
  /** Parameter groups; default the architecture's (`resnetSplit`: stem+layer1+layer2, layer3+layer4, head). */
  splitter?: Splitter;
}

/** The JSON arguments an exported vision learner is rebuilt from. */
export interface VisionLearnerArgs {
  /** Registered architecture name, e.g. `'resnet34'` (a key of `VISION_ARCHS`). */
  arch: string;
  /** Outputs of the head (the number of classes). */
  nOut: number;
  /** Input channels of the body (3 for RGB). */
  nIn: number;
  /** Where the body was cut, as an index into the model's children; absent: the architecture's default. */
  cut?: number;
  /** The head's options (fastai's `cnn_config`: `linFtrs`, `ps`, `concatPool`…). */
  head: CreateHeadOptions;
  /** What inference needs of the data: vocab and deterministic transforms. */
  data: ImageInferenceSpec;
}

/** {@link VisionLearner.predict}'s result: fastai's `(label, index, probs)`. */
export interface VisionPrediction extends Prediction {
  label: string;
  /** Index of the predicted class in the vocab (fastai's second element of `predict`'s tuple). */
  index: number;
}

/** Options of {@link VisionLearner.showResults}. */
export interface ShowResultsOptions extends ImageGridOptions {
  /** Output PNG (default `show_results.png`). */
  file?: string;
  /** Images shown (default 9). */
  maxN?: number;
  /** Loader to take the batch from (default the validation loader). */
  dl?: ImageDataLoader;
}

/**
 * A {@link Learner} on images: `predict` takes an image path or bytes, `showResults` draws predictions.
 * @example
 * ```ts
 * const learn = await visionLearner(dls, resnet18, { metrics: [accuracy()] });
 * const { label, index, probs } = await learn.predict('cat.png');
 * ```
 */
export class VisionLearner extends Learner {
  /** The image data the learner trains on (its vocab names the outputs). */
  declare readonly dls: ImageDataLoaders;

  constructor(dls: ImageDataLoaders, model: Learner['model'], opts: LearnerOptions = {}) {
    super(dls, model, opts);
  }

  /**
   * Predicts one image (a path, or the bytes of an encoded image) through the validation pipeline: fastai's
   * `(label, index, probs)`.
   * @example
   * ```ts
   * const { label, probs } = await learn.predict(`${datasets.path('tux_photos')}/valid/bird/x.png`);
   * ```
   */
  override async predict(item: ImageSource): Promise<VisionPrediction> {
    const p = await super.predict(item);
    if (typeof p.decoded !== 'number')
      throw new ImageDataError('predict: the model does not output one class per image');
    return { ...p, index: p.decoded, label: p.label ?? String(p.decoded) };
  }

  /**
   * fastai's `show_results`: a PNG grid of validation images (spread over the set), each captioned with its class
   * and, below, the prediction in green (right) or red (wrong). Returns the file written.
   * @example
   * ```ts
   * await learn.showResults({ file: 'results.png', maxN: 16 });
   * ```
   */
  async showResults(opts: ShowResultsOptions = {}): Promise<string> {
    const b = await (opts.dl ?? this.dls.valid).showcase(opts.maxN ?? 9);
    try {
      const maxN = Math.min(opts.maxN ?? 9, b.y.shape[0] ?? 0);
      const x = tf.tidy(() => tf.slice(b.x[0], 0, maxN));
      const [{ decoded: preds }, ys] = await Promise.all([predictDecoded(this, [x]), b.y.data()]);
      const images = await this.dls.decodeBatch(x);
      x.dispose();
      const name = (i: number) => this.dls.vocab[i] ?? String(i);
      const tiles = images.map((image, i) => ({
        image,
        lines: [{ text: name(ys[i]) }, { text: name(preds[i]), color: preds[i] === ys[i] ? 'green' : 'red' }],
      }));
      return await writeImageGrid(opts.file ?? 'show_results.png', tiles, opts);
    } finally {
      tf.dispose([...b.x, b.y]);
    }
  }
}

/** The keys of {@link CreateHeadOptions}, for `head: {...}` from JavaScript (a misspelt one is an UnknownOptionError). */
export const HEAD_OPTION_KEYS = optionKeys<CreateHeadOptions>()([
  'linFtrs',
  'ps',
  'pool',
  'concatPool',
  'firstBn',
  'bnFinal',
  'linFirst',
  'yRange',
]);

/**
 * fastai 2.7's `vision_learner`: `createVisionModel(arch, nOut, …)` (the body of `loadBody`, a head of
 * {@link createHead} with the `head` options, initialised kaiming-normal), the architecture's splitter, ImageNet
 * normalisation added to the data when `pretrained` (`addNormIfPretrained`, unless `normalize: false`), and
 * `freeze()` when pretrained. Learners of the built-in architectures with a standard head can be exported and
 * loaded back with `loadLearner`.
 * @example
 * ```ts
 * const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [new Resize(64)], batchTfms: augTransforms() });
 * const learn = await visionLearner(dls, resnet18, { metrics: [accuracy()], head: { linFtrs: [256] } });
 * await learn.fitOneCycle(3, 1e-3);
 * ```
 */
export async function visionLearner(
  dls: ImageDataLoaders,
  arch: VisionArch,
  opts: VisionLearnerOptions = {},
): Promise<VisionLearner> {
  const [bodyOpts, { nOut: nOutOpt, customHead, init, splitter, head = {}, ...rest }] = splitBodyLearnerOptions(opts);
  const learnerOpts = learnerOptionsOf('visionLearner', rest, 'head options go in `head: {...}`');
  checkOptionKeys('visionLearner', 'head', head, HEAD_OPTION_KEYS);
  const nOut = nOutOpt ?? dls.c;
  if (!nOut)
    throw new ImageDataError('visionLearner: nOut is not defined and the data has no classes (dls.c); pass nOut');
  const { body, meta, bodyArgs } = await setUpBodyLearner(dls, arch, bodyOpts);
  const model = await createVisionModel(arch, nOut, { ...body, customHead, init, ...head });
  // A getter: the data's transforms are read when the learner is exported, not now.
  const builder = bodyArgs && {
    package: '@tfai/vision',
    name: 'visionLearner',
    get args(): VisionLearnerArgs {
      return { ...bodyArgs, nOut, head, data: dls.inferenceSpec() };
    },
  };
  try {
    const learn = new VisionLearner(dls, model, {
      ...learnerOpts,
      splitter: splitter ?? meta.split,
      builder: customHead ? undefined : builder,
    });
    freezeIfPretrained(learn, body);
    return learn;
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}

/** Rebuilds an exported vision learner for inference (random weights: `loadLearner` loads the exported ones). */
const buildVisionLearner: LearnerBuilder = async (rawArgs, { description }) => {
  const args = rawArgs as VisionLearnerArgs;
  const arch = exportedArch(args.arch);
  const dls = ImageDataLoaders.forInference(args.data);
  const model = await createVisionModel(arch, args.nOut, {
    pretrained: false,
    cut: args.cut,
    nIn: args.nIn,
    ...args.head,
  });
  model.eval();
  return new VisionLearner(dls, model, {
    ...rebuiltLearnerOptions(description),
    splitter: getModelMeta(arch).split,
  });
};

/**
 * How `loadLearner` rebuilds learners exported from this package, by builder name.
 * @example
 * ```ts
 * const learn = await loadLearner('models/export.json'); // finds learnerBuilders.visionLearner in @tfai/vision
 * ```
 */
export const learnerBuilders: Readonly<Record<string, LearnerBuilder>> = {
  visionLearner: buildVisionLearner,
  unetLearner: buildUnetLearner,
};
