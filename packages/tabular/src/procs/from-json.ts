import { TabularOptionsError } from '../errors.js';
import { Categorify } from './categorify.js';
import { FillMissing } from './fill-missing.js';
import { Normalize } from './normalize.js';
import type { ProcJSON, TabularProc } from './proc.js';

/** A proc class (built with its default options) or an instance. */
export type ProcLike = TabularProc | (new () => TabularProc);

/** Rebuilds a proc saved with `toJSON()`. */
export function procFromJSON(j: ProcJSON): TabularProc {
  switch (j.type) {
    case 'Categorify':
      return Categorify.fromJSON(j);
    case 'FillMissing':
      return FillMissing.fromJSON(j);
    case 'Normalize':
      return Normalize.fromJSON(j);
    default:
      throw new TabularOptionsError(
        `unknown proc type ${JSON.stringify((j as { type?: unknown } | null)?.type)} (known: Categorify, FillMissing, Normalize)`,
      );
  }
}

/** Instances from classes or instances, sorted by `order` as fastai's `Pipeline` sorts them. */
export function resolveProcs(procs: readonly ProcLike[]): TabularProc[] {
  const list = procs.map((p) => (typeof p === 'function' ? new p() : p));
  return list
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.order - b.p.order || a.i - b.i)
    .map(({ p }) => p);
}
