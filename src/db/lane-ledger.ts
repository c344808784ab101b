/**
 * What the jobs lane and settling read from (and clear in) the ledger: jobs left behind by
 * runs that died, and which UTC days were read through which lane (docs/sync.md §13–15).
 */
import type { Db } from './client.ts';
import { DEFAULT_STREAM } from './ledger.ts';
import { FINISHED_WINDOW_STATUSES, RUN_STATUS } from '../decisions/states.ts';

/** A window finished by either of these statuses holds all of its data. */
const FINISHED = [...FINISHED_WINDOW_STATUSES];

export interface AbandonedJob {
  windowId: bigint;
  /** The window's stream: whose jobs API the job belongs to (conversation or users details jobs). */
  stream: string;
  jobId: string;
}

/**
 * Windows still naming a details job although their run is over (killed, interrupted, failed):
 * nobody will read those jobs any more. A run still `running` is alive (runs whose process died
 * are marked interrupted first, by markAbandonedRuns), so its jobs are left alone.
 */
export async function findAbandonedJobs(db: Db): Promise<AbandonedJob[]> {
  const rows = await db.syncWindow.findMany({
    where: { jobId: { not: null }, run: { status: { not: RUN_STATUS.running } } },
    select: { windowId: true, stream: true, jobId: true },
    orderBy: { windowId: 'asc' },
  });
  return rows.map((r) => ({ windowId: r.windowId, stream: r.stream, jobId: r.jobId! }));
}

export async function clearWindowJob(db: Db, windowId: bigint): Promise<void> {
  await db.syncWindow.update({ where: { windowId }, data: { jobId: null } });
}

/**
 * The attribute debt (docs/sync.md §15): UTC day numbers that a finished query-lane window of
 * any run touched (a rolling sync, a backfill through the query or a jobs window of a backfill
 * or settle that fell back to it) and that no finished jobs-lane window has covered whole, of
 * any age, oldest first. The query never carries participant attributes; a job does. Computed in
 * Postgres: only the owed days come back, however long the ledger.
 */
export async function findDaysWithoutAttributes(db: Db, stream = DEFAULT_STREAM): Promise<number[]> {
  const rows = await db.$queryRawUnsafe<{ d: number }[]>(
    `SELECT d FROM sync_windows w,
            generate_series(floor(extract(epoch FROM w.window_start) / 86400)::int, ceil(extract(epoch FROM w.window_end) / 86400)::int - 1) AS d
      WHERE w.stream = $1 AND w.lane = 'query' AND w.status = ANY($2::text[])
     EXCEPT
     SELECT d FROM sync_windows w,
            generate_series(ceil(extract(epoch FROM w.window_start) / 86400)::int, floor(extract(epoch FROM w.window_end) / 86400)::int - 1) AS d
      WHERE w.stream = $1 AND w.lane = 'jobs' AND w.status = ANY($2::text[])
     ORDER BY d`,
    stream,
    FINISHED,
  );
  return rows.map((r) => Number(r.d));
}

/** The windows of a run that a jobs lane handed to the query lane (lane_note says why) and that finished there. */
export async function findFallbackWindows(db: Db, runId: string): Promise<Array<{ stream: string; start: Date; end: Date }>> {
  const rows = await db.syncWindow.findMany({
    where: { runId, lane: 'query', laneNote: { not: null }, status: { in: FINISHED } },
    select: { stream: true, windowStart: true, windowEnd: true },
    orderBy: [{ windowStart: 'asc' }, { stream: 'asc' }],
  });
  return rows.map((r) => ({ stream: r.stream, start: r.windowStart, end: r.windowEnd }));
}
