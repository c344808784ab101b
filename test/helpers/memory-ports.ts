/**
 * In-memory implementations of the window runner's ports (src/pipeline/run-ports.ts) and of a
 * stream writer (src/db/stream-writer.ts), so the runner's state machine can be tested without
 * Postgres. They keep what they were told, in order, and validate records with the real
 * contract so rejects behave as in production.
 */
import type { BatchWrite, BatchWritten, StreamWriter } from '../../src/db/stream-writer.ts';
import { parseConversation } from '../../src/genesys/schemas.ts';
import type { NewWindow, WindowDone, WindowFailed, WindowLedger } from '../../src/pipeline/run-ports.ts';

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
  get(windowId: bigint): MemoryWindow {
    const w = this.windows.find((x) => x.windowId === windowId);
    if (!w) throw new Error(`no window ${windowId}`);
    return w;
  }
}

/** A conversation writer in memory: stores valid records by id, quarantines the rest with their batch's source. */
export class MemoryWriter implements StreamWriter {
  readonly stored = new Map<string, unknown>();
  readonly batches: BatchWrite[] = [];
  readonly quarantined: Array<{ page: string; rejects: BatchWritten['rejected'] }> = [];
  readonly resolved: string[] = [];
  async write(batch: BatchWrite): Promise<BatchWritten> {
    this.batches.push(batch);
    const out: BatchWritten = { storedIds: [], changed: 0, unchanged: 0, stale: 0, rejected: [...batch.rejects], rejectsResolved: 0 };
    for (const record of batch.records) {
      const parsed = parseConversation(record.raw);
      if (!parsed.ok) {
        out.rejected.push({ recordId: record.id, raw: record.raw, problem: parsed.problem });
        continue;
      }
      this.stored.set(record.id, record.raw);
      out.storedIds.push(record.id);
      out.changed += 1;
    }
    if (out.rejected.length > 0) this.quarantined.push({ page: batch.source.page, rejects: out.rejected });
    if (batch.resolveRejects) this.resolved.push(...out.storedIds);
    return out;
  }
}
