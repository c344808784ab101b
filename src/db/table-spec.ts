/**
 * One description per written table: each column's row field, SQL name and type, from which
 * follow the row type (RowOf), the SQL column list, the typed `unnest(...)` parameters and the
 * array literals of a batch of rows. Adding a table to the write path is one `defineTable`
 * call plus the extraction that fills its rows; nothing is matched by position any more.
 *
 * Values travel as array literals (array-literal.ts): one text parameter per column, cast to
 * a typed array in SQL. Timestamps travel as epoch milliseconds (cheaper to format and parse
 * than ISO text) and JSON as its text, parsed by Postgres.
 */
import { arrayElement, arrayLiteral } from './array-literal.ts';

/** How a column travels and what JS value fills it. */
interface ColumnKinds {
  text: string;
  int4: number;
  /** JS numbers: Genesys' metric values fit in 2^53. */
  int8: number;
  /** Any finite JS number (scores, voice quality). */
  float8: number;
  bool: boolean;
  /** A Date, sent as epoch ms. */
  timestamptz: Date;
  /** JSON text, parsed by Postgres into jsonb. */
  jsonb: string;
  textArray: string[];
  /** Safe integers, stored as bigint[]. */
  int8Array: number[];
}
type Kind = keyof ColumnKinds;

export interface Column<K extends Kind = Kind, N extends boolean = boolean> {
  readonly name: string;
  readonly kind: K;
  readonly nullable: N;
}

type ColumnValue<C> = C extends Column<infer K, infer N> ? ColumnKinds[K] | (N extends true ? null : never) : never;

/** Column builders: `col.text('queue_id')`, `col.text('queue_id').orNull`. */
function column<K extends Kind>(kind: K) {
  return (name: string): Column<K, false> & { readonly orNull: Column<K, true> } => ({
    name, kind, nullable: false, orNull: { name, kind, nullable: true },
  });
}
export const col = {
  text: column('text'),
  int4: column('int4'),
  int8: column('int8'),
  float8: column('float8'),
  bool: column('bool'),
  timestamptz: column('timestamptz'),
  jsonb: column('jsonb'),
  textArray: column('textArray'),
  int8Array: column('int8Array'),
};

export type Columns = Readonly<Record<string, Column>>;
/** The row a table description takes: one field per column, of the column's JS type. */
export type RowOf<T extends { readonly columns: Columns }> = { [F in keyof T['columns']]: ColumnValue<T['columns'][F]> };

/** The array type a column travels as (its `$n::type[]` cast). */
const PARAM_TYPE: Readonly<Record<Kind, string>> = {
  text: 'text', int4: 'int4', int8: 'int8', float8: 'float8', bool: 'bool', timestamptz: 'int8', jsonb: 'text', textArray: 'text',
  int8Array: 'text',
};

/** The SQL expression turning an unnest-ed value `v` into the column's type. */
function storedAs(kind: Kind, v: string): string {
  if (kind === 'timestamptz') return `to_timestamp(${v}::float8 / 1000)`;
  if (kind === 'jsonb') return `${v}::jsonb`;
  if (kind === 'textArray') return `${v}::text[]`;
  if (kind === 'int8Array') return `${v}::int8[]`;
  return v;
}

/** Each kind's array element, chosen once per column rather than tested per value. */
const ELEMENT_OF: Readonly<Record<Kind, (value: unknown) => string>> = {
  text: arrayElement as (value: unknown) => string,
  int4: arrayElement as (value: unknown) => string,
  int8: arrayElement as (value: unknown) => string,
  float8: arrayElement as (value: unknown) => string,
  bool: arrayElement as (value: unknown) => string,
  jsonb: arrayElement as (value: unknown) => string,
  timestamptz: (value) => (value === null ? 'NULL' : arrayElement((value as Date).getTime())),
  textArray: (value) => (value === null ? 'NULL' : arrayElement(arrayLiteral(value as string[]))),
  int8Array: (value) => (value === null ? 'NULL' : arrayElement(arrayLiteral(value as number[]))),
};

export interface TableSpec<C extends Columns> {
  readonly table: string;
  readonly columns: C;
  /** SQL column names, in description order. */
  readonly names: readonly string[];
  /** `$first::text[], $first+1::int4[], ...`: the parameters of `unnest(...)`, one per column. */
  unnestParams(first: number): string;
  /** The select list turning the unnest-ed columns (named as the table's columns, under `alias`) into stored values. */
  selectList(alias: string): string;
  /** `INSERT INTO table (...) SELECT ... FROM unnest(...)`, its parameters numbered from `first`. */
  insertSql(first: number): string;
  /** One array literal per column for `rows`: the parameters of `unnestParams`. */
  literals(rows: readonly RowOf<{ columns: C }>[]): string[];
}

export function defineTable<const C extends Columns>(table: string, columns: C): TableSpec<C> {
  const entries = Object.entries(columns) as [string, Column][];
  const names = entries.map(([, c]) => c.name);
  const unnestParams = (first: number) => entries.map(([, c], i) => `$${first + i}::${PARAM_TYPE[c.kind]}[]`).join(', ');
  const selectList = (alias: string) => entries.map(([, c]) => storedAs(c.kind, `${alias}.${c.name}`)).join(', ');
  return {
    table,
    columns,
    names,
    unnestParams,
    selectList,
    insertSql: (first) =>
      `INSERT INTO ${table} (${names.join(', ')})
       SELECT ${selectList('x')} FROM unnest(${unnestParams(first)}) AS x(${names.join(', ')})`,
    literals: compileLiterals(entries),
  };
}

type LiteralsOf = (rows: readonly unknown[]) => string[];

/**
 * The table's `literals`: one pass over the rows reading every field by its static name,
 * compiled once per table from the description (field names are checked identifiers of our own
 * descriptions, never data). Reading `rows[i][field]` with the field as a variable, column by
 * column, was a megamorphic keyed load per value: for the ~100 columns of `sessions` it cost
 * more CPU than all of Postgres' work on the batch. Each column's elements are collected in an
 * array and joined once (see ColumnLiterals in array-literal.ts: appending to a string costs two
 * young-generation objects per element).
 */
function compileLiterals(entries: readonly [string, Column][]): LiteralsOf {
  for (const [field] of entries) if (!/^[A-Za-z_$][\w$]*$/.test(field)) throw new Error(`not an identifier: ${field}`);
  const n = entries.length;
  const columns = [...Array(n).keys()];
  const body = `
    return (rows) => {
      const n = rows.length;
      ${columns.map((i) => `const c${i} = new Array(n);`).join(' ')}
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        ${entries.map(([field], i) => `c${i}[i] = e${i}(r.${field});`).join('\n        ')}
      }
      return [${columns.map((i) => `'{' + c${i}.join(',') + '}'`).join(', ')}];
    };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code built from the table description only (see above)
  const factory = new Function(...columns.map((i) => `e${i}`), body) as (...elements: ((value: unknown) => string)[]) => LiteralsOf;
  return factory(...entries.map(([, c]) => ELEMENT_OF[c.kind]));
}
