/**
 * The run ledger: one `sync_runs` row per run and one `sync_windows` row per planned query
 * window. A window is marked done only after every page of it is committed (state never
 * moves forward over an error), and a restarted backfill reads the done windows of earlier
 * runs with the same plan key to fetch only what is left.
 */
import type { Db } from './client.ts';
import {
  FINISHED_WINDOW_STATUSES,
  type FinishedWindowStatus,
  RUN_STATUS,
  WINDOW_STATUS,
  type FinalRunStatus,
  type RunKind,
} from '../decisions/states.ts';
import type { Window } from '../decisions/windows.ts';
import type { LaneName } from '../decisions/plan.ts';

/** The stream of windows planned before streams existed (the column's default). */
export const DEFAULT_STREAM = 'conversations';

export interface NewWindow {
  /** The stream the window reads (sync_windows.stream). */
  stream: string;
  scopeKey: string;
  scopeAgentIds: string[];
  start: Date;
  end: Date;
  lane: LaneName;
  parentWindowId?: bigint;
}

export interface WindowDone {
  status: FinishedWindowStatus;
  lane: LaneName;
  laneNote?: string;
  /** The largest totalHits announced; null where the lane has none. */
  totalHits: number | null;
  idsReceived: number;
  pages: number;
  conversationsWritten: number;
  recordsRejected: number;
  at: Date;
}

export interface WindowFailed {
  error: string;
  pages: number;
  conversationsWritten: number;
  recordsRejected: number;
  at: Date;
}

export interface RunCounts {
  windowsTotal: number;
  windowsDone: number;
  windowsFailed: number;
  requests: number;
  retries: number;
  rateLimited: number;
  pages: number;
  conversationsWritten: number;
  /** Records found deleted upstream and marked or purged (sync_runs.records_deleted). */
  recordsDeleted: number;
  /** Windows whose deletions the safety valve withheld (sync_runs.deletions_withheld). */
  deletionsWithheld: number;
}

export interface NewRun {
  runId: string;
  kind: RunKind;
  intervalStart: Date;
  intervalEnd: Date;
  agentIds: string[];
  planKey: string;
  /** Rolling runs only: where the run aimed to start before SYNC_MAX_CATCH_UP (docs/schema.md). */
  catchUpFrom?: Date;
  host: string;
  pid: number;
  startedAt: Date;
}

/** The first heartbeat is the column's default, now() on the database's clock (see heartbeatRun). */
export async function createRun(db: Db, run: NewRun): Promise<void> {
  await db.syncRun.create({ data: { ...run, status: RUN_STATUS.running } });
}

/**
 * Saves progress counters and the heartbeat, on the database's clock (run-liveness.ts compares
 * it with the database's clock too, so hosts with skewed clocks agree).
 */
/** Records the warnings of a run that did not fail it (a stream on by default left out, naming the permission Genesys refused). */
export async function recordRunWarnings(db: Db, runId: string, warnings: readonly string[]): Promise<void> {
  await db.syncRun.update({ where: { runId }, data: { warnings: { push: [...warnings] } } });
}

export async function heartbeatRun(db: Db, runId: string, counts: RunCounts): Promise<void> {
  await db.$transaction([
    db.syncRun.update({ where: { runId }, data: counts }),
    db.$executeRaw`UPDATE sync_runs SET heartbeat_at = clock_timestamp() WHERE run_id = ${runId}::uuid`,
  ]);
}

export async function finishRun(
  db: Db,
  runId: string,
  outcome: { status: FinalRunStatus; counts: RunCounts; error?: string; finishedAt: Date; durationMs: number },
): Promise<void> {
  await db.syncRun.update({
    where: { runId },
    data: {
      ...outcome.counts,
      status: outcome.status,
      error: outcome.error ?? null,
      finishedAt: outcome.finishedAt,
      heartbeatAt: outcome.finishedAt,
      durationMs: outcome.durationMs,
    },
  });
}

/** Inserts windows, pending, each under its stream; returns their ids, in order. */
export async function insertWindows(db: Db, runId: string, windows: readonly NewWindow[]): Promise<bigint[]> {
  const rows = await db.syncWindow.createManyAndReturn({
    data: windows.map((w) => ({
      runId,
      stream: w.stream,
      scopeKey: w.scopeKey,
      scopeAgentIds: w.scopeAgentIds,
      windowStart: w.start,
      windowEnd: w.end,
      status: WINDOW_STATUS.pending,
      lane: w.lane,
      parentWindowId: w.parentWindowId ?? null,
    })),
    select: { windowId: true },
  });
  return rows.map((r) => r.windowId);
}

export async function markWindowRunning(db: Db, windowId: bigint, at: Date): Promise<void> {
  await db.syncWindow.update({
    where: { windowId },
    data: { status: WINDOW_STATUS.running, attempts: { increment: 1 }, startedAt: at, error: null },
  });
}

export async function setWindowJob(db: Db, windowId: bigint, jobId: string | null): Promise<void> {
  await db.syncWindow.update({ where: { windowId }, data: { jobId } });
}

export async function markWindowDone(db: Db, windowId: bigint, result: WindowDone): Promise<void> {
  await db.syncWindow.update({
    where: { windowId },
    data: {
      status: result.status,
      lane: result.lane,
      laneNote: result.laneNote ?? null,
      totalHits: result.totalHits,
      idsReceived: result.idsReceived,
      pages: result.pages,
      conversationsWritten: result.conversationsWritten,
      recordsRejected: result.recordsRejected,
      finishedAt: result.at,
      error: null,
    },
  });
}

export async function markWindowFailed(db: Db, windowId: bigint, result: WindowFailed): Promise<void> {
  await db.syncWindow.update({
    where: { windowId },
    data: {
      status: WINDOW_STATUS.failed,
      error: result.error.slice(0, 4000),
      pages: result.pages,
      conversationsWritten: result.conversationsWritten,
      recordsRejected: result.recordsRejected,
      finishedAt: result.at,
    },
  });
}

export async function markWindowSplit(db: Db, windowId: bigint, totalHits: number, at: Date): Promise<void> {
  await db.syncWindow.update({ where: { windowId }, data: { status: WINDOW_STATUS.split, totalHits, finishedAt: at } });
}

/** Windows still pending or running when a run stops (killed, interrupted) are left as they are:
 * their run's status says why, and a restart re-plans them. */

/**
 * Windows done by earlier runs with this plan key, by scope key: what a restarted backfill
 * may skip. Done windows are only ever written after their pages committed.
 */
/** The windows of `stream` that runs with this plan key finished, by scope key. */
export async function findDoneWindows(db: Db, planKey: string, stream: string): Promise<Map<string, Window[]>> {
  const rows = await db.syncWindow.findMany({
    where: { stream, status: { in: [...FINISHED_WINDOW_STATUSES] }, run: { planKey } },
    select: { scopeKey: true, windowStart: true, windowEnd: true },
    orderBy: { windowStart: 'asc' },
  });
  const byScope = new Map<string, Window[]>();
  for (const row of rows) {
    const list = byScope.get(row.scopeKey) ?? [];
    list.push({ start: row.windowStart, end: row.windowEnd });
    byScope.set(row.scopeKey, list);
  }
  return byScope;
}
