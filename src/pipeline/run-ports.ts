/**
 * What the window runner needs from persistence besides each stream's writer
 * (src/db/stream-writer.ts): the ledger of windows. Postgres implements it in src/db/
 * (createWindowLedger); tests of the runner's state machine use an in-memory one
 * (test/helpers/memory-ports.ts).
 */
import type { LaneName } from './lanes/lane.ts';
import type { FinishedWindowStatus } from '../decisions/states.ts';
import type { RejectedRecord } from '../db/stream-writer.ts';

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

export interface QuarantinedPage {
  runId: string;
  windowId: bigint;
  /** Where the records came from ('page 3'). */
  page: string;
  rejects: readonly RejectedRecord[];
  at: Date;
}

export interface WindowLedger {
  insertWindows(runId: string, windows: readonly NewWindow[]): Promise<bigint[]>;
  markWindowRunning(windowId: bigint, at: Date): Promise<void>;
  /** Names the remote job reading the window (null once it is gone), so a crash can cancel it. */
  setWindowJob(windowId: bigint, jobId: string | null): Promise<void>;
  markWindowDone(windowId: bigint, result: WindowDone): Promise<void>;
  markWindowFailed(windowId: bigint, result: WindowFailed): Promise<void>;
  markWindowSplit(windowId: bigint, totalHits: number, at: Date): Promise<void>;
}
