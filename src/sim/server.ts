import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sleep } from '../time.ts';
import { parseBearer, tokenResponse, type TokenStore } from './auth.ts';
import { announcedHits, type FaultInjector, type RateLimiter } from './faults.ts';
import type { JobAnswer, JobStore } from './jobs.ts';
import { BodyTooLargeError, readBody, sendError, sendJson } from './http.ts';
import { corrupted, type CorruptionKind } from './mutations.ts';
import type { Org } from './org.ts';
import { SYNC_MATCH_WORK } from './jobs.ts';
import { QueryError, filterKey, matchKey, matchesFilterSet, pageOf, parseQuery, selectIndexedMatches, selectMatches, touchedDays, type MatchRef, type ParsedQuery } from './query.ts';
import { sendFault, sendRateLimited } from './responses.ts';
import type { ConversationStore } from './store.ts';
import { referenceListAt, referenceListPage } from './reference-lists.ts';
import type { SimConversation } from './types.ts';
import { isUserActivityRoute, type UserActivityApi } from './user-activity-api.ts';
import { userById, usersPage } from './users.ts';

export interface SimStats {
  requests: { token: number; users: number; referenceLists: number; detailsQuery: number; detailsJobs: number; userActivity: number; other: number };
  byStatus: Record<number, number>;
  /** API requests (token requests excluded) currently open, latency included. */
  inFlight: number;
  peakInFlight: number;
  tokensIssued: number;
  /** Connections destroyed without a response ('drop' faults). */
  dropped: number;
}

export const emptyStats = (): SimStats => ({
  requests: { token: 0, users: 0, referenceLists: 0, detailsQuery: 0, detailsJobs: 0, userActivity: 0, other: 0 },
  byStatus: {}, inFlight: 0, peakInFlight: 0, tokensIssued: 0, dropped: 0,
});

/** Everything the HTTP layer reads and updates. */
export interface ServerState {
  store: ConversationStore;
  org: Org;
  tokens: TokenStore;
  faults: FaultInjector;
  limiter: RateLimiter;
  creds: { clientId: string; clientSecret: string };
  corruption: Map<string, CorruptionKind>;
  /** Paging anomalies for coming details-query pages, each used once (see PageAnomaly). */
  pageAnomalies: PageAnomaly[];
  stats: SimStats;
  jobs: JobStore;
  /** The users details API and presence definitions (sim/user-activity-api.ts). */
  activity: UserActivityApi;
}

/**
 * A page served wrong in a way live data can make it: 'omit-total-hits' leaves `totalHits`
 * out of a page that has conversations; 'shift' serves the page without its first record, as
 * if that record had moved to the previous page (already fetched) between two requests.
 */
export interface PageAnomaly {
  kind: 'omit-total-hits' | 'shift';
  /** Only a page with this number takes it; any page when absent. */
  pageNumber?: number;
}

type Route = 'token' | 'users' | 'user' | 'referenceLists' | 'detailsQuery' | 'jobCreate' | 'jobAvailability' | 'jobStatus' | 'jobResults' | 'jobDelete' | 'userActivity' | 'other';
const JOB_ROUTES: ReadonlySet<Route> = new Set(['jobCreate', 'jobAvailability', 'jobStatus', 'jobResults', 'jobDelete']);

const DETAILS_QUERY_PATH = '/api/v2/analytics/conversations/details/query';
const JOBS_PATH = '/api/v2/analytics/conversations/details/jobs';
const JOB_PATH = /^\/api\/v2\/analytics\/conversations\/details\/jobs\/([^/]+)(\/results)?$/;
/** Distinct queries whose full match list is kept, so paging a query does not re-filter. */
const QUERY_CACHE_SIZE = 8;

function routeOf(method: string | undefined, path: string): Route {
  if (method === 'POST' && path === '/oauth/token') return 'token';
  if (method === 'GET' && path === '/api/v2/users') return 'users';
  if (method === 'GET' && /^\/api\/v2\/users\/[^/]+$/.test(path)) return 'user';
  if (method === 'POST' && path === DETAILS_QUERY_PATH) return 'detailsQuery';
  if (isUserActivityRoute(method, path)) return 'userActivity';
  if (method === 'GET' && referenceListAt(path) !== undefined) return 'referenceLists';
  if (method === 'POST' && path === JOBS_PATH) return 'jobCreate';
  if (method === 'GET' && path === `${JOBS_PATH}/availability`) return 'jobAvailability';
  const job = JOB_PATH.exec(path);
  if (job && method === 'GET') return job[2] ? 'jobResults' : 'jobStatus';
  if (job && !job[2] && method === 'DELETE') return 'jobDelete';
  return 'other';
}

/**
 * Creates the node:http server (`listen` is left to the caller) and `abortAll`, which ends
 * open requests (hanging ones included) and resolves once their handlers have finished.
 */
export function createSimServer(state: ServerState): { server: Server; abortAll: () => Promise<void> } {
  const queryCache = new Map<string, { version: number; matches: MatchRef[] }>();
  const open = new Set<ServerResponse>();

  const matchesFor = async (q: ReturnType<typeof parseQuery>): Promise<MatchRef[]> => {
    const key = matchKey(q);
    const hit = queryCache.get(key);
    if (hit && hit.version === state.store.version) return hit.matches;
    const matches = await selectQueried(q);
    queryCache.delete(key);
    queryCache.set(key, { version: state.store.version, matches });
    if (queryCache.size > QUERY_CACHE_SIZE) queryCache.delete(queryCache.keys().next().value as string);
    return matches;
  };

  /**
   * A query over more than a few large days (a backfill's count of a 31-day window) is matched
   * through the store's day indexes, generating in slices that let other requests through,
   * rather than generating whole days while the server stops (minutes at 50,000 a day).
   */
  async function selectQueried(q: ParsedQuery): Promise<MatchRef[]> {
    const { store } = state;
    const days = touchedDays(q.startMs, q.endMs);
    const key = filterKey(q);
    if (q.orderBy !== 'conversationStart' || !store.indexable || store.matchWork(days) <= SYNC_MATCH_WORK) return selectMatches(q, (d) => store.day(d));
    return selectIndexedMatches(q, key, await store.matchIndex(days, key, (c) => matchesFilterSet(c, q)));
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, route: Route, url: URL): Promise<void> {
    if (route === 'other') return sendError(res, 404, 'not.found', `No resource found for ${req.method} ${url.pathname}`);
    const token = parseBearer(req.headers.authorization);
    if (!token) return sendError(res, 401, 'authentication.required', 'No authentication bearer token specified in authorization header.');
    if (state.tokens.check(token, Date.now()) !== 'ok') return sendError(res, 401, 'bad.credentials', 'Invalid login credentials.');
    const limit = state.faults.settings.rateLimitPerMinute;
    let headers: Record<string, string> = {};
    if (limit > 0) {
      const r = state.limiter.take(token, limit, Date.now());
      headers = { 'inin-ratelimit-allowed': String(limit), 'inin-ratelimit-count': String(r.count), 'inin-ratelimit-reset': String(r.resetSeconds) };
      if (!r.allowed) return sendRateLimited(res, '429', r.resetSeconds, headers);
    }
    if (route === 'users') {
      const r = usersPage(state.org.agents, url.searchParams);
      return r.status === 200 ? sendJson(res, 200, r.body, headers) : sendError(res, r.status, r.code, r.message, headers);
    }
    if (route === 'referenceLists') {
      const r = referenceListPage(state.org, referenceListAt(url.pathname)!, url.searchParams, state.faults.settings.forbiddenLists);
      return r.status === 200 ? sendJson(res, 200, r.body, headers) : sendError(res, r.status, r.code, r.message, headers);
    }
    if (route === 'user') {
      const id = decodeURIComponent(url.pathname.slice('/api/v2/users/'.length));
      const user = userById(state.org.agents, id, url.searchParams.get('state'));
      return user ? sendJson(res, 200, user, headers) : sendError(res, 404, 'not.found', `User ${id} not found`, headers);
    }
    if (route === 'userActivity' && req.method !== 'POST') return sendAnswer(res, state.activity.answer(req.method!, url, undefined, token), headers);
    if (route === 'jobAvailability') return sendJson(res, 200, { dataAvailabilityDate: new Date(state.jobs.availabilityMs()).toISOString() }, headers);
    if (route === 'jobStatus' || route === 'jobResults' || route === 'jobDelete') {
      const id = decodeURIComponent(JOB_PATH.exec(url.pathname)![1]!);
      const answer = route === 'jobStatus' ? state.jobs.status(id) : route === 'jobResults' ? state.jobs.results(id, url.searchParams) : state.jobs.delete(id);
      return sendAnswer(res, answer, headers);
    }
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      return sendError(res, 415, 'unsupported.media.type', `Content type ${type} is not supported; use application/json`, headers);
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, state.faults.settings.maxBodyBytes));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendError(res, 413, 'request.entity.too.large', err.message, headers);
      return sendError(res, 400, 'bad.request', 'The request body could not be parsed as JSON', headers);
    }
    if (route === 'jobCreate') return sendAnswer(res, state.jobs.create(token, body), headers);
    if (route === 'userActivity') return sendAnswer(res, state.activity.answer('POST', url, body, token), headers);
    let query;
    try {
      query = parseQuery(body);
    } catch (err) {
      if (err instanceof QueryError) return sendError(res, 400, err.code, err.message, headers);
      throw err;
    }
    const page: { totalHits?: number; conversations?: SimConversation[] } = pageOf(
      await matchesFor(query), query.pageSize, query.pageNumber, (ref) => state.store.at(ref.day, ref.index));
    lieAbout(page, query);
    const anomaly = takeAnomaly(query.pageNumber, page.conversations !== undefined);
    if (anomaly === 'omit-total-hits') delete page.totalHits;
    if (anomaly === 'shift') page.conversations = page.conversations!.slice(1);
    if (page.conversations && state.corruption.size > 0) {
      const served = page.conversations.map((c) => {
        const kind = state.corruption.get(c.conversationId);
        return kind ? corrupted(c, kind) : c;
      });
      return sendJson(res, 200, { ...page, conversations: served }, headers);
    }
    return sendJson(res, 200, page, headers);
  }

  /** The persistent lies of the fault settings: a wrong totalHits, a record swapped for a stray. */
  function lieAbout(page: { totalHits?: number; conversations?: SimConversation[] }, query: ParsedQuery): void {
    const { totalHitsLie, strayForDropped } = state.faults.settings;
    if (page.totalHits !== undefined) page.totalHits = announcedHits(page.totalHits, totalHitsLie);
    if (!strayForDropped || query.pageNumber !== 1 || !page.conversations) return;
    const stray = state.store.day(touchedDays(query.startMs, query.endMs)[0]! - 1)[0];
    if (stray) page.conversations = [...page.conversations.slice(0, -1), stray];
  }

  function takeAnomaly(pageNumber: number, hasConversations: boolean): PageAnomaly['kind'] | undefined {
    if (!hasConversations) return undefined;
    const i = state.pageAnomalies.findIndex((a) => a.pageNumber === undefined || a.pageNumber === pageNumber);
    return i < 0 ? undefined : state.pageAnomalies.splice(i, 1)[0]!.kind;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const route = routeOf(req.method, url.pathname);
    const { stats } = state;
    stats.requests[route === 'user' ? 'users' : JOB_ROUTES.has(route) ? 'detailsJobs' : (route as 'token' | 'users' | 'referenceLists' | 'detailsQuery' | 'userActivity' | 'other')]++;
    const isApi = route !== 'token';
    if (isApi) stats.peakInFlight = Math.max(stats.peakInFlight, ++stats.inFlight);
    open.add(res);
    try {
      const delay = state.faults.latencyMs();
      if (delay > 0) await sleep(delay);
      if (res.destroyed) return; // the client left (or the simulator closed) during the latency
      const fault = state.faults.next(!isApi);
      if (fault === 'drop') {
        stats.dropped++;
        req.socket.destroy();
        return;
      }
      if (fault === 'hang') {
        await new Promise<void>((resolve) => res.once('close', () => resolve()));
        return;
      }
      if (fault !== 'ok') return sendFault(res, fault, state.faults.settings.retryAfterSeconds);
      if (route === 'token') {
        const r = tokenResponse(req.headers.authorization, await readBody(req, 0), state.creds, state.tokens, state.faults.settings.tokenLifetimeSeconds, Date.now());
        if (r.status === 200) stats.tokensIssued++;
        return sendJson(res, r.status, r.body);
      }
      await handleApi(req, res, route, url);
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, 'internal.server.error', `Simulator error: ${(err as Error).message}`);
    } finally {
      open.delete(res);
      if (isApi) stats.inFlight--;
      if (res.headersSent) stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
    }
  }

  const pending = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const p = handle(req, res).finally(() => pending.delete(p));
    pending.add(p);
  });
  // Destroying open responses also settles 'hang' faults, which await their 'close' event.
  const abortAll = async () => {
    for (const res of open) res.destroy();
    await Promise.allSettled([...pending]);
  };
  return { server, abortAll };
}

function sendAnswer(res: ServerResponse, answer: JobAnswer, headers: Record<string, string>): void {
  const all = { ...headers, ...answer.headers };
  if (answer.status === 204) {
    res.writeHead(204, all);
    res.end();
    return;
  }
  if (answer.code !== undefined) return sendError(res, answer.status, answer.code, answer.message ?? '', all);
  sendJson(res, answer.status, answer.body, all);
}
