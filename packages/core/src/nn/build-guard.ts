import { AsyncContext } from '#platform/async-context';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A limit on what a model build may allocate, and a record of what it did allocate, for code that builds a
 * model from untrusted input (`loadLearner`): the weights file says how many elements the model holds, so a
 * description that implies more is refused before its tensors exist, and everything built is disposed when the
 * build fails. Carried through `await`s by `AsyncLocalStorage`, so concurrent builds do not mix.
 */
interface BuildGuard {
  readonly limit: number;
  remaining: number;
  readonly fail: (requested: number, remaining: number) => Error;
  readonly created: tf.Variable[];
}

const store = new AsyncContext<BuildGuard>();

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Throws the active guard's error when one tensor of `shape` is bigger than the whole budget (called by the
 * initialisers before they allocate; transient draws, such as a re-initialisation of an existing parameter, are
 * not charged, so an initialiser is only refused what no build within the budget could hold). A no-op outside
 * {@link withBuildGuard}.
 */
export function checkAllocation(shape: readonly number[]): void {
  const g = store.getStore();
  if (!g) return;
  const n = sizeOf(shape);
  if (!(n <= g.limit)) throw g.fail(n, g.limit);
}

/**
 * Records a parameter or buffer created under a guard; `charge` subtracts its size from the budget, and the build
 * fails once the parameters and persistent buffers exceed it (so at most one tensor beyond the budget exists).
 */
export function recordVariable(v: tf.Variable, charge: boolean): void {
  const g = store.getStore();
  if (!g) return;
  g.created.push(v);
  if (charge) {
    g.remaining -= v.size;
    if (g.remaining < 0) throw g.fail(v.size, g.remaining + v.size);
  }
}

/**
 * Runs `build` with at most `limit` elements of parameters and persistent buffers; on any error, disposes every
 * parameter and buffer created during it and rethrows.
 */
export async function withBuildGuard<T>(
  limit: number,
  fail: (requested: number, remaining: number) => Error,
  build: () => T | Promise<T>,
): Promise<T> {
  const g: BuildGuard = { limit, remaining: limit, fail, created: [] };
  try {
    return await store.run(g, build);
  } catch (e) {
    for (const v of g.created) if (!v.isDisposed) v.dispose();
    throw e;
  }
}
