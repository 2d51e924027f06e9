import { describe, expect, it } from 'vitest';
import { Categorize } from './categorize.js';
import { Pipeline, Transform } from './transform.js';

describe('Transform and Pipeline', () => {
  it('a Pipeline encodes in order, decodes in reverse, and sets each transform up on what the earlier ones made', () => {
    const trim = new Transform<string, string>({ name: 'trim', encodes: (s) => s.trim().toLowerCase() });
    const cat = new Categorize();
    const p = new Pipeline<string, number>([trim, cat]);
    p.setup([' Dog', 'cat ', 'dog']);
    expect(cat.vocab).toEqual(['cat', 'dog']); // set up on trimmed, lower-cased labels
    expect(p.encode(' DOG ')).toBe(1);
    expect(p.decode(0)).toBe('cat');
    expect(p.trace(' Cat')).toEqual([' Cat', 'cat', 0]);
    expect(String(p)).toBe('Pipeline: trim -> Categorize -- {"vocab":null,"sort":true}');
  });

  it('Categorize keeps a given vocab (no setup) and names a label it does not have', () => {
    const c = new Categorize({ vocab: ['b', 'a'] });
    c.setup(['z']);
    expect(c.vocab).toEqual(['b', 'a']);
    expect(c.encodes('a')).toBe(1);
    expect(() => c.encodes('z')).toThrow(/label "z" is not in the vocab/);
  });
});
