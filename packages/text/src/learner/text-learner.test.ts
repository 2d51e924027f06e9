import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, manualSeed } from '@tfai/core';
import { exportLearner, loadLearner, registerLearnerBuilder } from '@tfai/core/io';
import { afterAll, describe, expect, it } from 'vitest';
import { TextDataLoaders } from '../data/text-dataloaders.js';
import { TextInputError } from '../errors.js';
import { AWDLSTM } from '../models/awd-lstm.js';
import { learnerBuilders } from './builders.js';
import { encoderOf } from './encoder.js';
import { LMLearner, TextLearner, languageModelLearner, textClassifierLearner } from './text-learner.js';

const dir = mkdtempSync(join(tmpdir(), 'tfai-textlearn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = { embSz: 16, nHid: 32, nLayers: 2 };
const quiet = { progress: false, logger: () => undefined, path: dir };

const POS = [
  'a great and tasty coffee',
  'great taste, I love it',
  'really great tea',
  'tasty and great snack',
  'I love this great food',
];
const NEG = [
  'awful and stale coffee',
  'bad taste, I hate it',
  'really bad tea',
  'stale and awful snack',
  'I hate this bad food',
];

/** imdb-style folder: train/<label>/*.txt and valid/<label>/*.txt. */
function writeFolder(root: string): void {
  for (const [split, n] of [
    ['train', 4],
    ['valid', 1],
  ] as const)
    for (const [label, texts] of [
      ['neg', NEG],
      ['pos', POS],
    ] as const) {
      mkdirSync(join(root, split, label), { recursive: true });
      const part = split === 'train' ? texts.slice(0, n) : texts.slice(4);
      part.forEach((t, i) => writeFileSync(join(root, split, label, `${i}.txt`), t));
    }
}

/** The folder's data loaders: 4 texts a batch of 8 tokens, every word in the vocab, nothing cached. */
function folderDls(root: string, opts: { isLm?: boolean; bs?: number } = {}): Promise<TextDataLoaders> {
  return TextDataLoaders.fromFolder(root, { bs: 4, seqLen: 8, minFreq: 1, cacheDir: false, progress: false, ...opts });
}

describe('TextDataLoaders.fromFolder', () => {
  it('reads train/<label>/*.txt and valid/<label>/*.txt', async () => {
    const root = join(dir, 'folder');
    writeFolder(root);
    const dls = await folderDls(root);
    expect(dls.vocab).toEqual(['neg', 'pos']);
    expect(dls.train.n).toBe(8);
    expect(dls.valid.n).toBe(2);
    const [x] = await dls.encodeItems(['Great tea']);
    expect(x.shape).toEqual([1, 4]); // xxbos xxmaj great tea
    x.dispose();
  });

  it('a missing folder or label column is a clear error', async () => {
    await expect(TextDataLoaders.fromFolder(join(dir, 'nowhere'))).rejects.toThrow(
      /nowhere.*train.*cannot read the training folder/,
    );
    const table = { fields: ['text', 'is_valid'], rows: [{ text: 'a', is_valid: 'false' }] };
    const err = await TextDataLoaders.fromTable(table, { labelCol: 'sentiment' }, 'reviews.csv').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TextInputError);
    expect((err as Error).message).toBe('reviews.csv: no column "sentiment" (columns: text, is_valid)');
  });
});

describe('text learners (tiny AWD-LSTM)', () => {
  it('language model: callbacks, fastai defaults, generation, saveEncoder → classifier loadEncoder with a remapped vocab, gradual unfreezing', async () => {
    manualSeed(0);
    const texts = Array.from({ length: 40 }, (_, i) => (i % 2 ? POS : NEG)[i % 5]);
    const lmDls = await TextDataLoaders.fromTable(
      { fields: ['text'], rows: texts.map((text) => ({ text })) },
      { isLm: true, bs: 4, seqLen: 8, minFreq: 1, seed: 0, cacheDir: false, progress: false },
    );
    const lm = languageModelLearner(lmDls, AWDLSTM, { config: tiny, ...quiet });
    expect(lm).toBeInstanceOf(LMLearner);
    expect(lm.callbacks.map((c) => c.name)).toEqual(expect.arrayContaining(['ModelResetter', 'RNNRegularizer']));
    expect(lm.metrics.map((m) => m.name)).toEqual(['accuracy', 'perplexity']);
    expect(lm.moms).toEqual([0.8, 0.7, 0.8]);
    expect(lm.createOpt().paramGroups.length).toBe(3); // 2 LSTMs + embedding/decoder
    await lm.fitOneCycle(2, 3e-2);
    const [e1, e2] = lm.recorder.values;
    expect(e2[1]).toBeLessThan(e1[1]); // valid loss
    expect(lm.recorder.lastMetrics.perplexity).toBeCloseTo(Math.exp(e2[1]), 3);

    const a = await lm.predict('I love', { nWords: 4, temperature: 0.5, seed: 3 });
    const b = await lm.predict('I love', { nWords: 4, temperature: 0.5, seed: 3 });
    expect(a.tokens).toHaveLength(4);
    expect(a.text).toBe(b.text);
    expect(a.text).toMatch(/^i love /); // fastai's replace_maj leaves a one-letter word lower-cased, without xxmaj
    expect(a.tokens).not.toContain('xxunk');
    expect(a.probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 4);

    await lm.saveEncoder('enc');
    // A classifier with a different vocab (only the training rows' words): rows are matched by word.
    const clasDls = await TextDataLoaders.fromTable(
      {
        fields: ['text', 'label', 'is_valid'],
        rows: [
          ...POS.map((text, i) => ({ text, label: 'pos', is_valid: String(i === 4) })),
          ...NEG.map((text, i) => ({ text, label: 'neg', is_valid: String(i === 4) })),
          { text: 'zebra', label: 'neg', is_valid: 'false' },
        ],
      },
      { bs: 4, seqLen: 8, minFreq: 1, seed: 0, cacheDir: false, progress: false },
    );
    expect(clasDls.textVocab).not.toEqual(lmDls.textVocab);
    const clas = textClassifierLearner(clasDls, AWDLSTM, { config: tiny, metrics: [accuracy()], ...quiet });
    expect(clas.createOpt().paramGroups.length).toBe(4); // embedding, 2 LSTMs, head
    await clas.loadEncoder('enc');
    const lmEmb = encoderOf(lm.model).encoder.weight.variable;
    const clasEmb = encoderOf(clas.model).encoder.weight.variable;
    const row = (t: tf.Tensor, i: number) => Array.from(tf.tidy(() => t.slice([i, 0], [1, -1]).dataSync()));
    const great = (v: readonly string[]) => v.indexOf('great');
    expect(row(clasEmb, great(clasDls.textVocab))).toEqual(row(lmEmb, great(lmDls.textVocab)));
    const mean = tf.tidy(() => Array.from(tf.mean(lmEmb, 0).dataSync()));
    row(clasEmb, clasDls.textVocab.indexOf('zebra')).forEach((v, i) => expect(v).toBeCloseTo(mean[i], 6));
    // loadEncoder freezes all but the head; then fastai's gradual unfreezing.
    const trainable = () =>
      clas.opt!.paramGroups.map((g) => g.params.every((p) => p.variable.trainable || p.kind === 'norm'));
    expect(trainable()).toEqual([false, false, false, true]);
    clas.freezeTo(-2);
    expect(trainable()).toEqual([false, false, true, true]);
    clas.freezeTo(-3);
    expect(trainable()).toEqual([false, true, true, true]);
    clas.unfreeze();
    expect(trainable()).toEqual([true, true, true, true]);
    await clas.fitOneCycle(1, 1e-2);
    const p = await clas.predict('great tasty tea');
    expect(['neg', 'pos']).toContain(p.label);
    expect(p.probs).toHaveLength(2);

    // A mismatched encoder (other sizes) is a clear error.
    const other = textClassifierLearner(clasDls, AWDLSTM, { config: { embSz: 8, nHid: 32, nLayers: 2 }, ...quiet });
    await expect(other.loadEncoder('enc')).rejects.toThrow(/enc\.safetensors: does not fit this encoder/);
    for (const l of [lm, clas, other]) l.dispose();
  }, 60000);

  it('export → loadLearner → predict(text) gives the same result, for both learners', async () => {
    for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
    manualSeed(1);
    const root = join(dir, 'folder2');
    writeFolder(root);
    const dls = await folderDls(root);
    const clas = textClassifierLearner(dls, AWDLSTM, { config: tiny, metrics: [accuracy()], ...quiet });
    await clas.fitOneCycle(1, 1e-2);
    const { json } = await exportLearner(clas, join(dir, 'clas'));
    const again = await loadLearner(json, TextLearner);
    expect(again).toBeInstanceOf(TextLearner);
    const [p1, p2] = [await clas.predict('I love this tea'), await again.predict('I love this tea')];
    expect(p2.label).toBe(p1.label);
    p2.probs.forEach((v, i) => expect(v).toBeCloseTo(p1.probs[i], 5));

    const lmDls = await folderDls(root, { isLm: true, bs: 2 });
    const lm = languageModelLearner(lmDls, AWDLSTM, { config: tiny, ...quiet });
    const lmExport = await exportLearner(lm, join(dir, 'lm'));
    const lm2 = await loadLearner(lmExport.json, LMLearner);
    expect(lm2).toBeInstanceOf(LMLearner);
    const opts = { nWords: 5, seed: 7 };
    expect((await lm2.predict('really', opts)).text).toBe((await lm.predict('really', opts)).text);
    for (const l of [clas, again, lm, lm2]) l.dispose();
  }, 60000);
  it('ModelResetter clears the hidden state around validate() and getPreds(), with no override in TextLearner', async () => {
    expect(Object.prototype.hasOwnProperty.call(TextLearner.prototype, 'validate')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(TextLearner.prototype, 'getPreds')).toBe(false);
    manualSeed(2);
    const root = join(dir, 'folder3');
    writeFolder(root);
    const dls = await folderDls(root);
    const lm = textClassifierLearner(dls, AWDLSTM, { config: tiny, metrics: [accuracy()], ...quiet });
    const events: string[] = [];
    const reset = lm.model.reset.bind(lm.model);
    lm.model.reset = () => {
      events.push(lm.predicting ? 'reset(predict)' : 'reset');
      reset();
    };
    const first = await lm.validate();
    const second = await lm.validate();
    // Reset before and after each pass: the second validation starts from the same (cleared) state as the first.
    expect(events).toEqual(['reset', 'reset', 'reset', 'reset']);
    expect(second.validLoss).toBeCloseTo(first.validLoss, 6);
    events.length = 0;
    const { preds, targets } = await lm.getPreds();
    expect(preds.shape).toEqual([2, 2]);
    tf.dispose([preds, targets]);
    expect(events).toEqual(['reset(predict)', 'reset(predict)']);
    lm.dispose();
  });
});

describe('failing text learner factories keep nothing they built', () => {
  it('languageModelLearner and textClassifierLearner with a callback that is not one: numTensors flat over 20 calls each', async () => {
    const root = join(dir, 'factory-failure');
    writeFolder(root);
    const clas = await folderDls(root);
    const lm = await folderDls(root, { isLm: true });
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = tf.memory().numTensors;
      counts.push(before);
      expect(() => textClassifierLearner(clas, AWDLSTM, { config: tiny, ...quiet, cbs: [null as never] })).toThrow(
        TypeError,
      );
      expect(tf.memory().numTensors, 'textClassifierLearner').toBe(before);
      expect(() => languageModelLearner(lm, AWDLSTM, { config: tiny, ...quiet, cbs: [null as never] })).toThrow(
        TypeError,
      );
      expect(tf.memory().numTensors, 'languageModelLearner').toBe(before);
    }
  });
});
