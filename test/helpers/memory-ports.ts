/**
 * In-memory implementations of the window runner's ports (src/pipeline/run-ports.ts), so the
 * runner's state machine can be tested without Postgres. They keep what they were told, in
 * order, and validate records with the real contract so rejects behave as in production.
 */
import { parseConversation } from '../../src/genesys/schemas.ts';
import type { ConversationSink, NewWindow, QuarantinedPage, WindowDone, WindowFailed, WindowLedger, WriteConversationsResult } from '../../src/pipeline/run-ports.ts';

export interface MemoryWindow extends NewWindow {
  windowId: bigint;
  status: string;
  jobId: string | null;
  done?: WindowDone;
  failed?: WindowFailed;
  totalHits?: number;
}

export class MemoryLedger implements WindowLedger {
  readonly windows: MemoryWindow[] = [];
  readonly quarantined: QuarantinedPage[] = [];
  readonly resolved: string[] = [];
  /** Makes the next markWindowFailed calls throw (a database that is down). */
  failFailureRecords = 0;

  async insertWindows(_runId: string, windows: readonly NewWindow[]): Promise<bigint[]> {
    return windows.map((w) => {
      const windowId = BigInt(this.windows.length + 1);
      this.windows.push({ ...w, windowId, status: 'pending', jobId: null });
      return windowId;
    });
  }
  async markWindowRunning(windowId: bigint): Promise<void> {
    this.get(windowId).status = 'running';
  }
  async setWindowJob(windowId: bigint, jobId: string | null): Promise<void> {
    this.get(windowId).jobId = jobId;
  }
  async markWindowDone(windowId: bigint, result: WindowDone): Promise<void> {
    Object.assign(this.get(windowId), { status: result.status, done: result });
  }
  async markWindowFailed(windowId: bigint, result: WindowFailed): Promise<void> {
    if (this.failFailureRecords > 0) {
      this.failFailureRecords -= 1;
      throw new Error('database unavailable');
    }
    Object.assign(this.get(windowId), { status: 'failed', failed: result });
  }
  async markWindowSplit(windowId: bigint, totalHits: number): Promise<void> {
    Object.assign(this.get(windowId), { status: 'split', totalHits });
  }
  async quarantine(page: QuarantinedPage): Promise<void> {
    this.quarantined.push(page);
  }
  async resolveRejects(ids: readonly string[]): Promise<number> {
    this.resolved.push(...ids);
    return ids.length;
  }
  get(windowId: bigint): MemoryWindow {
    const w = this.windows.find((x) => x.windowId === windowId);
    if (!w) throw new Error(`no window ${windowId}`);
    return w;
  }
}

export class MemorySink implements ConversationSink {
  readonly stored = new Map<string, unknown>();
  readonly batches: unknown[][] = [];
  async write(records: readonly unknown[]): Promise<WriteConversationsResult> {
    this.batches.push([...records]);
    const result: WriteConversationsResult = { written: 0, changed: 0, unchanged: 0, stale: 0, rejected: [] };
    for (const record of records) {
      const parsed = parseConversation(record);
      if (!parsed.ok) {
        result.rejected.push({ conversationId: parsed.conversationId, record, problem: parsed.problem });
        continue;
      }
      this.stored.set(parsed.conversation.conversationId, record);
      result.written += 1;
      result.changed += 1;
    }
    return result;
  }
}
