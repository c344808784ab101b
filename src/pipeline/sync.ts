/**
 * One run of the sync (or of a backfill): plan the windows, refresh the agents table, hand
 * the windows to the window runner, and keep the run's ledger row true at every step.
 * Composes the pure planner and outcome (src/decisions), the Genesys client (src/genesys) and the
 * ledger and writers (src/db); everything with a side effect is passed in.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import * as ledger from '../db/ledger.ts';
import type { FinalRunStatus, RunKind } from '../decisions/states.ts';
import { markDeadRuns, type RunLease } from '../db/run-liveness.ts';
import { countOpenRejects } from '../db/rejects.ts';
import { createConversationSink, createWindowLedger } from '../db/window-ledger.ts';
import { AuthError, formatInterval, type GenesysClient } from '../genesys/index.ts';
import type { Interval } from '../decisions/interval.ts';
import { decideRunOutcome } from '../decisions/outcome.ts';
import { planLaneRun, type LaneMode } from '../decisions/lanes.ts';
import { planKey as makePlanKey, planRun, type PlannedWindow } from '../decisions/plan.ts';
import { subtractCovered, type Window } from '../decisions/windows.ts';
import type { Clock } from '../time.ts';
import { SECOND_MS } from '../time.ts';
import { MAX_REACHABLE_HITS } from '../genesys/limits.ts';
import { refreshAgents } from './agents.ts';
import { refreshReferenceLists } from './reference-lists.ts';
import { describeError } from './describe-error.ts';
import type { Lane, LaneName } from './lanes/lane.ts';
import { JobsLane, type JobsLaneSettings } from '../streams/conversations/jobs-lane.ts';
import { createQueryLane } from '../streams/conversations/query-lane.ts';
import { cancelAbandonedJobs } from './abandoned-jobs.ts';
import { describeReject, RunState, type RejectNotice, type SyncProgress, type WindowFailure } from './run-state.ts';
import { agentIdsOf, runWindows } from './window-runner.ts';

export type { SyncProgress, WindowFailure };

export interface SyncDeps {
  db: Db;
  genesys: GenesysClient;
  logger: Logger;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM: no new page starts, writes in flight finish, the run ends interrupted. */
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  host?: string;
  /** Lanes besides the query lane (built here from the options), e.g. the jobs lane. */
  lanes?: Partial<Record<LaneName, Lane>>;
  /** Takes the run's liveness lease (acquireRunLease on a dedicated connection; run-liveness.ts). */
  runLease: (runId: string) => Promise<RunLease>;
}

export interface SyncOptions {
  kind: RunKind;
  interval: Interval;
  agentIds: string[];
  agentGroupSize: number;
  windowDays: number;
  pageSize: number;
  windowMaxHits: number;
  /** Requests in flight for this run (the Genesys client enforces the process-wide cap). */
  concurrency: number;
  /** Skip windows finished by earlier runs with the same arguments (backfill). */
  resume: boolean;
  /** Rolling runs only: where the run aimed to start (recorded in the ledger; see pipeline/rolling.ts). */
  catchUpFrom?: Date;
  /** Lanes by part of the interval (backfill, settle; docs/sync.md §13). Absent: every window through the query. */
  lanes?: LaneRunOptions;
}

export type { JobsLaneSettings };

export interface LaneRunOptions {
  mode: LaneMode;
  /** The jobs API's data-availability date; needed for modes auto and jobs. */
  availability: Date | undefined;
  /** Days per jobs-lane window (BACKFILL_JOB_WINDOW_DAYS): one job per window. */
  jobWindowDays: number;
  jobs: JobsLaneSettings;
}

/** The run's windows with their lanes, minus `done` (what earlier runs with the same plan key finished). */
function planWindowsOf(options: SyncOptions, done?: ReadonlyMap<string, readonly Window[]>): PlannedWindow[] {
  const base = { ...options, ...(done ? { done } : {}) };
  if (!options.lanes) return planRun(base);
  const { mode, availability, jobWindowDays } = options.lanes;
  return planLaneRun({ ...base, mode, availability, queryWindowDays: options.windowDays, jobWindowDays });
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
  error?: string;
  /** Genesys rejected the credentials: nothing could be fetched (exit code 3, not 1). */
  authFailed: boolean;
}

/** How often the run's counters are saved (also its liveness signal). */
const HEARTBEAT_MS = 15 * SECOND_MS;
/**
 * Where the liveness lease proves nothing (the embedded PGlite database, run-liveness.ts), a
 * `running` row whose heartbeat is older than this belongs to a dead process (four missed
 * heartbeats: slow enough for a busy database, quick enough that a restart soon sees the truth).
 * On Postgres a dead run's free lease tells at once.
 */
export const ABANDONED_AFTER_MS = 4 * HEARTBEAT_MS;

export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const { db, genesys, clock } = deps;
  const startedAt = clock();
  const runId = randomUUID();
  const logger = deps.logger.child({ runId, kind: options.kind });
  const planKey = makePlanKey(options.kind, options.interval, options.agentIds);
  await markDeadRuns(db, { heartbeatStaleMs: ABANDONED_AFTER_MS });
  const usesJobs = options.lanes !== undefined && options.lanes.mode !== 'query';
  // Jobs a killed run left behind are cancelled before this run creates its own (best effort).
  if (usesJobs) await cancelAbandonedJobs(db, genesys, logger, deps.signal).catch((error) => logger.warn({ err: error }, 'could not look for abandoned details jobs'));
  const done = options.resume ? await ledger.findDoneWindows(db, planKey) : undefined;
  const planned = planWindowsOf(options, done);
  // Windows of the whole plan that earlier runs finished (the plan of what is left may cut differently).
  const windowsResumed = done ? planWindowsOf(options).filter((w) => subtractCovered(w, done.get(w.scopeKey) ?? []).length === 0).length : 0;
  // The lease before the row: a `running` row without it is dead to every checker.
  const lease = await deps.runLease(runId);
  lease.on((e) => (e.type === 'lost' ? logger.warn({ err: e.error }, 'run liveness lease lost; taking it again') : logger.info(`run liveness lease ${e.type}`)));
  await ledger.createRun(db, {
    runId,
    kind: options.kind,
    intervalStart: options.interval.start,
    intervalEnd: options.interval.end,
    agentIds: options.agentIds,
    planKey,
    catchUpFrom: options.catchUpFrom,
    host: deps.host ?? 'unknown',
    pid: process.pid,
    startedAt,
  }).catch(async (error) => {
    await lease.release();
    throw error;
  });
  const state = new RunState(genesys.stats());
  state.windowsTotal = planned.length;
  for (const w of planned) state.seen.open(w);
  logger.info(
    { interval: formatInterval(options.interval), windows: planned.length, resumed: windowsResumed },
    `${options.kind} run started`,
  );
  const progress = () => deps.onProgress?.(state.progress(genesys.stats(), clock().getTime() - startedAt.getTime()));
  const heartbeat = setInterval(() => {
    ledger.heartbeatRun(db, runId, state.counts(genesys.stats())).catch((error) =>
      logger.warn({ err: error }, 'could not save run progress'),
    );
    progress();
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const abort = new AbortController();
  const onStop = () => abort.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onStop, { once: true });
  let runError: string | undefined;
  // The agents and reference lists are refreshed beside the windows, not before them: writing
  // conversations needs neither, and their requests (a few pages each, at the API's latency)
  // would otherwise delay every window's first request by seconds.
  const refreshed = (async () => {
    try {
      await refreshAgents(db, genesys, clock(), logger, { signal: abort.signal, agentIds: options.agentIds });
    } catch (error) {
      if (error instanceof AuthError || abort.signal.aborted) throw error;
      runError ??= `agents refresh failed: ${describeError(error)}`;
      logger.error({ err: error }, 'agents refresh failed; conversations are still synced');
    }
    await refreshReferenceLists(db, genesys, clock(), logger, abort.signal);
  })();
  // Rejected credentials stop the windows too; the error itself is reported below.
  refreshed.catch((error: unknown) => {
    if (error instanceof AuthError && !abort.signal.aborted) abort.abort(error);
  });
  try {
    const windowLedger = createWindowLedger(db);
    const ids = await windowLedger.insertWindows(
      runId,
      planned.map((w) => ({ scopeKey: w.scopeKey, scopeAgentIds: agentIdsOf(w.scope), start: w.start, end: w.end, lane: w.lane })),
    );
    const queryLane = createQueryLane({
      client: genesys,
      pageSize: options.pageSize,
      maxHits: options.windowMaxHits,
      maxReachableHits: MAX_REACHABLE_HITS,
      pageConcurrency: options.concurrency,
      logger,
    });
    await runWindows(
      {
        runId,
        ledger: windowLedger,
        sink: createConversationSink(db),
        lanes: {
          query: queryLane,
          ...(usesJobs
            ? {
                jobs: new JobsLane({
                  ...options.lanes!.jobs,
                  client: genesys,
                  fallback: queryLane,
                  logger,
                  nowMs: () => clock().getTime(),
                  // Batches written at once across the lane's windows: three keep both the database
                  // and this process busy (one batch prepared while two are in Postgres; two were
                  // measured slower, docs/performance.md), and bound what a backfill holds in memory.
                  writeConcurrency: Math.min(3, options.concurrency),
                }),
              }
            : {}),
          ...deps.lanes,
        },
        clock,
        logger,
        state,
        signal: abort.signal,
        abortRun: (reason) => abort.abort(reason),
        onProgress: progress,
        rejectsMayBeOpen: { value: (await countOpenRejects(db)) > 0 },
        scopesOverlap: new Set(planned.map((w) => w.scopeKey)).size > 1,
      },
      planned.map((w, i) => ({ windowId: ids[i]!, scope: w.scope, window: w, lane: w.lane })),
      options.concurrency,
    );
    await refreshed;
  } catch (error) {
    await refreshed.catch(() => {}); // never left running past the run's end
    runError = describeError(error);
    // Rejected credentials end the run the same way wherever they surface (agents refresh or a window).
    if (error instanceof AuthError && !abort.signal.aborted) abort.abort(error);
    logger.error({ err: error }, `${options.kind} run aborted`);
  } finally {
    clearInterval(heartbeat);
    deps.signal?.removeEventListener('abort', onStop);
  }

  const finishedAt = clock();
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const authFailed = abort.signal.reason instanceof AuthError;
  const { status, error } = decideRunOutcome({
    windowFailures: state.failures.length,
    firstWindowFailure: state.failures[0] && describeFailure(state.failures[0]),
    recordsRejected: state.recordsRejected,
    firstReject: state.rejects[0] && describeReject(state.rejects[0]),
    runError,
    interrupted: abort.signal.aborted && !authFailed,
  });
  const counts = state.counts(genesys.stats());
  // The database may be the thing that failed (restarted mid-run): keep trying to record the
  // outcome for a while, so the ledger tells the truth once it is back.
  await withRetries(() => ledger.finishRun(db, runId, { status, counts, error, finishedAt, durationMs }), logger).finally(() => lease.release());
  for (const record of state.unrecordedFailures) {
    await record().catch((e) => logger.error({ err: e }, 'could not record a window failure'));
  }
  deps.onProgress?.(state.progress(genesys.stats(), durationMs));
  return {
    runId,
    kind: options.kind,
    status,
    interval: options.interval,
    ...counts,
    windowsResumed,
    conversationsChanged: state.changed,
    conversationsStale: state.stale,
    recordsRejected: state.recordsRejected,
    rejects: state.rejects,
    laneFallbacks: state.laneFallbacks,
    durationMs,
    failures: state.failures,
    ...(error ? { error } : {}),
    authFailed,
  };
}

const FINISH_ATTEMPTS = 12;
const FINISH_RETRY_MS = 2_500;

async function withRetries(fn: () => Promise<void>, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= FINISH_ATTEMPTS) throw error;
      logger.warn({ err: error, attempt }, 'could not record the run outcome; retrying');
      await new Promise((r) => setTimeout(r, FINISH_RETRY_MS));
    }
  }
}

export function describeFailure(f: WindowFailure): string {
  return `${f.scopeKey} ${formatInterval(f)}: ${f.error}`;
}
