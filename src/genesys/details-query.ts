import { DAY_MS } from '../time.ts';
import type { CallApi } from './api.ts';
import { parseDetailsPage } from './schemas.ts';

export const DETAILS_QUERY_PATH = '/api/v2/analytics/conversations/details/query';

/**
 * Longest interval the details query accepts when any filter is present (ours always has the
 * `purpose` filter); 7 days without filters.
 * https://developer.genesys.cloud/analyticsdatamanagement/analytics/detail/index
 */
export const MAX_DETAILS_INTERVAL_DAYS = 31;

/** Default page size used by nearly all public code; the real maximum is undocumented (100 or 200). */
export const DEFAULT_DETAILS_PAGE_SIZE = 100;

/** Which agents' conversations to fetch: every conversation with an agent, or those of some agents. */
export type QueryScope = { kind: 'all' } | { kind: 'agents'; userIds: readonly string[] };

export interface DetailsQueryPage {
  readonly interval: { readonly start: Date; readonly end: Date };
  readonly scope: QueryScope;
  /** 1-based. */
  readonly pageNumber: number;
  readonly pageSize: number;
}

type Predicate = { type: 'dimension'; dimension: string; operator: 'matches'; value: string };

export interface DetailsQueryBody {
  interval: string;
  order: 'asc';
  orderBy: 'conversationStart';
  paging: { pageSize: number; pageNumber: number };
  segmentFilters: Array<{ type: 'and'; predicates: Predicate[]; clauses?: Array<{ type: 'or'; predicates: Predicate[] }> }>;
}

/** `start/end` in UTC ISO-8601, as the API expects. */
export function formatInterval(interval: { readonly start: Date; readonly end: Date }): string {
  return `${interval.start.toISOString()}/${interval.end.toISOString()}`;
}

/**
 * The `ConversationQuery` body for one page. Segments with `purpose = agent` select
 * conversations an agent took part in; for agent scopes, an `or` clause of `userId` predicates
 * narrows to those agents (the API has no "in" operator). Ordered by conversation start so
 * pages are stable-ish while the window still receives data.
 */
export function buildDetailsQueryBody(page: DetailsQueryPage): DetailsQueryBody {
  const { start, end } = page.interval;
  if (!(start.getTime() < end.getTime())) throw new RangeError(`Query interval must have start < end, got ${formatInterval(page.interval)}`);
  if (end.getTime() - start.getTime() > MAX_DETAILS_INTERVAL_DAYS * DAY_MS) {
    throw new RangeError(`Query interval ${formatInterval(page.interval)} is longer than ${MAX_DETAILS_INTERVAL_DAYS} days`);
  }
  positiveInteger('pageNumber', page.pageNumber);
  positiveInteger('pageSize', page.pageSize);

  const purpose = dimension('purpose', 'agent');
  const filter: DetailsQueryBody['segmentFilters'][number] = { type: 'and', predicates: [purpose] };
  if (page.scope.kind === 'agents') {
    const userIds = [...new Set(page.scope.userIds)];
    if (userIds.length === 0) throw new RangeError('An agents scope needs at least one user id');
    if (userIds.some((id) => id.trim() === '')) throw new RangeError('Agent user ids must not be empty');
    if (userIds.length === 1) filter.predicates.push(dimension('userId', userIds[0]!));
    else filter.clauses = [{ type: 'or', predicates: userIds.map((id) => dimension('userId', id)) }];
  }
  return {
    interval: formatInterval(page.interval),
    order: 'asc',
    orderBy: 'conversationStart',
    paging: { pageSize: page.pageSize, pageNumber: page.pageNumber },
    segmentFilters: [filter],
  };
}

export interface DetailsPageResult {
  /** The records as the API returned them, not validated yet (the writer checks each one alone). */
  readonly records: unknown[];
  /** Approximate total across pages (it moves while the window still receives data); undefined when the page had none. */
  readonly totalHits: number | undefined;
}

/** Fetches one page of `POST /api/v2/analytics/conversations/details/query` and validates its envelope. */
export async function queryConversationDetailsPage(
  callApi: CallApi,
  page: DetailsQueryPage & { readonly signal?: AbortSignal | undefined },
): Promise<DetailsPageResult> {
  const body = buildDetailsQueryBody(page);
  const json = await callApi('POST', DETAILS_QUERY_PATH, { json: body, signal: page.signal });
  return parseDetailsPage(json, { method: 'POST', path: DETAILS_QUERY_PATH, pageNumber: page.pageNumber, interval: body.interval });
}

function dimension(name: string, value: string): Predicate {
  return { type: 'dimension', dimension: name, operator: 'matches', value };
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
}
