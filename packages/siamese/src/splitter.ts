// The book's `siamese_splitter`: two parameter groups, the encoder then the head.
import { params } from '@tfai/core';
import type { AnyModule, Parameter } from '@tfai/core/nn';
import { SiameseInputError } from './errors.js';

/**
 * fastai's `siamese_splitter(model) = [params(model.encoder), params(model.head)]`: `freeze()` then trains the
 * head (and the encoder's BatchNorm layers), and `slice(lo, hi)` gives the encoder `lo` and the head `hi`.
 * @example
 * ```ts
 * const learn = new Learner(dls, model, { splitter: siameseSplitter });
 * learn.freeze();
 * ```
 */
export function siameseSplitter(model: AnyModule): Parameter[][] {
  const kids = new Map(model.namedChildren());
  const encoder = kids.get('encoder');
  const head = kids.get('head');
  if (!encoder || !head)
    throw new SiameseInputError(
      `siameseSplitter needs a model with 'encoder' and 'head' children, ${model.typeName} has [${[...kids.keys()].join(', ')}]`,
    );
  return [params(encoder), params(head)];
}
