/** The Postgres side of the window runner's ports (src/pipeline/run-ports.ts). */
import type { Db } from './client.ts';
import { writeConversations } from './conversations.ts';
import * as ledger from './ledger.ts';
import { quarantine, resolveRejects } from './rejects.ts';
import type { ConversationSink, WindowLedger } from '../pipeline/run-ports.ts';

export function createWindowLedger(db: Db): WindowLedger {
  return {
    insertWindows: (runId, windows) => ledger.insertWindows(db, runId, windows),
    markWindowRunning: (windowId, at) => ledger.markWindowRunning(db, windowId, at),
    setWindowJob: (windowId, jobId) => ledger.setWindowJob(db, windowId, jobId),
    markWindowDone: (windowId, result) => ledger.markWindowDone(db, windowId, result),
    markWindowFailed: (windowId, result) => ledger.markWindowFailed(db, windowId, result),
    markWindowSplit: (windowId, totalHits, at) => ledger.markWindowSplit(db, windowId, totalHits, at),
    quarantine: (page) => quarantine(db, page),
    resolveRejects: (ids, at) => resolveRejects(db, ids, at),
  };
}

export function createConversationSink(db: Db): ConversationSink {
  return { write: (records, at) => writeConversations(db, records, { syncedAt: at.syncedAt, fetchedAt: at.fetchedAt }) };
}
