/**
 * The query lane: pages the synchronous details query. Page 1 tells the total (and whether
 * the window must be split); the other pages are fetched concurrently (the Genesys client's
 * one gate still bounds the process); each page goes to the runner as soon as it arrives, so
 * memory stays bounded by the pages in flight. Paging must prove it got everything
 * (src/decisions/paging.ts): it stops only on a short or empty page, and only when the distinct
 * ids received agree with the totalHits announced; a contradiction is resolved by reading on or
 * reading the window again, a bounded number of times, or the window fails.
 */
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { GenesysClient } from '../../genesys/index.ts';
import type { DetailsPageResult } from '../../genesys/details-query.ts';
import {
  classifyRecord,
  countedDays,
  describeShortPaging,
  describeUnconfirmedEnd,
  describeUnended,
  endsData,
  judgePaging,
  MAX_PAGING_PASSES,
  pagesFor,
  type PagingEvidence,
  type PagingVerdict,
} from '../../decisions/paging.ts';
import type { Lane, LaneReadRequest, LaneResult } from '../../pipeline/lanes/lane.ts';
import { readRecords, receivedOf, type ReadRecord, type RecordsRead } from '../../pipeline/lanes/read-records.ts';

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

/** One window's read: what arrived over every pass, and what the current pass has seen. */
interface Pager {
  readonly o: QueryLaneOptions;
  readonly request: LaneReadRequest;
  readonly days: { startMs: number; endMs: number };
  /** Distinct ids the count covers (paging.ts, countedDays). */
  readonly ids: Set<string>;
  pages: number;
  contradictions: number;
  /** The current pass: the largest totalHits its pages announced, the ids it added. */
  announced: number | undefined;
  newIds: number;
}

async function readByQuery(o: QueryLaneOptions, request: LaneReadRequest): Promise<LaneResult> {
  const p: Pager = { o, request, days: countedDays(request.window), ids: new Set(), pages: 0, contradictions: 0, announced: undefined, newIds: 0 };
  const first = await fetchPage(p, 1);
  // An unsplittable window (one agent, one day) is paged as far as the API allows instead;
  // the paging proof then fails it, naming the count, if that is not far enough.
  if (!request.unsplittable && first.totalHits !== undefined && first.totalHits > o.maxHits) {
    return { kind: 'too-many', totalHits: first.totalHits };
  }
  await deliver(p, 1, first.read);
  for (let pass = 1; ; pass++) {
    const evidence = await readPass(p, pass, first.records.length);
    const verdict = judgePaging(evidence);
    if (verdict.kind === 'complete') {
      if (verdict.countTooLow) o.logger.warn({ ...evidence }, 'the API counted fewer conversations than it served; two passes ended alike, so the window is complete');
      return { kind: 'done', lane: 'query', hitsAnnounced: p.announced ?? null, idsReceived: p.ids.size, pages: p.pages, contradictions: p.contradictions };
    }
    contradicted(p, evidence, verdict);
  }
}

/** Fetches one page and counts what it carries; the page is not handed to the runner yet. */
async function fetchPage(p: Pager, pageNumber: number): Promise<DetailsPageResult & { read: RecordsRead }> {
  const { o, request } = p;
  request.signal.throwIfAborted();
  const page = await o.client.queryConversationDetailsPage({ interval: request.window, scope: request.scope, pageNumber, pageSize: o.pageSize, signal: request.signal });
  p.pages += 1;
  if (page.totalHits !== undefined) p.announced = Math.max(p.announced ?? 0, page.totalHits);
  let strays = 0;
  const read = readRecords(page.records, o.readRecord);
  for (const { id, timeMs } of receivedOf(read)) {
    const kind = classifyRecord(id, timeMs, p.days);
    if (kind === 'stray') strays += 1;
    else if (kind === 'counted' && !p.ids.has(id!)) {
      p.ids.add(id!);
      p.newIds += 1;
    }
  }
  if (strays > 0) {
    // The API selects whole UTC days; a record from another day must not stand in for one it dropped.
    p.contradictions += 1;
    o.logger.warn({ pageNumber, strays }, 'the API served conversations from outside the days it was asked for; they do not count towards the proof');
  }
  return { ...page, read };
}

const deliver = (p: Pager, pageNumber: number, read: RecordsRead) => p.request.onPage({ ...read, label: `page ${pageNumber}` });

async function fetchAndDeliver(p: Pager, pageNumber: number): Promise<boolean> {
  const page = await fetchPage(p, pageNumber);
  await deliver(p, pageNumber, page.read);
  return !endsData(page.records.length, p.o.pageSize);
}

/**
 * One pass over the window's pages: the pages the count announces, concurrently, then on past
 * them one by one while pages come back full (the window grew, or the count is too low), up to
 * what the API lets a query reach. Pass 1 has page 1 already; a later pass reads every page
 * again (ids seen twice are deduped by the runner) and takes the count afresh.
 */
async function readPass(p: Pager, pass: number, firstPageSize: number): Promise<PagingEvidence> {
  const { o } = p;
  let lastFull = !endsData(firstPageSize, o.pageSize);
  if (pass > 1) {
    p.announced = undefined;
    p.newIds = 0;
    lastFull = await fetchAndDeliver(p, 1);
  }
  const planned = Math.max(1, pagesFor(Math.max(p.announced ?? 0, pass === 1 ? firstPageSize : p.ids.size), o.pageSize, o.maxReachableHits));
  const limitPages = pLimit(Math.max(1, o.pageConcurrency));
  const numbers = Array.from({ length: planned - 1 }, (_, i) => i + 2);
  const fullness = await Promise.all(numbers.map((n) => limitPages(() => fetchAndDeliver(p, n))));
  if (fullness.length > 0) lastFull = fullness.at(-1)!;
  for (let next = planned + 1; lastFull && (next - 1) * o.pageSize < o.maxReachableHits; next++) {
    lastFull = await fetchAndDeliver(p, next);
  }
  return { hitsAnnounced: p.announced, idsReceived: p.ids.size, newIds: p.newIds, endSeen: !lastFull, pass };
}

/** A pass the count and the pages disagree on: logged and counted, and read again, or the window fails. */
function contradicted(p: Pager, evidence: PagingEvidence, verdict: Exclude<PagingVerdict, { kind: 'complete' }>): void {
  const { o } = p;
  if (verdict.kind === 'unended') throw new Error(describeUnended(evidence, o.maxReachableHits));
  if (verdict.kind === 'short' && evidence.hitsAnnounced! > o.maxReachableHits) {
    throw new Error(
      `the window holds ${evidence.hitsAnnounced} conversations for a single agent on a single day, more than the ${o.maxReachableHits} the API lets a query page through; ${evidence.idsReceived} were read`,
    );
  }
  if (evidence.hitsAnnounced !== undefined) p.contradictions += 1;
  if (evidence.pass >= MAX_PAGING_PASSES) {
    throw new Error(verdict.kind === 'short' ? describeShortPaging(evidence, evidence.pass) : describeUnconfirmedEnd(evidence, evidence.pass));
  }
  const message =
    verdict.kind === 'short'
      ? 'fewer distinct conversations than the API announced; reading the window again'
      : 'more distinct conversations than the API announced (or no count): reading the window again to confirm where it ends';
  o.logger.warn({ ...evidence }, message);
}
