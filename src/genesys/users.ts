import type { CallApi } from './api.ts';
import { DEFAULT_USERS_PAGE_SIZE } from './limits.ts';
import { GenesysError } from './errors.ts';
import { parseUsersPage, type GenesysUser } from './schemas.ts';

const USERS_PATH = '/api/v2/users';


/** Loop guard: far beyond any real org (10,000 pages × 500 users). */
const MAX_USERS_PAGES = 10_000;

export type UserState = 'active' | 'inactive' | 'deleted' | 'any';

export interface ListUsersOptions {
  /** `deleted`/`any` are needed to resolve user ids found in old conversations. */
  readonly state: UserState;
  readonly pageSize?: number;
  readonly maxPages?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * All users in `state`, page by page (`GET /api/v2/users?pageSize&pageNumber&state`). Stops on
 * an empty page, at `pageCount` when the API gives it (else when `nextUri` is absent), and
 * throws if `maxPages` is reached. Users that move between pages while we read are kept once.
 * https://developer.genesys.cloud/useragentman/users/
 */
export async function listUsers(callApi: CallApi, options: ListUsersOptions): Promise<GenesysUser[]> {
  const pageSize = options.pageSize ?? DEFAULT_USERS_PAGE_SIZE;
  const maxPages = options.maxPages ?? MAX_USERS_PAGES;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be an integer >= 1, got ${pageSize}`);
  const users = new Map<string, GenesysUser>();
  for (let pageNumber = 1; ; pageNumber++) {
    if (pageNumber > maxPages) {
      throw new GenesysError(`GET ${USERS_PATH} did not reach its last page within ${maxPages} pages`, { code: 'GENESYS_PAGING_LIMIT' });
    }
    const query = new URLSearchParams({ pageSize: String(pageSize), pageNumber: String(pageNumber), state: options.state });
    const path = `${USERS_PATH}?${query.toString()}`;
    const json = await callApi('GET', path, { signal: options.signal });
    const page = parseUsersPage(json, { method: 'GET', path, pageNumber });
    for (const user of page.entities) if (!users.has(user.id)) users.set(user.id, user);
    if (isLastUsersPage(page, pageNumber)) return [...users.values()];
  }
}

/** Pure: whether `page` (number `pageNumber`) is the last one. */
export function isLastUsersPage(page: { entities: readonly unknown[]; pageCount?: number | undefined; nextUri?: string | null | undefined }, pageNumber: number): boolean {
  if (page.entities.length === 0) return true;
  if (page.pageCount !== undefined) return pageNumber >= page.pageCount;
  return page.nextUri === undefined || page.nextUri === null || page.nextUri === '';
}
