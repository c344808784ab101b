/**
 * The reads and writes of `npm run protect` (src/streams/conversations/reapply.ts): stored
 * conversations and quarantined records in bounded batches, in key order, and the quarantined
 * records' raw text rewritten. Conversations are written back through the conversation writer
 * (conversations.ts), so their columns and children follow their raw.
 */
import type { Db } from './client.ts';

/** A stored conversation as the writer needs it back: its key, its start, its raw and when it was fetched. */
export interface StoredConversation {
  id: string;
  timeMs: number;
  raw: unknown;
  /** fetched_at, or last_synced_at for a row stored before fetched_at existed (epoch ms). */
  fetchedMs: number;
}

/** Up to `limit` stored conversations after `afterId` (conversation_id order, the primary key's). */
export async function readStoredConversations(db: Db, afterId: string, limit: number): Promise<StoredConversation[]> {
  const rows = await db.$queryRawUnsafe<{ id: string; start_ms: number; raw: unknown; fetched_ms: number }[]>(
    `SELECT conversation_id AS id, (extract(epoch FROM conversation_start) * 1000)::float8 AS start_ms, raw,
            (extract(epoch FROM coalesce(fetched_at, last_synced_at)) * 1000)::float8 AS fetched_ms
       FROM conversations WHERE conversation_id > $1 ORDER BY conversation_id LIMIT $2`,
    afterId,
    limit,
  );
  return rows.map((r) => ({ id: r.id, timeMs: r.start_ms, raw: r.raw, fetchedMs: r.fetched_ms }));
}

/** A quarantined record (open or closed): its row and its raw JSON text. */
export interface StoredReject {
  rejectId: bigint;
  rawJson: string;
}

/** Up to `limit` rows of sync_rejects after `afterRejectId`, open and closed alike. */
export async function readStoredRejects(db: Db, afterRejectId: bigint, limit: number): Promise<StoredReject[]> {
  const rows = await db.$queryRawUnsafe<{ reject_id: bigint; raw_json: string }[]>(
    `SELECT reject_id, raw_json FROM sync_rejects WHERE reject_id > $1::bigint ORDER BY reject_id LIMIT $2`,
    afterRejectId.toString(),
    limit,
  );
  return rows.map((r) => ({ rejectId: BigInt(r.reject_id), rawJson: r.raw_json }));
}

/** Replaces the raw text of these quarantined records, in one statement. */
export async function rewriteRejectRaw(db: Db, rows: readonly StoredReject[]): Promise<number> {
  if (rows.length === 0) return 0;
  return db.$executeRawUnsafe(
    `UPDATE sync_rejects AS r SET raw_json = u.raw
       FROM unnest($1::bigint[], $2::text[]) AS u(id, raw) WHERE r.reject_id = u.id`,
    rows.map((r) => r.rejectId.toString()),
    rows.map((r) => r.rawJson),
  );
}
