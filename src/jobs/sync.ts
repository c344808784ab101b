/**
 * One run of the sync (or of a backfill): plan the windows, refresh the agents table, fetch
 * and write every window, and keep the ledger true at every step. Composes the pure planner
 * (src/sync), the Genesys client (src/genesys) and the writers (src/db); everything with a
 * side effect is passed in.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { writeConversations } from '../db/conversations.ts';
import * as ledger from '../db/ledger.ts';
import { AuthError, formatInterval, type GenesysClient, type GenesysStats, type QueryScope } from '../genesys/index.ts';
import type { Interval } from '../sync/interval.ts';
import { planKey as makePlanKey, planRun } from '../sync/plan.ts';
import { scopeKey, splitScope } from '../sync/scopes.ts';
import { splitWindow, type Window } from '../sync/windows.ts';
import type { Clock } from '../time.ts';
import { MINUTE_MS, SECOND_MS } from '../time.ts';
import { fetchWindow } from './fetch-window.ts';
import { refreshAgents } from './agents.ts';
import { refreshReferenceLists } from './reference-lists.ts';
import { describeError } from './describe-error.ts';
import { SeenConversations } from './seen-conversations.ts';

export interface SyncDeps {
  db: Db;
  genesys: GenesysClient;
  logger: Logger;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM: no new page starts, writes in flight finish, the run ends interrupted. */
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  host?: string;
}

export interface SyncOptions {
  kind: ledger.RunKind;
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
}

export interface WindowFailure {
  scopeKey: string;
  start: Date;
  end: Date;
  error: string;
}

export interface SyncProgress {
  windowsTotal: number;
  windowsDone: number;
  windowsFailed: number;
  conversationsWritten: number;
  requests: number;
  elapsedMs: number;
}

export interface SyncReport extends ledger.RunCounts {
  runId: string;
  kind: ledger.RunKind;
  status: Exclude<ledger.RunStatus, 'running'>;
  interval: Interval;
  windowsResumed: number;
  conversationsChanged: number;
  durationMs: number;
  failures: WindowFailure[];
  error?: string;
  /** Genesys rejected the credentials: nothing could be fetched (exit code 3, not 1). */
  authFailed: boolean;
}

/** How often the run's counters are saved (also its liveness signal). */
const HEARTBEAT_MS = 15 * SECOND_MS;
/**
 * A `running` row whose heartbeat is older than this belongs to a dead process (four missed
 * heartbeats: slow enough for a busy database, quick enough that a restart soon sees the truth).
 */
export const ABANDONED_AFTER_MS = 4 * HEARTBEAT_MS;

export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const { db, genesys, clock } = deps;
  const startedAt = clock();
  const runId = randomUUID();
  const logger = deps.logger.child({ runId, kind: options.kind });
  const statsAtStart = genesys.stats();
  const planKey = makePlanKey(options.kind, options.interval, options.agentIds);
  await ledger.markAbandonedRuns(db, new Date(startedAt.getTime() - ABANDONED_AFTER_MS), startedAt);
  const done = options.resume ? await ledger.findDoneWindows(db, planKey) : undefined;
  const planned = planRun({ ...options, done });
  const windowsResumed = options.resume ? planRun({ ...options }).length - planned.length : 0;
  await ledger.createRun(db, {
    runId,
    kind: options.kind,
    intervalStart: options.interval.start,
    intervalEnd: options.interval.end,
    agentIds: options.agentIds,
    planKey,
    host: deps.host ?? 'unknown',
    pid: process.pid,
    startedAt,
  });
  const state = new RunState(statsAtStart);
  state.windowsTotal = planned.length;
  for (const w of planned) state.seen.open(w);
  logger.info(
    { interval: formatInterval(options.interval), windows: planned.length, resumed: windowsResumed },
    `${options.kind} run started`,
  );

  const heartbeat = setInterval(() => {
    ledger.heartbeatRun(db, runId, state.counts(genesys.stats()), clock()).catch((error) =>
      logger.warn({ err: error }, 'could not save run progress'),
    );
    deps.onProgress?.(state.progress(genesys.stats(), clock().getTime() - startedAt.getTime()));
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const abort = new AbortController();
  const onStop = () => abort.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onStop, { once: true });
  let runError: string | undefined;
  try {
    try {
      await refreshAgents(db, genesys, clock(), logger);
    } catch (error) {
      if (error instanceof AuthError) throw error;
      runError = `agents refresh failed: ${describeError(error)}`;
      logger.error({ err: error }, 'agents refresh failed; conversations are still synced');
    }
    await refreshReferenceLists(db, genesys, clock(), logger);
    const ids = await ledger.insertWindows(
      db,
      runId,
      planned.map((w) => ({ scopeKey: w.scopeKey, scopeAgentIds: agentIdsOf(w.scope), start: w.start, end: w.end })),
    );
    // Two windows at a time keep the request pipeline full while bounding pages in memory.
    const windowLimit = pLimit(Math.max(1, Math.min(2, options.concurrency)));
    await Promise.all(
      planned.map((w, i) =>
        windowLimit(() =>
          runWindow({ ...ctx(), windowId: ids[i]!, scope: w.scope, window: w, parentId: undefined }),
        ),
      ),
    );
  } catch (error) {
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
  const interrupted = abort.signal.aborted && !(abort.signal.reason instanceof AuthError);
  const status = state.failures.length > 0 || (runError && !interrupted) ? 'failed' : interrupted ? 'interrupted' : 'succeeded';
  const error =
    runError ??
    (state.failures.length > 0
      ? `${state.failures.length} window(s) failed; first: ${describeFailure(state.failures[0]!)}`
      : interrupted
        ? 'interrupted by a stop signal before the run finished'
        : undefined);
  const counts = state.counts(genesys.stats());
  // The database may be the thing that failed (restarted mid-run): keep trying to record the
  // outcome for a while, so the ledger tells the truth once it is back.
  await withRetries(() => ledger.finishRun(db, runId, { status, counts, error, finishedAt, durationMs }), logger);
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
    durationMs,
    failures: state.failures,
    ...(error ? { error } : {}),
    authFailed: abort.signal.reason instanceof AuthError,
  };

  function ctx() {
    const progress = () => deps.onProgress?.(state.progress(genesys.stats(), clock().getTime() - startedAt.getTime()));
    return { db, genesys, clock, logger, options, state, runId, progress, signal: abort.signal, abortRun: (e: unknown) => abort.abort(e) };
  }
}

interface WindowContext {
  runId: string;
  progress: () => void;
  db: Db;
  genesys: GenesysClient;
  clock: Clock;
  logger: Logger;
  options: SyncOptions;
  state: RunState;
  signal: AbortSignal;
  abortRun: (reason: unknown) => void;
  windowId: bigint;
  scope: QueryScope;
  window: Window;
  parentId: bigint | undefined;
}

/** Runs one window to done, failed or split; never throws (failures are recorded). */
async function runWindow(c: WindowContext): Promise<void> {
  const { db, clock, state, window, scope } = c;
  if (c.signal.aborted) return; // stays pending: a restart plans it again
  const key = scopeKey(scope);
  const log = c.logger.child({ scope: key, window: formatInterval(window) });
  let written = 0;
  let pages = 0;
  let closed = false;
  const closeWindow = () => {
    if (!closed) state.seen.close(window);
    closed = true;
  };
  try {
    await ledger.markWindowRunning(db, c.windowId, clock());
    const split = splitWindow(window);
    const scopes = split ? undefined : splitScope(scope);
    const result = await fetchWindow({
      client: c.genesys,
      window,
      scope,
      pageSize: c.options.pageSize,
      maxHits: c.options.windowMaxHits,
      pageConcurrency: c.options.concurrency,
      unsplittable: !split && !scopes,
      signal: c.signal,
      sink: async (conversations) => {
        pages += 1;
        state.pages += 1;
        const fresh = conversations.filter((conv) => !state.seen.has(conv));
        if (fresh.length === 0) return 0;
        // Claimed before the write, so a page of another window arriving meanwhile skips them.
        for (const conv of fresh) state.seen.add(conv);
        let out;
        try {
          out = await writeConversations(db, fresh, { syncedAt: clock() });
        } catch (error) {
          for (const conv of fresh) state.seen.delete(conv);
          throw error;
        }
        state.changed += out.changed;
        state.conversationsWritten += fresh.length;
        written += fresh.length;
        c.progress();
        return fresh.length;
      },
    });
    if (result.kind === 'too-many') {
      const children: Array<{ scope: QueryScope; window: Window }> = split
        ? split.map((w) => ({ scope, window: w }))
        : scopes!.map((s) => ({ scope: s, window }));
      log.info({ totalHits: result.totalHits, parts: children.length }, 'window has too many conversations; splitting');
      await ledger.markWindowSplit(db, c.windowId, result.totalHits, clock());
      const ids = await ledger.insertWindows(
        db,
        c.runId,
        children.map((ch) => ({
          scopeKey: scopeKey(ch.scope),
          scopeAgentIds: agentIdsOf(ch.scope),
          start: ch.window.start,
          end: ch.window.end,
          parentWindowId: c.windowId,
        })),
      );
      state.windowsTotal += children.length - 1;
      for (const ch of children) state.seen.open(ch.window);
      closeWindow();
      // Sequential on purpose: the parent already holds a window slot, and re-entering the
      // window limiter from inside it could deadlock.
      for (const [i, ch] of children.entries()) {
        await runWindow({ ...c, windowId: ids[i]!, scope: ch.scope, window: ch.window, parentId: c.windowId });
      }
      return;
    }
    closeWindow();
    await ledger.markWindowDone(db, c.windowId, { totalHits: result.totalHits, pages: result.pages, conversationsWritten: written, at: clock() });
    state.windowsDone += 1;
    c.progress();
    log.debug({ totalHits: result.totalHits, pages: result.pages, written }, 'window done');
  } catch (error) {
    closeWindow();
    if (error instanceof AuthError) c.abortRun(error);
    const interrupted = c.signal.aborted && !(error instanceof AuthError);
    const message = interrupted ? 'interrupted before the window finished' : describeError(error);
    const failedAt = clock();
    const record = () => ledger.markWindowFailed(db, c.windowId, { error: message, pages, conversationsWritten: written, at: failedAt });
    await record().catch((e) => {
      // The database may be what failed (restarted): record it with the run's outcome instead.
      log.error({ err: e }, 'could not record the window failure; will retry when the run ends');
      state.unrecordedFailures.push(record);
    });
    if (interrupted) return;
    state.windowsFailed += 1;
    state.failures.push({ scopeKey: key, start: window.start, end: window.end, error: message });
    log.error({ err: error }, 'window failed');
  }
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

class RunState {
  windowsTotal = 0;
  windowsDone = 0;
  windowsFailed = 0;
  pages = 0;
  conversationsWritten = 0;
  changed = 0;
  readonly seen = new SeenConversations();
  readonly failures: WindowFailure[] = [];
  /** Window failures the database refused to record; retried once the run's outcome is recorded. */
  readonly unrecordedFailures: Array<() => Promise<void>> = [];
  constructor(private readonly statsAtStart: GenesysStats) {}

  counts(now: GenesysStats): ledger.RunCounts {
    return {
      windowsTotal: this.windowsTotal,
      windowsDone: this.windowsDone,
      windowsFailed: this.windowsFailed,
      requests: now.requests - this.statsAtStart.requests,
      retries: now.retries - this.statsAtStart.retries,
      rateLimited: now.rateLimited - this.statsAtStart.rateLimited,
      pages: this.pages,
      conversationsWritten: this.conversationsWritten,
    };
  }

  progress(now: GenesysStats, elapsedMs: number): SyncProgress {
    const c = this.counts(now);
    return { windowsTotal: c.windowsTotal, windowsDone: c.windowsDone, windowsFailed: c.windowsFailed, conversationsWritten: c.conversationsWritten, requests: c.requests, elapsedMs };
  }
}

function agentIdsOf(scope: QueryScope): string[] {
  return scope.kind === 'agents' ? [...scope.userIds] : [];
}

export function describeFailure(f: WindowFailure): string {
  return `${f.scopeKey} ${formatInterval(f)}: ${f.error}`;
}
