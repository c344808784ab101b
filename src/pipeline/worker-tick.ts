/**
 * One tick of the scheduled worker, beside the runs it makes: the rolling plan (caught up to
 * where the scope's coverage ended), the rolling sync, the settle runs after it, and what the
 * metrics are told. commands/worker.ts only wires it; pipeline/worker.ts schedules and guards it.
 */
import type { FinalRunStatus } from '../decisions/states.ts';
import type { SyncMetrics } from '../metrics/metrics.ts';
import { formatInterval } from '../genesys/index.ts';
import type { RollingPlan } from './rolling.ts';
import { applyRetention, type RetentionSettings } from './retention.ts';
import { settle, type SettleOptions, type SettleReport } from './settle.ts';
import { runSync, type SyncDeps, type SyncOptions, type SyncReport } from './sync.ts';
import type { RunOutcome } from './worker.ts';

/** How a tick ended for the metrics: a run's status, or `error` when it threw. */
export type TickStatus = FinalRunStatus | 'error';

/** What the metrics are told about each run (src/metrics/metrics.ts). */
type RunObserver = Pick<SyncMetrics, 'observeRun'>;

export interface WorkerTickDeps {
  /** Everything runSync needs but the signal (the tick's own). */
  sync: Omit<SyncDeps, 'signal'>;
  /** The rolling plan at `now` (commands/sync.ts planRolling). */
  planRolling(now: Date): Promise<RollingPlan>;
  /** The sync options for a plan (commands/sync.ts syncOptions). */
  syncOptions(plan: RollingPlan): SyncOptions;
  /** Settling after the sync (docs/sync.md §15); undefined = off. */
  settle: Omit<SettleOptions, 'base'> | undefined;
  /** Retention after the runs (RETENTION_DAYS, docs/sync.md §19); undefined = keep everything. */
  retention?: RetentionSettings | undefined;
  /** Credentials refused on an earlier tick get a fresh token attempt on this one. */
  retryCredentials(): void;
  metrics?: RunObserver | undefined;
  /** A run's summary for the log (src/present/summary.ts: presentation stays above the pipeline). */
  summarize(report: SyncReport): string;
  /** Told the tick's status (for /readyz). */
  onStatus?: (status: TickStatus) => void;
}

/** The worker's runOnce: plan, sync, settle; the tick's outcome for the log. */
export function createWorkerTick(deps: WorkerTickDeps): (signal: AbortSignal) => Promise<RunOutcome> {
  const { clock, logger } = deps.sync;
  const observe = (r: SyncReport, recordsExpired = 0) =>
    deps.metrics?.observeRun({
      kind: r.kind, status: r.status, finishedAt: clock(), durationSeconds: r.durationMs / 1000,
      conversationsWritten: r.conversationsWritten, windowsFailed: r.windowsFailed, streams: r.streams,
      recordsDeleted: r.recordsDeleted, deletionsWithheld: r.deletionsWithheld, recordsExpired,
    });
  return async (signal) => {
    deps.retryCredentials();
    const startedAt = clock();
    const syncDeps: SyncDeps = { ...deps.sync, signal };
    let plan: RollingPlan;
    let options: SyncOptions;
    let report: SyncReport;
    try {
      plan = await deps.planRolling(startedAt);
      if (plan.note) logger.info({ interval: formatInterval(plan.interval), catchUpFrom: plan.catchUpFrom.toISOString() }, plan.note);
      options = deps.syncOptions(plan);
      report = await runSync(syncDeps, options);
    } catch (error) {
      deps.onStatus?.('error');
      const finishedAt = clock();
      deps.metrics?.observeRun({
        kind: 'sync', status: 'error', finishedAt, durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
        conversationsWritten: 0, windowsFailed: 0,
      });
      throw error;
    }
    const expired = deps.retention && !report.authFailed && !signal.aborted
      ? await applyRetention(deps.sync.db, logger, deps.retention, { now: startedAt, runId: report.runId })
      : 0;
    observe(report, expired);
    deps.onStatus?.(report.status);
    const outcome = outcomeOf(report, plan.note, deps.summarize, expired);
    // Not after a sync that was stopped or refused credentials.
    if (!deps.settle || report.status === 'interrupted' || report.authFailed) return outcome;
    const settled = await settle(syncDeps, { ...deps.settle, base: options });
    settled.reports.forEach((r) => observe(r));
    const combined = combineSettle(outcome, settled, deps.summarize);
    deps.onStatus?.(combined.status);
    return combined;
  };
}

function outcomeOf(report: SyncReport, note: string | undefined, summarize: (r: SyncReport) => string, expired = 0): RunOutcome {
  return {
    status: report.status,
    summary: `${note ? `${note}\n` : ''}${summarize(report)}${expired > 0 ? `\n  retention      ${expired} conversation(s) older than RETENTION_DAYS deleted` : ''}`,
    fields: { runId: report.runId, windowsFailed: report.windowsFailed, conversationsWritten: report.conversationsWritten },
  };
}

/** The tick's outcome: the worst of the sync and its settle runs; the summary lists both. */
function combineSettle(outcome: RunOutcome, settled: SettleReport, summarize: (r: SyncReport) => string): RunOutcome {
  const rank = { succeeded: 0, interrupted: 1, failed: 2 } as const;
  let status = outcome.status;
  for (const r of settled.reports) if (rank[r.status] > rank[status]) status = r.status;
  if (settled.error && status === 'succeeded') status = 'failed';
  const head = settled.error
    ? `settling: ${settled.error}`
    : `settling: ${settled.daysDue} day(s) due before ${settled.availability?.toISOString() ?? '?'}; ${settled.windows.length} job window(s) this tick`;
  return {
    status,
    summary: [outcome.summary, head, ...settled.reports.map(summarize)].join('\n'),
    fields: { ...outcome.fields, settleDaysDue: settled.daysDue, settleRuns: settled.reports.map((r) => r.runId) },
  };
}
