// Learning-rate arguments from JavaScript: a string is refused whole, naming the argument and the value as given.
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../test-utils/credit.js';
import { Learner } from './learner.js';
import type { LrSpec } from './learner-options.js';

let data: CreditData;
beforeAll(() => {
  data = loadCredit();
});

describe('fit / fitOneCycle learning-rate arguments', () => {
  it('fitOneCycle(1, \'3e-3\') is an InvalidArgumentError naming lrMax and "3e-3" (not its first character)', async () => {
    manualSeed(0);
    const learn = new Learner(creditDls(data, 64), new Linear(data.nFeatures, 2), { progress: false });
    const bad = '3e-3' as unknown as LrSpec;
    const err = await learn.fitOneCycle(1, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).argument).toBe('lrMax');
    expect((err as InvalidArgumentError).value).toBe('3e-3');
    expect((err as Error).message).toBe(
      'lrMax must be a finite positive learning rate, an array of them, or slice(...), got "3e-3"',
    );
    await expect(learn.fit(1, bad)).rejects.toThrow(/^lr must be .*, got "3e-3"$/);
    await expect(learn.fit(1, { lr: 1e-3 } as unknown as LrSpec)).rejects.toThrow(InvalidArgumentError);
    // Arrays of strings still name the bad element.
    await expect(learn.fit(1, ['1e-3'] as unknown as LrSpec)).rejects.toThrow(
      /lr must be a finite positive learning rate, got "1e-3"/,
    );
    learn.dispose();
  });
});
