// fastai's `LinBnDrop` (`fastai/layers.py`): BatchNorm1d, Dropout and Linear (+ activation) as one Sequential.
// One implementation for create_head (its children), TabularModel (fused) and the text classifier's head.
import * as tf from '@tensorflow/tfjs-core';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { ReLU } from '../layers/activation.js';
import { batchNormRelu, batchNormReluFuses, bnReluPair, forwardFusingBnRelu } from '../layers/batchnorm.js';
import { Sequential, type TensorModule } from '../layers/container.js';
import { fastaiBatchNorm1d } from './norm.js';

/** Options of {@link LinBnDrop} (fastai's defaults). */
export interface LinBnDropOptions {
  /** Add a BatchNorm1d (and drop the Linear's bias). Default true. */
  bn?: boolean;
  /** Dropout probability; no Dropout layer when 0 (default). */
  p?: number;
  /** Activation after the Linear (none by default). */
  act?: TensorModule;
  /** Linear (+act) first, then BatchNorm and Dropout; else BatchNorm, Dropout, Linear. Default false. */
  linFirst?: boolean;
  /**
   * Run a Linear and the ReLU after it as one `tf.fused.matMul` (one kernel instead of two; TabularModel's
   * choice) — or, in training with a BatchNorm right after the ReLU (`linFirst`), the ReLU inside the BatchNorm's
   * fused kernels (`batchNormRelu`). Same values; when a child has forward hooks they run one by one, so the hooks
   * fire. Default false.
   */
  fuse?: boolean;
}

/**
 * The children of fastai's `LinBnDrop(nIn, nOut, bn, p, act, lin_first)`: `[BatchNorm1d(nIn)] [Dropout(p)] Linear
 * [act]`, the Linear without bias after a BatchNorm; with `linFirst`, `Linear [act] [BatchNorm1d(nOut)] [Dropout]`.
 * fastai's `create_head` adds these to its own list (`layers += LinBnDrop(...)`), so its state-dict keys are flat.
 * @example
 * ```ts
 * linBnDropLayers(1024, 512, { p: 0.25, act: new ReLU(true) }).map((m) => m.typeName); // ['BatchNorm1d', 'Dropout', 'Linear', 'ReLU']
 * ```
 */
export function linBnDropLayers(nIn: number, nOut: number, opts: Omit<LinBnDropOptions, 'fuse'> = {}): TensorModule[] {
  const bn = opts.bn ?? true;
  const p = opts.p ?? 0;
  const linFirst = opts.linFirst ?? false;
  const norm: TensorModule[] = bn ? [fastaiBatchNorm1d(linFirst ? nOut : nIn)] : [];
  if (p !== 0) norm.push(new Dropout(p));
  const lin: TensorModule[] = [new Linear(nIn, nOut, { bias: !bn })];
  if (opts.act) lin.push(opts.act);
  return linFirst ? [...lin, ...norm] : [...norm, ...lin];
}

/**
 * fastai's `LinBnDrop`: a Sequential of {@link linBnDropLayers} (BatchNorm over `nOut` with `linFirst`, `nIn`
 * otherwise; the Linear without bias when a BatchNorm is present). With `fuse`, a Linear and the ReLU after it run as
 * one `tf.fused.matMul`, unless one of them has forward hooks; in training, a ReLU and a BatchNorm next to each
 * other run as one BatchNorm kernel with the ReLU inside (`batchNormRelu`) instead.
 *
 * @example
 * ```ts
 * const l = new LinBnDrop(41, 200, { act: new ReLU(true), p: 0.1, linFirst: true });
 * l.layers().map((m) => m.typeName); // ['Linear', 'ReLU', 'BatchNorm1d', 'Dropout']
 * ```
 */
export class LinBnDrop extends Sequential {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'LinBnDrop';
  /** Whether a Linear and a following ReLU run fused (see {@link LinBnDropOptions.fuse}). */
  readonly fuse: boolean;
  constructor(nIn: number, nOut: number, opts: LinBnDropOptions = {}) {
    super(...linBnDropLayers(nIn, nOut, opts));
    this.fuse = opts.fuse ?? false;
  }

  override forward(x: tf.Tensor): tf.Tensor {
    if (!this.fuse) return forwardFusingBnRelu(this.layers(), x);
    const layers = this.layers();
    let y = x;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      const next = layers[i + 1];
      // ReLU → BatchNorm fused: the ReLU leaves the product for the BatchNorm kernel.
      const pair = bnReluPair(l, next);
      if (pair) {
        y = batchNormRelu(pair.bn, pair.relu, y, pair.act);
        i++;
        continue;
      }
      const after = next && bnReluPair(next, layers[i + 2]);
      const reluInBn = after?.act === 'reluBefore' && batchNormReluFuses(after.bn, after.relu, 'reluBefore');
      if (l instanceof Linear && y.rank === 2 && !l.hasForwardHooks) {
        const relu = next instanceof ReLU && !next.hasForwardHooks && !reluInBn;
        y = tf.fused.matMul({
          a: y as tf.Tensor2D,
          b: l.weight.variable as tf.Tensor2D,
          bias: l.bias?.variable,
          activation: relu ? 'relu' : 'linear',
        });
        if (relu) i++;
      } else y = l.call(y);
    }
    return y;
  }
}
