/** `npm run sync` and `npm run backfill`: one run, a summary, an exit code. Wiring only. */
import { parseArgs } from 'node:util';
import { parseAgentIds, type Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { runSync, type SyncProgress, type SyncReport } from '../jobs/sync.ts';
import { formatSummary } from '../jobs/summary.ts';
import type { Logger } from '../logger.ts';
import { createGenesys, openRuntime } from '../runtime.ts';
import { resolveInterval, UsageError, type Interval } from '../sync/interval.ts';
import { assertPlanSize } from '../sync/plan.ts';
import { systemClock } from '../time.ts';
import { createProgressReporter } from '../jobs/progress.ts';
import { stopSignal } from './signals.ts';

export interface RunArgs {
  interval: Interval;
  agentIds: string[];
  dryRun: boolean;
}

/** Parses and validates the flags before anything touches the network. */
export function parseRunArgs(kind: 'sync' | 'backfill', argv: string[], config: Config, now: Date): RunArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        lookback: { type: 'string' },
        agents: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (kind === 'backfill' && (values.from === undefined || values.to === undefined)) {
    throw new UsageError('backfill needs --from DATE and --to DATE (e.g. --from 2025-01-01 --to 2025-04-01)');
  }
  if (kind === 'backfill' && values.lookback !== undefined) throw new UsageError('backfill takes --from/--to, not --lookback');
  const interval = resolveInterval({
    now,
    lagMs: config.sync.lagMs,
    defaultLookbackMs: config.sync.lookbackMs,
    from: values.from,
    to: values.to,
    lookback: values.lookback,
  });
  let agentIds = config.sync.agentIds;
  if (values.agents !== undefined) {
    const parsed = parseAgentIds(values.agents);
    if ('error' in parsed) throw new UsageError(`--agents: ${parsed.error}`);
    if (parsed.ids.length === 0) throw new UsageError('--agents: the list is empty');
    agentIds = parsed.ids;
  }
  return { interval, agentIds, dryRun: values['dry-run'] ?? false };
}

export function syncOptions(kind: 'sync' | 'backfill', args: RunArgs, config: Config) {
  return {
    kind,
    interval: args.interval,
    agentIds: args.agentIds,
    agentGroupSize: config.sync.agentGroupSize,
    windowDays: kind === 'backfill' ? config.sync.backfillWindowDays : config.sync.windowDays,
    pageSize: config.sync.pageSize,
    windowMaxHits: config.sync.windowMaxHits,
    concurrency: config.sync.concurrency,
    resume: kind === 'backfill',
  };
}

export function exitCodeFor(report: SyncReport): number {
  if (report.status === 'succeeded') return EXIT.OK;
  if (report.authFailed) return EXIT.UNAVAILABLE;
  if (report.status === 'interrupted') return EXIT.INTERRUPTED;
  return EXIT.FAILED;
}

export async function runCommand(kind: 'sync' | 'backfill', argv: string[], config: Config, logger: Logger): Promise<number> {
  const clock = systemClock;
  const args = parseRunArgs(kind, argv, config, clock());
  const options = syncOptions(kind, args, config);
  assertPlanSize(options); // a usage error before the database or Genesys is touched
  if (args.dryRun) {
    const { printPlan } = await import('../jobs/dry-run.ts');
    const runtime = await openRuntime(config, logger);
    try {
      process.stdout.write(`${await printPlan(runtime.database.prisma, options)}\n`);
    } finally {
      await runtime.close();
    }
    return EXIT.OK;
  }
  const genesys = createGenesys(config, logger);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  const progress = kind === 'backfill' ? createProgressReporter({ logger, stream: process.stderr }) : undefined;
  try {
    const report = await runSync(
      {
        db: runtime.database.prisma,
        genesys,
        logger,
        clock,
        signal: stop.signal,
        host: config.hostname,
        runLease: runtime.database.runLease,
        onProgress: progress ? (p: SyncProgress) => progress.update(p) : undefined,
      },
      options,
    );
    progress?.finish();
    process.stdout.write(`${formatSummary(report)}\n`);
    return exitCodeFor(report);
  } finally {
    progress?.finish();
    stop.dispose();
    genesys.close();
    await runtime.close();
  }
}
