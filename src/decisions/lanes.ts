/**
 * Which lane reads which part of a backfill (docs/sync.md "Lanes"), as pure functions.
 * The jobs API reads a data lake that is complete only before its `dataAvailabilityDate`
 * (docs/sync.md §13); the synchronous query is complete up to (nearly) now.
 * - `query`: the whole range through the query (the behaviour before lanes existed).
 * - `jobs`: the whole range through jobs; a range that ends after the availability date is
 *   refused rather than read incompletely.
 * - `auto`: whole UTC days before the availability date's day through jobs, the rest through
 *   the query. Cutting on a midnight keeps "which lane read a day" a per-day fact, which is
 *   what settling (src/decisions/settling.ts) reasons about.
 */
import { DAY_MS } from '../time.ts';
import type { Interval } from './interval.ts';
import { InvalidRequestError } from './errors.ts';
import { planRun, type LaneName, type PlanOptions, type PlannedWindow } from './plan.ts';
import { planScopes } from './scopes.ts';
import { planWindows, subtractCovered, utcDayFloor, type Window } from './windows.ts';

export type { LaneName };
export type LaneMode = 'auto' | LaneName;
export const LANE_MODES: readonly LaneMode[] = ['auto', 'jobs', 'query'];

export interface LaneSpan {
  lane: LaneName;
  interval: Interval;
}

export function isLaneMode(text: string): text is LaneMode {
  return (LANE_MODES as readonly string[]).includes(text);
}

/**
 * Cuts the range by lane. `availability` is the jobs API's data-availability date; it is only
 * needed for `auto` and `jobs` (undefined with those modes is a programming error).
 * Throws InvalidRequestError (exit 2) when `jobs` is asked for data the lake does not hold yet.
 */
export function splitByLane(interval: Interval, mode: LaneMode, availability: Date | undefined): LaneSpan[] {
  if (mode === 'query') return [{ lane: 'query', interval }];
  if (availability === undefined) throw new Error(`lane mode ${mode} needs the data-availability date`);
  const startMs = interval.start.getTime();
  const endMs = interval.end.getTime();
  if (mode === 'jobs') {
    if (endMs > availability.getTime()) {
      throw new InvalidRequestError(
        `--lane jobs: the range ends at ${interval.end.toISOString()}, after the jobs API's data-availability date ` +
          `${availability.toISOString()}; conversations after that date are not complete in job results yet. ` +
          `End the range by then, or use --lane auto (jobs before that date, the query after it).`,
      );
    }
    return [{ lane: 'jobs', interval }];
  }
  const cut = Math.min(endMs, Math.floor(availability.getTime() / DAY_MS) * DAY_MS);
  if (cut <= startMs) return [{ lane: 'query', interval }];
  const spans: LaneSpan[] = [{ lane: 'jobs', interval: { start: interval.start, end: new Date(cut) } }];
  if (cut < endMs) spans.push({ lane: 'query', interval: { start: new Date(cut), end: interval.end } });
  return spans;
}

export interface LanePlanOptions extends Omit<PlanOptions, 'interval' | 'windowDays' | 'windows'> {
  interval: Interval;
  mode: LaneMode;
  availability: Date | undefined;
  /** Window length for the query lane (BACKFILL_WINDOW_DAYS). */
  queryWindowDays: number;
  /** Window length for the jobs lane (BACKFILL_JOB_WINDOW_DAYS): one job per window. */
  jobWindowDays: number;
}

export type LanePlannedWindow = PlannedWindow;

/** The run's windows, each with the lane planned to read it (done windows already removed). */
export function planLaneRun(options: LanePlanOptions): LanePlannedWindow[] {
  const { mode, availability, queryWindowDays, jobWindowDays, ...rest } = options;
  return splitByLane(options.interval, mode, availability).flatMap((span) =>
    planRun({
      ...rest,
      interval: span.interval,
      ...(span.lane === 'jobs'
        ? { windowDays: jobWindowDays, windows: planJobWindows(leftToDo(span.interval, rest), jobWindowDays) }
        : { windowDays: queryWindowDays }),
    }).map((w) => ({ ...w, lane: span.lane })),
  );
}

/**
 * The part of `interval` from the first instant some scope still has to read: a resumed
 * backfill ramps its jobs windows up again from where it stopped, not from the start of a
 * range it has mostly done (its first job would otherwise be one of the longest).
 */
function leftToDo(interval: Interval, plan: Pick<LanePlanOptions, 'agentIds' | 'agentGroupSize' | 'done'>): Interval {
  if (!plan.done) return interval;
  const firsts = planScopes(plan.agentIds, plan.agentGroupSize).map(
    ({ key }) => subtractCovered(interval, plan.done?.get(key) ?? [])[0]?.start.getTime() ?? interval.end.getTime(),
  );
  return { start: new Date(Math.min(...firsts)), end: interval.end };
}

/**
 * The jobs lane's windows, cut on UTC midnights: a ramp of 1, 2, 3, 5, 8, 12, 18, 27 days (each
 * half as long again as the one before, rounded up) while that is shorter than `maxDays`, then
 * windows of at most `maxDays`, evened out (evenJobWindowDays).
 *
 * Why a ramp: nothing can be written before the first job is fulfilled, and a job's queue and
 * processing time grows with what it matches (Genesys reads the lake for the whole interval; the
 * simulator models it as 0.5 s per 1,000 conversations). A one-day first job has results within
 * seconds; each later, larger job is processed at Genesys while the windows before it are read
 * and written (src/streams/conversations/jobs-lane.ts keeps jobs processing ahead of its reads), so its
 * processing time hides behind their writing instead of adding to the run.
 *
 * Why half as long again, not twice: with JOBS_MAX_CONCURRENT jobs processing (2 by default), a
 * window's job is created when the job two windows earlier is fulfilled, and must be done by
 * the time the two windows in between are written. Growing by half, its interval is 2.25 times
 * the earlier window's, against 2.5 times of reading ahead of it; doubling would ask 4 times
 * against 3, and the run waits for the large jobs (measured: docs/performance.md, lanes).
 *
 * The cost is a few more jobs than the fewest possible (a create and a handful of polls each:
 * seven jobs instead of two for 44 days), against one results request per 1,000 conversations
 * whatever the windows.
 */
const RAMP_GROWTH = 1.5;

export function planJobWindows(interval: Interval, maxDays: number): Window[] {
  const endMs = interval.end.getTime();
  const windows: Window[] = [];
  let cursor = interval.start.getTime();
  for (let days = 1; days < maxDays && cursor < endMs; days = Math.ceil(days * RAMP_GROWTH)) {
    const next = Math.min(endMs, utcDayFloor(cursor) + days * DAY_MS);
    windows.push({ start: new Date(cursor), end: new Date(next) });
    cursor = next;
  }
  if (cursor >= endMs) return windows;
  const rest = { start: new Date(cursor), end: interval.end };
  return [...windows, ...planWindows(rest, evenJobWindowDays(rest, maxDays))];
}

/**
 * Days per jobs window so that the fewest windows allowed (at most `maxDays` each) are of
 * even length: 44 days become two jobs of 22 rather than 31 + 13. The same number of jobs
 * (the same requests), but the windows read side by side finish together instead of one long
 * job being read alone at the end.
 */
export function evenJobWindowDays(interval: Interval, maxDays: number): number {
  const days = Math.ceil((Math.ceil(interval.end.getTime() / DAY_MS) * DAY_MS - Math.floor(interval.start.getTime() / DAY_MS) * DAY_MS) / DAY_MS);
  const windows = Math.max(1, Math.ceil(days / Math.max(1, maxDays)));
  return Math.max(1, Math.min(maxDays, Math.ceil(days / windows)));
}
