/**
 * `npm start` (`tsx src/cli.ts worker`): the long-running scheduled worker. Wiring only:
 * one database runtime and one Genesys client for the process; each tick resolves the
 * rolling interval with a fresh "now" and runs the same runSync as `npm run sync`.
 */
import type { Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { formatSummary } from '../jobs/summary.ts';
import { runSync } from '../jobs/sync.ts';
import { createWorker, nodeCronScheduler, postgresRunLock, type RunOutcome } from '../jobs/worker.ts';
import type { Logger } from '../logger.ts';
import { createGenesys, openRuntime } from '../runtime.ts';
import { resolveInterval } from '../sync/interval.ts';
import { HOUR_MS, systemClock } from '../time.ts';
import { stopSignal } from './signals.ts';
import { syncOptions } from './sync.ts';

export async function workerCommand(_argv: string[], config: Config, logger: Logger): Promise<number> {
  const clock = systemClock;
  const genesys = createGenesys(config, logger);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  const log = logger.child({ component: 'worker' });

  const runOnce = async (signal: AbortSignal): Promise<RunOutcome> => {
    // Credentials refused on an earlier tick get a fresh token attempt on this one.
    genesys.retryCredentials();
    const interval = resolveInterval({ now: clock(), lagMs: config.sync.lagMs, defaultLookbackMs: config.sync.lookbackMs });
    const options = syncOptions('sync', { interval, agentIds: config.sync.agentIds, dryRun: false }, config);
    const report = await runSync(
      { db: runtime.database.prisma, genesys, logger, clock, signal, host: config.hostname, runLease: runtime.database.runLease },
      options,
    );
    return {
      status: report.status,
      summary: formatSummary(report),
      fields: { runId: report.runId, windowsFailed: report.windowsFailed, conversationsWritten: report.conversationsWritten },
    };
  };

  const worker = createWorker(
    { runOnce, scheduler: nodeCronScheduler, lock: postgresRunLock(runtime.database.url), logger: log, clock },
    {
      schedule: config.sync.schedule,
      timezone: config.sync.timezone,
      runOnStart: config.sync.runOnStart,
      shutdownTimeoutMs: config.sync.shutdownTimeoutMs,
    },
  );
  let abandonRun = false;
  try {
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
    genesys.close();
    if (!abandonRun) await runtime.close();
  }
}
