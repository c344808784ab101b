/**
 * The Postgres side of the window runner's ledger port: the windows of a run, from pending to
 * done, split or failed. The db layer owns this interface (src/pipeline/run-ports.ts re-exports
 * it); records and their quarantine go through each stream's writer (stream-writer.ts), in one
 * transaction per batch.
 */
import type { Db } from './client.ts';
import * as ledger from './ledger.ts';
import type { NewWindow, WindowDone, WindowFailed } from './ledger.ts';

export type { NewWindow, WindowDone, WindowFailed };

export interface WindowLedger {
  insertWindows(runId: string, windows: readonly NewWindow[]): Promise<bigint[]>;
  markWindowRunning(windowId: bigint, at: Date): Promise<void>;
  /** Names the remote job reading the window (null once it is gone), so a crash can cancel it. */
  setWindowJob(windowId: bigint, jobId: string | null): Promise<void>;
  markWindowDone(windowId: bigint, result: WindowDone): Promise<void>;
  markWindowFailed(windowId: bigint, result: WindowFailed): Promise<void>;
  markWindowSplit(windowId: bigint, totalHits: number, at: Date): Promise<void>;
}

export function createWindowLedger(db: Db): WindowLedger {
  return {
    insertWindows: (runId, windows) => ledger.insertWindows(db, runId, windows),
    markWindowRunning: (windowId, at) => ledger.markWindowRunning(db, windowId, at),
    setWindowJob: (windowId, jobId) => ledger.setWindowJob(db, windowId, jobId),
    markWindowDone: (windowId, result) => ledger.markWindowDone(db, windowId, result),
    markWindowFailed: (windowId, result) => ledger.markWindowFailed(db, windowId, result),
    markWindowSplit: (windowId, totalHits, at) => ledger.markWindowSplit(db, windowId, totalHits, at),
  };
}
