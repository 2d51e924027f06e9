// The Learner's option names at run time, so a factory that takes Learner options beside its own (visionLearner,
// unetLearner…) can refuse an unknown key instead of passing it on silently.
import { InvalidArgumentError, UnknownOptionError } from '../errors.js';
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

/** `K` when it lists every key of `T`, else a type naming the missing keys (a compile error at the call). */
type AllKeys<T, K extends readonly PropertyKey[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? K
  : { missingKeys: Exclude<keyof T, K[number]> };

/**
 * The run-time list of an options type's keys, checked complete at compile time (a key of `T` left out fails to
 * compile), for {@link checkOptionKeys}.
 * @example
 * ```ts
 * const HEAD_KEYS = optionKeys<CreateHeadOptions>()(['linFtrs', 'ps', 'pool', 'concatPool', 'firstBn', 'bnFinal', 'linFirst', 'yRange']);
 * ```
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & AllKeys<T, K>): readonly string[] => keys;
}

/**
 * Checks a nested options object from JavaScript (`head: {...}`, `unet: {...}`, `config: {...}`): a key not in
 * `known` is an {@link UnknownOptionError} naming the function, the key's path (`head.linFtr`) and the known keys;
 * a value that is not an object an `InvalidArgumentError`. `undefined` passes.
 * @example
 * ```ts
 * checkOptionKeys('visionLearner', 'head', opts.head, HEAD_KEYS); // head: { linFtr: [10] } throws
 * ```
 */
export function checkOptionKeys(fn: string, key: string, value: unknown, known: readonly string[]): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidArgumentError(`${fn}: ${key}`, value, `an object of options (${known.join(', ')})`);
  for (const k of Object.keys(value))
    if (!known.includes(k)) throw new UnknownOptionError(fn, `${key}.${k}`, `known: ${known.join(', ')}`);
}
