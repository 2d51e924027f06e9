// Subword models in a page: training needs Node's native `tokenizers`; a trained model's tokenizer.json is read in
// plain JS by JsonSubwordTokenizer (tokenize/subword-json.ts), which gives the same tokens and ids.
import type { SubwordTokenizer as NodeSubwordTokenizer } from '../../tokenize/subword.js';
import { TextInputError } from '../../errors.js';

/** Training a subword model: Node only (native `tokenizers`). Use `JsonSubwordTokenizer.fromJSON` in a page. */
export const SubwordTokenizer = {
  train(): never {
    throw new TextInputError(
      'SubwordTokenizer.train needs Node (native tokenizers); in a page, load the trained tokenizer.json with JsonSubwordTokenizer.fromJSON',
    );
  },
} as unknown as typeof NodeSubwordTokenizer;
