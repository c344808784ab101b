/**
 * Shared checks of the fault-injection suite (test/integration/faults/*.test.ts): what a
 * database must look like after any fault, whatever happened during the run.
 */
import pg from 'pg';
import type { DatabaseHandle } from '../../../src/db/client.ts';

export const msg = (text: string) => (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith(text);

export async function storedIds(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.prisma.$queryRawUnsafe<Array<{ id: string }>>('SELECT conversation_id AS id FROM conversations ORDER BY 1');
  return rows.map((r) => r.id);
}

/**
 * Conversations whose child rows do not match their own `raw` record one for one: a page
 * written half-way, children left behind or duplicated. Empty when the tables are consistent.
 */
export async function inconsistentConversations(handle: DatabaseHandle): Promise<Array<Record<string, unknown>>> {
  return handle.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(`
    WITH expected AS (
      SELECT c.conversation_id,
             (SELECT count(*) FROM jsonb_array_elements(c.raw->'participants')) AS participants,
             (SELECT count(*) FROM jsonb_array_elements(c.raw->'participants') p,
                                   jsonb_array_elements(coalesce(p->'sessions', '[]')) s) AS sessions,
             (SELECT count(*) FROM jsonb_array_elements(c.raw->'participants') p,
                                   jsonb_array_elements(coalesce(p->'sessions', '[]')) s,
                                   jsonb_array_elements(coalesce(s->'segments', '[]')) g) AS segments,
             (SELECT count(*) FROM jsonb_array_elements(c.raw->'participants') p,
                                   jsonb_array_elements(coalesce(p->'sessions', '[]')) s,
                                   jsonb_array_elements(coalesce(s->'metrics', '[]')) m) AS metrics
        FROM conversations c
    ), actual AS (
      SELECT c.conversation_id,
             (SELECT count(*) FROM participants x WHERE x.conversation_id = c.conversation_id) AS participants,
             (SELECT count(*) FROM sessions x WHERE x.conversation_id = c.conversation_id) AS sessions,
             (SELECT count(*) FROM segments x WHERE x.conversation_id = c.conversation_id) AS segments,
             (SELECT count(*) FROM session_metrics x WHERE x.conversation_id = c.conversation_id) AS metrics
        FROM conversations c
    )
    SELECT e.conversation_id, e.participants::int AS ep, a.participants::int AS ap, e.sessions::int AS es, a.sessions::int AS "as",
           e.segments::int AS eg, a.segments::int AS ag, e.metrics::int AS em, a.metrics::int AS am
      FROM expected e JOIN actual a USING (conversation_id)
     WHERE (e.participants, e.sessions, e.segments, e.metrics) IS DISTINCT FROM (a.participants, a.sessions, a.segments, a.metrics)
     ORDER BY 1`);
}

/**
 * The done conversation windows of every run with `planKey`: after a complete backfill they tile
 * the interval exactly once (no window fetched twice to completion, none missing), and their
 * written counts add up to the conversations stored (each written by exactly one of them). The
 * agent-activity stream, read by default too, tiles the interval with its own windows.
 */
export async function doneWindowsOfPlan(handle: DatabaseHandle, planKey: string) {
  return handle.prisma.syncWindow.findMany({
    where: { status: 'done', stream: 'conversations', run: { planKey } },
    select: { runId: true, windowStart: true, windowEnd: true, conversationsWritten: true },
    orderBy: { windowStart: 'asc' },
  });
}

/** A plain pg client (not through Prisma) for locks and catalog queries; closed by the caller. */
export async function rawClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Sorted by the API's order: (conversationStart, conversationId). */
export function byStart<T extends { conversationStart: string; conversationId: string }>(list: T[]): T[] {
  return [...list].sort((a, b) =>
    a.conversationStart !== b.conversationStart
      ? a.conversationStart < b.conversationStart ? -1 : 1
      : a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0,
  );
}
