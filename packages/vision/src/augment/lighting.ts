// fastai's lighting batch augmentation (Brightness and Contrast composed into one LightingTfm), in logit space.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfai/core';
import type { BatchContext, BatchPlan, BatchTransform } from './batch-transform.js';
import { uniform } from './item-transform.js';

/** Options of {@link LightingTfm}. */
export interface LightingOptions {
  /** Largest change of brightness and contrast (default 0.2). */
  maxLighting?: number;
  /** Probability of each change per image (default 0.75). */
  pLighting?: number;
  /** Which changes to make (default both, as `aug_transforms`). */
  brightness?: boolean;
  /** Whether to change contrast (default true); `brightness` likewise switches brightness. */
  contrast?: boolean;
}

/** `log(p / (1 - p))`, with fastai's clamp of p to [1e-7, 1 - 1e-7]. */
const logit = (x: tf.Tensor) =>
  tf.tidy(() => {
    const c = tf.clipByValue(x, 1e-7, 1 - 1e-7);
    return tf.log(tf.div(c, tf.sub(1, c)));
  });

/**
 * fastai's composed `LightingTfm` (order 40) of `Brightness` and `Contrast`: per image,
 * `x ← sigmoid((logit(x) + logit(b)) · c)` with brightness `b ∈ 0.5·(1 ± maxLighting)` and contrast
 * `c = exp(u)`, `u ∈ ±log(1 - maxLighting)`, each applied with probability `pLighting` (else neutral: b = 0.5, c = 1).
 * Training batches only.
 * @example
 * ```ts
 * const light = new LightingTfm({ maxLighting: 0.3 });
 * ```
 */
export class LightingTfm implements BatchTransform {
  /** The transform's name, `'LightingTfm'` as fastai's class. */
  readonly name = 'LightingTfm';
  readonly order = 40;
  /** The options with every default filled in (maxLighting 0.2, pLighting 0.75, brightness and contrast on). */
  readonly opts: Required<LightingOptions>;
  constructor(opts: LightingOptions = {}) {
    this.opts = {
      maxLighting: opts.maxLighting ?? 0.2,
      pLighting: opts.pLighting ?? 0.75,
      brightness: opts.brightness ?? true,
      contrast: opts.contrast ?? true,
    };
    if (!(this.opts.maxLighting >= 0 && this.opts.maxLighting < 1))
      throw new RangeError(`LightingTfm: maxLighting must be in [0, 1), got ${this.opts.maxLighting}`);
  }

  /** One image's brightness (0.5 is neutral) and contrast (1 is neutral), drawn as fastai draws them. */
  draw(rng: Rng): {
    /** Brightness `b` in `0.5·(1 ± maxLighting)`; 0.5 leaves the image unchanged. */
    brightness: number;
    /** Contrast factor `c` in `(1 - maxLighting)^±1`; 1 leaves the image unchanged. */
    contrast: number;
  } {
    const { maxLighting: m, pLighting: p } = this.opts;
    const brightness = this.opts.brightness && rng.next() < p ? uniform(rng, 0.5 * (1 - m), 0.5 * (1 + m)) : 0.5;
    const contrast =
      this.opts.contrast && rng.next() < p ? Math.exp(uniform(rng, Math.log(1 - m), -Math.log(1 - m))) : 1;
    return { brightness, contrast };
  }

  encodes(x: tf.Tensor4D, ctx: BatchContext): tf.Tensor4D {
    const [n, h, w] = x.shape;
    return this.drawPlan([n, h, w], ctx).image(x);
  }

  /** One brightness and contrast per image (training only); masks and points are left as they are. */
  drawPlan([n]: readonly [number, number, number], ctx: BatchContext): BatchPlan {
    if (!ctx.train) return { image: (x) => x, mask: (y) => y, points: (y) => y };
    const b = new Float32Array(n);
    const c = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const d = this.draw(ctx.rng);
      b[i] = Math.log(d.brightness / (1 - d.brightness));
      c[i] = d.contrast;
    }
    return { image: (x) => this.apply(x, b, c), mask: (y) => y, points: (y) => y };
  }

  /** `sigmoid((logit(x) + logitB) · contrast)` with one value per image. */
  apply(x: tf.Tensor4D, logitB: Float32Array, contrast: Float32Array): tf.Tensor4D {
    const n = x.shape[0];
    return tf.tidy(
      () =>
        tf.sigmoid(
          tf.mul(tf.add(logit(x), tf.tensor4d(logitB, [n, 1, 1, 1])), tf.tensor4d(contrast, [n, 1, 1, 1])),
        ) as tf.Tensor4D,
    );
  }
}
