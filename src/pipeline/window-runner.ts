/**
 * The window runner: takes planned windows to done, done_with_rejects, split or failed,
 * whichever lane reads them. A lane hands over pages of records as received; for each page
 * the runner keeps the records that start inside the window (adjacent windows never share a
 * conversation), skips those this run already wrote (another agent group, another page),
 * writes the rest in one transaction, quarantines the records the writer refused (the rest
 * of the page is kept), and closes open rejects of conversations now stored. A window is
 * marked done only after all of its pages are written; a failure is recorded on the window
 * and never advances it. Persistence is behind the small ports of run-ports.ts.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { AuthError, formatInterval, type QueryScope } from '../genesys/index.ts';
import { readConversationId } from '../genesys/schemas.ts';
import { finishedWindowStatus } from '../decisions/outcome.ts';
import { scopeKey } from '../decisions/scopes.ts';
import { planSplit } from '../decisions/split.ts';
import { isInWindow, type Window } from '../decisions/windows.ts';
import type { Clock } from '../time.ts';
import { describeError } from './describe-error.ts';
import type { Lane, LaneName, LanePage } from './lanes/lane.ts';
import type { ConversationSink, RejectedRecord, WindowLedger } from './run-ports.ts';
import type { RunState } from './run-state.ts';

export interface WindowJob {
  windowId: bigint;
  scope: QueryScope;
  window: Window;
  lane: LaneName;
}

export interface WindowRunnerDeps {
  runId: string;
  ledger: WindowLedger;
  sink: ConversationSink;
  lanes: Partial<Record<LaneName, Lane>>;
  clock: Clock;
  logger: Logger;
  state: RunState;
  /** Aborted on a stop signal or a rejected credential: no new page starts. */
  signal: AbortSignal;
  abortRun(reason: unknown): void;
  onProgress(): void;
  /** Whether rejects may be open (some existed at the start, or this run made one): only then are they looked up. */
  rejectsMayBeOpen: { value: boolean };
  /**
   * The run reads several scopes over the same time (agent groups), so one conversation can
   * come through several windows. Otherwise windows are disjoint in conversation start (the
   * [from, to) re-filter), and only a window's own read can repeat one.
   */
  scopesOverlap: boolean;
}

/**
 * What a window has written so far. `undeduped` is the part written from pages the runner did
 * not remember (a lane's `onceInRead` pages in a run whose scopes do not overlap): if the lane
 * restarts, those conversations come again and are counted again, so that part is taken back.
 */
interface Tally {
  pages: number;
  written: number;
  rejected: number;
  undeduped: number;
}

/** Windows read at once by a lane that does not say: enough to keep the request pipeline full, few enough to bound pages in memory. */
const WINDOWS_AT_ONCE = 2;

/**
 * Runs every job, in plan order, each lane's windows as many at once as the lane takes (the
 * lanes' windows side by side); never throws (failures are recorded on their windows and in
 * the run state).
 */
export async function runWindows(d: WindowRunnerDeps, jobs: readonly WindowJob[], concurrency: number): Promise<void> {
  // Windows are marked running one after another, so they reach their lane in plan order (a
  // lane hands out its slots, e.g. jobs processing at Genesys, in the order windows ask).
  let chain: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(step: () => Promise<T>): Promise<T> => {
    const next = chain.then(step);
    chain = next.catch(() => {});
    return next;
  };
  const limits = new Map<LaneName, LimitFunction>();
  const limitFor = (name: LaneName): LimitFunction => {
    let limit = limits.get(name);
    if (!limit) {
      limit = pLimit(Math.max(1, d.lanes[name]?.windowsAtOnce ?? Math.min(WINDOWS_AT_ONCE, concurrency)));
      limits.set(name, limit);
    }
    return limit;
  };
  const context: RunnerContext = { ...d, inOrder };
  await Promise.all(jobs.map((job) => limitFor(job.lane)(() => runWindow(context, job))));
}

export function agentIdsOf(scope: QueryScope): string[] {
  return scope.kind === 'agents' ? [...scope.userIds] : [];
}

type RunnerContext = WindowRunnerDeps & { inOrder: <T>(step: () => Promise<T>) => Promise<T> };

async function runWindow(d: RunnerContext, job: WindowJob): Promise<void> {
  const { ledger, clock, state, signal } = d;
  const { window, scope, windowId } = job;
  if (signal.aborted) return; // stays pending: a restart plans it again
  const key = scopeKey(scope);
  const log = d.logger.child({ scope: key, window: formatInterval(window), lane: job.lane });
  const tally: Tally = { pages: 0, written: 0, rejected: 0, undeduped: 0 };
  let open = true;
  const close = () => {
    if (open) state.seen.close(window);
    open = false;
  };
  try {
    await d.inOrder(() => ledger.markWindowRunning(windowId, clock()));
    const lane = d.lanes[job.lane];
    if (!lane) throw new Error(`no ${job.lane} lane is configured for this run`);
    const split = planSplit(scope, window);
    const result = await lane.read({
      scope,
      window,
      unsplittable: !split,
      signal,
      onPage: (page) => acceptPage(d, job, page, tally, log),
      onRemoteJob: (jobId) => ledger.setWindowJob(windowId, jobId),
      onRestart: () => {
        tally.written -= tally.undeduped;
        state.conversationsWritten -= tally.undeduped;
        tally.undeduped = 0;
      },
    });
    if (result.kind === 'too-many') {
      if (!split) throw new Error(`the ${job.lane} lane reported ${result.totalHits} hits for a window that cannot be split`);
      log.info({ totalHits: result.totalHits, by: split.by, parts: split.parts.length }, 'window has too many conversations; splitting');
      await ledger.markWindowSplit(windowId, result.totalHits, clock());
      const ids = await ledger.insertWindows(
        d.runId,
        split.parts.map((p) => ({
          scopeKey: scopeKey(p.scope),
          scopeAgentIds: agentIdsOf(p.scope),
          start: p.window.start,
          end: p.window.end,
          lane: job.lane,
          parentWindowId: windowId,
        })),
      );
      state.windowsTotal += split.parts.length - 1;
      for (const p of split.parts) state.seen.open(p.window);
      close();
      // Sequential on purpose: the parent already holds a window slot, and re-entering the
      // window limiter from inside it could deadlock.
      for (const [i, p] of split.parts.entries()) {
        await runWindow(d, { windowId: ids[i]!, scope: p.scope, window: p.window, lane: job.lane });
      }
      return;
    }
    close();
    await ledger.markWindowDone(windowId, {
      status: finishedWindowStatus(tally.rejected),
      lane: result.lane,
      ...(result.fallbackReason ? { laneNote: result.fallbackReason } : {}),
      totalHits: result.hitsAnnounced,
      idsReceived: result.idsReceived,
      pages: tally.pages,
      conversationsWritten: tally.written,
      recordsRejected: tally.rejected,
      at: clock(),
    });
    state.windowsDone += 1;
    if (result.fallbackReason) {
      state.laneFallbacks += 1;
      log.warn({ reason: result.fallbackReason }, `window read by the ${result.lane} lane instead of ${job.lane}`);
    }
    d.onProgress();
    log.debug({ totalHits: result.hitsAnnounced, idsReceived: result.idsReceived, pages: tally.pages, written: tally.written }, 'window done');
  } catch (error) {
    close();
    if (error instanceof AuthError) d.abortRun(error);
    const interrupted = signal.aborted && !(error instanceof AuthError);
    const message = interrupted ? 'interrupted before the window finished' : describeError(error);
    const failedAt = clock();
    const record = () =>
      ledger.markWindowFailed(windowId, { error: message, pages: tally.pages, conversationsWritten: tally.written, recordsRejected: tally.rejected, at: failedAt });
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

type Dated = { conversationId: string; conversationStart: string };

/** Writes one page: re-filter, dedup across the run, write, quarantine, close repaired rejects. */
async function acceptPage(
  d: WindowRunnerDeps,
  job: WindowJob,
  page: LanePage,
  tally: Tally,
  log: Logger,
): Promise<void> {
  const { state } = d;
  const fetchedAt = d.clock();
  tally.pages += 1;
  state.pages += 1;
  // Ids are remembered only where another page could bring the same conversation again: a
  // window of weeks read through a job would otherwise hold every id it wrote until it ends.
  const remember = !page.onceInRead || d.scopesOverlap;
  const fresh: unknown[] = [];
  const claimed = new Map<string, Dated>();
  const ids: string[] = [];
  const unplaceable: RejectedRecord[] = [];
  for (const record of page.records) {
    const start = (record as { conversationStart?: unknown } | null)?.conversationStart;
    const startMs = typeof start === 'string' ? Date.parse(start) : Number.NaN;
    if (Number.isNaN(startMs)) {
      // Without a start the record cannot be placed in a window; it is quarantined, not dropped.
      unplaceable.push({ conversationId: readConversationId(record), record, problem: 'conversationStart: missing or not an ISO-8601 date-time' });
      continue;
    }
    if (!isInWindow(startMs, job.window)) continue;
    const id = readConversationId(record);
    if (id !== undefined && !remember) ids.push(id);
    else if (id !== undefined) {
      const dated = { conversationId: id, conversationStart: start as string };
      if (state.seen.has(dated)) continue;
      // Claimed before the write, so a page of another window arriving meanwhile skips it.
      state.seen.add(dated);
      claimed.set(id, dated);
    }
    fresh.push(record);
  }
  const unclaim = (id: string | undefined) => {
    const dated = id === undefined ? undefined : claimed.get(id);
    if (dated) state.seen.delete(dated);
    if (id !== undefined) claimed.delete(id);
  };

  let out;
  try {
    out = fresh.length > 0 ? await d.sink.write(fresh, { syncedAt: fetchedAt, fetchedAt }) : undefined;
  } catch (error) {
    for (const id of [...claimed.keys()]) unclaim(id);
    throw error;
  }
  const rejects = [...unplaceable, ...(out?.rejected ?? [])];
  if (rejects.length > 0) {
    // A refused record may still arrive valid through another window of this run.
    for (const r of out?.rejected ?? []) unclaim(r.conversationId);
    await d.ledger.quarantine({ runId: d.runId, windowId: job.windowId, page: page.label, rejects, at: fetchedAt });
    d.rejectsMayBeOpen.value = true;
    tally.rejected += rejects.length;
    state.noteRejects(rejects.map((r) => ({ conversationId: r.conversationId, page: page.label, problem: r.problem })));
    for (const r of rejects) {
      log.error({ conversationId: r.conversationId ?? null, page: page.label, problem: r.problem }, 'record quarantined in sync_rejects');
    }
  }
  if (d.rejectsMayBeOpen.value) {
    const refused = new Set(rejects.map((r) => r.conversationId));
    const stored = [...claimed.keys(), ...ids.filter((id) => !refused.has(id))];
    if (stored.length > 0) await d.ledger.resolveRejects(stored, fetchedAt);
  }
  if (out) {
    // A stale record is stored too, in the newer version another write had already stored.
    const stored = out.written + out.stale;
    state.changed += out.changed;
    state.stale += out.stale;
    state.conversationsWritten += stored;
    tally.written += stored;
    if (!remember) tally.undeduped += stored;
  }
  d.onProgress();
}
