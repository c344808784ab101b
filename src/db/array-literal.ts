/**
 * Postgres array literals built in JS, for set-based writes: every column of a batch travels
 * as ONE text parameter (`{a,"b c",NULL}`), cast to a typed array in SQL and unnest-ed.
 *
 * Why not pass JS arrays as parameters? Prisma (serialize, JSON round trip, per-element
 * mapping) and pg (per-element escaping) then walk every element several times: for a page
 * of 100 conversations (~3,000 child rows) that cost more CPU than Postgres' own work.
 * Postgres also parses array literals about 3x faster than the same rows as JSON.
 */

export type Scalar = string | number | boolean | null;

/** Elements made only of these characters need no quotes in an array literal. */
const BARE_ELEMENT = /^[A-Za-z0-9_.:+@-]+$/;
const NEEDS_BACKSLASH = /["\\]/g;

/**
 * One array element: bare when plainly safe (uuids, numbers, words), else double-quoted with
 * `"` and `\` escaped, so empty strings, spaces, commas, braces and the word NULL round-trip.
 * null is the SQL NULL; booleans are t/f.
 */
export function arrayElement(value: Scalar): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') {
    if (BARE_ELEMENT.test(value) && !(value.length === 4 && value.toLowerCase() === 'null')) return value;
    return `"${value.replace(NEEDS_BACKSLASH, '\\$&')}"`;
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} to an array literal`);
  return String(value);
}

/** A one-dimensional array literal: `{a,b}`; `{}` when empty. */
export function arrayLiteral(values: readonly Scalar[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/**
 * Builds one array literal per column, row by row: the parameters of an `unnest(...)` insert.
 * Each column collects its elements in an array and is joined once at the end. Appending to a
 * string instead (`part += ','+element`) allocates two heap objects per element (the piece and
 * a cons-string node) that stay alive until the literal is sent: a batch's ~300,000 elements
 * were that many objects for the young generation's scavenges to copy (docs/performance.md).
 * A bare element is the value's own string, so a column mostly costs its array's slots.
 */
export class ColumnLiterals {
  private readonly columns: string[][];
  private rows = 0;

  constructor(readonly columnCount: number) {
    this.columns = Array.from({ length: columnCount }, () => []);
  }

  /** Appends one row; `values` must have exactly `columnCount` entries, in column order. */
  row(values: readonly Scalar[]): void {
    if (values.length !== this.columnCount) throw new RangeError(`expected ${this.columnCount} values, got ${values.length}`);
    const columns = this.columns;
    for (let i = 0; i < values.length; i++) columns[i]!.push(arrayElement(values[i]!));
    this.rows++;
  }

  get rowCount(): number {
    return this.rows;
  }

  /** One `{...}` literal per column. */
  literals(): string[] {
    return this.columns.map((elements) => `{${elements.join(',')}}`);
  }
}
