/**
 * `npm start` (`node dist/cli.js worker` in production): the long-running scheduled worker.
 * Wiring only: one database runtime and one Genesys client for the process; each tick
 * (pipeline/worker-tick.ts) resolves the rolling interval with a fresh "now", caught up to where
 * the configured scope's coverage ended, and runs the same runSync as `npm run sync`. With
 * METRICS_PORT set, an HTTP server serves /metrics, /healthz and /readyz.
 *
 * Shutdown (docs/operations.md §3): the run in flight gets SYNC_SHUTDOWN_TIMEOUT to record
 * itself interrupted, the database pool then closes within 5 s (its sockets destroyed after
 * that), and the process exits 130 (a run was stopped) or 0.
 */
import { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { readCoverage } from '../db/coverage.ts';
import { countOpenRejects } from '../db/rejects.ts';
import { EXIT } from '../exit-codes.ts';
import { readLastSuccessfulSync } from '../db/status-queries.ts';
import { ABANDONED_AFTER_MS } from '../pipeline/sync.ts';
import { createWorker, nodeCronScheduler, postgresRunLock, type Worker } from '../pipeline/worker.ts';
import { createWorkerTick, type TickStatus } from '../pipeline/worker-tick.ts';
import type { Logger } from '../logger.ts';
import { liveness, nodeLoopDelaySource, readiness } from '../metrics/health.ts';
import { createSyncMetrics, registerLedgerGauges, type RunOutcomeStatus, type SyncMetrics } from '../metrics/metrics.ts';
import { startMetricsServer, type MetricsServer } from '../metrics/server.ts';
import { configuredPersonalData, createGenesys, openRuntime, runDeps, type Runtime } from '../runtime.ts';
import { chooseStreams, STREAM_NAMES, type StreamName } from '../streams/index.ts';
import { formatSummary } from '../present/summary.ts';
import type { GenesysClient } from '../genesys/index.ts';
import { newestCoveredEnd } from '../decisions/coverage.ts';
import { HOUR_MS, systemClock, untilAborted, type Clock } from '../time.ts';
import { cutConnectionsAfterGrace, stopSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';
import { laneRunOptions, planRolling, syncOptions } from './sync.ts';

export async function workerCommand(_argv: string[], config: Config, logger: Logger): Promise<number> {
  const clock = systemClock;
  const metrics = config.metrics.port === undefined ? undefined : createSyncMetrics(new Registry(), { streams: STREAM_NAMES });
  const genesys = createGenesys(config, logger, metrics?.requestObserver);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger, cutConnectionsAfterGrace(logger, config.sync.shutdownTimeoutMs, runtime.database));
  const log = logger.child({ component: 'worker' });
  let lastRunStatus: RunOutcomeStatus | undefined;
  let server: MetricsServer | undefined;
  try {
    if (metrics) server = await serveMetrics(metrics, config.metrics.port!, runtime.database, () => lastRunStatus, clock, log);
    const worker = buildWorker(config, { runtime, genesys, logger, log, clock, metrics, onStatus: (s) => (lastRunStatus = s) });
    worker.start();
    // Keep the process alive between ticks on our own terms rather than relying on the
    // scheduler's timers being referenced.
    const keepAlive = setInterval(() => {}, HOUR_MS);
    await untilAborted(stop.signal);
    clearInterval(keepAlive);
    const result = await worker.stop(String((stop.signal.reason as Error | undefined)?.message ?? 'stop signal'));
    return result.interruptedRun ? EXIT.INTERRUPTED : EXIT.OK;
  } finally {
    stop.dispose();
    await server?.close();
    genesys.close();
    // Bounded (db/client.ts): a run that outlived the shutdown timeout has its sockets cut.
    await runtime.close();
    log.info('worker exiting');
  }
}

interface WorkerParts {
  runtime: Runtime;
  genesys: GenesysClient;
  logger: Logger;
  log: Logger;
  clock: Clock;
  metrics: SyncMetrics | undefined;
  onStatus: (status: TickStatus) => void;
}

/** The scheduled worker around one tick (pipeline/worker-tick.ts) under the run lock. */
function buildWorker(config: Config, parts: WorkerParts): Worker {
  const { runtime, genesys, logger, log, clock } = parts;
  const db = runtime.database.prisma;
  const agentIds = config.sync.agentIds;
  const streams = streamsOf(config);
  const runOnce = createWorkerTick({
    // SYNC_STREAMS names the streams (a refusal then fails the run); unset: the default ones.
    sync: runDeps(runtime, genesys, { logger, clock, host: config.hostname, ...streams, personalData: configuredPersonalData(config) }),
    summarize: formatSummary,
    planRolling: (now) => planRolling(db, config, agentIds, now, streams.streams),
    syncOptions: (plan) => syncOptions('sync', { interval: plan.interval, catchUpFrom: plan.catchUpFrom, agentIds, dryRun: false }, config),
    settle: config.settle.enabled
      ? { daysPerTick: config.settle.daysPerTick, jobWindowDays: config.lanes.jobWindowDays, jobs: laneRunOptions(config, 'jobs', undefined).jobs }
      : undefined,
    retention: config.mirror.retentionDays === undefined ? undefined : { days: config.mirror.retentionDays },
    retryCredentials: () => genesys.retryCredentials(),
    metrics: parts.metrics,
    onStatus: parts.onStatus,
  });
  return createWorker(
    { runOnce, scheduler: nodeCronScheduler, lock: postgresRunLock(runtime.database.url), logger: log, clock },
    {
      schedule: config.sync.schedule,
      timezone: config.sync.timezone,
      runOnStart: config.sync.runOnStart,
      shutdownTimeoutMs: config.sync.shutdownTimeoutMs,
    },
  );
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

/** SYNC_STREAMS for the worker; an unknown name is a usage error (exit 2) naming the variable. */
function streamsOf(config: Config): { streams: readonly StreamName[]; explicitStreams: boolean } {
  try {
    const { names, explicit } = chooseStreams(undefined, config.sync.streams);
    return { streams: names, explicitStreams: explicit };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
