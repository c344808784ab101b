/**
 * The window runner: takes planned windows of any stream to done, done_with_rejects, split or
 * failed, whichever lane reads them. A lane hands over pages of records, each read once at the
 * boundary (key and time); the runner handles a page once: keep the records whose time lies in
 * the window (adjacent windows never share one), skip those this run already wrote (another
 * agent group, another page), and hand the rest to the stream's writer, which writes them,
 * quarantines what it refuses and closes the open rejects of what it stored in one
 * transaction. A window is marked done only after all of its pages are written; a failure is
 * recorded on the window and never advances it. Persistence is behind the ports of
 * run-ports.ts; the runner never names a stream.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import type { StreamRecord } from '../db/stream-writer.ts';
import { AuthError, formatInterval, type QueryScope } from '../genesys/index.ts';
import { finishedWindowStatus } from '../decisions/outcome.ts';
import { scopeKey } from '../decisions/scopes.ts';
import { planSplit, type SplitPlan } from '../decisions/split.ts';
import { isInWindow, type Window } from '../decisions/windows.ts';
import type { Clock } from '../time.ts';
import { describeError } from './describe-error.ts';
import type { LaneName, LanePage, LaneResult } from './lanes/lane.ts';
import type { WindowLedger } from './run-ports.ts';
import type { RunState } from './run-state.ts';
import type { RunStream } from './stream.ts';

export interface WindowJob {
  windowId: bigint;
  stream: RunStream;
  scope: QueryScope;
  window: Window;
  lane: LaneName;
}

export interface WindowRunnerDeps {
  runId: string;
  ledger: WindowLedger;
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
   * The run reads several scopes over the same time (agent groups), so one record can come
   * through several windows. Otherwise windows are disjoint in record time (the [from, to)
   * re-filter), and only a window's own read can repeat one.
   */
  scopesOverlap: boolean;
  /** When the run began: every record its reads return is written with a later last_synced_at. */
  readStartedAt: Date;
}

/**
 * What a window has written so far. `undeduped` is the part written from pages the runner did
 * not remember (a lane's `onceInRead` pages in a run whose scopes do not overlap): if the lane
 * restarts, those records come again and are counted again, so that part is taken back.
 */
interface Tally {
  pages: number;
  written: number;
  rejected: number;
  undeduped: number;
}

/** Windows read at once by a lane that does not say: enough to keep the request pipeline full, few enough to bound pages in memory. */
const WINDOWS_AT_ONCE = 2;

type RunnerContext = WindowRunnerDeps & { inOrder: <T>(step: () => Promise<T>) => Promise<T> };

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
  const limits = new Map<unknown, LimitFunction>();
  const limitFor = (job: WindowJob): LimitFunction => {
    const lane = job.stream.lanes[job.lane];
    let limit = limits.get(lane);
    if (!limit) {
      limit = pLimit(Math.max(1, lane?.windowsAtOnce ?? Math.min(WINDOWS_AT_ONCE, concurrency)));
      limits.set(lane, limit);
    }
    return limit;
  };
  const context: RunnerContext = { ...d, inOrder };
  await Promise.all(jobs.map((job) => limitFor(job)(() => runWindow(context, job))));
}

export function agentIdsOf(scope: QueryScope): string[] {
  return scope.kind === 'agents' ? [...scope.userIds] : [];
}

async function runWindow(d: RunnerContext, job: WindowJob): Promise<void> {
  if (d.signal.aborted) return; // stays pending: a restart plans it again
  const log = d.logger.child({ stream: job.stream.name, scope: scopeKey(job.scope), window: formatInterval(job.window), lane: job.lane });
  const tally: Tally = { pages: 0, written: 0, rejected: 0, undeduped: 0 };
  const closeOnce = once(() => d.state.seen.close(job.window));
  try {
    await d.inOrder(() => d.ledger.markWindowRunning(job.windowId, d.clock()));
    const split = planSplit(job.scope, job.window);
    const result = await readWindow(d, job, tally, log, !split);
    closeOnce();
    if (result.kind === 'too-many') return await splitWindow(d, job, split, result.totalHits, log);
    await finishWindow(d, job, result, tally, log);
  } catch (error) {
    closeOnce();
    await failWindow(d, job, error, tally, log);
  }
}

function readWindow(d: RunnerContext, job: WindowJob, tally: Tally, log: Logger, unsplittable: boolean): Promise<LaneResult> {
  const lane = job.stream.lanes[job.lane];
  if (!lane) throw new Error(`no ${job.lane} lane is configured for the ${job.stream.name} stream`);
  return lane.read({
    scope: job.scope,
    window: job.window,
    unsplittable,
    signal: d.signal,
    onPage: (page) => acceptPage(d, job, page, tally, log),
    onRemoteJob: (jobId) => d.ledger.setWindowJob(job.windowId, jobId),
    onRestart: () => {
      tally.written -= tally.undeduped;
      d.state.noteWritten(job.stream.name, -tally.undeduped);
      tally.undeduped = 0;
    },
  });
}

async function splitWindow(d: RunnerContext, job: WindowJob, split: SplitPlan | undefined, totalHits: number, log: Logger): Promise<void> {
  if (!split) throw new Error(`the ${job.lane} lane reported ${totalHits} hits for a window that cannot be split`);
  log.info({ totalHits, by: split.by, parts: split.parts.length }, 'window has too many records; splitting');
  await d.ledger.markWindowSplit(job.windowId, totalHits, d.clock());
  const ids = await d.ledger.insertWindows(
    d.runId,
    split.parts.map((p) => ({
      stream: job.stream.name,
      scopeKey: scopeKey(p.scope),
      scopeAgentIds: agentIdsOf(p.scope),
      start: p.window.start,
      end: p.window.end,
      lane: job.lane,
      parentWindowId: job.windowId,
    })),
  );
  d.state.windowsTotal += split.parts.length - 1;
  for (const p of split.parts) d.state.seen.open(p.window);
  // Sequential on purpose: the parent already holds a window slot, and re-entering the
  // window limiter from inside it could deadlock.
  for (const [i, p] of split.parts.entries()) {
    await runWindow(d, { ...job, windowId: ids[i]!, scope: p.scope, window: p.window });
  }
}

async function finishWindow(d: RunnerContext, job: WindowJob, result: Extract<LaneResult, { kind: 'done' }>, tally: Tally, log: Logger): Promise<void> {
  await judgeAbsences(d, job, log);
  await d.ledger.markWindowDone(job.windowId, {
    status: finishedWindowStatus(tally.rejected),
    lane: result.lane,
    ...(result.fallbackReason ? { laneNote: result.fallbackReason } : {}),
    totalHits: result.hitsAnnounced,
    idsReceived: result.idsReceived,
    pages: tally.pages,
    conversationsWritten: tally.written,
    recordsRejected: tally.rejected,
    at: d.clock(),
  });
  d.state.windowsDone += 1;
  if (result.fallbackReason) {
    d.state.laneFallbacks += 1;
    log.warn({ reason: result.fallbackReason }, `window read by the ${result.lane} lane instead of ${job.lane}`);
  }
  d.onProgress();
  log.debug({ totalHits: result.hitsAnnounced, idsReceived: result.idsReceived, pages: tally.pages, written: tally.written }, 'window done');
}

/**
 * Before a completely read window is marked done: the stream's judgement of what the read no
 * longer returned (deleted upstream). A judgement that throws fails the window; one withheld by
 * the safety valve leaves the window done (its data is stored) and fails the run.
 */
async function judgeAbsences(d: RunnerContext, job: WindowJob, log: Logger): Promise<void> {
  const judge = job.stream.absences;
  if (!judge || d.signal.aborted) return;
  const verdict = await judge.judge({ windowId: job.windowId, scope: job.scope, window: job.window, readStartedAt: d.readStartedAt, at: d.clock() });
  if (verdict.kind === 'unjudged') return log.warn({ reason: verdict.reason }, 'deletions not judged for this window');
  if (verdict.kind === 'applied') {
    d.state.recordsDeleted += verdict.deleted;
    if (verdict.deleted > 0) log.info({ deleted: verdict.deleted, stored: verdict.stored }, `${verdict.deleted} ${job.stream.recordNoun}(s) no longer returned by Genesys: deleted here`);
    return;
  }
  const message = `${scopeKey(job.scope)} ${formatInterval(job.window)}: the read would delete ${verdict.absent} of ${verdict.stored} stored ${job.stream.recordNoun}s, more than SYNC_DELETE_MAX_FRACTION allows; nothing deleted (an upstream glitch must not wipe a day; if Genesys really erased them, raise SYNC_DELETE_MAX_FRACTION for one run)`;
  d.state.noteDeletionsWithheld(message);
  log.error({ absent: verdict.absent, stored: verdict.stored }, `deletions withheld: ${message}`);
}

async function failWindow(d: RunnerContext, job: WindowJob, error: unknown, tally: Tally, log: Logger): Promise<void> {
  if (error instanceof AuthError) d.abortRun(error);
  const interrupted = d.signal.aborted && !(error instanceof AuthError);
  const message = interrupted ? 'interrupted before the window finished' : describeError(error);
  const failedAt = d.clock();
  const record = () =>
    d.ledger.markWindowFailed(job.windowId, { error: message, pages: tally.pages, conversationsWritten: tally.written, recordsRejected: tally.rejected, at: failedAt });
  await record().catch((e) => {
    // The database may be what failed (restarted): record it with the run's outcome instead.
    log.error({ err: e }, 'could not record the window failure; will retry when the run ends');
    d.state.unrecordedFailures.push(record);
  });
  if (interrupted) return;
  d.state.noteWindowFailed({ stream: job.stream.name, scopeKey: scopeKey(job.scope), start: job.window.start, end: job.window.end, error: message });
  log.error({ err: error }, 'window failed');
}

/** The records of a page this window writes: inside [start, end), not written yet by this run. */
interface Placed {
  fresh: StreamRecord[];
  /** Remembered before the write, so a page of another window arriving meanwhile skips them. */
  claimed: Map<string, StreamRecord>;
}

function placeRecords(d: RunnerContext, job: WindowJob, page: LanePage): Placed {
  // Ids are remembered only where another page could bring the same record again: a window
  // of weeks read through a job would otherwise hold every id it wrote until it ends.
  const remember = !page.onceInRead || d.scopesOverlap;
  const placed: Placed = { fresh: [], claimed: new Map() };
  for (const record of page.records) {
    if (!isInWindow(record.timeMs, job.window)) continue;
    if (remember) {
      if (d.state.seen.has(record)) continue;
      d.state.seen.add(record);
      placed.claimed.set(record.id, record);
    }
    placed.fresh.push(record);
  }
  return placed;
}

/** Handles one page once: place, write (with quarantine and reject resolution, one transaction), count. */
async function acceptPage(d: RunnerContext, job: WindowJob, page: LanePage, tally: Tally, log: Logger): Promise<void> {
  const fetchedAt = d.clock();
  tally.pages += 1;
  d.state.pages += 1;
  const { fresh, claimed } = placeRecords(d, job, page);
  const unclaim = (id: string | undefined) => {
    const record = id === undefined ? undefined : claimed.get(id);
    if (record) d.state.seen.delete(record);
  };
  if (fresh.length === 0 && page.rejects.length === 0) return d.onProgress();
  const out = await job.stream.writer
    .write({
      records: fresh,
      rejects: page.rejects,
      source: { stream: job.stream.name, runId: d.runId, windowId: job.windowId, page: page.label },
      resolveRejects: d.rejectsMayBeOpen.value,
      syncedAt: fetchedAt,
      fetchedAt,
    })
    .catch((error: unknown) => {
      for (const id of claimed.keys()) unclaim(id);
      throw error;
    });
  if (out.rejected.length > 0) {
    // A refused record may still arrive valid through another window of this run.
    for (const r of out.rejected) unclaim(r.recordId);
    d.rejectsMayBeOpen.value = true;
    tally.rejected += out.rejected.length;
    d.state.noteRejects(out.rejected.map((r) => ({ noun: job.stream.recordNoun, recordId: r.recordId, page: page.label, problem: r.problem })));
    for (const r of out.rejected) log.error({ recordId: r.recordId ?? null, page: page.label, problem: r.problem }, 'record quarantined in sync_rejects');
  }
  // A stale record is stored too, in the newer version another write had already stored.
  const stored = out.storedIds.length;
  d.state.noteChanged(job.stream.name, out.changed, out.stale);
  d.state.noteWritten(job.stream.name, stored);
  tally.written += stored;
  if (page.onceInRead && !d.scopesOverlap) tally.undeduped += stored;
  d.onProgress();
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) fn();
    done = true;
  };
}
