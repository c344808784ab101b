/**
 * The interval of a rolling run (the worker's tick, `npm run sync` without an interval),
 * resolved BEFORE the run from the scope's coverage in the ledger: the run catches up to where
 * coverage ended when that is older than the lookback (src/sync/interval.ts,
 * resolveRollingInterval; docs/sync.md, "Catch-up"). runSync then runs it like any interval.
 */
import { readCoverage } from '../db/coverage.ts';
import type { Db } from '../db/client.ts';
import { formatDuration } from '../duration.ts';
import { newestCoveredEnd, runScopeKey, type Range } from '../sync/coverage.ts';
import { resolveRollingInterval, type RollingInterval } from '../sync/interval.ts';
import { utcDayFloor } from '../sync/windows.ts';
import { DAY_MS } from '../time.ts';
import { ABANDONED_AFTER_MS } from './sync.ts';

export interface RollingPlanOptions {
  now: Date;
  lagMs: number;
  lookbackMs: number;
  /** SYNC_MAX_CATCH_UP; undefined = no cap. */
  maxCatchUpMs?: number;
  agentIds: readonly string[];
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
  const [scope] = await readCoverage(db, { agentIds: options.agentIds, aliveSince: new Date(options.now.getTime() - ABANDONED_AFTER_MS) });
  const newest = scope ? newestCoveredEnd(scope.covered) : undefined;
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

/** "14 days", "1.5 days", or a shorter duration as formatDuration writes it. */
export function formatSpan(ms: number): string {
  if (ms < DAY_MS) return formatDuration(ms);
  const days = Math.round((ms / DAY_MS) * 10) / 10;
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** Agent lists longer than this are not spelled out in a hint (status --json and the ledger have them). */
const MAX_HINTED_AGENTS = 5;

/**
 * The backfill command that fills a hole: whole UTC days around it (re-syncing a few stored
 * conversations at its edges is harmless; every write is an idempotent upsert). With
 * `configured`, the scope is SYNC_AGENT_IDS, which a backfill uses without `--agents`.
 */
export function backfillHint(hole: Range, agentIds: readonly string[], options: { configured?: boolean } = {}): string {
  const from = new Date(utcDayFloor(hole.start.getTime())).toISOString().slice(0, 10);
  const to = new Date(Math.ceil(hole.end.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const ids = [...new Set(agentIds)].sort();
  let agents = '';
  if (ids.length > 0 && !options.configured) {
    agents = ids.length <= MAX_HINTED_AGENTS ? ` --agents ${ids.join(',')}` : ` --agents <the ${ids.length} agents of this scope>`;
  }
  return `npm run backfill -- --from ${from} --to ${to}${agents}`;
}
