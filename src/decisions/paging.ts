/**
 * The paging proof (docs/sync.md §5). Two witnesses say a window has been read whole, and
 * paging stops only when both agree:
 *
 * - the **end of the data**: a page shorter than the page size (or empty). For a job's
 *   results, the absence of a cursor on a page that is not full;
 * - the **count**: the distinct conversation ids received reach the `totalHits` announced.
 *
 * Neither is trusted alone. A count too low used to end paging early and lose the rest of the
 * window while reporting success (a rolling sync stored 100 of 1,096 conversations beside
 * `totalHits: 0`). A page can come back short because records shifted between concurrently
 * fetched pages (docs/genesys-api-facts.md §1.5). So a contradiction either way is resolved by
 * reading on (a full page: there is more) or by reading again (a short count: the window is read
 * once more; a count below what arrived, or no count at all: a second pass must end in the same
 * place without a new id), a bounded number of times; otherwise the window fails, never `done`.
 *
 * Which ids count: those whose `conversationStart` lies on a UTC day the query touches, because
 * that is exactly what `totalHits` counts (the API selects whole UTC days, §1.3). Counting only the
 * ids inside `[from, to)` would fall short of every honest count of a window that starts
 * mid-day; counting every id lets a record the API should never have sent (from another day)
 * stand in for one it dropped, and the two cancel out. A record whose start cannot be read is
 * counted: the runner quarantines it, so it is visible, not lost.
 */
import { DAY_MS } from '../time.ts';
import type { Window } from './windows.ts';

/** Reads of a window (passes over its pages) before a contradiction that persists fails it. */
export const MAX_PAGING_PASSES = 3;

export interface PagingEvidence {
  /** The largest totalHits announced by the pages of the latest pass; undefined when none carried one. */
  hitsAnnounced: number | undefined;
  /** Distinct ids received so far, over every pass, that the count covers (see countedDays). */
  idsReceived: number;
  /** Of those, the ids the latest pass added. */
  newIds: number;
  /** Whether the last page of the latest pass was short or empty: the API said there is nothing more. */
  endSeen: boolean;
  /** The latest pass, from 1. */
  pass: number;
}

export type PagingVerdict =
  /** Both witnesses agree (`countTooLow`: the count stayed below what arrived, but two passes ended alike). */
  | { kind: 'complete'; countTooLow: boolean }
  /** Fewer ids than announced: read the window again. */
  | { kind: 'short'; missing: number }
  /** The count is below what arrived, or absent: a second pass must confirm where the data ends. */
  | { kind: 'confirm' }
  /** Every page read was full, up to what the API lets a query reach: the end was never seen. */
  | { kind: 'unended' };

export function judgePaging(e: PagingEvidence): PagingVerdict {
  if (!e.endSeen) return { kind: 'unended' };
  if (e.hitsAnnounced !== undefined && e.idsReceived < e.hitsAnnounced) return { kind: 'short', missing: e.hitsAnnounced - e.idsReceived };
  if (e.hitsAnnounced === e.idsReceived) return { kind: 'complete', countTooLow: false };
  // More ids than announced, or no count at all: the count cannot vouch for the end, so the end
  // must be seen twice, by a pass that found nothing new.
  return e.pass > 1 && e.newIds === 0 ? { kind: 'complete', countTooLow: true } : { kind: 'confirm' };
}

/** Whether a page ends the data: shorter than asked for, or empty. */
export function endsData(records: number, pageSize: number): boolean {
  return records < pageSize;
}

/** Pages needed to read `hits` records at `pageSize` a page, bounded by what the API lets us reach. */
export function pagesFor(hits: number, pageSize: number, maxReachableHits: number): number {
  return Math.ceil(Math.min(hits, maxReachableHits) / pageSize);
}

/** The UTC days a query for `window` selects, as a half-open range of instants: what its totalHits counts. */
export function countedDays(window: Window): { startMs: number; endMs: number } {
  return {
    startMs: Math.floor(window.start.getTime() / DAY_MS) * DAY_MS,
    endMs: Math.ceil(window.end.getTime() / DAY_MS) * DAY_MS,
  };
}

/**
 * How the proof counts a record: 'counted' (its start lies on a counted day, or cannot be read:
 * the runner quarantines it), 'stray' (the API sent a conversation from outside the days it
 * selects: a contradiction, never counted), or 'no-id' (nothing to count).
 */
export function classifyRecord(id: string | undefined, timeMs: number | undefined, days: { startMs: number; endMs: number }): 'counted' | 'stray' | 'no-id' {
  if (id === undefined) return 'no-id';
  if (timeMs === undefined) return 'counted';
  return timeMs >= days.startMs && timeMs < days.endMs ? 'counted' : 'stray';
}

export function describeShortPaging(evidence: Pick<PagingEvidence, 'hitsAnnounced' | 'idsReceived'>, passes: number): string {
  return (
    `paging incomplete: the API announced ${evidence.hitsAnnounced} conversations but ${evidence.idsReceived} distinct ids ` +
    `arrived after ${passes} pass(es) over the pages (records shifted between pages, a page came back short, or the count is wrong)`
  );
}

export function describeUnconfirmedEnd(evidence: Pick<PagingEvidence, 'hitsAnnounced' | 'idsReceived'>, passes: number): string {
  const count = evidence.hitsAnnounced === undefined ? 'no page carried totalHits' : `the API announced only ${evidence.hitsAnnounced}`;
  return (
    `paging unproven: ${count} while ${evidence.idsReceived} distinct ids arrived, and ${passes} pass(es) over the pages ` +
    `kept finding new ones, so where the data ends could not be confirmed`
  );
}

export function describeUnended(evidence: Pick<PagingEvidence, 'hitsAnnounced' | 'idsReceived'>, maxReachableHits: number): string {
  return (
    `paging unproven: every page came back full up to the ${maxReachableHits} results the API lets a query page through ` +
    `(${evidence.idsReceived} distinct ids; the API announced ${evidence.hitsAnnounced ?? 'no count'}), so the end of the data was never seen`
  );
}

/**
 * The same rule for a job's results, read by cursor. The jobs API announces no count (its status
 * and results pages carry none: /work/shared/genesys-api.md §2), so the count, when there is one,
 * comes from the details query's totalHits for the same UTC days (`count`), and only for a window
 * of whole UTC days (otherwise the job and the query select different conversations).
 * The end is the absence of a cursor; a full last page without one contradicts it (there may be
 * more) and is accepted only when the count agrees. A count above the ids received means the
 * results ended early. A count below them is noted, not fatal: the job's results are a snapshot
 * that ended on a short page, and the count cannot hide a missing record.
 */
export type JobResultsVerdict =
  | { kind: 'complete'; contradiction?: string }
  | { kind: 'incomplete'; reason: string };

export function judgeJobResults(e: { idsReceived: number; lastPageFull: boolean; count: number | undefined }): JobResultsVerdict {
  const { idsReceived, count } = e;
  if (count !== undefined && idsReceived < count) {
    return { kind: 'incomplete', reason: `the results ended after ${idsReceived} conversations but the details query counts ${count} for the same days` };
  }
  if (e.lastPageFull && count !== idsReceived) {
    return { kind: 'incomplete', reason: `the results ended without a cursor on a full page after ${idsReceived} conversations, and no count confirms that end` };
  }
  if (count !== undefined && idsReceived > count) {
    return { kind: 'complete', contradiction: `the details query counts ${count} conversations for the job's days but the job delivered ${idsReceived}` };
  }
  return { kind: 'complete' };
}

/**
 * Whether a users details job's results page is full, in whichever unit Genesys counts such a
 * page: users details entries (one user's statuses) or the statuses themselves. Which one is not
 * documented (docs/genesys-api-facts.md §9; the simulator counts statuses, one entry per user per
 * page). Counted in entries, a page holds at most `pageSize` of them and may carry many more
 * statuses; counted in statuses, it holds at most `pageSize` statuses. So a page is full when
 * either count reaches the size asked; a coincidence of one count costs only a second read
 * (src/streams/agent-activity/jobs-lane.ts).
 */
export function isUserDetailsPageFull(e: { entries: number; statuses: number; pageSize: number }): boolean {
  return e.entries >= e.pageSize || e.statuses === e.pageSize;
}
