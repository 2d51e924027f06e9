// PyTorch 1.13's nn.Upsample cases (nn/layers/fixtures/torch_upsample.py), read by the Upsample tests and the
// resizeBilinear gradient kernel's tests.
import { readFileSync } from 'node:fs';
import type { UpsampleOptions } from '../nn/layers/upsample.js';
import type { Input } from './backends.js';

/** A tensor of the fixture: PyTorch's NCHW shape and its values. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

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

/**
 * An NCHW fixture tensor as an NHWC input.
 * @example
 * ```ts
 * const { values, shape } = nhwc(c.x);
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
