/**
 * Settling (docs/sync.md §15), run by the worker after each rolling sync: days the rolling
 * sync read through the query lane are re-read once through a details job once the jobs API's
 * data-availability date has passed them. Which days is a pure decision
 * (src/decisions/settling.ts); each contiguous run of days is one ordinary run of kind `settle`
 * whose windows are planned on the jobs lane, so it has the usual ledger rows, fallback and
 * report.
 */
import { findQueryReadDays, findSettledDays } from '../db/lane-ledger.ts';
import { planSettling, SETTLE_HORIZON_DAYS } from '../decisions/settling.ts';
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
  const since = new Date(availability.getTime() - SETTLE_HORIZON_DAYS * DAY_MS);
  const queryReadDays = await findQueryReadDays(deps.db, since);
  const settledDays = await findSettledDays(deps.db, since);
  const input = { queryReadDays, settledDays, availability, maxWindowDays: options.jobWindowDays };
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
