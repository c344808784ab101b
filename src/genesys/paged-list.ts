/**
 * The one paged lister for Genesys' entity listings (`GET <path>?pageSize&pageNumber&…` →
 * `{entities, pageSize, pageNumber, total, pageCount, nextUri?}`): users and the reference
 * lists (docs/genesys-api-facts.md §5, §8). Resolves only once the last page was read, so a
 * caller can trust the result to be the whole list; any failure rejects. An entity that moves
 * between pages while we read is kept once.
 */
import type { CallApi } from './api.ts';
import { GenesysError } from './errors.ts';

/** Loop guard: 10,000 pages is far beyond any org's users, queues or codes. */
const MAX_PAGES = 10_000;

interface EntityPage<T> {
  entities: T[];
  pageCount?: number | null | undefined;
  nextUri?: string | null | undefined;
}

export interface PagedListRequest<T extends { id: string }> {
  path: string;
  /** Query parameters besides paging (e.g. `state` for users). */
  query?: Record<string, string>;
  pageSize: number;
  maxPages?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Validates one page; throws, naming the page, when it is not an entity listing. */
  parse(json: unknown, context: { method: 'GET'; path: string; pageNumber: number }): EntityPage<T>;
}

export async function listAllPages<T extends { id: string }>(callApi: CallApi, request: PagedListRequest<T>): Promise<T[]> {
  const { pageSize } = request;
  const maxPages = request.maxPages ?? MAX_PAGES;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be an integer >= 1, got ${pageSize}`);
  const byId = new Map<string, T>();
  for (let pageNumber = 1; ; pageNumber++) {
    if (pageNumber > maxPages) {
      throw new GenesysError(`GET ${request.path} did not reach its last page within ${maxPages} pages`, { code: 'GENESYS_PAGING_LIMIT' });
    }
    const query = new URLSearchParams({ pageSize: String(pageSize), pageNumber: String(pageNumber), ...request.query });
    const path = `${request.path}?${query.toString()}`;
    const json = await callApi('GET', path, { signal: request.signal });
    const page = request.parse(json, { method: 'GET', path, pageNumber });
    for (const entity of page.entities) if (!byId.has(entity.id)) byId.set(entity.id, entity);
    if (isLastPage(page, pageNumber)) return [...byId.values()];
  }
}

/** Pure: whether `page` (number `pageNumber`) is the last one: empty, at `pageCount` when given, else without `nextUri`. */
export function isLastPage(page: { entities: readonly unknown[]; pageCount?: number | null | undefined; nextUri?: string | null | undefined }, pageNumber: number): boolean {
  if (page.entities.length === 0) return true;
  if (page.pageCount !== undefined && page.pageCount !== null) return pageNumber >= page.pageCount;
  return page.nextUri === undefined || page.nextUri === null || page.nextUri === '';
}
