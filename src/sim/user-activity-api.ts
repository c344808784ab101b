/**
 * The users details API and the presence definitions, served from the agents' timelines
 * (sim/user-activity.ts) with the quirks Genesys documents for them (docs/genesys-api-facts.md §9):
 *
 * - Matching by overlap: a status is returned for every interval it overlaps, whole (its
 *   startTime may precede the interval, its endTime follow it), so a status crossing an
 *   interval's edge is returned for both intervals. Open statuses carry no endTime.
 * - Paging counts stored status entries, not users: Genesys stores a status spanning days once
 *   for its start day and once for its end day, pages over those entries, then drops the
 *   repeat it finds on the same page. So pages come back shorter than the page size, a user's
 *   statuses spread over several pages (one userDetails entry per user per page), and a status
 *   whose two entries straddle a page boundary is served on both pages. `totalHits` counts
 *   entries (repeats included), skewed by `userDetailsTotalHitsBias` to lie either way.
 * - Interval at most 7 days without filters, 31 with; only `userId` user filters; page size
 *   default 25, at most 100 here (the real maximum is undocumented).
 * - Jobs share the conversation jobs' lifecycle (sim/jobs.ts): results page over statuses
 *   (each once), grouped per user per page; a status still open at the lake's horizon is
 *   served without endTime.
 * - `userDetailsNotFound` answers 404 on every users details route, as an org, API or region
 *   without them does (the presence definitions stay).
 * - `userDetailsForbidden` answers 403 on every users details route, as for an OAuth client
 *   without `analytics:userDetail:view`.
 * - GET /api/v2/presencedefinitions is the paged legacy listing (`deleted` = FALSE, TRUE or ALL);
 *   GET /api/v2/presence/definitions the newer unpaged one (`deactivated` = FALSE or TRUE).
 */
import { DAY_MS } from '../time.ts';
import type { FaultSettings } from './faults.ts';
import { JobStore, type JobAnswer, type JobSource } from './jobs.ts';
import { QueryError, parseInterval } from './query.ts';
import type { ActivityTimelines, SimPresence, StatusRecord } from './user-activity.ts';

const USER_DETAILS_QUERY_PATH = '/api/v2/analytics/users/details/query';
const USER_JOBS_PATH = '/api/v2/analytics/users/details/jobs';
const USER_JOB_PATH = /^\/api\/v2\/analytics\/users\/details\/jobs\/([^/]+)(\/results)?$/;
const LEGACY_DEFINITIONS_PATH = '/api/v2/presencedefinitions';
const DEFINITIONS_PATH = '/api/v2/presence/definitions';

const MAX_DAYS_NO_FILTER = 7;
const MAX_DAYS_WITH_FILTER = 31;
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
const DEFAULT_DEFINITIONS_PAGE_SIZE = 25;
const MAX_DEFINITIONS_PAGE_SIZE = 100;

/** A status record of one user, as matched. */
interface UserRecord {
  userId: string;
  record: StatusRecord;
}

/** One stored entry: a record on one of the days it is stored for. */
interface Entry extends UserRecord {
  day: number;
}

/** A userDetails entry as served. */
export interface ActivityDetail {
  userId: string;
  primaryPresence?: Record<string, string>[];
  routingStatus?: Record<string, string>[];
}

/** True when the route is one of this module's (the server hands those over whole). */
export function isUserActivityRoute(method: string | undefined, path: string): boolean {
  if (method === 'POST' && (path === USER_DETAILS_QUERY_PATH || path === USER_JOBS_PATH)) return true;
  if (method === 'GET' && (path === `${USER_JOBS_PATH}/availability` || path === LEGACY_DEFINITIONS_PATH || path === DEFINITIONS_PATH)) return true;
  const job = USER_JOB_PATH.exec(path);
  return job !== null && (method === 'GET' || (method === 'DELETE' && !job[2]));
}

/** Queries whose matched entries are remembered: a client pages one query (a few at once) to its end. */
const ENTRIES_CACHE_SIZE = 16;

export class UserActivityApi {
  readonly jobs: JobStore<UserRecord>;
  /** The timelines never change, so a query's entries are computed once for all its pages (not once per page). */
  private readonly entriesCache = new Map<string, Entry[]>();

  constructor(
    private readonly timelines: ActivityTimelines,
    private readonly settings: () => FaultSettings,
    chance: (p: number) => boolean,
  ) {
    // The users details lake may lag otherwise than the conversations' (userDetailsLakeLagMs).
    const ownLag = (): FaultSettings => {
      const s = settings();
      return s.userDetailsLakeLagMs === null ? s : { ...s, lakeLagMs: s.userDetailsLakeLagMs };
    };
    this.jobs = new JobStore<UserRecord>({ source: this.jobSource(), settings: ownLag, chance });
  }

  /** Ground truth: each user's records overlapping [fromMs, toMs), whole, as served (users sorted, records by start). */
  expected(fromMs: number, toMs: number, userIds?: readonly string[]): ActivityDetail[] {
    const matched = this.matching(fromMs, toMs, userIds, Infinity);
    return groupByUser(matched);
  }

  /** Answers one request on a users details or presence definitions route. */
  answer(method: string, url: URL, body: unknown, owner: string): JobAnswer {
    const path = url.pathname;
    if (path === LEGACY_DEFINITIONS_PATH) return legacyDefinitions(this.timelines.ctx.presences, url.searchParams);
    if (path === DEFINITIONS_PATH) return definitions(this.timelines.ctx.presences, url.searchParams);
    if (this.settings().userDetailsForbidden) {
      return { status: 403, code: 'missing.any.permissions', message: 'Unable to perform the requested action. You are missing the following permission(s): analytics:userDetail:view' };
    }
    if (this.settings().userDetailsNotFound) return { status: 404, code: 'not.found', message: `No resource found for ${method} ${path}` };
    if (path === USER_DETAILS_QUERY_PATH) return this.query(body);
    if (path === USER_JOBS_PATH) return this.jobs.create(owner, body);
    if (path === `${USER_JOBS_PATH}/availability`) return { status: 200, body: { dataAvailabilityDate: new Date(this.jobs.availabilityMs()).toISOString() } };
    const [, rawId, results] = USER_JOB_PATH.exec(path)!;
    const id = decodeURIComponent(rawId!);
    if (method === 'DELETE') return this.jobs.delete(id);
    return results ? this.jobs.results(id, url.searchParams) : this.jobs.status(id);
  }

  private query(raw: unknown): JobAnswer {
    let parsed: ParsedUserQuery;
    try {
      parsed = parseUserQuery(raw);
    } catch (err) {
      if (err instanceof QueryError) return { status: 400, code: err.code, message: err.message };
      throw err;
    }
    const entries = this.entries(parsed);
    const slice = entries.slice((parsed.pageNumber - 1) * parsed.pageSize, parsed.pageNumber * parsed.pageSize);
    const totalHits = Math.max(0, Math.round(entries.length * (1 + this.settings().userDetailsTotalHitsBias)));
    if (slice.length === 0) return { status: 200, body: { totalHits } };
    // The repeat of a status on the same page is dropped (the page comes back short).
    const seen = new Set<StatusRecord>();
    const unique = slice.filter((e) => !seen.has(e.record) && seen.add(e.record));
    return { status: 200, body: { userDetails: groupByUser(unique), totalHits } };
  }

  /** The stored entries a query pages over, in order (user, start, kind, day); remembered for its next pages. */
  private entries(q: ParsedUserQuery): Entry[] {
    const key = `${q.startMs}|${q.endMs}|${q.order}|${q.userIds?.join(',') ?? '*'}`;
    const hit = this.entriesCache.get(key);
    if (hit) return hit;
    const entries = this.matchEntries(q);
    this.entriesCache.set(key, entries);
    if (this.entriesCache.size > ENTRIES_CACHE_SIZE) this.entriesCache.delete(this.entriesCache.keys().next().value as string);
    return entries;
  }

  private matchEntries(q: ParsedUserQuery): Entry[] {
    const touchedFirst = Math.floor(q.startMs / DAY_MS);
    const touchedLast = Math.floor((q.endMs - 1) / DAY_MS);
    const nowMs = this.timelines.ctx.nowMs;
    const entries = this.matching(q.startMs, q.endMs, q.userIds, Infinity).flatMap((m): Entry[] => {
      const startDay = Math.floor(m.record.startMs / DAY_MS);
      const endDay = Math.floor(((m.record.endMs ?? nowMs) - 1) / DAY_MS);
      const days = [...new Set([startDay, Math.max(startDay, endDay)])].filter((d) => d >= touchedFirst && d <= touchedLast);
      return (days.length > 0 ? days : [startDay]).map((day) => ({ ...m, day }));
    });
    return q.order === 'desc' ? entries.reverse() : entries;
  }

  /** Records overlapping [fromMs, toMs) that started before `horizonMs`, by user then start (presence before routing on ties). */
  private matching(fromMs: number, toMs: number, userIds: readonly string[] | undefined, horizonMs: number): UserRecord[] {
    const wanted = userIds ? new Set(userIds) : undefined;
    const out: UserRecord[] = [];
    for (const userId of this.timelines.userIds()) {
      if (wanted && !wanted.has(userId)) continue;
      const mine = this.timelines.records(userId).filter((r) => r.startMs < toMs && r.startMs < horizonMs && (r.endMs ?? Infinity) > fromMs);
      mine.sort((a, b) => a.startMs - b.startMs || (a.kind === b.kind ? 0 : a.kind === 'presence' ? -1 : 1));
      for (const record of mine) out.push({ userId, record });
    }
    return out;
  }

  private jobSource(): JobSource<UserRecord> {
    return {
      recordsKey: 'userDetails',
      nowMs: this.timelines.ctx.nowMs,
      select: (body, interval, availabilityMs) => {
        const userIds = parseUserFilters(body['userFilters']);
        rejectUnsupportedFilters(body);
        // As the lake knew them at its horizon: a status still running then is open.
        return this.matching(interval.startMs, interval.endMs, userIds, availabilityMs).map((m) =>
          m.record.endMs === undefined || m.record.endMs <= availabilityMs ? m : { ...m, record: openCopy(m.record) });
      },
      serve: (records) => groupByUser(records),
    };
  }
}

interface ParsedUserQuery {
  startMs: number;
  endMs: number;
  userIds: string[] | undefined;
  order: 'asc' | 'desc';
  pageSize: number;
  pageNumber: number;
}

function parseUserQuery(raw: unknown): ParsedUserQuery {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new QueryError('bad.request', 'The request body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const { startMs, endMs } = parseInterval(body['interval']);
  const userIds = parseUserFilters(body['userFilters']);
  rejectUnsupportedFilters(body);
  const maxDays = userIds !== undefined ? MAX_DAYS_WITH_FILTER : MAX_DAYS_NO_FILTER;
  if (endMs - startMs > maxDays * DAY_MS) {
    throw new QueryError('bad.request', `The interval is limited to ${maxDays} days ${userIds ? 'with' : 'without'} filters`);
  }
  const order = body['order'] ?? 'asc';
  if (order !== 'asc' && order !== 'desc' && order !== 'unordered') throw new QueryError('invalid.value', 'order must be one of [asc, desc, unordered]');
  const paging = (body['paging'] ?? {}) as Record<string, unknown>;
  const pageSize = paging['pageSize'] ?? DEFAULT_PAGE_SIZE;
  const pageNumber = paging['pageNumber'] ?? 1;
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new QueryError('bad.request', `paging.pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  if (typeof pageNumber !== 'number' || !Number.isInteger(pageNumber) || pageNumber < 1) throw new QueryError('bad.request', 'paging.pageNumber must be 1 or greater');
  return { startMs, endMs, userIds, order: order === 'desc' ? 'desc' : 'asc', pageSize, pageNumber };
}

/** `userFilters`: predicates (and clauses) on the `userId` dimension only; undefined when absent. */
function parseUserFilters(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw new QueryError('invalid.value', 'userFilters must be an array');
  const ids: string[] = [];
  const predicates = (list: unknown) => (Array.isArray(list) ? (list as Record<string, unknown>[]) : []);
  for (const filter of raw as Record<string, unknown>[]) {
    const all = [...predicates(filter['predicates']), ...predicates(filter['clauses']).flatMap((c) => predicates(c['predicates']))];
    for (const p of all) {
      if (p['dimension'] !== 'userId') throw new QueryError('invalid.value', `User filters are limited to the userId dimension, got ${String(p['dimension'])}`);
      if (typeof p['value'] !== 'string' || p['value'] === '') throw new QueryError('invalid.value', 'A userId predicate needs a value');
      ids.push(p['value']);
    }
  }
  return ids.length > 0 ? ids : undefined;
}

/** Presence and routing-status filters exist upstream; the simulator does not implement them and says so. */
function rejectUnsupportedFilters(body: Record<string, unknown>): void {
  for (const key of ['presenceFilters', 'routingStatusFilters', 'presenceAggregations', 'routingStatusAggregations']) {
    const value = body[key];
    if (Array.isArray(value) && value.length > 0) throw new QueryError('bad.request', `${key} are not supported by the simulator`);
  }
}

/** One userDetails entry per user, in first-seen order, records in the order given. */
function groupByUser(records: readonly UserRecord[]): ActivityDetail[] {
  const byUser = new Map<string, ActivityDetail>();
  for (const { userId, record } of records) {
    let detail = byUser.get(userId);
    if (!detail) byUser.set(userId, (detail = { userId }));
    const served = serveRecord(record);
    if (record.kind === 'presence') (detail.primaryPresence ??= []).push(served);
    else (detail.routingStatus ??= []).push(served);
  }
  return [...byUser.values()];
}

function serveRecord(r: StatusRecord): Record<string, string> {
  const times = { startTime: new Date(r.startMs).toISOString(), ...(r.endMs !== undefined ? { endTime: new Date(r.endMs).toISOString() } : {}) };
  if (r.kind === 'routing') return { ...times, routingStatus: r.value };
  return { ...times, systemPresence: r.value, ...(r.organizationPresenceId ? { organizationPresenceId: r.organizationPresenceId } : {}) };
}

function openCopy(r: StatusRecord): StatusRecord {
  const { endMs: _open, ...rest } = r;
  return rest;
}

function definitionOf(p: SimPresence, legacy: boolean): Record<string, unknown> {
  const self = `${legacy ? LEGACY_DEFINITIONS_PATH : DEFINITIONS_PATH}/${p.id}`;
  const common = { id: p.id, name: p.name, languageLabels: { en_US: p.name }, systemPresence: p.definitionPresence, deactivated: p.deactivated };
  return legacy ? { ...common, primary: p.primary, selfUri: self } : { ...common, type: p.primary ? 'System' : 'User', selfUri: self };
}

/** GET /api/v2/presencedefinitions: paged; `deleted` FALSE (default), TRUE or ALL. */
function legacyDefinitions(presences: readonly SimPresence[], q: URLSearchParams): JobAnswer {
  const deleted = (q.get('deleted') ?? 'false').toUpperCase();
  if (!['FALSE', 'TRUE', 'ALL'].includes(deleted)) return { status: 400, code: 'invalid.value', message: 'deleted must be one of TRUE, FALSE or ALL' };
  const pageSize = Number(q.get('pageSize') ?? DEFAULT_DEFINITIONS_PAGE_SIZE);
  const pageNumber = Number(q.get('pageNumber') ?? 1);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_DEFINITIONS_PAGE_SIZE) return { status: 400, code: 'bad.request', message: `pageSize must be between 1 and ${MAX_DEFINITIONS_PAGE_SIZE}` };
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return { status: 400, code: 'bad.request', message: 'pageNumber must be 1 or greater' };
  const all = presences.filter((p) => deleted === 'ALL' || p.deactivated === (deleted === 'TRUE'));
  const total = all.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (n: number) => `${LEGACY_DEFINITIONS_PATH}?pageSize=${pageSize}&pageNumber=${n}&deleted=${deleted.toLowerCase()}`;
  return {
    status: 200,
    body: {
      entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((p) => definitionOf(p, true)),
      pageSize, pageNumber, total, pageCount,
      firstUri: uri(1),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber),
    },
  };
}

/** GET /api/v2/presence/definitions: unpaged; `deactivated` FALSE (default) or TRUE. */
function definitions(presences: readonly SimPresence[], q: URLSearchParams): JobAnswer {
  const deactivated = (q.get('deactivated') ?? 'false').toUpperCase();
  if (deactivated !== 'FALSE' && deactivated !== 'TRUE') return { status: 400, code: 'invalid.value', message: 'deactivated must be TRUE or FALSE' };
  const entities = presences.filter((p) => p.deactivated === (deactivated === 'TRUE')).map((p) => definitionOf(p, false));
  return { status: 200, body: { total: entities.length, entities, selfUri: DEFINITIONS_PATH } };
}
