/**
 * `npm start` (`tsx src/cli.ts worker`): the long-running scheduled worker. Wiring only:
 * one database runtime and one Genesys client for the process; each tick resolves the
 * rolling interval with a fresh "now", caught up to where the configured scope's coverage
 * ended (planRolling), and runs the same runSync as `npm run sync`.
 */
import type { Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { formatSummary } from '../jobs/summary.ts';
import { runSync } from '../jobs/sync.ts';
import { createWorker, nodeCronScheduler, postgresRunLock, type RunOutcome } from '../jobs/worker.ts';
import type { Logger } from '../logger.ts';
import { createGenesys, openRuntime } from '../runtime.ts';
import { formatInterval } from '../genesys/index.ts';
import { HOUR_MS, systemClock } from '../time.ts';
import { stopSignal } from './signals.ts';
import { planRolling, syncOptions } from './sync.ts';

export async function workerCommand(_argv: string[], config: Config, logger: Logger): Promise<number> {
  const clock = systemClock;
  const genesys = createGenesys(config, logger);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  const log = logger.child({ component: 'worker' });

  const runOnce = async (signal: AbortSignal): Promise<RunOutcome> => {
    // Catch-up: the interval starts where the scope's coverage ended when that is older than
    // the lookback (jobs/rolling.ts), resolved before the run and passed in as any interval.
    const plan = await planRolling(runtime.database.prisma, config, config.sync.agentIds, clock());
    const note = plan.note;
    if (note) log.info({ interval: formatInterval(plan.interval), catchUpFrom: plan.catchUpFrom.toISOString() }, note);
    const args = { interval: plan.interval, catchUpFrom: plan.catchUpFrom, agentIds: config.sync.agentIds, dryRun: false };
    const report = await runSync(
      { db: runtime.database.prisma, genesys, logger, clock, signal, host: config.hostname },
      syncOptions('sync', args, config),
    );
    return {
      status: report.status,
      summary: `${note ? `${note}\n` : ''}${formatSummary(report)}`,
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
