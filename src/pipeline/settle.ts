/**
 * Settling (docs/sync.md §15), run by the worker after each rolling sync: days read through the
 * query lane (the rolling sync's, a backfill's through the query or fallen back to it) are
 * re-read once through a details job once the jobs API's data-availability date has passed them. Which days is a pure decision
 * (src/decisions/settling.ts); each contiguous run of days is one ordinary run of kind `settle`
 * whose windows are planned on the jobs lane, so it has the usual ledger rows, fallback and
 * report.
 */
import { findDaysWithoutAttributes } from '../db/lane-ledger.ts';
import { planSettling } from '../decisions/settling.ts';
import type { Window } from '../decisions/windows.ts';
import { DAY_MS } from '../time.ts';
import { describeError } from './describe-error.ts';
import { runSync, type JobsLaneSettings, type SyncDeps, type SyncOptions, type SyncReport } from './sync.ts';

export interface SettleOptions {
  /** The rolling sync's own options (agents, groups, page size, concurrency). */
  base: Omit<SyncOptions, 'kind' | 'interval' | 'resume' | 'lanes'>;
  daysPerTick: number;
  jobWindowDays: number;
  jobs: JobsLaneSettings;
}

export interface SettleReport {
  /** The jobs API's data-availability date, when it could be read. */
  availability?: Date;
  /** Days due for settling before this tick (all of them, not only this tick's share). */
  daysDue: number;
  windows: Window[];
  reports: SyncReport[];
  /** Why settling could not start (the availability date could not be read). */
  error?: string;
}

export async function settle(deps: SyncDeps, options: SettleOptions): Promise<SettleReport> {
  const logger = deps.logger.child({ component: 'settle' });
  let availability: Date;
  try {
    availability = await deps.genesys.getDetailsJobsAvailability(deps.signal);
  } catch (error) {
    logger.error({ err: error }, 'could not read the data-availability date; settling skipped this tick');
    return { daysDue: 0, windows: [], reports: [], error: `could not read the data-availability date: ${describeError(error)}` };
  }
  // Every day read without attributes, however old (a fallen-back backfill window of last year too).
  const queryReadDays = await findDaysWithoutAttributes(deps.db);
  const input = { queryReadDays, settledDays: new Set<number>(), availability, maxWindowDays: options.jobWindowDays };
  const daysDue = planSettling({ ...input, maxDays: Number.MAX_SAFE_INTEGER }).reduce((n, w) => n + (w.end.getTime() - w.start.getTime()) / DAY_MS, 0);
  const windows = planSettling({ ...input, maxDays: options.daysPerTick });
  logger.info({ availability: availability.toISOString(), daysDue, windows: windows.length }, daysDue === 0 ? 'no day to settle' : `settling ${windows.length} window(s)`);
  const reports: SyncReport[] = [];
  for (const window of windows) {
    if (deps.signal?.aborted) break;
    reports.push(
      await runSync(deps, {
        ...options.base,
        kind: 'settle',
        interval: window,
        resume: false,
        lanes: { mode: 'jobs', availability, jobWindowDays: options.jobWindowDays, jobs: options.jobs },
      }),
    );
  }
  return { availability, daysDue, windows, reports };
}
