// Helpers for this package's tests (not exported): the fastai reference facts (@tfai/test-utils' fixtures/fastai/) and
// this package's parity fixtures (./fixtures/).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { DATA as DATASETS_DIR, FIXTURES as CORE_FIXTURES } from '@tfai/test-utils';

/** @tfai/datasets' folder with a trailing slash, for code written as `${DATA}titanic/…`; prefer `datasets.path(name)`. */
export const DATA = DATASETS_DIR;

/** This package's fixtures (`parity_awd_lstm_tiny.json`, `parity_masked_concat_pool.json`). */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A tensor in a fixture file. */
export interface FixtureTensor {
  shape: number[];
  dtype?: string;
  data: number[];
}

/** The `text` section of fastai's reference facts. */
export function textFacts(): Record<string, unknown> {
  return (JSON.parse(readFileSync(`${CORE_FIXTURES}reference.json`, 'utf8')) as { text: Record<string, unknown> }).text;
}

/** A fastai fixture as JSON: this package's `fixtures/`, else core's. */
export function readFixture<T>(name: string): T {
  const own = `${FIXTURES}${name}`;
  return JSON.parse(readFileSync(existsSync(own) ? own : `${CORE_FIXTURES}${name}`, 'utf8')) as T;
}

/** A fixture tensor as a tf tensor (int64/bool → int32). */
export function toTensor(t: FixtureTensor): tf.Tensor {
  const isInt = t.dtype !== undefined && /int|bool/.test(t.dtype);
  return tf.tensor(t.data.map(Number), t.shape, isInt ? 'int32' : 'float32');
}

/** max |a - b| / max |b|. */
export function relError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(tf.max(tf.abs(b)).dataSync()[0], 1e-12));
}

/** snake_case keys → camelCase (`embed_p` → `embedP`). */
export function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}
