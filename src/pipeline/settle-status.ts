/**
 * What `status` says about settling and the attribute debt (docs/sync.md §15): the last settle
 * run, and the UTC days read through the query that no details job has read yet (so their
 * conversations lack participant attributes), with the backfill that fills them. Ledger only:
 * the data-availability date is not asked for, so the days include the recent ones waiting for
 * that date to pass them (normally the last day or two); those are listed apart.
 */
import type { Db } from '../db/client.ts';
import { findDaysWithoutAttributes } from '../db/lane-ledger.ts';
import { readLastRun } from '../db/status-queries.ts';
import { DAY_MS } from '../time.ts';

/** Days this recent are normally still ahead of the data-availability date (Genesys: up to a day old). */
const RECENT_DAYS = 2;

export interface SettlingStatus {
  lastRun: { runId: string; status: string; startedAt: Date; finishedAt: Date | null } | null;
  /** Days read through the query not read by a job yet (any age). */
  daysAwaiting: number;
  /** The oldest of them (YYYY-MM-DD), if any. */
  oldestAwaiting: string | null;
  /** Of those, the days older than the last RECENT_DAYS: the attribute debt, as ranges of whole days with the command that fills each. */
  attributeDebt: Array<{ from: string; to: string; days: number; command: string }>;
}

export async function readSettlingStatus(db: Db, now: Date): Promise<SettlingStatus> {
  const [last, awaiting] = await Promise.all([readLastRun(db, 'settle'), findDaysWithoutAttributes(db)]);
  const recentFrom = Math.floor(now.getTime() / DAY_MS) - RECENT_DAYS;
  return {
    lastRun: last ?? null,
    daysAwaiting: awaiting.length,
    oldestAwaiting: awaiting.length > 0 ? isoDay(awaiting[0]!) : null,
    attributeDebt: debtRanges(awaiting.filter((d) => d < recentFrom)),
  };
}

/** The attribute debt inside `interval` (days older than the last two), for a run's summary. */
export async function readAttributeDebt(db: Db, interval: { start: Date; end: Date }, now: Date): Promise<SettlingStatus['attributeDebt']> {
  const first = Math.floor(interval.start.getTime() / DAY_MS);
  const last = Math.min(Math.ceil(interval.end.getTime() / DAY_MS), Math.floor(now.getTime() / DAY_MS) - RECENT_DAYS);
  return debtRanges((await findDaysWithoutAttributes(db)).filter((d) => d >= first && d < last));
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Consecutive days merged into ranges [from, to), each with its backfill. */
function debtRanges(days: readonly number[]): SettlingStatus['attributeDebt'] {
  const ranges: SettlingStatus['attributeDebt'] = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    const from = isoDay(days[i]!);
    const to = isoDay(days[j]! + 1);
    ranges.push({ from, to, days: j - i + 1, command: `npm run backfill -- --lane jobs --from ${from} --to ${to}` });
    i = j + 1;
  }
  return ranges;
}
