/**
 * `MaxPoolGrad` for wasm, replacing tfjs-backend-wasm 4.22's, which starts each window's running maximum at
 * `std::numeric_limits<float>::min()` (the smallest *positive* float) and so drops the gradient of every window
 * whose maximum is ≤ 0, and which routes ties to the last maximum.
 *
 * The gradient of y[n, i, j, c] = max over the window of x routes dy[n, i, j, c] to the position of the maximum:
 *
 *   dx[n, y, x, c] = Σ_{i, j : argmax(window(i, j)) = (y, x)} dy[n, i, j, c]
 *
 * where the window of output (i, j) spans rows i·sh − pt … i·sh − pt + kh − 1 (likewise columns), clipped to
 * the input, and argmax is the first maximum in row-major order, as PyTorch (`max_pool2d`) and tfjs's cpu backend
 * choose; a NaN counts as the maximum, as in PyTorch. This is a direct loop over the tensors in the wasm heap
 * (no kernel composes a data-dependent routing fast): O(N·Ho·Wo·kh·kw·C), vectorised along the channel axis.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { attrsOf, input, type KernelArgs } from '../kernel-utils.js';
import { f32 } from '../memory.js';
import type { KernelDef } from '../registry.js';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Adds dy into dx at each window's first maximum of x (all NHWC, flat). */
export function maxPoolBackprop(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(c);
  const pos = new Int32Array(c);
  dx.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < ho; i++) {
      const y0 = Math.max(i * sh - top, 0);
      const y1 = Math.min(i * sh - top + kh, h);
      for (let j = 0; j < wo; j++) {
        const x0 = Math.max(j * sw - left, 0);
        const x1 = Math.min(j * sw - left + kw, w);
        best.fill(-Infinity);
        pos.fill(((n * h + y0) * w + x0) * c);
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const base = ((n * h + y) * w + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (v > best[k] || v !== v) {
                best[k] = v;
                pos[k] = base;
              }
            }
          }
        }
        const o = ((n * ho + i) * wo + j) * c;
        for (let k = 0; k < c; k++) dx[pos[k] + k] += dy[o + k];
      }
    }
  }
}

export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend;
  if (!(backend instanceof BackendWasm)) throw new Error('wasm MaxPoolGrad called on another backend');
  const x = input(args, 'input');
  const dy = input(args, 'dy');
  const { filterSize, strides, pad, dimRoundingMode } = attrsOf<Attrs>(args);
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  // Allocate first: growing the heap detaches earlier views of it.
  const out = backend.makeOutput(x.shape, 'float32');
  maxPoolBackprop(f32(backend, 'wasm', x), f32(backend, 'wasm', dy), f32(backend, 'wasm', out), info);
  return out;
}

/** The kernel (wasm). */
export const maxPoolGradKernels: readonly KernelDef[] = [
  { name: tf.MaxPoolGrad, backends: ['wasm'], fallback: 'none', kernel: () => maxPoolGrad },
];
