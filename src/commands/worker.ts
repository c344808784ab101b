/**
 * `npm start` (`node dist/cli.js worker` in production): the long-running scheduled worker.
 * Wiring only: one database runtime and one Genesys client for the process; each tick
 * resolves the rolling interval with a fresh "now", caught up to where the configured scope's
 * coverage ended (planRolling), and runs the same runSync as `npm run sync`. With METRICS_PORT
 * set, an HTTP server serves /metrics, /healthz and /readyz.
 */
import { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { readCoverage } from '../db/coverage.ts';
import { countOpenRejects } from '../db/rejects.ts';
import { EXIT } from '../exit-codes.ts';
import { formatSummary } from '../present/summary.ts';
import { readLastSuccessfulSync } from '../db/status-queries.ts';
import { ABANDONED_AFTER_MS, runSync, type SyncReport } from '../pipeline/sync.ts';
import { createWorker, nodeCronScheduler, postgresRunLock, type RunOutcome } from '../pipeline/worker.ts';
import type { Logger } from '../logger.ts';
import { liveness, nodeLoopDelaySource, readiness } from '../metrics/health.ts';
import { createSyncMetrics, registerLedgerGauges, type RunOutcomeStatus, type SyncMetrics } from '../metrics/metrics.ts';
import { startMetricsServer, type MetricsServer } from '../metrics/server.ts';
import { createGenesys, openRuntime, runDeps } from '../runtime.ts';
import { formatInterval } from '../genesys/index.ts';
import { newestCoveredEnd } from '../decisions/coverage.ts';
import { HOUR_MS, systemClock, type Clock } from '../time.ts';
import { stopSignal } from './signals.ts';
import { laneRunOptions, planRolling, syncOptions } from './sync.ts';
import { settle, type SettleReport } from '../pipeline/settle.ts';

export async function workerCommand(_argv: string[], config: Config, logger: Logger): Promise<number> {
  const clock = systemClock;
  const metrics = config.metrics.port === undefined ? undefined : createSyncMetrics(new Registry());
  const genesys = createGenesys(config, logger, metrics?.requestObserver);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  const log = logger.child({ component: 'worker' });
  let lastRunStatus: RunOutcomeStatus | undefined;

  const runOnce = async (signal: AbortSignal): Promise<RunOutcome> => {
    // Credentials refused on an earlier tick get a fresh token attempt on this one.
    genesys.retryCredentials();
    const startedAt = clock();
    let report: SyncReport;
    let note: string | undefined;
    let deps: Parameters<typeof runSync>[0];
    let options: ReturnType<typeof syncOptions>;
    try {
      // Catch-up: the interval starts where the scope's coverage ended when that is older than
      // the lookback (pipeline/rolling.ts), resolved before the run and passed in as any interval.
      const plan = await planRolling(runtime.database.prisma, config, config.sync.agentIds, startedAt);
      note = plan.note;
      if (note) log.info({ interval: formatInterval(plan.interval), catchUpFrom: plan.catchUpFrom.toISOString() }, note);
      const args = { interval: plan.interval, catchUpFrom: plan.catchUpFrom, agentIds: config.sync.agentIds, dryRun: false };
      deps = runDeps(runtime, genesys, { logger, clock, signal, host: config.hostname });
      options = syncOptions('sync', args, config);
      report = await runSync(deps, options);
    } catch (error) {
      lastRunStatus = 'error';
      const finishedAt = clock();
      metrics?.observeRun({
        kind: 'sync', status: 'error', finishedAt, durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
        conversationsWritten: 0, windowsFailed: 0,
      });
      throw error;
    }
    observe(report);
    lastRunStatus = report.status;
    const outcome: RunOutcome = {
      status: report.status,
      summary: `${note ? `${note}\n` : ''}${formatSummary(report)}`,
      fields: { runId: report.runId, windowsFailed: report.windowsFailed, conversationsWritten: report.conversationsWritten },
    };
    // Settling follows the rolling sync under the same lock (docs/sync.md §15); not after a
    // sync that was stopped or refused credentials.
    if (!config.settle.enabled || report.status === 'interrupted' || report.authFailed) return outcome;
    const settled = await settle(deps, {
      base: options,
      daysPerTick: config.settle.daysPerTick,
      jobWindowDays: config.lanes.jobWindowDays,
      jobs: laneRunOptions(config, 'jobs', undefined).jobs,
    });
    settled.reports.forEach(observe);
    const combined = combineSettle(outcome, settled);
    lastRunStatus = combined.status;
    return combined;
  };

  /** Feeds a finished run (sync or settle) to the metrics. */
  function observe(r: SyncReport): void {
    metrics?.observeRun({
      kind: r.kind, status: r.status, finishedAt: clock(), durationSeconds: r.durationMs / 1000,
      conversationsWritten: r.conversationsWritten, windowsFailed: r.windowsFailed,
    });
  }

  let server: MetricsServer | undefined;
  let abandonRun = false;
  try {
    if (metrics) server = await serveMetrics(metrics, config.metrics.port!, runtime.database, () => lastRunStatus, clock, log);
    const worker = createWorker(
      { runOnce, scheduler: nodeCronScheduler, lock: postgresRunLock(runtime.database.url), logger: log, clock },
      {
        schedule: config.sync.schedule,
        timezone: config.sync.timezone,
        runOnStart: config.sync.runOnStart,
        shutdownTimeoutMs: config.sync.shutdownTimeoutMs,
      },
    );
    worker.start();
    // Keep the process alive between ticks on our own terms rather than relying on the
    // scheduler's timers being referenced.
    const keepAlive = setInterval(() => {}, HOUR_MS);
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(keepAlive);
    const result = await worker.stop(String((stop.signal.reason as Error | undefined)?.message ?? 'stop signal'));
    // A run that outlived the timeout still holds pooled connections: closing the pool would
    // wait for it, so leave it to the process exit (its ledger row turns abandoned later).
    abandonRun = result.timedOut;
    return result.interruptedRun ? EXIT.INTERRUPTED : EXIT.OK;
  } finally {
    stop.dispose();
    await server?.close();
    genesys.close();
    if (!abandonRun) await runtime.close();
  }
}

/** The tick's outcome: the worst of the sync and its settle runs; the summary lists both. */
function combineSettle(outcome: RunOutcome, settled: SettleReport): RunOutcome {
  const rank = { succeeded: 0, interrupted: 1, failed: 2 } as const;
  let status = outcome.status;
  for (const r of settled.reports) if (rank[r.status] > rank[status]) status = r.status;
  if (settled.error && status === 'succeeded') status = 'failed';
  const head = settled.error
    ? `settling: ${settled.error}`
    : `settling: ${settled.daysDue} day(s) due before ${settled.availability?.toISOString() ?? '?'}; ${settled.windows.length} job window(s) this tick`;
  return {
    status,
    summary: [outcome.summary, head, ...settled.reports.map((r) => formatSummary(r))].join('\n'),
    fields: { ...outcome.fields, settleDaysDue: settled.daysDue, settleRuns: settled.reports.map((r) => r.runId) },
  };
}

/**
 * Starts the HTTP server. The last-success gauge starts from the ledger (the newest succeeded
 * `sync` run), so a restart does not make it read "never"; open rejects and coverage per scope
 * are read from the ledger on each scrape.
 */
async function serveMetrics(
  metrics: SyncMetrics,
  port: number,
  database: DatabaseHandle,
  lastRunStatus: () => string | undefined,
  clock: Clock,
  logger: Logger,
): Promise<MetricsServer> {
  const last = await readLastSuccessfulSync(database.prisma);
  if (last?.finishedAt) metrics.seedLastSuccess(last.finishedAt);
  const db = database.prisma;
  registerLedgerGauges(metrics.registry, {
    openRejects: () => countOpenRejects(db),
    newestCovered: async () => {
      const scopes = await readCoverage(db, { aliveSince: new Date(clock().getTime() - ABANDONED_AFTER_MS) });
      return scopes.map((s) => ({ scope: s.scopeKey, end: newestCoveredEnd(s.covered) }));
    },
    nowMs: () => clock().getTime(),
    onError: (error) => logger.warn({ err: error }, 'reading the ledger for metrics failed'),
  });
  const loop = nodeLoopDelaySource();
  try {
    const server = await startMetricsServer({
      port,
      registry: metrics.registry,
      live: liveness(loop),
      ready: readiness({ pingDatabase: async () => void (await database.prisma.$queryRawUnsafe('SELECT 1')), lastRunStatus }),
      logger,
    });
    return {
      port: server.port,
      close: async () => {
        loop.stop();
        await server.close();
      },
    };
  } catch (error) {
    loop.stop();
    throw new Error(`METRICS_PORT: cannot serve metrics on port ${port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
