/** The Postgres side of the window runner's ledger port (src/pipeline/run-ports.ts). */
import type { Db } from './client.ts';
import * as ledger from './ledger.ts';
import type { WindowLedger } from '../pipeline/run-ports.ts';

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
