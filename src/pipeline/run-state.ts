/** The counters and findings of one run, shared by its windows (single-threaded: no locking). */
import type { GenesysStats } from '../genesys/index.ts';
import type { RunCounts } from '../db/ledger.ts';
import { SeenRecords } from './seen-records.ts';
import { DEFAULT_STREAM } from '../db/ledger.ts';

export interface WindowFailure {
  stream: string;
  scopeKey: string;
  start: Date;
  end: Date;
  error: string;
}

export interface RejectNotice {
  /** What the stream calls one record ('conversation'). */
  noun: string;
  recordId: string | undefined;
  page: string;
  problem: string;
}

export interface SyncProgress {
  windowsTotal: number;
  windowsDone: number;
  windowsFailed: number;
  conversationsWritten: number;
  requests: number;
  elapsedMs: number;
}

/** One stream's share of a run (the metrics' `stream` label). */
export interface StreamCounts {
  stream: string;
  recordsWritten: number;
  /** Of those, new or changed; and records skipped because a version fetched later was already stored. */
  changed: number;
  stale: number;
  windowsFailed: number;
}

/** Rejects listed by name in the summary; the rest are counted (all are in sync_rejects). */
const MAX_REMEMBERED_REJECTS = 20;

export class RunState {
  windowsTotal = 0;
  windowsDone = 0;
  windowsFailed = 0;
  pages = 0;
  /** Records stored, over every stream (byStream has each stream's share). */
  recordsWritten = 0;
  readonly byStream = new Map<string, StreamCounts>();
  recordsRejected = 0;
  /** Windows a jobs lane handed to the query lane. */
  laneFallbacks = 0;
  /** Records a complete read no longer returned: marked deleted or purged (SYNC_DELETES). */
  recordsDeleted = 0;
  /** Why each window's deletions were withheld by the safety valve. */
  readonly deletionsWithheld: string[] = [];
  readonly seen = new SeenRecords();
  readonly failures: WindowFailure[] = [];
  readonly rejects: RejectNotice[] = [];
  /** Window failures the database refused to record; retried once the run's outcome is recorded. */
  readonly unrecordedFailures: Array<() => Promise<void>> = [];
  constructor(private readonly statsAtStart: GenesysStats) {}

  /** Records stored (or taken back, negative) by a window of `stream`. */
  noteWritten(stream: string, delta: number): void {
    this.recordsWritten += delta;
    this.countsOf(stream).recordsWritten += delta;
  }

  /** Records of a page of `stream` that were new or changed, and those skipped as stale. */
  noteChanged(stream: string, changed: number, stale: number): void {
    const counts = this.countsOf(stream);
    counts.changed += changed;
    counts.stale += stale;
  }

  noteWindowFailed(failure: WindowFailure): void {
    this.windowsFailed += 1;
    this.failures.push(failure);
    this.countsOf(failure.stream).windowsFailed += 1;
  }

  countsOf(stream: string): StreamCounts {
    let counts = this.byStream.get(stream);
    if (!counts) this.byStream.set(stream, (counts = { stream, recordsWritten: 0, changed: 0, stale: 0, windowsFailed: 0 }));
    return counts;
  }

  noteDeletionsWithheld(message: string): void {
    this.deletionsWithheld.push(message);
  }

  noteRejects(notices: readonly RejectNotice[]): void {
    this.recordsRejected += notices.length;
    for (const n of notices) if (this.rejects.length < MAX_REMEMBERED_REJECTS) this.rejects.push(n);
  }

  counts(now: GenesysStats): RunCounts {
    return {
      windowsTotal: this.windowsTotal,
      windowsDone: this.windowsDone,
      windowsFailed: this.windowsFailed,
      requests: now.requests - this.statsAtStart.requests,
      retries: now.retries - this.statsAtStart.retries,
      rateLimited: now.rateLimited - this.statsAtStart.rateLimited,
      pages: this.pages,
      // The ledger's and the metrics' `conversations_written` is the conversation stream's: another
      // stream's records (agent statuses) are counted per stream (byStream, sync_windows).
      conversationsWritten: this.byStream.get(DEFAULT_STREAM)?.recordsWritten ?? 0,
      recordsDeleted: this.recordsDeleted,
      deletionsWithheld: this.deletionsWithheld.length,
    };
  }

  progress(now: GenesysStats, elapsedMs: number): SyncProgress {
    const c = this.counts(now);
    return { windowsTotal: c.windowsTotal, windowsDone: c.windowsDone, windowsFailed: c.windowsFailed, conversationsWritten: c.conversationsWritten, requests: c.requests, elapsedMs };
  }
}

export function describeReject(r: RejectNotice): string {
  return `${r.noun} ${r.recordId ?? '(id unreadable)'} (${r.page}): ${r.problem}`;
}
