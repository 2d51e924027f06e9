// Helpers for tests: read the fastai/torchvision reference fixtures in ../shared/reference.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** `../shared` beside the repository root. */
export const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));
export const REFERENCE = `${SHARED}reference/`;
export const DATA = `${SHARED}data/`;

export interface FixtureTensor {
  shape: number[];
  dtype?: string;
  data: number[] | boolean[];
}

/** The fastai reference facts (`reference.json`). */
export function referenceFacts(): Record<string, unknown> & { [k: string]: Record<string, unknown> } {
  return JSON.parse(readFileSync(`${REFERENCE}fastai/reference.json`, 'utf8'));
}

export function readFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${REFERENCE}fastai/${name}`, 'utf8')) as T;
}

/** A fixture tensor as a tf tensor (int64/bool → int32). */
export function toTensor(t: FixtureTensor): tf.Tensor {
  const isInt = t.dtype !== undefined && /int|bool/.test(t.dtype);
  const data = (t.data as (number | boolean)[]).map(Number);
  return tf.tensor(data, t.shape, isInt ? 'int32' : 'float32');
}

/** A fixture `state_dict` as tensors. */
export function toStateDict(sd: Record<string, FixtureTensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, toTensor(v)]));
}

export const nchwToNhwc = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [0, 2, 3, 1]);

/** max |a - b| / max |b|. */
export function relError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const num = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const den = tf.max(tf.abs(b)).dataSync()[0];
    return num / Math.max(den, 1e-12);
  });
}
