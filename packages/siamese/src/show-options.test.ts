import { describe, expect, it } from 'vitest';
import { showOptions } from './show-options.js';

describe('showResults/showBatch options', () => {
  it('{ file, maxN } as vision’s; the deprecated (file, { n }) form maps to it', () => {
    expect(showOptions({}, {}, 'show_results.png')).toEqual({ file: 'show_results.png', maxN: 9 });
    expect(showOptions({ file: 'a.png', maxN: 4 }, {}, 'show_results.png')).toEqual({ file: 'a.png', maxN: 4 });
    expect(showOptions('b.png', { n: 6 }, 'show_results.png')).toEqual({ file: 'b.png', maxN: 6 });
    expect(showOptions('b.png', {}, 'show_batch.png')).toEqual({ file: 'b.png', maxN: 9 });
  });
});
