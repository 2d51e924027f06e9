// The Learner's option names at run time, so a factory that takes Learner options beside its own (visionLearner,
// unetLearner…) can refuse an unknown key instead of passing it on silently.
import { UnknownOptionError } from '../errors.js';
import type { LearnerOptions } from './learner-options.js';

/** The keys of {@link LearnerOptions} (checked complete at compile time). */
export const LEARNER_OPTION_KEYS = [
  'lossFunc',
  'metrics',
  'splitter',
  'opt',
  'lr',
  'wd',
  'trainBn',
  'moms',
  'cbs',
  'path',
  'modelDir',
  'logger',
  'progress',
  'builder',
] as const satisfies readonly (keyof LearnerOptions)[];

// A LearnerOptions key missing from the list above fails to compile here.
type MissingLearnerKeys = Exclude<keyof LearnerOptions, (typeof LEARNER_OPTION_KEYS)[number]>;
const complete: [MissingLearnerKeys] extends [never] ? true : MissingLearnerKeys = true;
void complete;

/**
 * The Learner options among `rest` (what a factory has left after taking its own options): every key must be one
 * of {@link LEARNER_OPTION_KEYS}, else an {@link UnknownOptionError} naming `fn` and the key (with `hint`).
 * @example
 * ```ts
 * const { nOut, head, ...rest } = opts;
 * const learnerOpts = learnerOptionsOf('visionLearner', rest, 'head options go in `head: {...}`');
 * ```
 */
export function learnerOptionsOf(fn: string, rest: Record<string, unknown>, hint?: string): LearnerOptions {
  const known: readonly string[] = LEARNER_OPTION_KEYS;
  for (const k of Object.keys(rest)) if (!known.includes(k)) throw new UnknownOptionError(fn, k, hint);
  return rest as LearnerOptions;
}
