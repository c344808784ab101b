import type { CallApi } from './api.ts';
import { DEFAULT_USERS_PAGE_SIZE } from './limits.ts';
import { listAllPages } from './paged-list.ts';
import { parseUsersPage, type GenesysUser } from './schemas.ts';

const USERS_PATH = '/api/v2/users';

export type UserState = 'active' | 'inactive' | 'deleted' | 'any';

export interface ListUsersOptions {
  /** `deleted`/`any` are needed to resolve user ids found in old conversations. */
  readonly state: UserState;
  readonly pageSize?: number;
  readonly maxPages?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * All users in `state` (`GET /api/v2/users?pageSize&pageNumber&state`), through the one paged
 * lister. https://developer.genesys.cloud/useragentman/users/
 */
export function listUsers(callApi: CallApi, options: ListUsersOptions): Promise<GenesysUser[]> {
  return listAllPages(callApi, {
    path: USERS_PATH,
    query: { state: options.state },
    pageSize: options.pageSize ?? DEFAULT_USERS_PAGE_SIZE,
    maxPages: options.maxPages,
    signal: options.signal,
    parse: parseUsersPage,
  });
}
