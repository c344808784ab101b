/** `npm run sync` and `npm run backfill`: one run, a summary, an exit code. Wiring only. */
import { parseArgs } from 'node:util';
import { parseAgentIds, type Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { runSync, type LaneRunOptions, type SyncDeps, type SyncOptions, type SyncProgress, type SyncReport } from '../pipeline/sync.ts';
import { retryFallbacks } from '../pipeline/fallback-retry.ts';
import { readAttributeDebt } from '../pipeline/settle-status.ts';
import { formatAttributeDebt, formatSummary } from '../present/summary.ts';
import type { Logger } from '../logger.ts';
import { configuredPersonalData, createGenesys, openRuntime, runDeps } from '../runtime.ts';
import { resolveInterval, type Interval } from '../decisions/interval.ts';
import { UsageError } from './usage-error.ts';
import type { CommandIo } from './io.ts';
import { isLaneMode, LANE_MODES, type LaneMode } from '../decisions/lanes.ts';
import { chooseStreams, STREAM_MAX_WINDOW_DAYS, streamJobsAvailability, type StreamName } from '../streams/index.ts';
import { systemClock } from '../time.ts';
import { createProgressReporter } from '../present/progress-reporter.ts';
import { planRollingRun, type RollingPlan } from '../pipeline/rolling.ts';
import type { Db } from '../db/client.ts';
import { runScopeKey } from '../decisions/coverage.ts';
import { formatInterval } from '../genesys/index.ts';
import { cutConnectionsAfterGrace, stopSignal } from './signals.ts';
import type { RunKind } from '../decisions/states.ts';

/** The run kinds started from the command line (settle runs are started by the worker). */
type CommandRunKind = Exclude<RunKind, 'settle'>;

export interface RunArgs {
  interval: Interval;
  agentIds: string[];
  dryRun: boolean;
  /** Backfill only: which lane reads the range (--lane, else BACKFILL_LANE). The rolling sync always reads through the query. */
  lane?: LaneMode;
  /**
   * `sync` without --from/--to/--lookback: a rolling run, whose start is resolved against the
   * scope's coverage before the run (planRolling). An explicit --lookback is an explicit
   * interval: it syncs exactly what was asked (docs/sync.md, "Catch-up").
   */
  rolling?: boolean;
  /** Rolling runs: where the run aimed to start (sync_runs.catch_up_from). */
  catchUpFrom?: Date;
  /** The streams read (--streams, else SYNC_STREAMS, else all); `explicit` when named. */
  streams?: { names: StreamName[]; explicit: boolean };
}

/** Parses and validates the flags before anything touches the network. */
export function parseRunArgs(kind: CommandRunKind, argv: string[], config: Config, now: Date): RunArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        lookback: { type: 'string' },
        agents: { type: 'string' },
        lane: { type: 'string' },
        streams: { type: 'string' },
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
  if (kind === 'sync' && values.lane !== undefined) throw new UsageError('--lane is for backfill; the rolling sync reads through the query (and the worker settles days through jobs)');
  const laneText = values.lane?.trim().toLowerCase();
  if (laneText !== undefined && !isLaneMode(laneText)) throw new UsageError(`--lane: "${values.lane}" is not one of ${LANE_MODES.join(', ')}`);
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
  const rolling = kind === 'sync' && values.from === undefined && values.to === undefined && values.lookback === undefined;
  const lane: LaneMode = kind === 'sync' ? 'query' : (laneText as LaneMode | undefined) ?? config.lanes.backfillLane;
  let streams;
  try {
    streams = chooseStreams(values.streams, config.sync.streams);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { interval, agentIds, dryRun: values['dry-run'] ?? false, rolling, lane, streams };
}

/**
 * A rolling run of these agents (the configured ones for the worker): its interval caught up
 * to where the scope's coverage ended (pipeline/rolling.ts), and the line that says so when it
 * reaches beyond the lookback.
 */
export function planRolling(db: Db, config: Config, agentIds: readonly string[], now: Date, streams: readonly StreamName[]): Promise<RollingPlan> {
  return planRollingRun(db, {
    now,
    streams,
    lagMs: config.sync.lagMs,
    lookbackMs: config.sync.lookbackMs,
    maxCatchUpMs: config.sync.maxCatchUpMs,
    agentIds,
    configuredAgents: runScopeKey(agentIds) === runScopeKey(config.sync.agentIds),
  });
}

export function syncOptions(kind: CommandRunKind, args: RunArgs, config: Config): SyncOptions {
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
    catchUpFrom: args.catchUpFrom,
    deletes: { mode: config.mirror.deletes, maxFraction: config.mirror.deleteMaxFraction },
  };
}

export function exitCodeFor(report: SyncReport): number {
  if (report.status === 'succeeded') return EXIT.OK;
  if (report.authFailed) return EXIT.UNAVAILABLE;
  if (report.status === 'interrupted') return EXIT.INTERRUPTED;
  return EXIT.FAILED;
}

export async function runCommand(kind: CommandRunKind, argv: string[], config: Config, logger: Logger, io: CommandIo): Promise<number> {
  const clock = systemClock;
  // "Now" is read once for the command: the interval and the rolling plan agree on it.
  const now = clock();
  const parsed = parseRunArgs(kind, argv, config, now);
  const mode = parsed.lane ?? 'query';
  // Before the database: missing Genesys settings are reported without touching anything. A dry
  // run calls Genesys only for the data-availability date, when its lanes need it.
  const genesys = parsed.dryRun && mode === 'query' ? undefined : createGenesys(config, logger);
  let runtime;
  try {
    runtime = await openRuntime(config, logger);
  } catch (error) {
    genesys?.close();
    throw error;
  }
  const stop = parsed.dryRun ? undefined : stopSignal(logger, cutConnectionsAfterGrace(logger, config.sync.shutdownTimeoutMs, runtime.database));
  const progress = !parsed.dryRun && kind === 'backfill' ? createProgressReporter({ logger, stream: io.stderr }) : undefined;
  try {
    let args = parsed;
    let note: string | undefined;
    if (parsed.rolling) {
      const plan = await planRolling(runtime.database.prisma, config, parsed.agentIds, now, parsed.streams!.names);
      args = { ...parsed, interval: plan.interval, catchUpFrom: plan.catchUpFrom };
      note = plan.note;
    }
    if (note) logger.info({ interval: formatInterval(args.interval), catchUpFrom: args.catchUpFrom?.toISOString() }, note);
    // The plan (its size, the lanes' data-availability date, a `--lane jobs` range past it) is
    // checked by the planner before anything is recorded: a usage error, exit 2.
    const options: SyncOptions = { ...syncOptions(kind, args, config), ...(kind === 'backfill' ? { lanes: laneRunOptions(config, mode, undefined) } : {}) };
    const header = note ? `${note}\n` : '';
    if (parsed.dryRun || !genesys) {
      const [{ buildPlan }, { formatPlan }] = await Promise.all([import('../pipeline/dry-run.ts'), import('../present/plan.ts')]);
      const plan = await buildPlan(runtime.database.prisma, { ...options, streams: parsed.streams!.names, maxWindowDays: STREAM_MAX_WINDOW_DAYS, ...(genesys ? { ownAvailability: streamJobsAvailability(genesys) } : {}) }, () => genesys!.getDetailsJobsAvailability());
      io.stdout.write(`${header}${formatPlan(plan)}\n`);
      return EXIT.OK;
    }
    // One set of deps for the run and its fallback retries: the same streams and personal-data policy.
    const deps = runDeps(runtime, genesys, { logger, clock, signal: stop!.signal, host: config.hostname, streams: parsed.streams!.names, explicitStreams: parsed.streams!.explicit, personalData: configuredPersonalData(config) });
    const report = await runSync({ ...deps, ...(progress ? { onProgress: (p: SyncProgress) => progress.update(p) } : {}) }, options);
    progress?.finish();
    io.stdout.write(`${header}${formatSummary(report)}\n`);
    if (kind !== 'backfill') return exitCodeFor(report);
    return await finishBackfill(deps, options, report, io);
  } finally {
    progress?.finish();
    stop?.dispose();
    genesys?.close();
    await runtime.close();
  }
}

/**
 * After a backfill: its fallen-back windows get one more try through jobs, then the summary names
 * the days of its range still read without attributes. The exit code is the backfill's own (a
 * retry that falls back again leaves the days owed, not the range unread).
 */
async function finishBackfill(deps: SyncDeps, options: SyncOptions, report: SyncReport, io: CommandIo): Promise<number> {
  for (const retry of await retryFallbacks(deps, options, report)) io.stdout.write(`one more try through jobs:\n${formatSummary(retry)}\n`);
  const debt = formatAttributeDebt(await readAttributeDebt(deps.db, options.interval, deps.clock()));
  if (debt) io.stdout.write(`${debt}\n`);
  return exitCodeFor(report);
}

/** How a run's lanes are set up from the configuration (the mode and date decided by the caller). */
export function laneRunOptions(config: Config, mode: LaneMode, availability: Date | undefined): LaneRunOptions {
  const l = config.lanes;
  return {
    mode,
    availability,
    jobWindowDays: l.jobWindowDays,
    jobs: { maxConcurrentJobs: l.maxConcurrentJobs, maxAttempts: l.maxJobAttempts, timeoutMs: l.jobTimeoutMs, pollInitialMs: l.pollInitialMs, pollMaxMs: l.pollMaxMs },
  };
}
