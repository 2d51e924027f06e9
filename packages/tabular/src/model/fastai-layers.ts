import * as tf from '@tensorflow/tfjs';
import { BatchNorm1d, Dropout, Embedding, Linear, normal, ReLU, Sequential, type TensorModule } from '@tfai/core';

/**
 * fastai's `trunc_normal_`: `normal().fmod(2) * std + mean`, values within two standard deviations.
 * @example
 * ```ts
 * truncNormal([10, 4], 0.01); // |x| < 0.02
 * ```
 */
export function truncNormal(shape: number[], std = 1, mean = 0): tf.Tensor {
  return tf.tidy(() => {
    const x = normal(shape);
    const fmod = tf.sub(x, tf.mul(tf.sign(x), tf.mul(2, tf.floor(tf.div(tf.abs(x), 2)))));
    return fmod.mul(std).add(mean);
  });
}

/**
 * fastai's `Embedding`: a PyTorch embedding initialised with `trunc_normal_(std=0.01)`.
 * @example
 * ```ts
 * const e = fastaiEmbedding(10, 6); // Embedding(10, 6), weights within ±0.02
 * ```
 */
export function fastaiEmbedding(ni: number, nf: number): Embedding {
  const e = new Embedding(ni, nf);
  const w = truncNormal([ni, nf], 0.01);
  e.weight.variable.assign(w);
  w.dispose();
  return e;
}

/**
 * fastai's `BatchNorm(nf, ndim=1)`: a BatchNorm1d whose bias starts at 1e-3 (weight 1).
 * @example
 * ```ts
 * fastaiBatchNorm1d(200).bias; // all 1e-3
 * ```
 */
export function fastaiBatchNorm1d(nf: number): BatchNorm1d {
  const bn = new BatchNorm1d(nf);
  tf.tidy(() => bn.bias!.variable.assign(tf.fill([nf], 1e-3)));
  return bn;
}

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
}

/**
 * fastai's `LinBnDrop`: a Sequential of `BatchNorm1d`, `Dropout` and `Linear` (+ activation), the BatchNorm
 * over `nOut` with `linFirst` or `nIn` otherwise, the Linear without bias when a BatchNorm is present. The
 * forward fuses a Linear and the ReLU after it into one `tf.fused.matMul` (one kernel instead of two), so
 * forward hooks on those two children do not fire; hooks on the LinBnDrop itself do.
 *
 * @example
 * ```ts
 * const l = new LinBnDrop(41, 200, { act: new ReLU(true), p: 0.1, linFirst: true });
 * l.layers().map((m) => m.typeName); // ['Linear', 'ReLU', 'BatchNorm1d', 'Dropout']
 * ```
 */
export class LinBnDrop extends Sequential {
  constructor(nIn: number, nOut: number, opts: LinBnDropOptions = {}) {
    const bn = opts.bn ?? true;
    const p = opts.p ?? 0;
    const linFirst = opts.linFirst ?? false;
    const norm: TensorModule[] = bn ? [fastaiBatchNorm1d(linFirst ? nOut : nIn)] : [];
    if (p !== 0) norm.push(new Dropout(p));
    const lin: TensorModule[] = [new Linear(nIn, nOut, { bias: !bn })];
    if (opts.act) lin.push(opts.act);
    super(...(linFirst ? [...lin, ...norm] : [...norm, ...lin]));
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const layers = this.layers();
    let y = x;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      if (l instanceof Linear && y.rank === 2) {
        const relu = layers[i + 1] instanceof ReLU;
        y = tf.fused.matMul({ a: y as tf.Tensor2D, b: l.weight.variable as tf.Tensor2D, bias: l.bias?.variable, activation: relu ? 'relu' : 'linear' });
        if (relu) i++;
      } else y = l.call(y);
    }
    return y;
  }
}
