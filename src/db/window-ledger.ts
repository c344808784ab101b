/**
 * The Postgres side of the window runner's ports: the ledger of windows and quarantined
 * records (WindowLedger), and the conversation sink the runner writes pages through. The db
 * layer owns these interfaces (src/pipeline/run-ports.ts re-exports them).
 *
 * The sink is the runner's older port: it takes records as received and leaves quarantine to
 * the runner (WindowLedger.quarantine, a second transaction). The stream writer
 * (createConversationWriter, stream-writer.ts) does both in one transaction; the sink goes
 * once the runner writes through it.
 */
import type { Db } from './client.ts';
import { writeConversationBatch } from './conversations.ts';
import * as ledger from './ledger.ts';
import type { NewWindow, WindowDone, WindowFailed } from './ledger.ts';
import { DEFAULT_STREAM, quarantineRecords, resolveRejects } from './rejects.ts';
import type { StreamRecord } from './stream-writer.ts';
import { parseConversation, readConversationId } from '../genesys/schemas.ts';

export type { NewWindow, WindowDone, WindowFailed };

/** A record refused on a page, as the window runner names it. */
export interface PageReject {
  conversationId: string | undefined;
  /** The record exactly as received. */
  record: unknown;
  problem: string;
}

export interface QuarantinedPage {
  runId: string;
  windowId: bigint;
  /** Where the records came from ('page 3'). */
  page: string;
  rejects: readonly PageReject[];
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
  /** Quarantines records (one open row per conversation: a repeat updates it). */
  quarantine(page: QuarantinedPage): Promise<void>;
  /** Closes the open rejects of conversations now stored validly; returns how many closed. */
  resolveRejects(conversationIds: readonly string[], at: Date): Promise<number>;
}

export interface WriteConversationsResult {
  /** Distinct conversations stored from the batch = changed + unchanged. */
  written: number;
  changed: number;
  unchanged: number;
  /** Skipped: the stored version was fetched later than these records. */
  stale: number;
  rejected: PageReject[];
}

export interface ConversationSink {
  write(records: readonly unknown[], at: { syncedAt: Date; fetchedAt: Date }): Promise<WriteConversationsResult>;
}

export function createWindowLedger(db: Db): WindowLedger {
  return {
    insertWindows: (runId, windows) => ledger.insertWindows(db, runId, windows),
    markWindowRunning: (windowId, at) => ledger.markWindowRunning(db, windowId, at),
    setWindowJob: (windowId, jobId) => ledger.setWindowJob(db, windowId, jobId),
    markWindowDone: (windowId, result) => ledger.markWindowDone(db, windowId, result),
    markWindowFailed: (windowId, result) => ledger.markWindowFailed(db, windowId, result),
    markWindowSplit: (windowId, totalHits, at) => ledger.markWindowSplit(db, windowId, totalHits, at),
    quarantine: async (page) => {
      const rejects = page.rejects.map((r) => ({ recordId: r.conversationId, raw: r.record, problem: r.problem }));
      await quarantineRecords(db, rejects, { stream: DEFAULT_STREAM, runId: page.runId, windowId: page.windowId, page: page.page }, page.at);
    },
    resolveRejects: (ids, at) => resolveRejects(db, ids, at),
  };
}

export function createConversationSink(db: Db): ConversationSink {
  return {
    async write(records, at) {
      const { streamRecords, noId } = readAtBoundary(records);
      const out = await writeConversationBatch(db, streamRecords, { ...at, resolveRejects: false });
      const refused = out.rejected.map((r) => ({ conversationId: r.recordId, record: r.raw, problem: r.problem }));
      return { written: out.changed + out.unchanged, changed: out.changed, unchanged: out.unchanged, stale: out.stale, rejected: [...noId, ...refused] };
    },
  };
}

/**
 * Reads each record's id once, as the stream contract will (the runner has already placed
 * every record by its start, which the writer does not use). A record without an id is refused
 * with the contract's own problem.
 */
function readAtBoundary(records: readonly unknown[]): { streamRecords: StreamRecord[]; noId: PageReject[] } {
  const streamRecords: StreamRecord[] = [];
  const noId: PageReject[] = [];
  for (const raw of records) {
    const id = readConversationId(raw);
    if (id !== undefined) {
      const start = (raw as { conversationStart?: unknown }).conversationStart;
      streamRecords.push({ id, timeMs: typeof start === 'string' ? Date.parse(start) : Number.NaN, raw });
      continue;
    }
    const parsed = parseConversation(raw);
    noId.push({ conversationId: undefined, record: raw, problem: parsed.ok ? 'conversationId: required' : parsed.problem });
  }
  return { streamRecords, noId };
}
