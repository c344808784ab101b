/**
 * The query lane: pages the synchronous details query. Page 1 tells the total (and whether
 * the window must be split); the other pages are fetched concurrently (the Genesys client's
 * one gate still bounds the process); each page goes to the runner as soon as it arrives, so
 * memory stays bounded by the pages in flight. Paging must prove it got everything
 * (src/decisions/paging.ts): distinct ids received are counted against the largest totalHits
 * seen, and a short window is re-paged, a bounded number of times, before it fails.
 */
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { GenesysClient } from '../../genesys/index.ts';
import { describeShortPaging, judgePaging, MAX_PAGING_PASSES, pagesFor } from '../../decisions/paging.ts';
import type { Lane, LaneReadRequest, LaneResult } from '../../pipeline/lanes/lane.ts';
import { idsOf, readRecords, type ReadRecord, type RecordsRead } from '../../pipeline/lanes/read-records.ts';

export interface QueryLaneOptions {
  client: Pick<GenesysClient, 'queryConversationDetailsPage'>;
  pageSize: number;
  /** Above this many hits a window is split rather than paged. */
  maxHits: number;
  /** The most results the API lets a query page through (an unsplittable window reads up to it). */
  maxReachableHits: number;
  /** Pages fetched at once for one window. */
  pageConcurrency: number;
  /** The stream's contract: each record is read once, as its page arrives. */
  readRecord: ReadRecord;
  logger: Logger;
}

export function createQueryLane(options: QueryLaneOptions): Lane {
  return { name: 'query', read: (request) => readByQuery(options, request) };
}

async function readByQuery(o: QueryLaneOptions, request: LaneReadRequest): Promise<LaneResult> {
  const { window, scope, signal } = request;
  const ids = new Set<string>();
  let announced: number | undefined;
  let pages = 0;

  const fetch = async (pageNumber: number) => {
    signal.throwIfAborted();
    const page = await o.client.queryConversationDetailsPage({ interval: window, scope, pageNumber, pageSize: o.pageSize, signal });
    pages += 1;
    if (page.totalHits !== undefined) announced = Math.max(announced ?? 0, page.totalHits);
    const read = readRecords(page.records, o.readRecord);
    for (const id of idsOf(read)) ids.add(id);
    return { ...page, read };
  };
  const deliver = (pageNumber: number, read: RecordsRead) => request.onPage({ ...read, label: `page ${pageNumber}` });

  const first = await fetch(1);
  // An unsplittable window (one agent, one day) is paged as far as the API allows instead;
  // the paging proof below then fails it, naming the count, if that is not far enough.
  if (!request.unsplittable && first.totalHits !== undefined && first.totalHits > o.maxHits) {
    return { kind: 'too-many', totalHits: first.totalHits };
  }
  await deliver(1, first.read);
  let lastFull = first.records.length === o.pageSize;

  const limitPages = pLimit(Math.max(1, o.pageConcurrency));
  for (let pass = 1; ; pass++) {
    // Pass 1 has page 1 already; a re-pass reads every page again (ids seen twice are deduped by the runner).
    const planned = pagesFor(announced ?? first.records.length, o.pageSize, o.maxReachableHits);
    const numbers = Array.from({ length: Math.max(0, planned - (pass === 1 ? 1 : 0)) }, (_, i) => i + (pass === 1 ? 2 : 1));
    const fullness = await Promise.all(
      numbers.map((n) =>
        limitPages(async () => {
          const page = await fetch(n);
          await deliver(n, page.read);
          return { n, full: page.records.length === o.pageSize };
        }),
      ),
    );
    const last = fullness.at(-1);
    if (last) lastFull = last.full;
    // The window may have grown while we paged (each request sees live data): read on past the
    // planned end while pages come back full, up to what the API lets us reach.
    let next = Math.max(planned, 1) + 1;
    while (lastFull && (next - 1) * o.pageSize < Math.min(announced ?? Infinity, o.maxReachableHits)) {
      const page = await fetch(next);
      await deliver(next, page.read);
      lastFull = page.records.length === o.pageSize;
      next += 1;
    }

    const evidence = { hitsAnnounced: announced, idsReceived: ids.size };
    if (judgePaging(evidence).kind === 'complete') {
      return { kind: 'done', lane: 'query', hitsAnnounced: announced ?? null, idsReceived: ids.size, pages };
    }
    if (announced !== undefined && announced > o.maxReachableHits) {
      throw new Error(
        `the window holds ${announced} conversations for a single agent on a single day, more than the ${o.maxReachableHits} the API lets a query page through; ${ids.size} were read`,
      );
    }
    if (pass >= MAX_PAGING_PASSES) throw new Error(describeShortPaging(evidence, pass));
    o.logger.warn({ ...evidence, pass }, 'fewer distinct conversations than the API announced; reading the window again');
    lastFull = false;
  }
}
