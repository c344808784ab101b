/**
 * The child tables have no foreign key to conversations (src/db/conversation-children.ts):
 * whatever deletes a conversation must delete its children itself. This finds the rows it
 * left behind: per child table, the rows whose conversation is gone (nonzero counts only).
 */
import { CONVERSATION_TABLES } from '../../src/db/conversation-children.ts';

interface Queryable {
  $queryRawUnsafe<T = unknown>(sql: string, ...params: unknown[]): Promise<T>;
}

export async function orphanChildRows(db: Queryable): Promise<Record<string, number>> {
  const children = CONVERSATION_TABLES.filter((t) => t !== 'conversations');
  const [counts] = await db.$queryRawUnsafe<[Record<string, number>]>(
    `SELECT ${children
      .map((t) => `(SELECT count(*)::int FROM ${t} x WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.conversation_id = x.conversation_id)) AS ${t}`)
      .join(', ')}`,
  );
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}
