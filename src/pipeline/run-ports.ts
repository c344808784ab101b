/**
 * What the window runner needs from persistence, as two small interfaces: the ledger of
 * windows and quarantined records, and the conversation writer. Postgres implements them in
 * src/db/ (createWindowLedger, createConversationSink); tests of the runner's state machine
 * use in-memory ones (test/helpers/memory-ports.ts).
 */
import type { RejectedRecord, WriteConversationsResult } from '../db/conversations.ts';
import type { LaneName } from './lanes/lane.ts';
import type { FinishedWindowStatus } from '../decisions/states.ts';

export type { RejectedRecord, WriteConversationsResult };

export interface NewWindow {
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
  /** Quarantines records (one open row per conversation: a repeat updates it). */
  quarantine(page: QuarantinedPage): Promise<void>;
  /** Closes the open rejects of conversations now stored validly; returns how many closed. */
  resolveRejects(conversationIds: readonly string[], at: Date): Promise<number>;
}

export interface ConversationSink {
  write(records: readonly unknown[], at: { syncedAt: Date; fetchedAt: Date }): Promise<WriteConversationsResult>;
}
