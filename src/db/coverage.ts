/**
 * Reads coverage from the ledger: per scope, the runs and the windows that decide what they
 * cover (src/decisions/coverage.ts does the arithmetic). Only the windows that matter are read:
 * each run's top-level windows (what it planned) and its leaf windows that did not end done.
 */
import type { Db } from './client.ts';
import { DEFAULT_STREAM } from './ledger.ts';
import { readPurgedBefore } from './retention.ts';
import {
  runScopeKey,
  scopeCoverage,
  type LedgerRun,
  type LedgerWindow,
  type Range,
  type ScopeCoverage,
} from '../decisions/coverage.ts';
import { FINISHED_WINDOW_STATUSES, RUN_STATUS, SPLIT_WINDOW_STATUS, WINDOW_STATUS } from '../decisions/states.ts';

export interface ScopeCoverageRow extends ScopeCoverage {
  scopeKey: string;
  agentIds: string[];
  /** When the scope's newest run started: scopes are listed newest first. */
  lastRunAt: Date;
}

export interface CoverageReadOptions {
  /** A `running` run whose heartbeat is newer than this is alive: its unfinished windows are in progress, not holes. */
  aliveSince: Date;
  /** Only the scope of this agent list (empty = 'all'); every scope when undefined. */
  agentIds?: readonly string[];
  /** The stream whose coverage this is (its windows alone count); default: conversations. */
  stream?: string;
}

interface Row {
  runId: string;
  agentIds: string[] | null;
  intervalStart: Date;
  intervalEnd: Date;
  catchUpFrom: Date | null;
  startedAt: Date;
  alive: boolean;
  windowStart: Date | null;
  windowEnd: Date | null;
  windowStatus: string | null;
  topLevel: boolean | null;
  hole: boolean | null;
}

export async function readCoverage(db: Db, options: CoverageReadOptions): Promise<ScopeCoverageRow[]> {
  // A 'split' window without recorded children covers nothing (its children never made it to the ledger).
  const rows = await db.$queryRawUnsafe<Row[]>(
    `WITH parents AS (SELECT DISTINCT parent_window_id FROM sync_windows WHERE parent_window_id IS NOT NULL)
     SELECT r.run_id::text AS "runId", r.agent_ids AS "agentIds", r.interval_start AS "intervalStart",
            r.interval_end AS "intervalEnd", r.catch_up_from AS "catchUpFrom", r.started_at AS "startedAt",
            (r.status = $5 AND r.heartbeat_at >= $2) AS alive,
            w.window_start AS "windowStart", w.window_end AS "windowEnd", w.status AS "windowStatus",
            (w.parent_window_id IS NULL) AS "topLevel", w.hole
       FROM sync_runs r
       LEFT JOIN LATERAL (
         SELECT sw.window_start, sw.window_end, sw.status, sw.parent_window_id,
                (sw.status <> ALL($1::text[]) AND (sw.status <> $3 OR p.parent_window_id IS NULL)) AS hole
           FROM sync_windows sw
           LEFT JOIN parents p ON p.parent_window_id = sw.window_id
          WHERE sw.run_id = r.run_id AND sw.stream = $6
       ) w ON w.parent_window_id IS NULL OR w.hole
      WHERE $4::text[] IS NULL
         OR (cardinality($4::text[]) = 0 AND coalesce(cardinality(r.agent_ids), 0) = 0)
         OR (r.agent_ids @> $4::text[] AND r.agent_ids <@ $4::text[])
      ORDER BY r.started_at, r.run_id`,
    [...FINISHED_WINDOW_STATUSES],
    options.aliveSince,
    SPLIT_WINDOW_STATUS,
    options.agentIds === undefined ? null : [...options.agentIds],
    RUN_STATUS.running,
    options.stream ?? DEFAULT_STREAM,
  );
  const only = options.agentIds === undefined ? undefined : runScopeKey(options.agentIds);
  const runs = new Map<string, { scopeKey: string; agentIds: string[]; startedAt: Date; run: LedgerRun & { windows: LedgerWindow[]; inProgress: Range[] } }>();
  for (const row of rows) {
    const scopeKey = runScopeKey(row.agentIds);
    if (only !== undefined && scopeKey !== only) continue;
    let entry = runs.get(row.runId);
    if (!entry) {
      entry = {
        scopeKey,
        agentIds: [...new Set(row.agentIds ?? [])].sort(),
        startedAt: row.startedAt,
        run: { interval: { start: row.intervalStart, end: row.intervalEnd }, catchUpFrom: row.catchUpFrom, windows: [], inProgress: [] },
      };
      runs.set(row.runId, entry);
    }
    if (row.windowStart === null || row.windowEnd === null) continue;
    const window = { start: row.windowStart, end: row.windowEnd };
    entry.run.windows.push({ ...window, topLevel: row.topLevel === true, hole: row.hole === true });
    if (row.alive && row.hole && (row.windowStatus === WINDOW_STATUS.pending || row.windowStatus === WINDOW_STATUS.running)) entry.run.inProgress.push(window);
  }
  const purgedBefore = await readPurgedBefore(db, options.stream ?? DEFAULT_STREAM);
  const byScope = new Map<string, { agentIds: string[]; lastRunAt: Date; runs: LedgerRun[] }>();
  for (const { scopeKey, agentIds, startedAt, run } of runs.values()) {
    const scope = byScope.get(scopeKey) ?? { agentIds, lastRunAt: startedAt, runs: [] };
    scope.runs.push(run);
    if (startedAt > scope.lastRunAt) scope.lastRunAt = startedAt;
    byScope.set(scopeKey, scope);
  }
  return [...byScope.entries()]
    .map(([scopeKey, s]) => ({ scopeKey, agentIds: s.agentIds, lastRunAt: s.lastRunAt, ...scopeCoverage(s.runs, purgedBefore) }))
    .sort((a, b) => b.lastRunAt.getTime() - a.lastRunAt.getTime() || a.scopeKey.localeCompare(b.scopeKey));
}
