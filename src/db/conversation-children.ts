/**
 * The child tables of a conversation (CHILD_TABLES: participants, sessions, segments, ...)
 * carry conversation_id without a foreign key (migration 20261206222426): a per-row
 * foreign-key check was the largest single cost of a first load. Deleting a conversation
 * therefore does not cascade; whatever deletes conversations deletes their children in the
 * same statement, with these CTEs (docs/schema.md, "Integrity").
 */
import { CHILD_TABLES } from './extract.ts';

/**
 * Data-modifying CTEs (`children0 AS (DELETE FROM participants WHERE <where>), ...`), one per
 * child table, deleting the children `where` selects by conversation_id (`conversation_id =
 * ANY($1::text[])`, `conversation_id IN (SELECT conversation_id FROM gone)`). Tables listed in
 * `except` are left to the caller.
 */
export function deleteChildrenCtes(where: string, options: { except?: readonly string[] } = {}): string[] {
  return CHILD_TABLES.filter((t) => !options.except?.includes(t.table)).map(
    (t, i) => `children${i} AS (DELETE FROM ${t.table} WHERE ${where})`,
  );
}

/**
 * The conversations table and every child table, for `TRUNCATE`: `TRUNCATE conversations
 * CASCADE` no longer reaches the children.
 */
export const CONVERSATION_TABLES: readonly string[] = ['conversations', ...CHILD_TABLES.map((t) => t.table)];
