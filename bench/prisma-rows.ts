/**
 * The extractor's rows as Prisma's create inputs: Prisma's scalar lists (`String[]`) take no
 * null, while the writer stores null for an array the record does not carry. Leaving the field
 * out stores the same null.
 */
import { CHILD_TABLES, CONVERSATIONS } from '../src/db/extract.ts';

type NoNullArrays<T> = { [K in keyof T]: Exclude<T[K], null> extends readonly unknown[] ? Exclude<T[K], null> | undefined : T[K] };

export function forPrisma<T extends object>(row: T): NoNullArrays<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!(value === null && ARRAY_FIELDS.has(key))) out[key] = value;
  return out as NoNullArrays<T>;
}

/** The row fields that are arrays (column kinds textArray and int8Array). */
const ARRAY_FIELDS = new Set(
  [CONVERSATIONS, ...CHILD_TABLES].flatMap((spec) => Object.entries(spec.columns).filter(([, c]) => c.kind.endsWith('Array')).map(([field]) => field)),
);
