/**
 * What the jobs lane and settling read from (and clear in) the ledger: jobs left behind by
 * runs that died, and which UTC days were read through which lane (docs/sync.md §13–15).
 */
import type { Db } from './client.ts';
import { DEFAULT_STREAM } from './ledger.ts';
import { FINISHED_WINDOW_STATUSES, RUN_KIND, RUN_STATUS } from '../decisions/states.ts';
import { daysCoveredBy, daysTouchedBy } from '../decisions/settling.ts';

/** A window finished by either of these statuses holds all of its data. */
const FINISHED = [...FINISHED_WINDOW_STATUSES];

export interface AbandonedJob {
  windowId: bigint;
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
    select: { windowId: true, jobId: true },
    orderBy: { windowId: 'asc' },
  });
  return rows.map((r) => ({ windowId: r.windowId, jobId: r.jobId! }));
}

export async function clearWindowJob(db: Db, windowId: bigint): Promise<void> {
  await db.syncWindow.update({ where: { windowId }, data: { jobId: null } });
}

/**
 * UTC day numbers read through the query lane by finished windows of the rolling sync whose
 * window ends after `since` (settling candidates).
 */
export async function findQueryReadDays(db: Db, since: Date, stream = DEFAULT_STREAM): Promise<Set<number>> {
  const rows = await db.syncWindow.findMany({
    where: { stream, lane: 'query', status: { in: FINISHED }, windowEnd: { gt: since }, run: { kind: RUN_KIND.sync } },
    select: { windowStart: true, windowEnd: true },
  });
  const days = new Set<number>();
  for (const r of rows) for (const d of daysTouchedBy({ start: r.windowStart, end: r.windowEnd })) days.add(d);
  return days;
}

/** UTC day numbers covered whole by finished jobs-lane windows (any run kind) ending after `since`. */
export async function findSettledDays(db: Db, since: Date, stream = DEFAULT_STREAM): Promise<Set<number>> {
  const rows = await db.syncWindow.findMany({
    where: { stream, lane: 'jobs', status: { in: FINISHED }, windowEnd: { gt: since } },
    select: { windowStart: true, windowEnd: true },
  });
  const days = new Set<number>();
  for (const r of rows) for (const d of daysCoveredBy({ start: r.windowStart, end: r.windowEnd })) days.add(d);
  return days;
}
