/**
 * The interval of a rolling run (the worker's tick, `npm run sync` without an interval),
 * resolved BEFORE the run from the scope's coverage in the ledger: the run catches up to where
 * coverage ended when that is older than the lookback (src/decisions/interval.ts,
 * resolveRollingInterval; docs/sync.md, "Catch-up"). runSync then runs it like any interval.
 * A run reads several streams over one interval, so it catches up to the OLDEST coverage end of
 * the streams it reads: a stream that fell behind (its windows failed, or it was left out while
 * its permission was missing) is caught up too, and the streams ahead of it re-read those days,
 * which costs requests but never loses a record. A stream with no coverage at all yet (just
 * turned on) does not pull the run back: its history is a backfill's job, as on a first run.
 */
import { readCoverage } from '../db/coverage.ts';
import type { Db } from '../db/client.ts';
import { newestCoveredEnd, runScopeKey } from '../decisions/coverage.ts';
import { resolveRollingInterval, type RollingInterval } from '../decisions/interval.ts';
import { ABANDONED_AFTER_MS } from './sync.ts';
import { backfillHint, formatSpan } from '../decisions/text.ts';

export interface RollingPlanOptions {
  now: Date;
  lagMs: number;
  lookbackMs: number;
  /** SYNC_MAX_CATCH_UP; undefined = no cap. */
  maxCatchUpMs?: number;
  agentIds: readonly string[];
  /** The streams the run reads; each one's coverage counts (default: conversations alone). */
  streams?: readonly string[];
  /** The agents are SYNC_AGENT_IDS: a backfill hint needs no `--agents`. */
  configuredAgents?: boolean;
}

export interface RollingPlan extends RollingInterval {
  scopeKey: string;
  /** The end of the scope's newest covered range before this run, if any. */
  newestCoveredEnd: Date | undefined;
  /** One line for the log and the summary when the run catches up or is capped; undefined otherwise. */
  note: string | undefined;
}

export async function planRollingRun(db: Db, options: RollingPlanOptions): Promise<RollingPlan> {
  const scopeKey = runScopeKey(options.agentIds);
  const aliveSince = new Date(options.now.getTime() - ABANDONED_AFTER_MS);
  const ends = await Promise.all(
    (options.streams ?? [undefined]).map(async (stream) => {
      const [scope] = await readCoverage(db, { agentIds: options.agentIds, aliveSince, ...(stream ? { stream } : {}) });
      return scope ? newestCoveredEnd(scope.covered) : undefined;
    }),
  );
  // The oldest end among the streams that have one (a stream never synced has none).
  const newest = ends.reduce<Date | undefined>((oldest, end) => (end && (!oldest || end < oldest) ? end : oldest), undefined);
  const resolved = resolveRollingInterval({
    now: options.now,
    lagMs: options.lagMs,
    lookbackMs: options.lookbackMs,
    newestCoveredEnd: newest,
    maxCatchUpMs: options.maxCatchUpMs,
  });
  return { ...resolved, scopeKey, newestCoveredEnd: newest, note: describeRollingPlan(resolved, scopeKey, options) };
}

function describeRollingPlan(plan: RollingInterval, scopeKey: string, options: RollingPlanOptions): string | undefined {
  if (!plan.caughtUp) return undefined;
  const { start, end } = plan.interval;
  const covering = `covering ${formatSpan(end.getTime() - start.getTime())} (${start.toISOString()} → ${end.toISOString()})`;
  const reason = `the last coverage of scope ${scopeKey} ended ${plan.catchUpFrom.toISOString()}, before the lookback of ${formatSpan(options.lookbackMs)}`;
  if (!plan.capped) return `catching up: ${covering}: ${reason}`;
  const hole = { start: plan.catchUpFrom, end: start };
  return (
    `catch-up cut by SYNC_MAX_CATCH_UP (${formatSpan(options.maxCatchUpMs!)}): ${covering}: ${reason}; ` +
    `${hole.start.toISOString()} → ${hole.end.toISOString()} stays a hole: ${backfillHint(hole, options.agentIds, { configured: options.configuredAgents })}`
  );
}
