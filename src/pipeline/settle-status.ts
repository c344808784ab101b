/**
 * What `status` says about settling (docs/sync.md §15): the last settle run and how many days
 * the rolling sync read through the query that no details job has read yet. Ledger only: the
 * data-availability date is not asked for, so the count includes the recent days that are
 * waiting for that date to pass them (normally the last day or two).
 */
import type { Db } from '../db/client.ts';
import { findQueryReadDays, findSettledDays } from '../db/lane-ledger.ts';
import { readLastRun } from '../db/status-queries.ts';
import { DAY_MS } from '../time.ts';
import { SETTLE_HORIZON_DAYS } from '../decisions/settling.ts';

export interface SettlingStatus {
  lastRun: { runId: string; status: string; startedAt: Date; finishedAt: Date | null } | null;
  /** Query-read days of the last SETTLE_HORIZON_DAYS not read by a job yet. */
  daysAwaiting: number;
  /** The oldest of them (YYYY-MM-DD), if any. */
  oldestAwaiting: string | null;
}

export async function readSettlingStatus(db: Db, now: Date): Promise<SettlingStatus> {
  const since = new Date(now.getTime() - SETTLE_HORIZON_DAYS * DAY_MS);
  const [last, read, settled] = await Promise.all([
    readLastRun(db, 'settle'),
    findQueryReadDays(db, since),
    findSettledDays(db, since),
  ]);
  const awaiting = [...read].filter((d) => !settled.has(d)).sort((a, b) => a - b);
  return {
    lastRun: last ?? null,
    daysAwaiting: awaiting.length,
    oldestAwaiting: awaiting.length > 0 ? new Date(awaiting[0]! * DAY_MS).toISOString().slice(0, 10) : null,
  };
}
