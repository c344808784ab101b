/**
 * The quarantine: records that could not be validated or stored (sync_rejects). One open row
 * per record key (the conversation id, or a hash of the raw text when no id is readable): a
 * record refused again updates its row (last seen, times seen, latest error and raw). A
 * later run that stores a valid version of the conversation sets resolved_at.
 */
import { createHash } from 'node:crypto';
import type { Db } from './client.ts';
import type { QuarantinedPage } from '../pipeline/run-ports.ts';

function rejectKey(conversationId: string | undefined, rawJson: string): string {
  return conversationId ?? `sha256:${createHash('sha256').update(rawJson).digest('hex')}`;
}

/** JSON text of a record as received; a value JSON cannot represent is described instead of lost silently. */
function rawText(record: unknown): string {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch (error) {
    return JSON.stringify({ unserializable: String(error) });
  }
}

export async function quarantine(db: Db, page: QuarantinedPage): Promise<void> {
  const rows = page.rejects.map((r) => {
    const raw = rawText(r.raw);
    return { key: rejectKey(r.recordId, raw), id: r.recordId ?? null, error: r.problem.slice(0, 4000), raw };
  });
  // One statement for the page; within it, a key repeated (the same record twice) keeps its last row.
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const list = [...byKey.values()];
  if (list.length === 0) return;
  await db.$executeRawUnsafe(
    `INSERT INTO sync_rejects AS r (reject_key, conversation_id, run_id, window_id, page, error, raw_json, first_seen_at, last_seen_at)
     SELECT k, c, $5::uuid, $6::bigint, $7, e, j, $8::timestamptz, $8::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, c, e, j)
     ON CONFLICT (reject_key) WHERE resolved_at IS NULL DO UPDATE SET
       run_id = EXCLUDED.run_id, window_id = EXCLUDED.window_id, page = EXCLUDED.page, error = EXCLUDED.error,
       raw_json = EXCLUDED.raw_json, last_seen_at = EXCLUDED.last_seen_at, times_seen = r.times_seen + 1`,
    list.map((r) => r.key),
    list.map((r) => r.id),
    list.map((r) => r.error),
    list.map((r) => r.raw),
    page.runId,
    page.windowId,
    page.page,
    page.at,
  );
}

/** Closes the open rejects of these conversations (a valid version of each is now stored). */
export async function resolveRejects(db: Db, conversationIds: readonly string[], at: Date): Promise<number> {
  if (conversationIds.length === 0) return 0;
  return db.$executeRawUnsafe(
    `UPDATE sync_rejects SET resolved_at = $2::timestamptz
      WHERE resolved_at IS NULL AND reject_key = ANY($1::text[])`,
    [...conversationIds],
    at,
  );
}

export async function countOpenRejects(db: Db): Promise<number> {
  return db.syncReject.count({ where: { resolvedAt: null } });
}

export interface OpenReject {
  conversationId: string | null;
  runId: string;
  page: string;
  error: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  timesSeen: number;
}

export async function listOpenRejects(db: Db, limit: number): Promise<OpenReject[]> {
  return db.syncReject.findMany({
    where: { resolvedAt: null },
    orderBy: { lastSeenAt: 'desc' },
    take: limit,
    select: { conversationId: true, runId: true, page: true, error: true, firstSeenAt: true, lastSeenAt: true, timesSeen: true },
  });
}
