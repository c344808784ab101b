/**
 * The quarantine: records that could not be validated or stored (sync_rejects). One open row
 * per stream and record key (the record's id, or a hash of its raw text when no id is
 * readable): a record refused again updates its row (last seen, times seen, latest error and
 * raw). A later run that stores a valid version of the record sets resolved_at.
 *
 * Both statements take any executor (the Prisma client or the writer's transaction), so the
 * stream writer quarantines and resolves in the same transaction as the batch it writes.
 */
import { createHash } from 'node:crypto';
import type { Db } from './client.ts';
import { DEFAULT_STREAM } from './ledger.ts';
import { storableText } from './extract.ts';
import type { SqlTx } from './sql-transaction.ts';
import type { BatchWrite, RejectedRecord } from './stream-writer.ts';

/** What runs the statements: the Prisma client, or a transaction. */
type Executor = Pick<SqlTx, '$executeRawUnsafe'>;

/** Where the quarantined records came from. */
export type RejectSource = BatchWrite['source'];


/** Longest error kept: the first problems with their paths are what a reader needs. */
const MAX_ERROR_LENGTH = 4000;

/**
 * The record's key: its id, escaped when Postgres cannot store it as is (a NUL, an unpaired
 * surrogate: see storableText), else a hash of the raw text when no id was readable.
 */
function rejectKey(recordId: string | undefined, rawJson: string): string {
  return recordId === undefined ? `sha256:${createHash('sha256').update(rawJson).digest('hex')}` : storableText(recordId);
}

/**
 * JSON text of a record as received; a value JSON cannot represent is described instead of
 * lost silently. JSON.stringify escapes NUL and unpaired surrogates (`\u0000`), so the text
 * is always storable, even when jsonb could not hold the record.
 */
function rawText(record: unknown): string {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch (error) {
    return JSON.stringify({ unserializable: String(error) });
  }
}

interface RejectRow {
  key: string;
  id: string | null;
  error: string;
  raw: string;
}

/** The rows to write, a key repeated (the same record twice) keeping its last row. */
function rejectRows(rejects: readonly RejectedRecord[]): RejectRow[] {
  const byKey = new Map<string, RejectRow>();
  for (const r of rejects) {
    const raw = rawText(r.raw);
    const key = rejectKey(r.recordId, raw);
    const id = r.recordId === undefined ? null : storableText(r.recordId);
    byKey.set(key, { key, id, error: storableText(r.problem.slice(0, MAX_ERROR_LENGTH)), raw });
  }
  return [...byKey.values()];
}

/** Quarantines `rejects` in one statement: a new open row per key, or the open row of the key updated. */
export async function quarantineRecords(exec: Executor, rejects: readonly RejectedRecord[], source: RejectSource, at: Date): Promise<number> {
  const rows = rejectRows(rejects);
  if (rows.length === 0) return 0;
  return exec.$executeRawUnsafe(
    `INSERT INTO sync_rejects AS r (stream, reject_key, conversation_id, run_id, window_id, page, error, raw_json, first_seen_at, last_seen_at)
     SELECT $9, k, c, $5::uuid, $6::bigint, $7, e, j, $8::timestamptz, $8::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, c, e, j)
     ON CONFLICT (stream, reject_key) WHERE resolved_at IS NULL DO UPDATE SET
       run_id = EXCLUDED.run_id, window_id = EXCLUDED.window_id, page = EXCLUDED.page, error = EXCLUDED.error,
       raw_json = EXCLUDED.raw_json, last_seen_at = EXCLUDED.last_seen_at, times_seen = r.times_seen + 1`,
    rows.map((r) => r.key),
    rows.map((r) => r.id),
    rows.map((r) => r.error),
    rows.map((r) => r.raw),
    source.runId,
    source.windowId,
    storableText(source.page),
    at,
    source.stream,
  );
}

/** Closes the open rejects of these records of `stream` (a valid version of each is now stored). */
export async function resolveRejects(exec: Executor, recordIds: readonly string[], at: Date, stream = DEFAULT_STREAM): Promise<number> {
  if (recordIds.length === 0) return 0;
  return exec.$executeRawUnsafe(
    `UPDATE sync_rejects SET resolved_at = $2::timestamptz
      WHERE resolved_at IS NULL AND stream = $3 AND reject_key = ANY($1::text[])`,
    [...recordIds],
    at,
    stream,
  );
}

export async function countOpenRejects(db: Db): Promise<number> {
  return db.syncReject.count({ where: { resolvedAt: null } });
}

export interface OpenReject {
  /** The stream the record belongs to, and its key in that stream (the record's id, or a hash of its raw text). */
  stream: string;
  rejectKey: string;
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
    select: { stream: true, rejectKey: true, conversationId: true, runId: true, page: true, error: true, firstSeenAt: true, lastSeenAt: true, timesSeen: true },
  });
}
