import type { SimUser } from './types.ts';

/** Public scripts commonly use 500 with GET /api/v2/users (docs/genesys-api-facts.md §5); above it is a 400 here. */
const MAX_USERS_PAGE_SIZE = 500;
const DEFAULT_USERS_PAGE_SIZE = 25;

export type UsersStateParam = 'active' | 'inactive' | 'deleted' | 'any';

/**
 * Users visible for a `state` parameter. `any` returns active, inactive AND deleted users:
 * a Genesys staff answer says "state=any ... should get you all users (active, deleted,
 * inactive)" (https://developer.genesys.cloud/forum/t/reporting-on-inactive-deleted-users/6042).
 */
export function usersInState(users: readonly SimUser[], state: UsersStateParam): SimUser[] {
  return state === 'any' ? [...users] : users.filter((u) => u.state === state);
}

type Result = { status: 200; body: Record<string, unknown> } | { status: 400; code: string; message: string };

function intParam(q: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** GET /api/v2/users → UserEntityListing (sorted by name, then id). */
export function usersPage(users: readonly SimUser[], q: URLSearchParams): Result {
  const state = (q.get('state') ?? 'active') as UsersStateParam;
  if (!['active', 'inactive', 'deleted', 'any'].includes(state)) {
    return { status: 400, code: 'invalid.value', message: 'state must be one of [active, inactive, deleted, any]' };
  }
  const pageSize = intParam(q, 'pageSize', DEFAULT_USERS_PAGE_SIZE);
  const pageNumber = intParam(q, 'pageNumber', 1);
  if (pageSize === undefined || pageSize < 1 || pageSize > MAX_USERS_PAGE_SIZE) {
    return { status: 400, code: 'bad.request', message: `pageSize must be between 1 and ${MAX_USERS_PAGE_SIZE}` };
  }
  if (pageNumber === undefined || pageNumber < 1) return { status: 400, code: 'bad.request', message: 'pageNumber must be 1 or greater' };
  const descending = q.get('sortOrder')?.toLowerCase() === 'descending';
  const ids = [...q.getAll('id'), ...q.getAll('id[]')].flatMap((v) => v.split(',')).filter(Boolean);
  let selected = usersInState(users, state);
  if (ids.length > 0) selected = selected.filter((u) => ids.includes(u.id));
  selected.sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1));
  if (descending) selected.reverse();
  const total = selected.length;
  const pageCount = Math.ceil(total / pageSize);
  const entities = selected.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  // URIs are relative and repeat the filters, like the real listing's nextUri.
  const uri = (n: number) => {
    const params = new URLSearchParams({ pageSize: String(pageSize), pageNumber: String(n), state });
    if (descending) params.set('sortOrder', 'descending');
    for (const id of ids) params.append('id', id);
    return `/api/v2/users?${params.toString()}`;
  };
  return {
    status: 200,
    body: {
      entities, pageSize, pageNumber, total, pageCount,
      firstUri: uri(1),
      ...(pageNumber > 1 ? { previousUri: uri(Math.min(pageNumber - 1, Math.max(1, pageCount))) } : {}),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber),
    },
  };
}

/** GET /api/v2/users/{id}: deleted users only with state=deleted, as the SDK describes. */
export function userById(users: readonly SimUser[], id: string, state: string | null): SimUser | undefined {
  const user = users.find((u) => u.id === id);
  if (!user) return undefined;
  const wantDeleted = state === 'deleted';
  return (user.state === 'deleted') === wantDeleted ? user : undefined;
}
