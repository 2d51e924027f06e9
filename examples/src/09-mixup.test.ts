import { describe, expect, it } from 'vitest';
import { main } from './09-mixup.js';

describe('09 MixUp against no MixUp', () => {
  it('prints both runs’ losses and accuracies', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l), true);
    expect(lines[0]).toMatch(/^Answers: Train with MixUp and without/);
    expect(
      lines.filter((l) =>
        /^ {2}(no MixUp|MixUp\(0\.4\)) +train loss \d\.\d{3} {2}valid loss \d+\.\d{3} {2}accuracy \d+\.\d%$/.test(l),
      ),
    ).toHaveLength(2);
    for (const k of ['none', 'mixup'] as const) {
      expect(r[k].accuracy).toBeGreaterThan(0.2);
      expect(Number.isFinite(r[k].trainLoss)).toBe(true);
    }
    // Blended targets cannot be fitted as well: MixUp's training loss is the higher one.
    expect(r.mixup.trainLoss).toBeGreaterThan(r.none.trainLoss);
  });
});
