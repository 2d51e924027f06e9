// siameseLearner: the book's Learner for the Siamese model (cross-entropy on same/different, siameseSplitter,
// encoder frozen when pretrained), with predict([imgA, imgB]) and showResults.
import * as tf from '@tensorflow/tfjs-core';
import { Learner } from '@tfai/core';
import { rebuiltLearnerOptions } from '@tfai/core/io';
import { checkOptionKeys, learnerOptionsOf, predictDecoded } from '@tfai/core/internal';
import type { LearnerModel, LearnerOptions, Prediction } from '@tfai/core';
import type { LearnerBuilder } from '@tfai/core/io';
import { writeImageGrid } from '@tfai/vision';
import { VISION_ARCHS, visionArch } from '@tfai/vision/models';
import {
  HEAD_OPTION_KEYS,
  freezeIfPretrained,
  setUpBodyLearner,
  splitBodyLearnerOptions,
  type BodyLearnerOptions,
} from '@tfai/vision/internal';
import type { BatchTransform } from '@tfai/vision/augment';
import type { CreateHeadOptions, NormalizableData, VisionArch } from '@tfai/vision/models';
import { SiameseDataLoaders, SIAMESE_VOCAB, type SiameseDataJSON } from './data/siamese-dataloaders.js';
import type { SiameseShowOptions } from './show-options.js';
import { SiameseInputError } from './errors.js';
import { createSiameseModel, siameseHeadOptions, type CreateSiameseModelOptions, type SiameseModel } from './model.js';
import { siameseSplitter } from './splitter.js';

/** What `learn.predict([imgA, imgB])` returns. */
export interface SiamesePrediction extends Prediction {
  /** True if the model says the two images show the same class. */
  same: boolean;
  /** The model's probability that they show the same class (softmax of the "same" logit). */
  probability: number;
}

/** Options of {@link siameseLearner}: the model's and the Learner's. */
export interface SiameseLearnerOptions
  extends Omit<CreateSiameseModelOptions, 'nOut'>, BodyLearnerOptions, Omit<LearnerOptions, 'splitter' | 'builder'> {}

/** What an export of a Siamese learner records to rebuild it. */
interface SiameseBuilderArgs {
  arch: string;
  nIn: number;
  cut?: number;
  head: CreateHeadOptions;
  data: SiameseDataJSON;
}

/**
 * A {@link Learner} for pairs of images: `predict([imgA, imgB])` says whether they show the same class, and
 * `showResults` draws validation pairs with their predictions.
 * @example
 * ```ts
 * const learn = await siameseLearner(dls, resnet34, { metrics: accuracy() }); // pretrained (torchvision), frozen
 * const { same, probability } = await learn.predict(['a.png', 'b.png']);
 * ```
 */
export class SiameseLearner extends Learner {
  /** The pair data the learner trains on (two image batches per `x`, target 1 for same class). */
  declare readonly dls: SiameseDataLoaders;
  /** The Siamese model: a shared encoder run on both images and a head on their concatenated features. */
  declare readonly model: LearnerModel & SiameseModel;

  constructor(dls: SiameseDataLoaders, model: SiameseModel, opts: LearnerOptions = {}) {
    super(dls, model as unknown as LearnerModel, { splitter: siameseSplitter, ...opts });
  }

  /**
   * Whether two images show the same class: `[imgA, imgB]` (paths or image bytes), resized by the data's item
   * transforms. One image, or three, is a {@link SiameseInputError}.
   * @example
   * ```ts
   * const { same, probability } = await learn.predict(['shirt1.png', 'shirt2.png']);
   * ```
   */
  override async predict(item: unknown): Promise<SiamesePrediction> {
    if (!Array.isArray(item) || item.length !== 2) {
      const got = Array.isArray(item) ? `${item.length} image${item.length === 1 ? '' : 's'}` : 'one image';
      throw new SiameseInputError(`predict compares two images: pass [imageA, imageB], got ${got}`);
    }
    const p = await super.predict(item);
    const probability = p.probs[1];
    return { ...p, same: p.decoded === 1, probability };
  }

  /**
   * Writes a PNG of validation pairs (both images side by side) with the target and the prediction (green when
   * right, red when wrong), as fastai's `show_results`. Returns the file.
   * @example
   * ```ts
   * await learn.showResults({ file: 'results.png', maxN: 9 });
   * ```
   */
  async showResults({ file = 'show_results.png', maxN = 9 }: SiameseShowOptions = {}): Promise<string> {
    const b = await this.dls.valid.oneBatch();
    try {
      const n = Math.min(maxN, b.y.shape[0]);
      const [{ probs }, ys, images] = await Promise.all([
        predictDecoded(this, b.x),
        b.y.data(),
        this.dls.pairImages(b.x),
      ]);
      const tiles = images.slice(0, n).map((image, i) => {
        const pSame = probs[i * 2 + 1];
        const pred = pSame > 0.5 ? 1 : 0;
        return {
          image,
          lines: [
            { text: `actual: ${SIAMESE_VOCAB[ys[i]]}` },
            {
              text: `pred: ${SIAMESE_VOCAB[pred]} (p(same) ${pSame.toFixed(2)})`,
              color: pred === ys[i] ? 'green' : 'red',
            },
          ],
        };
      });
      // 224-px cells: the pair side by side, and the longest caption (`pred: different (p(same) 0.93)`) whole.
      return await writeImageGrid(file, tiles, { tileSize: 224, title: 'target / prediction' });
    } finally {
      tf.dispose([...b.x, b.y]);
    }
  }
}

/** The pair loaders as vision's `addNormIfPretrained` takes them (their batch transforms are one shared list). */
function normalizable(dls: SiameseDataLoaders): NormalizableData {
  return { batchTfms: dls.batchTfms, addBatchTfms: (...tfms: BatchTransform[]) => void dls.batchTfms.push(...tfms) };
}

/**
 * The book's Siamese learner: `SiameseModel(createBody(arch, {cut}), createHead(nf·2, 2, {ps: 0.5}))`, cross-entropy
 * on same/different, {@link siameseSplitter} (encoder, head); with `pretrained` weights the encoder is frozen
 * and `Normalize` with the architecture's statistics is added to the data if missing. Train as the book does:
 * @example
 * ```ts
 * const learn = await siameseLearner(dls, resnet34, { metrics: accuracy() }); // pretrained (torchvision), frozen
 * await learn.fitOneCycle(4, 3e-3);
 * learn.unfreeze();
 * await learn.fitOneCycle(4, slice(1e-6, 1e-4));
 * ```
 */
export async function siameseLearner(
  dls: SiameseDataLoaders,
  arch: VisionArch,
  opts: SiameseLearnerOptions = {},
): Promise<SiameseLearner> {
  const [bodyOpts, { head: headOpt, ...rest }] = splitBodyLearnerOptions(opts);
  checkOptionKeys('siameseLearner', 'head', headOpt, HEAD_OPTION_KEYS);
  const head = siameseHeadOptions(headOpt);
  const learnOpts = learnerOptionsOf('siameseLearner', rest, 'head options go in `head: {...}`');
  const { body, bodyArgs } = await setUpBodyLearner(normalizable(dls), arch, bodyOpts);
  const model = await createSiameseModel(arch, { ...body, head });
  // A getter: the data's transforms are read when the learner is exported, not now.
  const builder = bodyArgs && {
    package: '@tfai/siamese',
    name: 'siameseLearner',
    get args(): SiameseBuilderArgs {
      return { ...bodyArgs, head, data: dls.toJSON() };
    },
  };
  try {
    const learn = new SiameseLearner(dls, model, {
      ...learnOpts,
      splitter: siameseSplitter,
      builder,
    });
    freezeIfPretrained(learn, body);
    return learn;
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}

/**
 * Rebuilds an exported Siamese learner for inference (no data: `predict` only); `loadLearner` then loads the weights.
 */
const buildSiameseLearner: LearnerBuilder = async (raw, { description }) => {
  const args = raw as SiameseBuilderArgs;
  const arch = visionArch(args.arch);
  if (!arch)
    throw new SiameseInputError(
      `unknown architecture '${args.arch}' in a Siamese export (known: ${Object.keys(VISION_ARCHS).join(', ')})`,
    );
  const dls = SiameseDataLoaders.forInference(args.data);
  const model = await createSiameseModel(arch, { pretrained: false, nIn: args.nIn, cut: args.cut, head: args.head });
  return new SiameseLearner(dls, model, {
    ...rebuiltLearnerOptions(description),
    splitter: siameseSplitter,
  });
};

/**
 * How `loadLearner` rebuilds learners of this package, by the builder name an export records.
 * @example
 * ```ts
 * const learn = await loadLearner('models/siamese.json', SiameseLearner);
 * ```
 */
export const learnerBuilders: Readonly<Record<string, LearnerBuilder>> = { siameseLearner: buildSiameseLearner };
