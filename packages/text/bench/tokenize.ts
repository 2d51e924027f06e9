// Tokenization + numericalization throughput on all of jane_austen (10,298 paragraphs): fastai's default rules
// and WordTokenizer (Hugging Face `tokenizers` pre-tokenizer + spaCy-like splitting in TS), with the cache off
// (cold), then written to and read back from the on-disk cache; then makeVocab (minFreq 3, maxVocab 60000) and
// Numericalize.encode of every paragraph. Prints `RESULT {json}` and writes bench-results/tokenize.json.
// Run from packages/text: `npx tsx bench/tokenize.ts` (env REPEAT=3: timed repetitions, median reported).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { column, readTextTable } from '../src/data/read.js';
import { Numericalize } from '../src/data/numericalize.js';
import { tokenizeTexts } from '../src/tokenize/tokenize.js';
import { datasets } from '@tfai/datasets';

const REPEAT = Number(process.env.REPEAT ?? 3);
const OUT_DIR = fileURLToPath(new URL('../bench-results/', import.meta.url));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const r1 = (v: number) => Math.round(v * 10) / 10;

const table = await readTextTable(join(datasets.path('jane_austen'), 'austen.csv'));
const texts = column(table, 'text', 'austen.csv');
const chars = texts.reduce((n, t) => n + t.length, 0);

// Cold: no cache.
const cold: number[] = [];
let tokens: string[][] = [];
let counts = new Map<string, number>();
for (let i = 0; i < REPEAT; i++) {
  const t0 = performance.now();
  const r = await tokenizeTexts(texts, { cacheDir: false, progress: false });
  cold.push(performance.now() - t0);
  ({ tokens, counts } = r);
}
const nTokens = tokens.reduce((n, d) => n + d.length, 0);

// Through the cache: the first call writes it, the next ones read it.
const cacheDir = mkdtempSync(join(os.tmpdir(), 'tfai-tok-bench-'));
const t1 = performance.now();
await tokenizeTexts(texts, { cacheDir, progress: false });
const write = performance.now() - t1;
const cached: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  const t0 = performance.now();
  const r = await tokenizeTexts(texts, { cacheDir, progress: false });
  cached.push(performance.now() - t0);
  if (!r.fromCache) throw new Error('expected a cache hit');
}
rmSync(cacheDir, { recursive: true, force: true });

// Vocab and numericalization.
const num: number[] = [];
let vocabSize = 0;
for (let i = 0; i < REPEAT; i++) {
  const t0 = performance.now();
  const n = Numericalize.fromCounts(counts, { minFreq: 3, maxVocab: 60000 });
  let ids = 0;
  for (const d of tokens) ids += n.encode(d).length;
  num.push(performance.now() - t0);
  vocabSize = n.vocab.length;
  if (ids !== nTokens) throw new Error('numericalize lost tokens');
}

const result = {
  data: 'jane_austen/austen.csv (all paragraphs)',
  texts: texts.length,
  chars,
  tokens: nTokens,
  vocab: vocabSize,
  tokenize_cold_ms: r1(median(cold)),
  tokenize_cold_tokens_per_s: Math.round(nTokens / (median(cold) / 1000)),
  tokenize_and_cache_write_ms: r1(write),
  tokenize_cached_ms: r1(median(cached)),
  tokenize_cached_tokens_per_s: Math.round(nTokens / (median(cached) / 1000)),
  numericalize_ms: r1(median(num)),
  numericalize_tokens_per_s: Math.round(nTokens / (median(num) / 1000)),
  tokenize_plus_numericalize_tokens_per_s: Math.round(nTokens / ((median(cold) + median(num)) / 1000)),
  max_rss_bytes: process.resourceUsage().maxRSS * 1024,
  loadavg: os.loadavg().map(r1),
  cpus: os.cpus().length,
  date: new Date().toISOString(),
};
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'tokenize.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`RESULT ${JSON.stringify(result)}`);
