import { describe, expect, it } from 'vitest';
import { main } from './01-model-meta-and-head.js';

describe('01 modelMeta and createHead', () => {
  it('prints the meta of every architecture and the nine layers of createHead(20, 2)', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l));
    expect(lines[0]).toMatch(/^Answers: What is model_meta\?/);
    expect(r.archs).toEqual(['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152']);
    for (const a of r.archs)
      expect(
        lines.some((l) => l.startsWith(`  ${a.padEnd(9)} cut -2  split resnetSplit  stats mean [0.485, 0.456, 0.406]`)),
      ).toBe(true);
    expect(r.headLayers).toEqual([
      'AdaptiveConcatPool2d',
      'Flatten',
      'BatchNorm1d',
      'Dropout',
      'Linear',
      'ReLU',
      'BatchNorm1d',
      'Dropout',
      'Linear',
    ]);
    // PyTorch's printout: 40 = 2·20 features from the concat pool, 512 hidden, 2 outputs.
    expect(lines.some((l) => l.startsWith('  (2): BatchNorm1d(40, '))).toBe(true);
    expect(lines).toContain('  (4): Linear(in_features=40, out_features=512, bias=False)');
    expect(lines).toContain('  (8): Linear(in_features=512, out_features=2, bias=False)');
    expect(lines.filter((l) => /^ {2}\(\d\) /.test(l))).toHaveLength(9);
  });
});
