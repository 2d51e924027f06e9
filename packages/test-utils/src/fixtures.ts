// Helpers for tests: the fastai reference facts and parity fixtures (../fixtures/fastai/, from fastai 2.7.12; see
// its README.md), and the large reference checkpoints kept outside git
// (torchvision/*.safetensors, torch-pth/*.pth) found through TFAI_REFERENCE_DIR.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { path as datasetPath } from '@tfai/datasets';

declare module 'vitest' {
  interface TaskMeta {
    /** Why a test was skipped (a missing reference file); scripts/test.mjs lists it by name with this reason. */
    skipReason?: string;
  }
}

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** fastai's fixtures (`reference.json` and the `parity_*.json` of core and vision), in `fixtures/fastai/`. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/fastai/', import.meta.url));

/**
 * The folder of the large reference files that stay outside git: `$TFAI_REFERENCE_DIR`, default
 * `<repo>/../shared/reference` (where CI keeps them).
 */
export function referenceDir(): string {
  return process.env.TFAI_REFERENCE_DIR ?? join(REPO_ROOT, '..', 'shared', 'reference');
}

/** The absolute path of a reference file, `rel` relative to {@link referenceDir} (`'torchvision/resnet18.safetensors'`). */
export function referenceFile(rel: string): string {
  return join(referenceDir(), rel);
}

/**
 * Options for `it(name, needsReference(...), fn)` or `describe(name, needsReference(...), fn)`: where one of the
 * reference files is absent the test (or every test of the describe) is skipped, and listed by name with the reason
 * in `npm test`'s totals. Under `CI=true` nothing is skipped: a missing reference fails the test.
 */
export function needsReference(...rels: string[]): { skip?: boolean; meta?: { skipReason: string } } {
  const missing = rels.filter((r) => !existsSync(referenceFile(r)));
  if (missing.length === 0) return {};
  const reason = `reference file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in ${referenceDir()} (set TFAI_REFERENCE_DIR)`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    console.error(`CI=true: ${reason}; the test runs and fails`);
    return {};
  }
  return { skip: true, meta: { skipReason: reason } };
}

/**
 * The reference folder with a trailing slash, as tests wrote `${REFERENCE}torchvision/…`; prefer {@link referenceFile}
 * with {@link needsReference}.
 */
export const REFERENCE = `${referenceDir()}/`;

/**
 * The folder of @tfai/datasets' data sets, with a trailing slash (for tests written as `${DATA}titanic/…`); prefer
 * `datasets.path(name)` from `@tfai/datasets`.
 */
export const DATA = `${dirname(datasetPath('titanic'))}/`;

export interface FixtureTensor {
  shape: number[];
  dtype?: string;
  data: number[] | boolean[];
}

/** The fastai reference facts (`fixtures/reference.json`). */
export function referenceFacts(): Record<string, unknown> & { [k: string]: Record<string, unknown> } {
  return JSON.parse(readFileSync(`${FIXTURES}reference.json`, 'utf8'));
}

/** A JSON fixture of `fixtures/`. */
export function readFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as T;
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

/** max |a − b| / max |b| of two arrays (b the reference). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}

/** max |a - b| / max |b|. */
export function relError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const num = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const den = tf.max(tf.abs(b)).dataSync()[0];
    return num / Math.max(den, 1e-12);
  });
}
