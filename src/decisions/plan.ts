/**
 * The plan of a run: every (scope, window) pair to read, minus what an earlier run with the
 * same arguments already finished (so a restarted backfill fetches only what is left). One
 * planner serves sync, backfill, settling and the dry run (planStreamRun), so "already done"
 * means the same thing to all of them.
 */
import { createHash } from 'node:crypto';
import type { QueryScope } from '../genesys/details-query.ts';
import { InvalidRequestError } from './errors.ts';
import type { Interval } from './interval.ts';
import { planScopes } from './scopes.ts';
import { planWindows, subtractCovered, utcDayFloor, type Window } from './windows.ts';
import { MAX_DETAILS_INTERVAL_DAYS } from '../genesys/limits.ts';
import { DAY_MS } from '../time.ts';

/**
 * The most (scope, window) pairs one run may plan. Each is a ledger row and at least one
 * request (100,000 requests take ~7 h at 250/min), and the plan is built in memory, as is the
 * dry run's: beyond this, split the range or use larger windows (BACKFILL_WINDOW_DAYS).
 */
export const MAX_PLANNED_WINDOWS = 100_000;

/** Which source reads a window: the synchronous details query, or an async details job (src/pipeline/lanes). */
export type LaneName = 'query' | 'jobs';

export interface PlannedWindow {
  scope: QueryScope;
  scopeKey: string;
  start: Date;
  end: Date;
  /** The lane planned to read the window (src/pipeline/lanes). */
  lane: LaneName;
}

export interface PlanOptions {
  interval: Interval;
  agentIds: readonly string[];
  agentGroupSize: number;
  windowDays: number;
  /** The windows to cut the interval into, when not every one is `windowDays` long (the jobs lane's ramp). */
  windows?: readonly Window[];
  /** Windows already done, by scope key (from the ledger). */
  done?: ReadonlyMap<string, readonly Window[]>;
}

/** The (scope, window) pairs of a plan; its size is checked before (assertPlanSize), once per run. */
export function planRun(options: PlanOptions): PlannedWindow[] {
  const planned: PlannedWindow[] = [];
  const scopes = planScopes(options.agentIds, options.agentGroupSize);
  // Window-major: every agent group reads a day before the run moves on, so the run can
  // forget the ids it wrote for that day early (see pipeline/seen-records.ts).
  for (const window of options.windows ?? planWindows(options.interval, options.windowDays)) {
    for (const { scope, key } of scopes) {
      for (const piece of subtractCovered(window, options.done?.get(key) ?? [])) {
        planned.push({ scope, scopeKey: key, start: piece.start, end: piece.end, lane: 'query' });
      }
    }
  }
  return planned;
}

/** What identifies "the same arguments": the run kind, interval, agents, lane mode and streams. */
export interface PlanKeyInput {
  kind: string;
  interval: Interval;
  agentIds: readonly string[];
  /** The lane mode asked for ('query' when the run has no lanes): a re-run through another lane re-reads what the first read. */
  laneMode: string;
  streams: readonly string[];
}

/** Identifies "the same arguments" so a restarted backfill finds the windows it finished. */
export function planKey(input: PlanKeyInput): string {
  const set = (values: readonly string[]) => [...new Set(values)].sort().join(',');
  const text = [input.kind, input.interval.start.toISOString(), input.interval.end.toISOString(), set(input.agentIds), input.laneMode, set(input.streams)].join('|');
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** How many (scope, window) pairs planRun plans before subtracting done windows, counted without building them. */
export function countPlannedWindows(options: Omit<PlanOptions, 'done'>): number {
  const { start, end } = options.interval;
  if (!(end.getTime() > start.getTime())) return 0;
  const days = Math.max(1, Math.min(options.windowDays, MAX_DETAILS_INTERVAL_DAYS));
  // planWindows cuts on utcDayFloor(start) + k·days: the count is that span over the window length.
  const windows = Math.ceil((end.getTime() - utcDayFloor(start.getTime())) / (days * DAY_MS));
  return windows * planScopes(options.agentIds, options.agentGroupSize).length;
}

/** A usage error (exit 2) before anything is planned, written or requested, when the plan would exceed MAX_PLANNED_WINDOWS. */
export function assertPlanSize(options: Omit<PlanOptions, 'done'>): void {
  const count = countPlannedWindows(options);
  if (count > MAX_PLANNED_WINDOWS) {
    throw new InvalidRequestError(
      `this run would plan ${count} query windows (at most ${MAX_PLANNED_WINDOWS}): ` +
        'split the interval into several runs, or use fewer agent groups or longer windows',
    );
  }
}
