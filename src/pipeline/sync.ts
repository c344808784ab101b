/**
 * One run of the sync (or of a backfill, or a settle): plan each stream's windows, hand them to
 * the window runner beside the agents and reference-lists refresh, and keep the run's ledger
 * row true at every step (run-lifecycle.ts). Composes the pure planner and outcome
 * (src/decisions), the Genesys client (src/genesys) and the ledger (src/db); the streams, with
 * their lanes and writers, are built by the composition root (deps.openStreams).
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import * as ledger from '../db/ledger.ts';
import { markDeadRuns, type RunLease } from '../db/run-liveness.ts';
import { countOpenRejects } from '../db/rejects.ts';
import { createWindowLedger, type WindowLedger } from '../db/window-ledger.ts';
import { AuthError, formatInterval, type GenesysClient } from '../genesys/index.ts';
import type { Interval } from '../decisions/interval.ts';
import { decideRunOutcome } from '../decisions/outcome.ts';
import { laneModeOf, type RunPlan } from '../decisions/run-plan.ts';
import { scopeKey } from '../decisions/scopes.ts';
import type { FinalRunStatus, RunKind } from '../decisions/states.ts';
import { onAbort, type Clock } from '../time.ts';
import { cancelAbandonedJobs, type JobCanceller } from './abandoned-jobs.ts';
import { describeError } from './describe-error.ts';
import { atOwnAvailability, planStream, resolveRun, type PlanRunInput, type ResolvedRun } from './plan-run.ts';
import { refreshNames } from './refresh-names.ts';
import { ABANDONED_AFTER_MS, openRun } from './run-lifecycle.ts';
import { describeReject, RunState, type RejectNotice, type StreamCounts, type SyncProgress, type WindowFailure } from './run-state.ts';
import type { LaneRunOptions, OpenStreams, RunReadSettings, RunStream } from './stream.ts';
import { agentIdsOf, runWindows, type WindowJob } from './window-runner.ts';

export type { SyncProgress, WindowFailure, LaneRunOptions };
export type { JobsLaneSettings } from './lanes/jobs-settings.ts';
export { ABANDONED_AFTER_MS };

export interface SyncDeps {
  db: Db;
  genesys: GenesysClient;
  logger: Logger;
  clock: Clock;
  /** Builds the run's streams, their lanes and writers (the composition root: src/runtime.ts). */
  openStreams: OpenStreams;
  /** Aborted on SIGINT/SIGTERM: no new page starts, writes in flight finish, the run ends interrupted. */
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  host?: string;
  /** Takes the run's liveness lease (acquireRunLease on a dedicated connection; run-liveness.ts). */
  runLease: (runId: string) => Promise<RunLease>;
}

export interface SyncOptions extends RunReadSettings {
  kind: RunKind;
  interval: Interval;
  agentIds: string[];
  agentGroupSize: number;
  windowDays: number;
  /** Skip windows finished by earlier runs with the same arguments (backfill). */
  resume: boolean;
  /** Rolling runs only: where the run aimed to start (recorded in the ledger; see pipeline/rolling.ts). */
  catchUpFrom?: Date;
}

export interface SyncReport extends ledger.RunCounts {
  runId: string;
  kind: RunKind;
  status: FinalRunStatus;
  interval: Interval;
  windowsResumed: number;
  conversationsChanged: number;
  /** Records skipped because a version fetched later was already stored. */
  conversationsStale: number;
  /** Records quarantined in sync_rejects by this run, and the first of them by name. */
  recordsRejected: number;
  rejects: RejectNotice[];
  laneFallbacks: number;
  durationMs: number;
  failures: WindowFailure[];
  /** Each stream's share: records written and windows failed. */
  streams: StreamCounts[];
  /** Streams left out of the run (their permission refused while on by default), naming what was missing. */
  warnings: string[];
  error?: string;
  /** Genesys rejected the credentials: nothing could be fetched (exit code 3, not 1). */
  authFailed: boolean;
}

/** A stream's share of the run: its plan. */
interface PlannedStream {
  stream: RunStream;
  plan: RunPlan;
}

/** What a run was asked and planned, before anything is recorded. */
interface PlannedRun {
  runId: string;
  startedAt: Date;
  logger: Logger;
  planKey: string;
  streams: PlannedStream[];
  /** Streams left out of the run, and why (recorded in sync_runs.warnings). */
  warnings: string[];
}

export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const planned = await planSyncRun(deps, options);
  const { logger, runId } = planned;
  await markDeadRuns(deps.db, { heartbeatStaleMs: ABANDONED_AFTER_MS });
  // Jobs a killed run left behind are cancelled before this run creates its own (best effort),
  // each through the jobs API of its window's stream.
  if (laneModeOf(options) !== 'query') {
    await cancelAbandonedJobs(deps.db, jobCancellers(planned), logger, deps.signal).catch((error: unknown) => logger.warn({ err: error }, 'could not look for abandoned async jobs'));
  }
  const run = await openRun({ ...deps, logger }, {
    runId,
    kind: options.kind,
    intervalStart: options.interval.start,
    intervalEnd: options.interval.end,
    agentIds: options.agentIds,
    planKey: planned.planKey,
    catchUpFrom: options.catchUpFrom,
    host: deps.host ?? 'unknown',
    pid: process.pid,
    startedAt: planned.startedAt,
  });
  if (planned.warnings.length > 0) await ledger.recordRunWarnings(deps.db, runId, planned.warnings);
  const state = new RunState(deps.genesys.stats());
  const progress = () => deps.onProgress?.(state.progress(deps.genesys.stats(), deps.clock().getTime() - planned.startedAt.getTime()));
  run.beat(() => state.counts(deps.genesys.stats()), progress);
  const ended = await executeRun(deps, options, planned, state, progress);
  const finishedAt = deps.clock();
  const durationMs = finishedAt.getTime() - planned.startedAt.getTime();
  const { status, error } = decideRunOutcome({
    windowFailures: state.failures.length,
    firstWindowFailure: state.failures[0] && describeFailure(state.failures[0]),
    recordsRejected: state.recordsRejected,
    firstReject: state.rejects[0] && describeReject(state.rejects[0]),
    runError: ended.runError,
    interrupted: ended.interrupted,
    deletionsWithheld: state.deletionsWithheld.length,
    firstDeletionsWithheld: state.deletionsWithheld[0],
  });
  const counts = state.counts(deps.genesys.stats());
  await run.finish({ status, counts, error, finishedAt, durationMs });
  for (const record of state.unrecordedFailures) {
    await record().catch((e: unknown) => logger.error({ err: e }, 'could not record a window failure'));
  }
  deps.onProgress?.(state.progress(deps.genesys.stats(), durationMs));
  return report(planned, options, state, { status, counts, error, durationMs, authFailed: ended.authFailed });
}

/** How this run deletes a job of each stream it reads that has a jobs API. */
function jobCancellers(planned: PlannedRun): Map<string, JobCanceller> {
  const cancellers = new Map<string, JobCanceller>();
  for (const { stream } of planned.streams) if (stream.cancelJob) cancellers.set(stream.name, stream.cancelJob);
  return cancellers;
}

/**
 * Plans every stream of the run (the clock read once); a plan that cannot be made (too large, a
 * lane that cannot read the range) throws a usage error before anything is recorded.
 */
async function planSyncRun(deps: SyncDeps, asked: SyncOptions): Promise<PlannedRun> {
  const startedAt = deps.clock();
  const runId = randomUUID();
  const logger = deps.logger.child({ runId, kind: asked.kind });
  const names = deps.openStreams.names;
  const run = await resolveRun({ ...asked, streams: names }, () => deps.genesys.getDetailsJobsAvailability(deps.signal));
  const { options, planKey } = run;
  // Built with the resolved lanes (the data-availability date filled in where they need it).
  const streams: PlannedStream[] = [];
  const warnings: string[] = [];
  for (const stream of deps.openStreams.open({ logger, settings: options })) {
    // A stream on by default that Genesys refuses is left out with a warning (stream.ts, probe).
    const warning = await stream.probe?.(deps.signal);
    if (warning) {
      warnings.push(warning);
      logger.warn({ stream: stream.name }, warning);
      continue;
    }
    const own = await withOwnAvailability(run, stream, logger, deps.signal);
    streams.push({ stream, plan: (await planStream(deps.db, own, stream.name, stream.maxWindowDays)).plan });
  }
  const windows = streams.reduce((n, p) => n + p.plan.windows.length, 0);
  const resumed = streams.reduce((n, p) => n + p.plan.resumed, 0);
  logger.info({ interval: formatInterval(options.interval), streams: names, windows, resumed }, `${options.kind} run started`);
  return { runId, startedAt, logger, planKey, streams, warnings };
}

/**
 * The run as one stream plans it (atOwnAvailability, plan-run.ts): when its lanes use jobs and the stream has a jobs API of its
 * own, cut at that API's data-availability date. If the date cannot be read, the run's date
 * stands: the stream's jobs lane reads its own date again and hands a window past it to the
 * query, or meets the error in its windows.
 */
async function withOwnAvailability<T extends PlanRunInput & SyncOptions>(run: ResolvedRun<T>, stream: RunStream, logger: Logger, signal?: AbortSignal): Promise<ResolvedRun<T>> {
  const own = stream.jobsAvailability;
  try {
    return await atOwnAvailability(run, own && (() => own(signal)));
  } catch (error) {
    logger.warn({ err: error, stream: stream.name }, 'could not read the stream\'s own jobs data-availability date; its lanes are cut at the run\'s');
    return run;
  }
}

/** Listeners the run's signal may hold at once before Node warns (executeRun). */
const MAX_RUN_SIGNAL_LISTENERS = 1_000;

interface RunEnd {
  runError: string | undefined;
  interrupted: boolean;
  authFailed: boolean;
}

/** Reads every planned window beside the names refresh; never throws (what failed is in the result and the state). */
async function executeRun(deps: SyncDeps, options: SyncOptions, planned: PlannedRun, state: RunState, progress: () => void): Promise<RunEnd> {
  const { logger } = planned;
  const abort = new AbortController();
  // Every window in flight, request at the gate and waiter for a jobs-lane slot listens to this
  // signal until it is done: more than Node's default 10 at once on any run reading several
  // windows, which is fan-out, not a leak (each removes its listener). Node warned "possible
  // EventTarget memory leak" on stderr; a real leak still shows past this bound.
  setMaxListeners(MAX_RUN_SIGNAL_LISTENERS, abort.signal);
  // A stop that came while the run was being opened counts too (onAbort calls at once).
  const unfollow = onAbort(deps.signal, () => abort.abort(deps.signal?.reason));
  // The agents and reference lists are refreshed beside the windows, not before them: writing
  // records needs neither, and their requests would otherwise delay every window's first one.
  const names = refreshNames({ ...deps, logger }, abort, options.agentIds);
  let runError: string | undefined;
  try {
    const windowLedger = createWindowLedger(deps.db);
    const jobs = await insertWindows(windowLedger, planned, state);
    await runWindows(
      {
        runId: planned.runId,
        ledger: windowLedger,
        clock: deps.clock,
        logger,
        state,
        signal: abort.signal,
        abortRun: (reason) => abort.abort(reason),
        onProgress: progress,
        rejectsMayBeOpen: { value: (await countOpenRejects(deps.db)) > 0 },
        scopesOverlap: new Set(jobs.map((j) => scopeKey(j.scope))).size > 1,
        readStartedAt: planned.startedAt,
      },
      jobs,
      options.concurrency,
    );
    runError = await names.settled;
  } catch (error) {
    await names.settled.catch(() => {}); // never left running past the run's end
    runError = describeError(error);
    // Rejected credentials end the run the same way wherever they surface (agents refresh or a window).
    if (error instanceof AuthError && !abort.signal.aborted) abort.abort(error);
    logger.error({ err: error }, `${options.kind} run aborted`);
  } finally {
    unfollow();
  }
  const authFailed = abort.signal.reason instanceof AuthError;
  return { runError, interrupted: abort.signal.aborted && !authFailed, authFailed };
}

/** The windows of every stream, recorded `pending` in plan order; the jobs the runner reads. */
async function insertWindows(windowLedger: WindowLedger, planned: PlannedRun, state: RunState): Promise<WindowJob[]> {
  const jobs: WindowJob[] = [];
  for (const { stream, plan } of planned.streams) {
    const ids = await windowLedger.insertWindows(
      planned.runId,
      plan.windows.map((w) => ({ stream: stream.name, scopeKey: w.scopeKey, scopeAgentIds: agentIdsOf(w.scope), start: w.start, end: w.end, lane: w.lane })),
    );
    plan.windows.forEach((w, i) => jobs.push({ windowId: ids[i]!, stream, scope: w.scope, window: w, lane: w.lane }));
  }
  state.windowsTotal = jobs.length;
  for (const job of jobs) state.seen.open(job.window);
  return jobs;
}

interface Finished {
  status: FinalRunStatus;
  counts: ledger.RunCounts;
  error: string | undefined;
  durationMs: number;
  authFailed: boolean;
}

function report(planned: PlannedRun, options: SyncOptions, state: RunState, end: Finished): SyncReport {
  return {
    runId: planned.runId,
    kind: options.kind,
    status: end.status,
    interval: options.interval,
    ...end.counts,
    windowsResumed: planned.streams.reduce((n, p) => n + p.plan.resumed, 0),
    conversationsChanged: state.countsOf(ledger.DEFAULT_STREAM).changed,
    conversationsStale: state.countsOf(ledger.DEFAULT_STREAM).stale,
    recordsRejected: state.recordsRejected,
    rejects: state.rejects,
    laneFallbacks: state.laneFallbacks,
    durationMs: end.durationMs,
    failures: state.failures,
    streams: planned.streams.map((p) => state.countsOf(p.stream.name)),
    warnings: planned.warnings,
    ...(end.error ? { error: end.error } : {}),
    authFailed: end.authFailed,
  };
}

export function describeFailure(f: WindowFailure): string {
  return `${f.scopeKey} ${formatInterval(f)}: ${f.error}`;
}
