// fastai 2.7's `unet_learner` / `create_unet_model`: a (pretrained) body cut from an architecture, wrapped in a
// DynamicUnet sized by a batch of the data; the architecture's splitter; `predict` returns a class map,
// `showResults` draws image | target | prediction; the builder `loadLearner` calls.
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLossFlat, Learner } from '@tfai/core';
import { rebuiltLearnerOptions } from '@tfai/core/io';
import type { LearnerOptions, Prediction, Splitter } from '@tfai/core';
import type { LearnerBuilder } from '@tfai/core/io';
import type { AnyModule } from '@tfai/core/nn';
import { checkOptionKeys, learnerOptionsOf, optionKeys, predictDecoded, type DecodedBatch } from '@tfai/core/internal';
import { ImageDataError } from '../data/errors.js';
import { writeImageGrid, type ImageGridOptions } from '../data/image-grid.js';
import type { ImageSource } from '../data/image.js';
import { exportedArch, getModelMeta } from '../models/archs.js';
import {
  freezeIfPretrained,
  loadBody,
  setUpBodyLearner,
  splitBodyLearnerOptions,
  type BodyLearnerOptions,
  type LoadBodyOptions,
} from '../models/load-body.js';
import type { VisionArch } from '../models/resnet.js';
import { SEGMENTATION_METRICS } from '../segmentation/metrics.js';
import { SegmentationDataLoaders, type SegmentationInferenceSpec } from '../segmentation/segmentation-data-loaders.js';
import type { SegmentationDataLoader } from '../segmentation/segmentation-dataset.js';
import { DynamicUnet, type DynamicUnetOptions } from './dynamic-unet.js';

/** The keys of {@link DynamicUnetOptions}, for `unet: {...}` from JavaScript (a misspelt one is an UnknownOptionError). */
const UNET_OPTION_KEYS = optionKeys<DynamicUnetOptions>()([
  'blur',
  'blurFinal',
  'selfAttention',
  'yRange',
  'lastCross',
  'bottle',
  'actCls',
  'init',
  'normType',
]);

/** Options of {@link createUnetModel}: the body's (`loadBody`: `pretrained`, `cut`, `nIn`…) and DynamicUnet's. */
export interface CreateUnetModelOptions extends DynamicUnetOptions, LoadBodyOptions {}

/**
 * fastai's `create_unet_model(arch, n_out, img_size, pretrained, cut, n_in, **kwargs)`: the architecture (weights
 * loaded if `pretrained`), its body, and a {@link DynamicUnet} on it.
 * @example
 * ```ts
 * const model = await createUnetModel(resnet34, 8, [128, 128]); // pretrained: torchvision's weights
 * ```
 */
export async function createUnetModel(
  arch: VisionArch,
  nOut: number,
  imgSize: [number, number],
  opts: CreateUnetModelOptions = {},
): Promise<DynamicUnet> {
  const { pretrained, pretrainedSha256, cut, nIn, ...unetOpts } = opts;
  const body = await loadBody(arch, { pretrained, pretrainedSha256, cut, nIn });
  return new DynamicUnet(body, nOut, imgSize, unetOpts);
}

/** The DynamicUnet options an export can keep (functions — `actCls`, `init` — cannot be). */
export type UnetConfig = Omit<DynamicUnetOptions, 'actCls' | 'init'>;

/** The JSON arguments an exported U-Net learner is rebuilt from. */
export interface UnetLearnerArgs {
  /** Registered architecture name of the encoder, e.g. `'resnet34'`. */
  arch: string;
  /** Output channels: the number of codes. */
  nOut: number;
  /** Input channels of the encoder (3 for RGB). */
  nIn: number;
  /** `[height, width]` the U-Net was built for (the sizes its skip connections were traced at). */
  imgSize: [number, number];
  /** Where the encoder was cut, as an index into the model's children; absent: the architecture's default. */
  cut?: number;
  /** DynamicUnet's options (fastai's `unet_config`: `blurFinal`, `selfAttention`, `lastCross`…). */
  config: UnetConfig;
  /** What inference needs of the data: codes and deterministic transforms. */
  data: SegmentationInferenceSpec;
}

/**
 * Options of {@link unetLearner}: the Learner's, the body's, and DynamicUnet's in `unet` (fastai's `unet_config`).
 * Any other key is an `UnknownOptionError`.
 */
export interface UnetLearnerOptions extends Omit<LearnerOptions, 'builder' | 'splitter'>, BodyLearnerOptions {
  /** {@link DynamicUnet}'s options (fastai's `unet_config`), e.g. `{ selfAttention: true, blur: true }`. */
  unet?: DynamicUnetOptions;
  /** Outputs; default the number of codes (`dls.c`). */
  nOut?: number;
  /** Parameter groups; default the architecture's (`resnetSplit` on the U-Net's layers). */
  splitter?: Splitter;
  /** The image size the decoder is sized for; default that of a training batch (fastai's `dls.one_batch()`). */
  imgSize?: [number, number];
}

/** {@link UnetLearner.predict}'s result: the class map (`decoded`, row-major) and its size. */
export interface SegmentationPrediction extends Prediction {
  decoded: number[];
  /** The predicted class of each pixel. */
  mask: {
    /** Class index of each pixel, `height × width`, row-major. */
    data: Int32Array;
    /** Width of the map in pixels (the transformed input's, not the original image's). */
    width: number;
    /** Height of the map in pixels. */
    height: number;
  };
}

/** Options of {@link UnetLearner.showResults}. */
export interface SegmentationResultsOptions extends ImageGridOptions {
  /** Output PNG (default `show_results.png`). */
  file?: string;
  /** Items shown (default 4). */
  maxN?: number;
  /** Loader to take the batch from (default the validation loader). */
  dl?: SegmentationDataLoader;
}

/**
 * A {@link Learner} for segmentation: `predict(image)` returns the class map, `showResults` draws
 * image | target | prediction.
 * @example
 * ```ts
 * const learn = await unetLearner(dls, resnet18, { metrics: [foregroundAcc(), diceMulti()] });
 * const { mask } = await learn.predict('images/a.png'); // mask.data: one class per pixel
 * ```
 */
export class UnetLearner extends Learner {
  /** The segmentation data the learner trains on (its codes name the output channels). */
  declare readonly dls: SegmentationDataLoaders;
  /** The U-Net: the cut encoder, its UnetBlocks and the final layers. */
  declare readonly model: DynamicUnet;

  constructor(dls: SegmentationDataLoaders, model: DynamicUnet, opts: LearnerOptions = {}) {
    super(dls, model, opts);
  }

  /**
   * Predicts one image (a path, or the bytes of an encoded image) through the validation pipeline (resize,
   * normalisation): the class of each pixel at the transformed size, and the probabilities (`[h·w·c]`).
   * @example
   * ```ts
   * const { mask, decoded } = await learn.predict(`${datasets.path('tux_seg')}/images/0000_mammal.png`);
   * ```
   */
  override async predict(item: ImageSource): Promise<SegmentationPrediction> {
    const x = await this.dls.encodeItems([item]);
    let out: DecodedBatch;
    try {
      out = await predictDecoded(this, x);
    } finally {
      tf.dispose(x);
    }
    const [, height, width] = out.decodedShape as [number, number, number];
    const data = Int32Array.from(out.decoded);
    return { decoded: Array.from(data), mask: { data, width, height }, probs: out.probs };
  }

  /**
   * fastai's `show_results` for segmentation: per item, the image, the target mask and the predicted mask (coloured
   * by class), one row each. Returns the file written.
   * @example
   * ```ts
   * await learn.showResults({ file: 'results.png', maxN: 4 });
   * ```
   */
  async showResults(opts: SegmentationResultsOptions = {}): Promise<string> {
    const b = await (opts.dl ?? this.dls.valid).oneBatch();
    try {
      const maxN = Math.min(opts.maxN ?? 4, b.x[0].shape[0] ?? 0);
      const [x, y] = tf.tidy(() => [tf.slice(b.x[0], 0, maxN), tf.slice(b.y, 0, maxN)]);
      const probs = this.predictBatch([x]);
      const pred = tf.tidy(() => this.lossFunc.decodes(probs).toInt());
      const [images, targets, preds] = await Promise.all([
        this.dls.decodeBatch(x),
        this.dls.masksToImages(y),
        this.dls.masksToImages(pred),
      ]);
      tf.dispose([x, y, probs, pred]);
      const tiles = images.flatMap((image, i) => [
        { image, lines: [{ text: 'image' }] },
        { image: targets[i], lines: [{ text: 'target' }] },
        { image: preds[i], lines: [{ text: 'prediction' }] },
      ]);
      return await writeImageGrid(opts.file ?? 'show_results.png', tiles, { ncols: 3, ...opts });
    } finally {
      tf.dispose([...b.x, b.y]);
    }
  }
}

/** The splitter of `arch`'s meta applied to the U-Net's layers (fastai's splitters index `DynamicUnet` directly). */
function unetSplitter(split: Splitter): Splitter {
  return (m: AnyModule) => split(m instanceof DynamicUnet ? (m.asSequential() as unknown as AnyModule) : m);
}

/**
 * fastai 2.7's `unet_learner(dls, arch, …)`: the image size from a training batch, {@link createUnetModel},
 * cross-entropy over the class axis (`CrossEntropyLossFlat`, NHWC: the last axis), the architecture's splitter on
 * the U-Net's layers (`resnetSplit`: encoder stem…layer2, encoder layer3–4, decoder), ImageNet normalisation added to
 * the data when `pretrained`, and `freeze()` when pretrained (only the decoder trains, BatchNorm too). Learners of
 * the built-in architectures can be exported and loaded back with `loadLearner`.
 * @example
 * ```ts
 * const dls = await SegmentationDataLoaders.fromFolders(datasets.path('tux_seg'), { csv: 'pairs.csv', itemTfms: [new Resize(64)], bs: 16 });
 * const learn = await unetLearner(dls, resnet18, { metrics: [foregroundAcc(), diceMulti()] });
 * await learn.fitOneCycle(2, 1e-3);
 * ```
 */
export async function unetLearner(
  dls: SegmentationDataLoaders,
  arch: VisionArch,
  opts: UnetLearnerOptions = {},
): Promise<UnetLearner> {
  const [bodyOpts, { nOut: nOutOpt, splitter, imgSize: imgSizeOpt, unet = {}, ...rest }] =
    splitBodyLearnerOptions(opts);
  const learnerOpts = learnerOptionsOf('unetLearner', rest, 'DynamicUnet options go in `unet: {...}`');
  checkOptionKeys('unetLearner', 'unet', unet, UNET_OPTION_KEYS);
  const { actCls, init, ...config } = unet;
  const nOut = nOutOpt ?? dls.c;
  if (!nOut) throw new ImageDataError('unetLearner: nOut is not defined and the data has no codes (dls.c); pass nOut');
  const { body, meta, bodyArgs } = await setUpBodyLearner(dls, arch, bodyOpts);
  let imgSize = imgSizeOpt;
  if (!imgSize) {
    const b = await dls.train.oneBatch();
    imgSize = [b.x[0].shape[1]!, b.x[0].shape[2]!];
    tf.dispose([...b.x, b.y]);
  }
  const model = await createUnetModel(arch, nOut, imgSize, { ...body, actCls, init, ...config });
  const size = imgSize;
  // A getter: the data's transforms are read when the learner is exported, not now.
  const builder = bodyArgs && {
    package: '@tfai/vision',
    name: 'unetLearner',
    get args(): UnetLearnerArgs {
      return { ...bodyArgs, nOut, imgSize: size, config, data: dls.inferenceSpec() };
    },
  };
  try {
    const learn = new UnetLearner(dls, model, {
      lossFunc: crossEntropyLossFlat({ axis: -1 }),
      ...learnerOpts,
      splitter: splitter ?? unetSplitter(meta.split),
      builder: actCls || init ? undefined : builder,
    });
    freezeIfPretrained(learn, body);
    return learn;
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}

/**
 * Rebuilds an exported U-Net learner for inference (random weights: `loadLearner` loads the exported ones). Listed
 * in `learnerBuilders` as `unetLearner`.
 * @example
 * ```ts
 * const learn = await loadLearner('models/unet.json'); // calls buildUnetLearner
 * ```
 */
export const buildUnetLearner: LearnerBuilder = async (rawArgs, { description }) => {
  const args = rawArgs as UnetLearnerArgs;
  const arch = exportedArch(args.arch);
  const dls = SegmentationDataLoaders.forInference(args.data);
  const model = await createUnetModel(arch, args.nOut, args.imgSize, {
    pretrained: false,
    cut: args.cut,
    nIn: args.nIn,
    ...args.config,
  });
  model.eval();
  return new UnetLearner(dls, model, {
    ...rebuiltLearnerOptions(description, SEGMENTATION_METRICS),
    splitter: unetSplitter(getModelMeta(arch).split),
  });
};
