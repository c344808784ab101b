import { describe, expect, it } from 'vitest';
import { arrayElement, arrayLiteral, ColumnLiterals } from '../../../src/db/array-literal.ts';

describe('array literals', () => {
  it('leave plainly safe elements bare and quote everything else', () => {
    expect(arrayElement('5e551011-0004-4000-8000-00000000c004')).toBe('5e551011-0004-4000-8000-00000000c004');
    expect(arrayElement('tel:+14155550123')).toBe('tel:+14155550123');
    expect(arrayElement('')).toBe('""');
    expect(arrayElement('NULL')).toBe('"NULL"');
    expect(arrayElement('null')).toBe('"null"');
    expect(arrayElement('a b')).toBe('"a b"');
    expect(arrayElement('{x,y}')).toBe('"{x,y}"');
    expect(arrayElement('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('write null, booleans and integers as Postgres reads them', () => {
    expect(arrayElement(null)).toBe('NULL');
    expect(arrayElement(true)).toBe('t');
    expect(arrayElement(false)).toBe('f');
    expect(arrayElement(1767600000123)).toBe('1767600000123');
    expect(() => arrayElement(Number.NaN)).toThrow(RangeError);
  });

  it('build one literal per column, row by row', () => {
    const cols = new ColumnLiterals(3);
    cols.row(['a', 1, null]);
    cols.row(['b c', 2, true]);
    expect(cols.rowCount).toBe(2);
    expect(cols.literals()).toEqual(['{a,"b c"}', '{1,2}', '{NULL,t}']);
    expect(new ColumnLiterals(2).literals()).toEqual(['{}', '{}']);
    expect(() => cols.row(['too few'])).toThrow(RangeError);
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['x', 'y z'])).toBe('{x,"y z"}');
  });
});
