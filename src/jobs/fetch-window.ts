/**
 * Fetches and writes one query window: page 1 tells the total, the remaining pages are
 * fetched concurrently (the Genesys client's shared gate bounds requests and rate), and each
 * page is written in its own transaction as soon as it arrives, so memory stays bounded by
 * the pages in flight. A window with more hits than allowed is not paged: the caller splits it.
 */
import pLimit from 'p-limit';
import type { GenesysClient, GenesysConversation, QueryScope } from '../genesys/index.ts';
import { isInWindow, type Window } from '../sync/windows.ts';
import { MAX_REACHABLE_HITS } from '../config.ts';

export interface PageSink {
  /** Writes the conversations of one page (already filtered to the window); returns how many it stored. */
  (conversations: GenesysConversation[], pageNumber: number): Promise<number>;
}

export type WindowFetchResult =
  | { kind: 'done'; totalHits: number; pages: number; written: number }
  | { kind: 'too-many'; totalHits: number };

export interface FetchWindowOptions {
  client: GenesysClient;
  window: Window;
  scope: QueryScope;
  pageSize: number;
  /** Above this many hits the window must be split rather than paged. */
  maxHits: number;
  /** Pages fetched at once for this window (the client still bounds the whole process). */
  pageConcurrency: number;
  /** When a window cannot be split any further, page through up to the API's hard cap. */
  unsplittable: boolean;
  sink: PageSink;
  signal?: AbortSignal;
}

export async function fetchWindow(options: FetchWindowOptions): Promise<WindowFetchResult> {
  const { client, window, scope, pageSize, signal } = options;
  const fetchPage = (pageNumber: number) =>
    client.queryConversationDetailsPage({ interval: window, scope, pageNumber, pageSize, signal });
  const keep = (conversations: GenesysConversation[]) =>
    conversations.filter((c) => isInWindow(Date.parse(c.conversationStart), window));

  const first = await fetchPage(1);
  const limit = options.unsplittable ? MAX_REACHABLE_HITS : options.maxHits;
  if (first.totalHits > limit) return { kind: 'too-many', totalHits: first.totalHits };

  let written = await options.sink(keep(first.conversations), 1);
  let pages = 1;
  let totalHits = first.totalHits;
  let lastPageFull = first.conversations.length === pageSize;
  const plannedPages = Math.ceil(first.totalHits / pageSize);
  const limitPages = pLimit(Math.max(1, options.pageConcurrency));
  const results = await Promise.all(
    Array.from({ length: Math.max(0, plannedPages - 1) }, (_, i) => i + 2).map((pageNumber) =>
      limitPages(async () => {
        signal?.throwIfAborted();
        const page = await fetchPage(pageNumber);
        const stored = await options.sink(keep(page.conversations), pageNumber);
        return { pageNumber, stored, count: page.conversations.length, totalHits: page.totalHits };
      }),
    ),
  );
  for (const r of results) {
    written += r.stored;
    pages += 1;
    totalHits = Math.max(totalHits, r.totalHits);
    if (r.pageNumber === plannedPages) lastPageFull = r.count === pageSize;
  }
  // The window may have grown while we paged (Genesys evaluates each request against live
  // data). Keep reading past the planned end while pages come back full; the 100,000-result
  // cap bounds the loop.
  let next = plannedPages + 1;
  while (plannedPages > 0 && lastPageFull && (next - 1) * pageSize < Math.min(totalHits, MAX_REACHABLE_HITS)) {
    signal?.throwIfAborted();
    const page = await fetchPage(next);
    written += await options.sink(keep(page.conversations), next);
    pages += 1;
    totalHits = Math.max(totalHits, page.totalHits);
    lastPageFull = page.conversations.length === pageSize;
    next += 1;
  }
  return { kind: 'done', totalHits, pages, written };
}
