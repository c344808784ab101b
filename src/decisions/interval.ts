/**
 * Resolves the interval a run syncs, as pure code with "now" passed in (read once per run).
 * The default is the rolling `[now − lookback, now − lag)`: the lag keeps the end a couple
 * of minutes behind real time, as Genesys advises, because the newest data still moves
 * (docs/genesys-api-facts.md §1.5).
 */
import { parseDuration } from '../duration.ts';
import { InvalidRequestError } from './errors.ts';
import { DAY_MS } from '../time.ts';

/**
 * The longest interval one run may cover: about ten years (Genesys Cloud itself is younger).
 * It bounds the plan (at most ~3,660 one-day windows per scope; see MAX_PLANNED_WINDOWS in
 * plan.ts) and keeps date arithmetic far from JavaScript's ±8.64e15 ms limit, where a huge
 * `--lookback` used to surface as "Invalid time value". Longer histories: several backfills.
 */
export const MAX_INTERVAL_DAYS = 3660;
export const MAX_INTERVAL_MS = MAX_INTERVAL_DAYS * DAY_MS;

export interface Interval {
  start: Date;
  end: Date;
}


const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses `2025-01-01` (midnight UTC) or an ISO instant with a zone (`2025-01-01T12:00:00Z`,
 * `...+02:00`). A time without a zone is refused: guessing the zone would silently shift
 * the interval.
 */
function parseInstant(text: string, flag: string): Date {
  const value = text.trim();
  let date: Date | undefined;
  if (DATE_ONLY.test(value)) date = new Date(`${value}T00:00:00.000Z`);
  else if (INSTANT.test(value)) date = new Date(value);
  if (!date || Number.isNaN(date.getTime()) || !sameCalendarDate(value, date)) {
    throw new InvalidRequestError(
      `${flag}: "${value}" is not a date (YYYY-MM-DD, UTC) or an ISO instant with a zone (e.g. 2025-01-01T06:00:00Z)`,
    );
  }
  return date;
}

/** Rejects dates that JavaScript rolls over, such as 2025-02-30. */
function sameCalendarDate(text: string, date: Date): boolean {
  if (!DATE_ONLY.test(text)) return true;
  return date.toISOString().slice(0, 10) === text;
}

export interface IntervalRequest {
  now: Date;
  lagMs: number;
  defaultLookbackMs: number;
  from?: string;
  to?: string;
  lookback?: string;
}

export function resolveInterval(request: IntervalRequest): Interval {
  const { now, lagMs } = request;
  const latest = new Date(now.getTime() - lagMs);
  if (request.lookback !== undefined && (request.from !== undefined || request.to !== undefined)) {
    throw new InvalidRequestError('--lookback cannot be combined with --from/--to');
  }
  if (request.to !== undefined && request.from === undefined) throw new InvalidRequestError('--to needs --from');
  let start: Date;
  let end: Date;
  if (request.from !== undefined) {
    start = parseInstant(request.from, '--from');
    end = request.to !== undefined ? parseInstant(request.to, '--to') : latest;
  } else {
    let lookbackMs = request.defaultLookbackMs;
    if (request.lookback !== undefined) {
      const parsed = parseDuration(request.lookback);
      if (parsed === undefined) throw new InvalidRequestError(`--lookback: "${request.lookback}" is not a duration like 7d, 36h or 90m`);
      if (parsed > MAX_INTERVAL_MS) {
        throw new InvalidRequestError(`--lookback: "${request.lookback}" is longer than one run may cover (at most ${MAX_INTERVAL_DAYS}d, about ten years)`);
      }
      lookbackMs = parsed;
    }
    end = latest;
    start = new Date(end.getTime() - lookbackMs);
  }
  if (start.getTime() >= end.getTime()) {
    throw new InvalidRequestError(`--from (${start.toISOString()}) must be before --to (${end.toISOString()})`);
  }
  // Nothing exists after now − lag; clamping keeps the ledger honest about what was covered.
  if (end.getTime() > latest.getTime()) end = latest;
  if (start.getTime() >= end.getTime()) {
    throw new InvalidRequestError(`the interval starts at ${start.toISOString()}, after the latest syncable instant ${latest.toISOString()}`);
  }
  if (end.getTime() - start.getTime() > MAX_INTERVAL_MS) {
    throw new InvalidRequestError(
      `the interval ${start.toISOString()} → ${end.toISOString()} is longer than one run may cover ` +
        `(at most ${MAX_INTERVAL_DAYS} days, about ten years); backfill it in parts`,
    );
  }
  return { start, end };
}

export interface RollingRequest {
  now: Date;
  lagMs: number;
  lookbackMs: number;
  /** The end of the scope's newest covered range (from the ledger); undefined before the first run. */
  newestCoveredEnd?: Date;
  /** SYNC_MAX_CATCH_UP: the longest span one run may cover; undefined = no cap. */
  maxCatchUpMs?: number;
}

export interface RollingInterval {
  interval: Interval;
  /** Where the run aimed to start before any cap: the earlier of now − lag − lookback and the newest covered end. */
  catchUpFrom: Date;
  /** The run reaches back beyond the lookback to where the scope's coverage ended. */
  caughtUp: boolean;
  /** SYNC_MAX_CATCH_UP cut the catch-up: `[catchUpFrom, interval.start)` stays a hole. */
  capped: boolean;
}

/**
 * A rolling run (the worker's tick, `npm run sync` without an interval) covers
 * `[start, now − lag)`, where start is the EARLIER of `now − lag − lookback` and the end of the
 * scope's newest covered range: a worker that was down longer than its lookback catches up
 * instead of leaving those days unsynced. The first run ever (no coverage) uses the lookback.
 *
 * SYNC_MAX_CATCH_UP bounds the span of one run, keeping its MOST RECENT part: fresh data keeps
 * flowing after a long outage, and the older part left out stays a reported hole for a
 * backfill (docs/sync.md, "Catch-up"). The cap never cuts the lookback itself: a cap shorter
 * than the lookback only means "no catch-up beyond the lookback".
 */
export function resolveRollingInterval(request: RollingRequest): RollingInterval {
  const end = request.now.getTime() - request.lagMs;
  const lookbackStart = end - request.lookbackMs;
  const newest = request.newestCoveredEnd?.getTime();
  const catchUpFrom = newest !== undefined && newest < lookbackStart ? newest : lookbackStart;
  let start = catchUpFrom;
  let capped = false;
  if (request.maxCatchUpMs !== undefined) {
    const floor = end - Math.max(request.maxCatchUpMs, request.lookbackMs);
    if (start < floor) {
      start = floor;
      capped = true;
    }
  }
  return {
    interval: { start: new Date(start), end: new Date(end) },
    catchUpFrom: new Date(catchUpFrom),
    caughtUp: catchUpFrom < lookbackStart,
    capped,
  };
}
