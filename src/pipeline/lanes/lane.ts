/**
 * A lane is a source of pages of a stream's records for one (scope, window): for conversations,
 * the query lane pages the synchronous details query by page number and the jobs lane creates
 * an async details job and reads its results by cursor (src/streams/conversations/). A lane
 * reads each record once, with its stream's contract, as it arrives: the page it hands over
 * carries the records with their key and time, and those that have none readable. Everything
 * after (the [from, to) re-filter, dedup across windows, writing and quarantine, the ledger,
 * the run's outcome) is the window runner's, and does not care which lane or stream fed it.
 */
import type { RejectedRecord, StreamRecord } from '../../db/stream-writer.ts';
import type { QueryScope } from '../../genesys/index.ts';
import type { LaneName } from '../../decisions/plan.ts';
import type { Window } from '../../decisions/windows.ts';

export type { LaneName };

/** One page as received, each record read once at the boundary (its body is validated by the writer). */
export interface LanePage {
  records: readonly StreamRecord[];
  /** Records without a readable key or time: they cannot be placed in a window, so they are quarantined, not dropped. */
  rejects: readonly RejectedRecord[];
  /** Where the page came from, for errors and quarantine rows: 'page 3', 'job 1a2b… page 2'. */
  label: string;
  /**
   * The lane promises that no other page of this read (since its last `onRestart`) carries any of
   * these conversations: a job's results are a snapshot listing each conversation once. Pages of
   * the query lane can repeat one (a conversation that moves between pages while they are read).
   */
  onceInRead?: boolean;
}

export interface LaneReadRequest {
  scope: QueryScope;
  window: Window;
  /** True when the runner can split neither the window (one UTC day) nor the scope (one agent). */
  unsplittable: boolean;
  signal: AbortSignal;
  /** Hands one page to the runner; resolves once the page is written. Never called concurrently more than the lane's own bound. */
  onPage(page: LanePage): Promise<void>;
  /** A lane that holds a remote resource (a job) names it, so the ledger can cancel it after a crash. */
  onRemoteJob?(jobId: string | null): Promise<void>;
  /**
   * The lane starts reading the window again from the start (another job, or the fallback lane)
   * after pages were handed over: what they carried may come again.
   */
  onRestart?(): void;
}

export type LaneResult =
  | {
      kind: 'done';
      /** The lane that actually read the window (a jobs window may fall back to the query lane). */
      lane: LaneName;
      /** The largest totalHits the API announced (query lane; a jobs window: the query's count of its days); null where there is none. */
      hitsAnnounced: number | null;
      /** Distinct record ids received on the UTC days the read selects (what the count counts), before the [from, to) re-filter. */
      idsReceived: number;
      pages: number;
      /**
       * Times the API contradicted itself while the window was read and the lane resolved it (a
       * count below what arrived, a stray record from outside the queried days, a job's count
       * that disagreed): evidence for the ledger and the logs; a contradiction the lane could not
       * resolve fails the window instead (src/decisions/paging.ts). Absent means none.
       */
      contradictions?: number;
      /** Why the window was read by another lane than planned (e.g. the job failed three times). */
      fallbackReason?: string;
    }
  /** More hits than one read may take: the runner splits the window (by day, then by agents). */
  | { kind: 'too-many'; totalHits: number };

export interface Lane {
  readonly name: LaneName;
  /** Windows the runner hands this lane at once (default: two, fewer if the run's concurrency is 1). */
  readonly windowsAtOnce?: number;
  read(request: LaneReadRequest): Promise<LaneResult>;
}
