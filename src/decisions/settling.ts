/**
 * Settling, as a pure decision (docs/sync.md "Settling"). The rolling sync reads recent days
 * through the query lane, which is fresh but not final: Genesys keeps correcting detail data
 * for days (docs/sync.md §1) and the query never carries participant attributes (§11). Once
 * the jobs API's data-availability date has passed a whole UTC day, that day is complete in the
 * data lake; reading it once through a job stores Genesys' settled version, with attributes.
 *
 * A day needs settling when a window read it through the query (a rolling sync, a backfill
 * through the query, a jobs window that fell back to it), no jobs-lane window has read it whole
 * yet (a backfill through jobs counts), and the availability date is at or after its end,
 * however old the day (the attribute debt: src/db/lane-ledger.ts findDaysWithoutAttributes). The most recent days go first (they are the ones analysts look at next);
 * consecutive days share one job, up to `maxWindowDays` a job, `maxDays` days a tick.
 */
import { DAY_MS } from '../time.ts';
import type { Window } from './windows.ts';

export interface SettleInput {
  /** UTC day numbers (days since the epoch) that rolling-sync query windows touched. */
  queryReadDays: Iterable<number>;
  /** UTC day numbers a done jobs-lane window covered whole. */
  settledDays: ReadonlySet<number>;
  availability: Date;
  /** Days settled per tick at most. */
  maxDays: number;
  /** Days per job at most. */
  maxWindowDays: number;
}

export const dayNumber = (ms: number): number => Math.floor(ms / DAY_MS);

/** The windows to read through jobs this tick, oldest first (each a run of consecutive days). */
export function planSettling(input: SettleInput): Window[] {
  const lastSettleable = dayNumber(input.availability.getTime()) - 1; // the availability date's own day is not whole yet
  const due = [...new Set(input.queryReadDays)]
    .filter((d) => d <= lastSettleable && !input.settledDays.has(d))
    .sort((a, b) => b - a)
    .slice(0, Math.max(0, input.maxDays))
    .sort((a, b) => a - b);
  const windows: Window[] = [];
  let runStart: number | undefined;
  let prev: number | undefined;
  const close = () => {
    if (runStart !== undefined && prev !== undefined) windows.push({ start: new Date(runStart * DAY_MS), end: new Date((prev + 1) * DAY_MS) });
  };
  for (const d of due) {
    const extends_ = prev !== undefined && d === prev + 1 && runStart !== undefined && d - runStart < input.maxWindowDays;
    if (!extends_) {
      close();
      runStart = d;
    }
    prev = d;
  }
  close();
  return windows;
}
