import { describe, expect, it } from 'vitest';
import { main } from './04-transpose-conv.js';

describe('04 transposed conv on an image', () => {
  it('prints the input and the output shapes, (in − 1)·stride − 2·padding + ks', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l));
    expect(lines[0]).toMatch(/^Answers: Create a conv layer with transpose: true/);
    const [, h, w] = r.input as [number, number, number, number];
    expect(lines).toContain(`image: ${h}×${w} RGB → tensor [1, ${h}, ${w}, 3] (NHWC)`);
    const size = (n: number, ks: number, s: number, p: number) => (n - 1) * s - 2 * p + ks;
    expect(r.outputs.map((o) => o.shape)).toEqual([
      [1, size(h, 3, 1, 0), size(w, 3, 1, 0), 8],
      [1, size(h, 2, 2, 0), size(w, 2, 2, 0), 8],
      [1, size(h, 4, 2, 1), size(w, 4, 2, 1), 8],
    ]);
    expect(lines.filter((l) => l.includes('ConvTranspose2d → BatchNorm2d → ReLU → [1, '))).toHaveLength(3);
  });
});
