// fastai 2.7's create_head (fastai/vision/learner.py), made of core's LinBnDrop blocks (fastai/layers.py).
import {
  AdaptiveAvgPool2d,
  AdaptiveConcatPool2d,
  BatchNorm1d,
  Dropout,
  Flatten,
  Linear,
  ReLU,
  Sequential,
  SigmoidRange,
  linBnDropLayers,
} from '@tfai/core/nn';
import type { TensorModule } from '@tfai/core/nn';

/** Options of {@link createHead}, as fastai's `create_head` arguments. */
export interface CreateHeadOptions {
  /** Sizes of the hidden linear layers. Default `[512]`. */
  linFtrs?: number[];
  /** Dropout probabilities: one per linear layer, or one number `p` spread as `[p/2, …, p/2, p]`. Default 0.5. */
  ps?: number | number[];
  /** Start with a pooling layer and Flatten. Default true. */
  pool?: boolean;
  /** Pool with AdaptiveConcatPool2d (max and average: twice the features) instead of average. Default true. */
  concatPool?: boolean;
  /** BatchNorm before the first linear layer. Default true. */
  firstBn?: boolean;
  /** A final BatchNorm1d (momentum 0.01) on the outputs. Default false. */
  bnFinal?: boolean;
  /** Linear before BatchNorm and Dropout in each block. Default false. */
  linFirst?: boolean;
  /** Squash the outputs into `(low, high)` with SigmoidRange. */
  yRange?: [number, number];
}

/**
 * fastai 2.7's `create_head`: a head taking `nf` channels (doubled by concat pooling) to `nOut` outputs.
 * Default layers: `AdaptiveConcatPool2d, Flatten, BatchNorm1d(2nf), Dropout(0.25), Linear(2nf, 512, bias=False),
 * ReLU, BatchNorm1d(512), Dropout(0.5), Linear(512, nOut, bias=False)`. The BatchNorms of the blocks start with
 * bias 1e-3, as fastai's `BatchNorm`.
 * @example
 * ```ts
 * const head = createHead(512, 37); // for a ResNet-34 body
 * head.eval().call(tf.zeros([2, 7, 7, 512])).shape; // [2, 37]
 * ```
 */
export function createHead(nf: number, nOut: number, opts: CreateHeadOptions = {}): Sequential {
  const pool = opts.pool ?? true;
  const concatPool = opts.concatPool ?? true;
  const linFirst = opts.linFirst ?? false;
  if (pool && concatPool) nf *= 2;
  const linFtrs = [nf, ...(opts.linFtrs ?? [512]), nOut];
  const bns = [opts.firstBn ?? true, ...linFtrs.slice(1).map(() => true)];
  const psIn = opts.ps ?? 0.5;
  const psList = Array.isArray(psIn) ? [...psIn] : [psIn];
  const ps = psList.length === 1 ? [...Array<number>(linFtrs.length - 2).fill(psList[0] / 2), psList[0]] : psList;
  const layers: TensorModule[] = [];
  if (pool) layers.push(concatPool ? new AdaptiveConcatPool2d() : new AdaptiveAvgPool2d(1), new Flatten());
  if (linFirst) layers.push(new Dropout(ps.shift()));
  // Python's zip: as many blocks as the shortest of the lists (ps can be shorter after the pop above).
  const nBlocks = Math.min(linFtrs.length - 1, ps.length);
  // One ReLU instance at every position, as fastai's `[nn.ReLU(inplace=True)] * n`: PyTorch's `children()` then
  // lists it once, but it keeps its index in the Sequential, so the later state-dict keys are fastai's.
  const relu = new ReLU(true);
  for (let i = 0; i < nBlocks; i++) {
    const act = i < linFtrs.length - 2 ? relu : undefined;
    layers.push(...linBnDropLayers(linFtrs[i], linFtrs[i + 1], { bn: bns[i], p: ps[i], act, linFirst }));
  }
  if (linFirst) layers.push(new Linear(linFtrs.at(-2)!, nOut));
  if (opts.bnFinal) layers.push(new BatchNorm1d(linFtrs.at(-1)!, { momentum: 0.01 }));
  if (opts.yRange) layers.push(new SigmoidRange(...opts.yRange));
  return new Sequential(...layers);
}
