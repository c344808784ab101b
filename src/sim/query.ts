import type { DayIndex } from './day-index.ts';
import { DAY_MS } from '../time.ts';
import { compareByStart } from './generate.ts';
import { FilterError, matchesConversationFilters, matchesItemFilters, matchesSegmentFilters, parseFilters, type Filter } from './filters.ts';
import type { SimConversation } from './types.ts';

/*
 * POST /api/v2/analytics/conversations/details/query semantics (docs/genesys-api-facts.md §1):
 * conversations are selected by the UTC day of conversationStart — every conversation
 * that started on a day the interval touches is returned, even outside the interval.
 */

// Interval caps: https://developer.genesys.cloud/analyticsdatamanagement/analytics/detail/index
const MAX_INTERVAL_DAYS_NO_FILTER = 7;
const MAX_INTERVAL_DAYS_WITH_FILTER = 31;
/** Default from the SDK ConversationQuery.paging description. */
const DEFAULT_PAGE_SIZE = 25;
/** Unconfirmed upstream (open question 1); most public code uses 100, so the simulator enforces it. */
const MAX_PAGE_SIZE = 100;
/** Unconfirmed upstream; the simulator refuses pageSize * pageNumber beyond this. */
export const MAX_RESULT_WINDOW = 100_000;

/** A 400 answer to the query. */
export class QueryError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface ParsedQuery {
  startMs: number;
  endMs: number;
  segmentFilters: Filter[];
  conversationFilters: Filter[];
  evaluationFilters: Filter[];
  surveyFilters: Filter[];
  resolutionFilters: Filter[];
  order: 'asc' | 'desc';
  orderBy: 'conversationStart' | 'conversationEnd';
  pageSize: number;
  pageNumber: number;
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses one ISO-8601 instant; a missing zone means UTC (the docs show zone-less examples). */
function parseInstant(s: string): number {
  const m = ISO.exec(s);
  if (!m) return NaN;
  const [, date, time = '00:00:00', zone = 'Z'] = m;
  return Date.parse(`${date}T${time}${zone}`);
}

/** Parses `start/end`; throws `invalid.date` when unparseable or not start < end. */
export function parseInterval(interval: unknown): { startMs: number; endMs: number } {
  if (typeof interval !== 'string') throw new QueryError('invalid.date', 'interval is required: an ISO-8601 interval such as 2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z');
  const parts = interval.split('/');
  const startMs = parts.length === 2 ? parseInstant(parts[0] as string) : NaN;
  const endMs = parts.length === 2 ? parseInstant(parts[1] as string) : NaN;
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) throw new QueryError('invalid.date', `Dates must be ISO-8601: invalid interval '${interval}'`);
  if (startMs >= endMs) throw new QueryError('invalid.date', `The interval start must be before its end: '${interval}'`);
  return { startMs, endMs };
}

/** UTC day numbers (days since epoch) touched by [startMs, endMs). */
export function touchedDays(startMs: number, endMs: number): number[] {
  const days: number[] = [];
  for (let d = Math.floor(startMs / DAY_MS); d * DAY_MS < endMs; d++) days.push(d);
  return days;
}

function intField(body: Record<string, unknown>, name: string, fallback: number): number {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new QueryError('invalid.value', `paging.${name} must be an integer`);
  return v;
}

/** The filter families a details query (or a details job) may carry. */
export type FilterSet = Pick<ParsedQuery, 'segmentFilters' | 'conversationFilters' | 'evaluationFilters' | 'surveyFilters' | 'resolutionFilters'>;

/** Parses every filter family of a query or job body; throws QueryError naming the bad filter. */
export function parseFilterSet(body: Record<string, unknown>): FilterSet {
  try {
    return {
      segmentFilters: parseFilters(body['segmentFilters'], 'segment', 'segmentFilters'),
      conversationFilters: parseFilters(body['conversationFilters'], 'conversation', 'conversationFilters'),
      evaluationFilters: parseFilters(body['evaluationFilters'], 'evaluation', 'evaluationFilters'),
      surveyFilters: parseFilters(body['surveyFilters'], 'survey', 'surveyFilters'),
      resolutionFilters: parseFilters(body['resolutionFilters'], 'resolution', 'resolutionFilters'),
    };
  } catch (err) {
    if (err instanceof FilterError) throw new QueryError(err.code, err.message);
    throw err;
  }
}

/** A filter set as a string: equal filters, equal keys (the day indexes keep matches per key). */
export const filterKey = (f: FilterSet): string =>
  JSON.stringify([f.segmentFilters, f.conversationFilters, f.evaluationFilters, f.surveyFilters, f.resolutionFilters]);

const hasFilters = (filters: FilterSet): boolean => Object.values(filters).some((list) => list.length > 0);

/** Whether a conversation satisfies every filter family. */
export function matchesFilterSet(c: SimConversation, q: FilterSet): boolean {
  return matchesSegmentFilters(c, q.segmentFilters) && matchesConversationFilters(c, q.conversationFilters)
    && matchesItemFilters(c['evaluations'], q.evaluationFilters) && matchesItemFilters(c['surveys'], q.surveyFilters)
    && matchesItemFilters(c['resolutions'], q.resolutionFilters);
}

/** Validates a request body; unknown fields are ignored, as the real API does. */
export function parseQuery(raw: unknown): ParsedQuery {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new QueryError('bad.request', 'The request body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const { startMs, endMs } = parseInterval(body['interval']);
  const filters = parseFilterSet(body);
  const filtered = hasFilters(filters);
  const maxDays = filtered ? MAX_INTERVAL_DAYS_WITH_FILTER : MAX_INTERVAL_DAYS_NO_FILTER;
  if (endMs - startMs > maxDays * DAY_MS) {
    throw new QueryError('bad.request', filtered
      ? `Query interval exceeds the maximum of ${MAX_INTERVAL_DAYS_WITH_FILTER} days`
      : `Query interval exceeds the maximum of ${MAX_INTERVAL_DAYS_NO_FILTER} days when no filters are specified; add a filter to query up to ${MAX_INTERVAL_DAYS_WITH_FILTER} days`);
  }
  const order = body['order'] ?? 'asc';
  if (order !== 'asc' && order !== 'desc' && order !== 'unordered') throw new QueryError('invalid.value', 'order must be one of [asc, desc, unordered]');
  const orderBy = body['orderBy'] ?? 'conversationStart';
  if (orderBy !== 'conversationStart' && orderBy !== 'conversationEnd' && orderBy !== 'segmentStart' && orderBy !== 'segmentEnd') {
    throw new QueryError('invalid.value', 'orderBy must be one of [conversationStart, conversationEnd, segmentStart, segmentEnd]');
  }
  const paging = (body['paging'] ?? {}) as Record<string, unknown>;
  if (typeof paging !== 'object') throw new QueryError('bad.request', 'paging must be an object');
  const pageSize = intField(paging, 'pageSize', DEFAULT_PAGE_SIZE);
  const pageNumber = intField(paging, 'pageNumber', 1);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new QueryError('bad.request', `paging.pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  if (pageNumber < 1) throw new QueryError('bad.request', 'paging.pageNumber must be 1 or greater');
  if (pageSize * pageNumber > MAX_RESULT_WINDOW) {
    throw new QueryError('bad.request', `Paging past ${MAX_RESULT_WINDOW} results is not allowed (pageSize * pageNumber = ${pageSize * pageNumber}). Narrow the interval or add filters, or use an asynchronous details job.`);
  }
  return {
    startMs, endMs, ...filters,
    // 'unordered' may come back in any order; ascending is a valid choice.
    order: order === 'desc' ? 'desc' : 'asc',
    // segmentStart/segmentEnd are approximated by the conversation's own start/end.
    orderBy: orderBy === 'conversationEnd' || orderBy === 'segmentEnd' ? 'conversationEnd' : 'conversationStart',
    pageSize, pageNumber,
  };
}

/** Live conversations (no end) sort after ended ones when ordering by conversationEnd. */
function compareByEnd(a: SimConversation, b: SimConversation): number {
  const ea = a.conversationEnd ?? '\uffff';
  const eb = b.conversationEnd ?? '\uffff';
  return ea !== eb ? (ea < eb ? -1 : 1) : compareByStart(a, b);
}

/** Position of a match: its UTC day and index in that day's sorted list (cheap to cache). */
export interface MatchRef {
  day: number;
  index: number;
}

/**
 * Every conversation matching the query, in the requested order (before paging), as
 * references: a cached 31-day match list then costs a few bytes per hit, not the records.
 */
export function selectMatches(q: ParsedQuery, day: (dayNumber: number) => readonly SimConversation[]): MatchRef[] {
  const hits: { c: SimConversation; ref: MatchRef }[] = [];
  for (const d of touchedDays(q.startMs, q.endMs)) {
    day(d).forEach((c, index) => {
      if (matchesFilterSet(c, q)) hits.push({ c, ref: { day: d, index } });
    });
  }
  // Days are already sorted by (conversationStart, conversationId) and visited in order.
  if (q.orderBy === 'conversationEnd') hits.sort((a, b) => compareByEnd(a.c, b.c));
  if (q.order === 'desc') hits.reverse();
  return hits.map((h) => h.ref);
}

/**
 * What selectMatches returns for a query ordered by conversationStart, read from the touched
 * days' indexes (day-index.ts) holding the matches of the query's filter set under `key`.
 */
export function selectIndexedMatches(q: ParsedQuery, key: string, indexes: ReadonlyMap<number, DayIndex>): MatchRef[] {
  if (q.orderBy !== 'conversationStart') throw new Error('only the conversationStart order is read from day indexes');
  const refs: MatchRef[] = [];
  for (const d of touchedDays(q.startMs, q.endMs)) {
    const matches = indexes.get(d)?.matches.get(key);
    if (!matches) continue; // a day outside the simulated range: no conversations
    for (let k = 0; k < matches.length; k++) if (matches[k] === 1) refs.push({ day: d, index: k });
  }
  if (q.order === 'desc') refs.reverse();
  return refs;
}

/** The page for (pageSize, pageNumber); the `conversations` key is absent on an empty page. */
export function pageOf(
  matches: readonly MatchRef[],
  pageSize: number,
  pageNumber: number,
  resolve: (ref: MatchRef) => SimConversation,
): { totalHits: number; conversations?: SimConversation[] } {
  const from = (pageNumber - 1) * pageSize;
  const page = matches.slice(from, from + pageSize).map(resolve);
  return page.length > 0 ? { totalHits: matches.length, conversations: page } : { totalHits: matches.length };
}

/** Key for caching `selectMatches` between page requests of the same query. */
export function matchKey(q: ParsedQuery): string {
  const { pageSize: _s, pageNumber: _n, startMs, endMs, ...rest } = q;
  return JSON.stringify({ days: touchedDays(startMs, endMs), ...rest });
}
