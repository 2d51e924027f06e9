// ULMFiT: a small AWD-LSTM language model fine-tuned on review-like texts, its encoder saved and loaded into a
// classifier (vocab matched by word), trained with gradual unfreezing; exported and reloaded with loadLearner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, exportLearner, loadLearner, manualSeed, registerLearnerBuilder } from '@tfai/core';
import { AWDLSTM, languageModelLearner, type TextLearner, TextDataLoaders, textClassifierLearner, learnerBuilders } from '@tfai/text';
import { afterAll, describe, expect, it } from 'vitest';

// loadLearner finds a builder by package name (the pack-install test checks that on the built packages); here
// the sources' builders are registered so that nothing is read from dist/.
for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
const dir = mkdtempSync(join(tmpdir(), 'tfai-int-ulmfit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = { embSz: 16, nHid: 32, nLayers: 2 };
const quiet = { progress: false, logger: () => undefined, path: dir };
const POS = ['a great and tasty coffee', 'great taste, I love it', 'really great tea', 'tasty and great snack', 'I love this great food', 'lovely fresh bread'];
const NEG = ['awful and stale coffee', 'bad taste, I hate it', 'really bad tea', 'stale and awful snack', 'I hate this bad food', 'horrible old bread'];

describe('ULMFiT flow', () => {
  it('language model → saveEncoder → classifier with gradual unfreezing learns the sentiment; the export reloads', async () => {
    manualSeed(0);
    const texts = Array.from({ length: 48 }, (_, i) => (i % 2 ? POS : NEG)[i % 6]);
    const lmDls = await TextDataLoaders.fromTable({ fields: ['text'], rows: texts.map((text) => ({ text })) }, { isLm: true, bs: 4, seqLen: 8, minFreq: 1, seed: 0, cacheDir: false, progress: false });
    const lm = languageModelLearner(lmDls, AWDLSTM, { config: tiny, ...quiet });
    const lmStart = await lm.validate();
    await lm.fitOneCycle(2, 3e-2);
    const lmEnd = await lm.validate();
    expect(lmEnd.validLoss).toBeLessThan(lmStart.validLoss);
    await lm.saveEncoder('enc');

    // Validation texts are new sentences made of words seen in training.
    const rows = [
      ...[...POS, ...POS].map((text) => ({ text, label: 'pos', is_valid: 'false' })),
      ...[...NEG, ...NEG].map((text) => ({ text, label: 'neg', is_valid: 'false' })),
      ...['great tasty bread', 'I love this tea', 'tasty fresh coffee', 'really great snack'].map((text) => ({ text, label: 'pos', is_valid: 'true' })),
      ...['bad stale bread', 'I hate this tea', 'awful old coffee', 'really bad snack'].map((text) => ({ text, label: 'neg', is_valid: 'true' })),
    ];
    const dls = await TextDataLoaders.fromTable({ fields: ['text', 'label', 'is_valid'], rows }, { bs: 4, seqLen: 8, minFreq: 1, seed: 0, cacheDir: false, progress: false });
    const clas = textClassifierLearner(dls, AWDLSTM, { config: tiny, metrics: [accuracy()], ...quiet });
    await clas.loadEncoder('enc');
    await clas.fitOneCycle(2, 2e-2);
    clas.freezeTo(-2);
    await clas.fitOneCycle(2, 1e-2);
    clas.unfreeze();
    await clas.fitOneCycle(8, 1e-2);
    const { metrics } = await clas.validate();
    console.log(`ULMFiT flow: LM valid loss ${lmStart.validLoss.toFixed(3)} → ${lmEnd.validLoss.toFixed(3)}; classifier accuracy ${metrics.accuracy}`);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.75);

    const before = await clas.predict('great tasty coffee');
    const { json } = await exportLearner(clas, join(dir, 'clas'));
    const again = (await loadLearner(json)) as TextLearner;
    const after = await again.predict('great tasty coffee');
    expect(after.label).toBe(before.label);
    expect(after.probs[1]).toBeCloseTo(before.probs[1], 4);
    for (const l of [lm, clas, again]) l.dispose();
  });
});
