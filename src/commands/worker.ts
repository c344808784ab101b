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
import { laneRunOptions, planRolling, syncOptions } from './sync.ts';
import { settle, type SettleReport } from '../jobs/settle.ts';

export async function workerCommand(_argv: string[], config: Config, logger: Logger): Promise<number> {
  const clock = systemClock;
  const genesys = createGenesys(config, logger);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  const log = logger.child({ component: 'worker' });

  const runOnce = async (signal: AbortSignal): Promise<RunOutcome> => {
    // Credentials refused on an earlier tick get a fresh token attempt on this one.
    genesys.retryCredentials();
    // Catch-up: the interval starts where the scope's coverage ended when that is older than
    // the lookback (jobs/rolling.ts), resolved before the run and passed in as any interval.
    const plan = await planRolling(runtime.database.prisma, config, config.sync.agentIds, clock());
    const note = plan.note;
    if (note) log.info({ interval: formatInterval(plan.interval), catchUpFrom: plan.catchUpFrom.toISOString() }, note);
    const args = { interval: plan.interval, catchUpFrom: plan.catchUpFrom, agentIds: config.sync.agentIds, dryRun: false };
    const deps = { db: runtime.database.prisma, genesys, logger, clock, signal, host: config.hostname, runLease: runtime.database.runLease };
    const options = syncOptions('sync', args, config);
    const report = await runSync(deps, options);
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
    return combineSettle(outcome, settled);
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
