/**
 * The plan of a run: every (scope, window) pair to query, minus what an earlier run with the
 * same arguments already finished (so a restarted backfill fetches only what is left).
 */
import { createHash } from 'node:crypto';
import type { QueryScope } from '../genesys/details-query.ts';
import type { Interval } from './interval.ts';
import { planScopes } from './scopes.ts';
import { planWindows, subtractCovered, type Window } from './windows.ts';

/** Which source reads a window: the synchronous details query, or an async details job (src/jobs/lanes). */
export type LaneName = 'query' | 'jobs';

export interface PlannedWindow {
  scope: QueryScope;
  scopeKey: string;
  start: Date;
  end: Date;
  /** The lane planned to read the window (src/jobs/lanes). */
  lane: LaneName;
}

export interface PlanOptions {
  interval: Interval;
  agentIds: readonly string[];
  agentGroupSize: number;
  windowDays: number;
  /** Windows already done, by scope key (from the ledger). */
  done?: ReadonlyMap<string, readonly Window[]>;
}

export function planRun(options: PlanOptions): PlannedWindow[] {
  const planned: PlannedWindow[] = [];
  const scopes = planScopes(options.agentIds, options.agentGroupSize);
  // Window-major: every agent group reads a day before the run moves on, so the run can
  // forget the ids it wrote for that day early (see jobs/seen-conversations.ts).
  for (const window of planWindows(options.interval, options.windowDays)) {
    for (const { scope, key } of scopes) {
      for (const piece of subtractCovered(window, options.done?.get(key) ?? [])) {
        planned.push({ scope, scopeKey: key, start: piece.start, end: piece.end, lane: 'query' });
      }
    }
  }
  return planned;
}

/** Identifies "the same arguments" so a restarted backfill finds the windows it finished. */
export function planKey(kind: string, interval: Interval, agentIds: readonly string[]): string {
  const text = [kind, interval.start.toISOString(), interval.end.toISOString(), [...new Set(agentIds)].sort().join(',')].join('|');
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
