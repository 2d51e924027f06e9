// torch/bench.py is the reference's torch/bench.py, copied so that `npm run bench` has PyTorch's side in a bare
// clone: the copy must stay byte for byte the measured original.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needsReference, referenceFile } from '@tfai/test-utils';

describe('the bench’s PyTorch twins', () => {
  it('torch/bench.py is the reference’s torch/bench.py, byte for byte', needsReference('torch/bench.py'), () => {
    const copy = readFileSync(new URL('../torch/bench.py', import.meta.url));
    expect(copy.equals(readFileSync(referenceFile('torch/bench.py')))).toBe(true);
  });
});
