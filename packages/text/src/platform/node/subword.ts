// Subword models in Node: Hugging Face's native `tokenizers` (training and tokenizing).
export { SubwordTokenizer } from '../../tokenize/subword.js';
