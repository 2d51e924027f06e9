// showBatch / showResults / plotTopLosses for texts (issue 30, part 5), on fortunes.csv read by core's readCsv:
// the tables hold the decoded tokens of the CSV's own texts and labels (fastai's columns: text/category,
// text/text_ for a language model, category_ for the prediction; input/target/predicted/probability/loss for the
// top losses), and the top losses are sorted and equal to the losses recomputed from each item's prediction.
import * as tf from '@tensorflow/tfjs-core';
import { Interpretation, manualSeed, tableRecords } from '@tfai/core';
import { readCsv } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { TextDataLoaders, truncateWords } from '../data/text-dataloaders.js';
import { AWDLSTM } from '../models/awd-lstm.js';
import { languageModelLearner, textClassifierLearner } from './text-learner.js';

const FORTUNES = `${datasets.path('fortunes')}/fortunes.csv`;
const tiny = { embSz: 16, nHid: 32, nLayers: 2 };
const quiet = { progress: false, logger: () => undefined };

/** 240 training and 80 validation rows of fortunes.csv (two classes, balanced), as records: a TableLike. */
async function fortunes() {
  const all = tableRecords(await readCsv(FORTUNES, { skipEmptyLines: 'greedy' }));
  const pick = (label: string, valid: string, n: number) =>
    all.filter((r) => r.is_valid === valid && r.label === label).slice(0, n);
  return [
    ...pick('computers', 'False', 120),
    ...pick('science', 'False', 120),
    ...pick('computers', 'True', 40),
    ...pick('science', 'True', 40),
  ];
}

/** What the texts decode to: their tokens, with the tokens outside the vocab as `xxunk`. */
async function expectedText(dls: TextDataLoaders, text: string): Promise<string> {
  const [tokens] = await dls.tokenize([text]);
  const vocab = new Set(dls.textVocab);
  return truncateWords(tokens.map((t) => (vocab.has(t) ? t : 'xxunk')).join(' '), 150);
}

describe('text show methods', () => {
  it('showBatch: the decoded tokens and the label of each text (fastai’s text, category)', async () => {
    const rows = await fortunes();
    const dls = await TextDataLoaders.fromDf(rows, { bs: 16, seed: 0, cacheDir: false, progress: false });
    const validRows = rows.filter((r) => r.is_valid === 'True');
    const lines: string[] = [];
    const shown = await dls.showBatch({ dl: dls.valid, maxN: 4, logger: (l) => lines.push(l) });
    expect(lines[0].trim().split(/\s+/)).toEqual(['text', 'category']);
    expect(shown).toHaveLength(4);
    const order = dls.valid.itemIndices(); // longest first
    for (let i = 0; i < 4; i++) {
      const src = validRows[order[i]];
      expect(shown[i].category).toBe(src.label);
      expect(shown[i].text).toBe(await expectedText(dls, src.text));
      expect(String(shown[i].text).startsWith('xxbos')).toBe(true);
      expect(String(shown[i].text)).not.toContain('xxpad');
      expect(String(shown[i].text).split(' ').length).toBeLessThanOrEqual(150);
    }
  });

  it('showBatch of a language model: the text and the text one token later (text, text_)', async () => {
    const rows = await fortunes();
    const dls = await TextDataLoaders.fromDf(rows, {
      isLm: true,
      bs: 8,
      seqLen: 20,
      seed: 0,
      cacheDir: false,
      progress: false,
    });
    const lines: string[] = [];
    const shown = await dls.showBatch({ dl: dls.valid, maxN: 3, logger: (l) => lines.push(l) });
    expect(lines[0].trim().split(/\s+/)).toEqual(['text', 'text_']);
    for (const r of shown) {
      const [a, b] = [String(r.text).split(' '), String(r.text_).split(' ')];
      expect(a).toHaveLength(20);
      expect(b.slice(0, -1)).toEqual(a.slice(1));
    }
    // The first valid row starts the validation stream: its first tokens are the first text's.
    const first = await expectedText(dls, rows.find((r) => r.is_valid === 'True')!.text);
    expect(first.startsWith(String(shown[0].text).split(' ').slice(0, 5).join(' '))).toBe(true);

    manualSeed(0);
    const lm = languageModelLearner(dls, AWDLSTM, { config: tiny, ...quiet });
    const res = await lm.showResults({ maxN: 2 });
    expect(Object.keys(res[0])).toEqual(['input', 'target', 'pred']);
    expect(res[0].input).toBe(shown[0].text);
    expect(res[0].target).toBe(shown[0].text_);
    expect(String(res[0].pred).split(' ')).toHaveLength(20);
    lm.dispose();
  });

  it('showResults puts the predicted label beside the label; plotTopLosses sorts and recomputes the losses', async () => {
    const rows = await fortunes();
    const dls = await TextDataLoaders.fromDf(rows, { bs: 16, seed: 0, cacheDir: false, progress: false });
    manualSeed(0);
    const learn = textClassifierLearner(dls, AWDLSTM, { config: tiny, ...quiet });
    await learn.fit(1, 1e-2);
    const validRows = rows.filter((r) => r.is_valid === 'True');
    const order = dls.valid.itemIndices();

    const lines: string[] = [];
    const res = await learn.showResults({ maxN: 5, logger: (l) => lines.push(l) });
    expect(lines[0].trim().split(/\s+/)).toEqual(['text', 'category', 'category_']);
    const { preds } = await learn.getPreds(dls.valid);
    const probs = (await preds.array()) as number[][];
    preds.dispose();
    res.forEach((r, i) => {
      expect(r.category).toBe(validRows[order[i]].label);
      const p = probs[i];
      expect(r.category_).toBe(dls.vocab![p.indexOf(Math.max(...p))]);
    });

    const before = tf.memory().numTensors;
    const interp = await Interpretation.fromLearner(learn);
    expect(tf.memory().numTensors).toBe(before);
    expect(interp.losses).toHaveLength(validRows.length);
    // Dataset order: item i's loss is cross-entropy of its own prediction, -log p[target].
    interp.losses.forEach((l, i) => {
      expect(interp.targs[i][0]).toBe(dls.vocab!.indexOf(validRows[i].label));
      expect(l).toBeCloseTo(-Math.log(interp.preds[i][interp.targs[i][0]]), 4);
    });
    const out: string[] = [];
    const top = await interp.plotTopLosses(5, { logger: (l) => out.push(l) });
    expect(out[0].trim().split(/\s+/)).toEqual(['input', 'target', 'predicted', 'probability', 'loss']);
    const { losses, idx } = interp.topLosses(5);
    for (let j = 1; j < losses.length; j++) expect(losses[j]).toBeLessThanOrEqual(losses[j - 1]);
    expect(losses[0]).toBe(Math.max(...interp.losses));
    for (let j = 0; j < top.length; j++) {
      const src = validRows[idx[j]];
      expect(top[j].input).toBe(await expectedText(dls, src.text));
      expect(top[j].target).toBe(src.label);
      expect(top[j].loss).toBeCloseTo(losses[j], 4);
      const p = interp.preds[idx[j]];
      expect(top[j].predicted).toBe(dls.vocab![p.indexOf(Math.max(...p))]);
      expect(top[j].probability).toBeCloseTo(Math.max(...p), 4);
    }
    learn.dispose();
  }, 60_000);
});
