// The small image classification the training examples share: a class-balanced fashion_mnist subset (28×28,
// 10 classes), a ResNet-18 cut after layer1 (64 features at 7×7, as vision-train.test.ts), one-cycle training.
import { accuracy, manualSeed, type Callback } from '@tfai/core';
import { ImageDataLoaders, visionLearner, type VisionLearner, type VisionLearnerOptions } from '@tfai/vision';
import { resnet18 } from '@tfai/vision/models';
import { fashionLists } from './common.js';

/** Subset sizes and epochs of one run. */
export interface FashionSize {
  trainPerClass: number;
  validPerClass: number;
  epochs: number;
}

/** Short mode: 200 train / 100 valid images, two epochs. Full: 1,000 / 500, three epochs. */
export const fashionSize = (short: boolean): FashionSize =>
  short ? { trainPerClass: 20, validPerClass: 10, epochs: 2 } : { trainPerClass: 100, validPerClass: 50, epochs: 3 };

/** The data of {@link fashionSize}, seeded. */
export function fashionDls(size: FashionSize, seed = 0): Promise<ImageDataLoaders> {
  const { items, labels, split } = fashionLists(size.trainPerClass, size.validPerClass);
  return ImageDataLoaders.fromLists(items, labels, split, { bs: 16, seed });
}

/** Trains a fresh learner (same seed every time) and returns its validation accuracy. */
export async function trainFashion(
  size: FashionSize,
  opts: VisionLearnerOptions,
  fit: { lr?: number; cbs?: Callback[]; seed?: number } = {},
): Promise<{ accuracy: number; validLoss: number; learn: VisionLearner }> {
  const seed = fit.seed ?? 0;
  manualSeed(seed);
  const dls = await fashionDls(size, seed);
  const learn = await visionLearner(dls, resnet18, {
    pretrained: false,
    cut: 5,
    metrics: [accuracy()],
    progress: false,
    ...opts,
  });
  await learn.fitOneCycle(size.epochs, fit.lr ?? 1e-2, { cbs: fit.cbs });
  const { metrics, validLoss } = await learn.validate();
  return { accuracy: metrics.accuracy!, validLoss, learn };
}
