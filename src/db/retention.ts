/**
 * Retention (RETENTION_DAYS; docs/sync.md §19): conversations that started before the horizon
 * are deleted with their children (in the same statement: no foreign key cascades) and their quarantined records, oldest first, in
 * bounded batches (one transaction each, so a long backlog never holds one huge transaction).
 * What is gone is recorded per stream in retention_purges.purged_before: every record that
 * started before it has been removed on purpose, so coverage reports that time as purged, not
 * as a hole. It only moves forward, and only as far as the batches actually reached.
 */
import type { Db } from './client.ts';
import { deleteChildrenCtes } from './conversation-children.ts';
import { DEFAULT_STREAM } from './ledger.ts';

export interface RetentionOptions {
  /** Records that started before this instant are deleted. */
  before: Date;
  /** Conversations per batch (one transaction). */
  batchSize: number;
  /** Batches per call at most: the rest waits for the next tick. */
  maxBatches: number;
}

export interface RetentionResult {
  /** Conversations deleted by this call. */
  deleted: number;
  /** Every conversation older than this is gone (the horizon, or the oldest one left when the batches ran out). */
  purgedBefore: Date;
  /** Whether older conversations remain for the next call. */
  more: boolean;
}

export async function purgeExpired(db: Db, options: RetentionOptions): Promise<RetentionResult> {
  let deleted = 0;
  let more = true;
  for (let batch = 0; batch < options.maxBatches && more; batch++) {
    const n = await purgeBatch(db, options.before, options.batchSize);
    deleted += n;
    more = n === options.batchSize;
  }
  const oldest = await db.$queryRawUnsafe<{ start: Date | null }[]>(
    `SELECT min(conversation_start) AS start FROM conversations WHERE conversation_start < $1`,
    options.before,
  );
  const left = oldest[0]?.start ?? null;
  const purgedBefore = left ?? options.before;
  await recordPurge(db, purgedBefore, deleted);
  return { deleted, purgedBefore, more: left !== null };
}

/** One transaction: the oldest `size` conversations before the horizon, and their open or closed rejects. */
async function purgeBatch(db: Db, before: Date, size: number): Promise<number> {
  const [, rows] = await db.$transaction([
    db.$executeRawUnsafe(
      `DELETE FROM sync_rejects WHERE stream = $2 AND conversation_id IN (
         SELECT conversation_id FROM conversations WHERE conversation_start < $1 ORDER BY conversation_start LIMIT $3)`,
      before,
      DEFAULT_STREAM,
      size,
    ),
    db.$queryRawUnsafe<{ n: number }[]>(
      `WITH gone AS (DELETE FROM conversations WHERE conversation_id IN (
         SELECT conversation_id FROM conversations WHERE conversation_start < $1 ORDER BY conversation_start LIMIT $2)
         RETURNING conversation_id),
       ${deleteChildrenCtes('conversation_id IN (SELECT conversation_id FROM gone)').join(',\n       ')}
       SELECT count(*)::int AS n FROM gone`,
      before,
      size,
    ),
  ]);
  return rows[0]?.n ?? 0;
}

/**
 * Moves purged_before forward (never back) and adds the count. Rejects go too when their
 * record's start (read from the quarantined text) is before it, or when the window that found
 * them lies wholly before it (a record whose start cannot be read, or whose id cannot).
 */
async function recordPurge(db: Db, purgedBefore: Date, deleted: number): Promise<void> {
  await db.$transaction([
    db.$executeRawUnsafe(
      `INSERT INTO retention_purges AS p (stream, purged_before, records_purged, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (stream) DO UPDATE SET purged_before = GREATEST(p.purged_before, EXCLUDED.purged_before),
         records_purged = p.records_purged + EXCLUDED.records_purged, updated_at = now()`,
      DEFAULT_STREAM,
      purgedBefore,
      deleted,
    ),
    db.$executeRawUnsafe(
      `DELETE FROM sync_rejects r USING sync_windows w
        WHERE r.window_id = w.window_id AND r.stream = $1 AND w.window_start < $2
          AND (w.window_end <= $2
               OR substring(r.raw_json FROM '"conversationStart":\\s*"(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)"')::timestamptz < $2)`,
      DEFAULT_STREAM,
      purgedBefore,
    ),
  ]);
}

/** When retention last purged, per stream: every record that started before `purgedBefore` is gone on purpose. */
export async function readPurgedBefore(db: Db, stream = DEFAULT_STREAM): Promise<Date | undefined> {
  const row = await db.retentionPurge.findUnique({ where: { stream }, select: { purgedBefore: true } });
  return row?.purgedBefore;
}

/** Counts what retention deleted after a run on that run's ledger row (sync_runs.records_expired). */
export async function recordExpired(db: Db, runId: string, deleted: number): Promise<void> {
  await db.syncRun.update({ where: { runId }, data: { recordsExpired: { increment: deleted } } });
}
