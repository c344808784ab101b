/**
 * The agent-activity query lane: pages the synchronous users details query for one window
 * (interval at most 7 days without a user filter: the stream's windows are cut to that).
 *
 * Its completeness rule (docs/sync.md §17) trusts neither witness the conversation proof uses:
 * `totalHits` is documented as approximate (it counts stored status entries, repeats included)
 * and pages come back short in the middle of the data (a status spanning days is stored twice
 * and its repeat dropped from the page). So a window is complete only when every page from 1
 * up to the FIRST EMPTY PAGE (no userDetails at all) has been read; a short page is never an
 * end, and totalHits is never an end nor a target: it only sizes the first batch of pages
 * fetched at once (and asks for a split when it is far above SYNC_WINDOW_MAX_HITS). A window
 * whose pages are still not empty past what the API lets a query reach is split, or fails
 * when it cannot be (one agent, one day): never `done`.
 */
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { GenesysClient, QueryScope } from '../../genesys/index.ts';
import type { Lane, LaneReadRequest, LaneResult } from '../../pipeline/lanes/lane.ts';
import { readUserDetails } from './contract.ts';
import { namingPermission } from './permission.ts';

export interface UserQueryLaneOptions {
  client: Pick<GenesysClient, 'queryUserDetailsPage'>;
  pageSize: number;
  /** Above this many announced hits a splittable window is split rather than paged. */
  maxHits: number;
  /** The most entries a query may page through. */
  maxReachableHits: number;
  pageConcurrency: number;
  logger: Logger;
}

export function createUserQueryLane(options: UserQueryLaneOptions): Lane {
  return { name: 'query', read: (request) => readByUserQuery(options, request) };
}

export function userIdsOf(scope: QueryScope): readonly string[] | undefined {
  return scope.kind === 'agents' ? scope.userIds : undefined;
}

interface Read {
  readonly o: UserQueryLaneOptions;
  readonly request: LaneReadRequest;
  readonly ids: Set<string>;
  pages: number;
  announced: number | undefined;
}

async function readByUserQuery(o: UserQueryLaneOptions, request: LaneReadRequest): Promise<LaneResult> {
  const r: Read = { o, request, ids: new Set(), pages: 0, announced: undefined };
  const first = await fetchPage(r, 1);
  if (!request.unsplittable && first.totalHits !== undefined && first.totalHits > o.maxHits) return { kind: 'too-many', totalHits: first.totalHits };
  await deliver(r, 1, first.records);
  let emptyAt = first.records.length === 0 ? 1 : undefined;
  // The first batch, sized by the approximate count, fetched at once; pages past the first empty one are not delivered.
  const guessed = Math.min(Math.ceil((first.totalHits ?? 0) / o.pageSize), maxPages(o));
  if (emptyAt === undefined && guessed > 1) {
    const limit = pLimit(Math.max(1, o.pageConcurrency));
    const batch = await Promise.all(Array.from({ length: guessed - 1 }, (_, i) => limit(() => fetchPage(r, i + 2))));
    emptyAt = await deliverUpToEmpty(r, batch, 2);
  }
  for (let next = Math.max(2, guessed + 1); emptyAt === undefined; next++) {
    if (next > maxPages(o)) return unreachedEnd(r);
    const page = await fetchPage(r, next);
    if (page.records.length === 0) emptyAt = next;
    else await deliver(r, next, page.records);
  }
  return { kind: 'done', lane: 'query', hitsAnnounced: r.announced ?? null, idsReceived: r.ids.size, pages: r.pages };
}

const maxPages = (o: UserQueryLaneOptions) => Math.max(1, Math.floor(o.maxReachableHits / o.pageSize));

async function fetchPage(r: Read, pageNumber: number): Promise<{ records: unknown[]; totalHits: number | undefined }> {
  const { request, o } = r;
  request.signal.throwIfAborted();
  const page = await namingPermission(() =>
    o.client.queryUserDetailsPage({ interval: request.window, userIds: userIdsOf(request.scope), pageNumber, pageSize: o.pageSize, signal: request.signal }),
  );
  r.pages += 1;
  if (page.totalHits !== undefined) r.announced = Math.max(r.announced ?? 0, page.totalHits);
  return page;
}

/** Delivers the pages of a batch in order up to the first empty one; its page number, or undefined when none was empty. */
async function deliverUpToEmpty(r: Read, batch: ReadonlyArray<{ records: unknown[] }>, firstNumber: number): Promise<number | undefined> {
  for (const [i, page] of batch.entries()) {
    if (page.records.length === 0) return firstNumber + i;
    await deliver(r, firstNumber + i, page.records);
  }
  return undefined;
}

async function deliver(r: Read, pageNumber: number, raws: readonly unknown[]): Promise<void> {
  const read = readUserDetails(raws, r.request.window);
  for (const record of read.records) r.ids.add(record.id);
  await r.request.onPage({ ...read, label: `page ${pageNumber}` });
}

function unreachedEnd(r: Read): LaneResult {
  if (!r.request.unsplittable) return { kind: 'too-many', totalHits: Math.max(r.announced ?? 0, r.o.maxReachableHits + 1) };
  throw new Error(
    `paging unproven: no empty page came back within the ${r.o.maxReachableHits} entries the API lets a query page through ` +
      `(${r.ids.size} distinct statuses read; the API announced ${r.announced ?? 'no count'}), and the window (one agent, one day) cannot be split`,
  );
}
