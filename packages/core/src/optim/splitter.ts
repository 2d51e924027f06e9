// Splitting a model's parameters into groups (fastai's `splitter`, `params`, `trainable_params`).
import type { AnyModule, Parameter } from '../nn/module.js';

/** Splits a model's parameters into groups, earliest layers first (one learning rate and freeze state each). */
export type Splitter = (model: AnyModule) => Parameter[][];

/**
 * Every parameter of the given modules (fastai's `params`), in order, each once (a weight tied between two of
 * them counts once).
 * @example
 * ```ts
 * const splitter: Splitter = (m) => [params(body), params(head)];
 * ```
 */
export function params(...modules: AnyModule[]): Parameter[] {
  return [...new Set(modules.flatMap((m) => m.parameters()))];
}

/**
 * The parameters of `m` that currently require gradients (fastai's `trainable_params`).
 * @example
 * ```ts
 * trainableParams(new Linear(2, 3)).length; // 2
 * ```
 */
export function trainableParams(m: AnyModule): Parameter[] {
  return m.parameters().filter((p) => p.requiresGrad);
}

/**
 * fastai's default splitter (`trainable_params`): a single group with every trainable parameter.
 * @example
 * ```ts
 * const opt = new Adam(defaultSplitter(model), { lr: 1e-3 });
 * ```
 */
export const defaultSplitter: Splitter = (model) => [trainableParams(model)];
