/**
 * Paging proof for the details query: a window is complete only when the distinct
 * conversation ids it received (before the [from, to) re-filter) reach the largest
 * `totalHits` any of its pages announced. Pages are evaluated against live data, so records
 * can shift between concurrently fetched pages (docs/genesys-api-facts.md §1.5); a short
 * count is re-paged a bounded number of times, then the window fails rather than passing as
 * done with conversations missing.
 */

/** Full re-reads of a window whose ids fall short of its announced hits, before it fails. */
export const MAX_PAGING_PASSES = 3;

export interface PagingEvidence {
  /** The largest totalHits seen on any page; undefined when no page carried one. */
  hitsAnnounced: number | undefined;
  /** Distinct conversation ids received so far. */
  idsReceived: number;
}

export type PagingVerdict =
  | { kind: 'complete' }
  | { kind: 'short'; missing: number };

export function judgePaging(evidence: PagingEvidence): PagingVerdict {
  const announced = evidence.hitsAnnounced ?? evidence.idsReceived;
  return evidence.idsReceived >= announced ? { kind: 'complete' } : { kind: 'short', missing: announced - evidence.idsReceived };
}

/** Pages needed to read `hits` records at `pageSize` a page, bounded by what the API lets us reach. */
export function pagesFor(hits: number, pageSize: number, maxReachableHits: number): number {
  return Math.ceil(Math.min(hits, maxReachableHits) / pageSize);
}

export function describeShortPaging(evidence: PagingEvidence, passes: number): string {
  return (
    `paging incomplete: the API announced ${evidence.hitsAnnounced} conversations but ${evidence.idsReceived} distinct ids ` +
    `arrived after ${passes} pass(es) over the pages (records shifted between pages, or a page came back short)`
  );
}
