import { describe, expect, it } from 'vitest';
import { parseCsvText } from './csv.js';
import { asTable, isTable, StringTable, TableColumnError, tableRecords } from './table.js';

describe('core Table', () => {
  it('parseCsvText returns a Table: columns by name, text and numbers (pandas NA strings are NaN)', () => {
    const t = parseCsvText('name,age\nann,31\nbob,NA\ncy,4.5\n', 'people.csv');
    expect(isTable(t)).toBe(true);
    expect(t.names).toEqual(['name', 'age']);
    expect(t.nRows).toBe(3);
    expect(t.source).toBe('people.csv');
    expect(t.strings('name')).toEqual(['ann', 'bob', 'cy']);
    expect(Array.from(t.numeric('age'))).toEqual([31, NaN, 4.5]);
    expect(tableRecords(t)[2]).toEqual({ name: 'cy', age: '4.5' });
  });

  it('errors name the source, the column and the row', () => {
    const t = new StringTable(['a'], [['1'], ['x']], 'f.csv');
    expect(() => t.numeric('a')).toThrow(TableColumnError);
    expect(() => t.numeric('a')).toThrow('f.csv: column "a": row 2: not a number: "x"');
    expect(() => t.strings('b')).toThrow('f.csv: column "b": no such column (columns: a)');
  });

  it('records become a table over the union of their keys; a table is returned as is', () => {
    const t = asTable([{ a: 1, b: null }, { c: false }]);
    expect(t.names).toEqual(['a', 'b', 'c']);
    expect(t.strings('a')).toEqual(['1', '']);
    expect(t.strings('c')).toEqual(['', 'False']);
    expect(asTable(t)).toBe(t);
    expect(isTable([{ a: 1 }])).toBe(false);
  });
});
