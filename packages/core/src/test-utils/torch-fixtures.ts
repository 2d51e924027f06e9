// PyTorch reference fixtures (NCHW, written by the fixtures/*.py scripts) as NHWC inputs for the kernel tests.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { UpsampleOptions } from '../nn/layers/upsample.js';
import type { Input } from './backends.js';

/** A tensor as the fixture scripts write it: an NCHW shape and its values in order. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/**
 * An NCHW fixture tensor as an NHWC input.
 * @example
 * ```ts
 * nhwc({ shape: [1, 2, 1, 1], data: [1, 2] }); // { values: [1, 2], shape: [1, 1, 1, 2] }
 * ```
 */
export function nhwc(t: FixtureTensor): Input {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const values = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) values[((b * h + i) * w + j) * c + k] = t.data[((b * c + k) * h + i) * w + j]!;
  return { values, shape: [n, h, w, c] };
}

// PyTorch 1.13's nn.Upsample cases (nn/layers/fixtures/torch_upsample.py), read by the Upsample tests and the
// resizeBilinear gradient kernel's tests.

/** One case: the options, PyTorch's repr, the input `x`, output `y`, an upstream gradient `dy` and `dx`. */
export interface UpsampleCase {
  name: string;
  options: UpsampleOptions;
  repr: string;
  x: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
}

/**
 * The fixture's cases.
 * @example
 * ```ts
 * const bilinear = upsampleCases().filter((c) => c.options.mode === 'bilinear');
 * ```
 */
export function upsampleCases(): UpsampleCase[] {
  const url = new URL('../nn/layers/fixtures/torch-upsample.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: UpsampleCase[] }).cases;
}

/** One case of backend/wasm/fixtures/torch-pool-resize-grads.json: y = op(x), dx = d sum(y·dy)/dx. */
export interface PoolResizeCase {
  name: string;
  op: 'maxPool' | 'resizeNearest';
  params: {
    k?: number;
    s?: number;
    pad?: number | 'same' | 'valid';
    size?: [number, number];
    halfPixelCenters?: boolean;
  };
  x: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
}

/** The maxPool and resizeNearestNeighbor cases against PyTorch (backend/wasm/fixtures/torch_pool_resize_grads.py). */
export const poolResizeCases: readonly PoolResizeCase[] = (
  JSON.parse(
    readFileSync(new URL('../backend/wasm/fixtures/torch-pool-resize-grads.json', import.meta.url), 'utf8'),
  ) as { cases: PoolResizeCase[] }
).cases;

/** The pool-resize case named `name`; throws if there is none. */
export function poolResizeCase(name: string): PoolResizeCase {
  const c = poolResizeCases.find((k) => k.name === name);
  if (!c) throw new Error(`no fixture ${name}`);
  return c;
}

/** A pool-resize case's op on NHWC tensors. */
export function poolResizeOp(c: PoolResizeCase): (x: tf.Tensor) => tf.Tensor {
  const { k = 1, s = 1, pad = 'valid', size = [1, 1], halfPixelCenters = false } = c.params;
  return c.op === 'maxPool'
    ? (x) => tf.maxPool(x as tf.Tensor4D, k, s, pad)
    : (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, false, halfPixelCenters);
}
