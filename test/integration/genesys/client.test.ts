import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  createGenesysClient,
  FatalApiError,
  InvalidRecordError,
  InvalidResponseError,
  NetworkError,
  RetriableApiError,
  RetriesExhaustedError,
  type GenesysClient,
  type GenesysClientOptions,
} from '../../../src/genesys/index.ts';
import { Pacer, PACING_HEADROOM } from '../../../src/genesys/gate.ts';
import { MINUTE_MS } from '../../../src/time.ts';
import { VirtualClock } from '../../helpers/virtual-clock.ts';
import { startFakeGenesys, type FakeGenesys, type Reply } from './fake-genesys.ts';

const DETAILS = '/api/v2/analytics/conversations/details/query';
const interval = { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') };
const firstPage = { interval, scope: { kind: 'all' } as const, pageNumber: 1, pageSize: 100 };

function conversation(id: string): Record<string, unknown> {
  return {
    conversationId: id,
    conversationStart: '2024-05-01T08:00:00.000Z',
    participants: [{ participantId: `${id}-p`, purpose: 'agent', userId: 'u-1', sessions: [{ sessionId: `${id}-s`, segments: [{ segmentStart: '2024-05-01T08:00:00.000Z' }] }] }],
  };
}
const okPage = (ids: string[] = ['c-1']): Reply => ({ status: 200, json: { conversations: ids.map(conversation), totalHits: ids.length } });
const unavailable: Reply = { status: 503, json: { message: 'The service is currently unavailable', code: 'service.unavailable', status: 503, contextId: 'ctx-503' } };

let server: FakeGenesys;
let logs: string[];
let errors: unknown[];
let clients: GenesysClient[];

beforeEach(async () => {
  server = await startFakeGenesys();
  server.api = (request) => (request.path === DETAILS ? okPage() : { status: 404, json: { message: 'Not found', code: 'not.found', status: 404 } });
  logs = [];
  errors = [];
  clients = [];
});

afterEach(async () => {
  for (const client of clients) client.close();
  await server.close();
  // Nothing secret may leak: not in any log line, not in any error (message, properties, causes).
  const secrets = [server.clientSecret, ...server.tokensIssued, Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')];
  const exposed = [...logs, ...errors.map((error) => inspect(error, { depth: 20, showHidden: true }))].join('\n');
  for (const secret of secrets) expect(exposed).not.toContain(secret);
  expect(exposed).not.toMatch(/authorization/i);
});

function makeClient(overrides: Partial<GenesysClientOptions> = {}): GenesysClient {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const client = createGenesysClient({
    apiUrl: server.url,
    loginUrl: server.url,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    concurrency: 4,
    ratePerMinute: 60_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 40,
    logger,
    ...overrides,
  });
  clients.push(client);
  return client;
}

/**
 * Timing tests run on a virtual clock shared by the client (its gate, retries and token expiry)
 * and the fake server (arrival and reply times, reply delays, token expiry), so their assertions
 * are exact in virtual time: a loaded machine makes them slower in real time, not different.
 * The clock moves only when nothing else progresses; a request or reply on the loopback socket
 * shows no clock activity while in transit, so the clock waits 20 quiet event-loop turns and
 * 5 quiet real ms before moving (with 1 turn and 0 ms the pacing test does fail: time jumps
 * while the first request is in transit).
 */
function virtualTime(): { clock: VirtualClock; options: Pick<GenesysClientOptions, 'now' | 'sleep'> } {
  const clock = new VirtualClock({ startMs: Date.parse('2024-05-01T00:00:00Z'), idleTurns: 20, idleMs: 5 });
  server.useClock(clock);
  return { clock, options: { now: clock.date, sleep: clock.sleep } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    errors.push(error);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('tokens', () => {
  it('gets one token and reuses it across requests', async () => {
    const client = makeClient();
    for (let i = 0; i < 5; i++) await client.queryConversationDetailsPage(firstPage);
    expect(server.tokensIssued).toHaveLength(1);
    expect(server.apiRequests().every((r) => r.authorization === `Bearer ${server.tokensIssued[0]}`)).toBe(true);
    expect(client.stats()).toMatchObject({ requests: 6, tokenRenewals: 1, retries: 0 });
  });

  it('renews the token shortly before it expires', async () => {
    server.tokenLifetimeSeconds = 1;
    const { clock, options } = virtualTime();
    const client = makeClient(options);
    await clock.drive(async () => {
      await client.queryConversationDetailsPage(firstPage);
      await clock.sleep(950); // inside the 10% margin, before expiry
      await client.queryConversationDetailsPage(firstPage);
    });
    expect(server.tokensIssued).toHaveLength(2);
    expect(server.apiRequests().map((r) => r.status)).toEqual([200, 200]);
  });

  it('renews once on a 401 and retries the call', async () => {
    const client = makeClient();
    await client.queryConversationDetailsPage(firstPage);
    server.revokeTokens();
    const page = await client.queryConversationDetailsPage(firstPage);
    expect(page.records).toHaveLength(1);
    expect(server.tokensIssued).toHaveLength(2);
    expect(server.apiRequests().map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('fails with the API message when a fresh token is refused too', async () => {
    server.api = () => ({ status: 401, json: { message: 'Token revoked by admin', code: 'bad.credentials', status: 401, contextId: 'ctx-9' } });
    const client = makeClient();
    const error = await rejection(client.queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(FatalApiError);
    expect(error.message).toBe(`POST ${DETAILS} failed: 401 bad.credentials: Token revoked by admin (contextId ctx-9)`);
    expect(server.tokensIssued).toHaveLength(2);
  });

  it('shares one renewal between concurrent callers', async () => {
    const { clock, options } = virtualTime();
    server.tokenDelayMs = 100; // every caller's paced start (1 ms apart) falls inside the renewal
    const client = makeClient({ concurrency: 8, ...options });
    await clock.drive(Promise.all(Array.from({ length: 8 }, () => client.queryConversationDetailsPage(firstPage))));
    expect(server.tokensIssued).toHaveLength(1);
    server.revokeTokens();
    await clock.drive(Promise.all(Array.from({ length: 8 }, () => client.queryConversationDetailsPage(firstPage))));
    expect(server.tokensIssued).toHaveLength(2);
    expect(server.seen.filter((r) => r.kind === 'token')).toHaveLength(2);
  });

  it('works with 3-second tokens under steady load', async () => {
    server.tokenLifetimeSeconds = 3;
    server.api = () => ({ ...okPage(), delayMs: 20 });
    const { clock, options } = virtualTime();
    const client = makeClient({ concurrency: 2, ratePerMinute: 600, ...options });
    const started = clock.now();
    await clock.drive(async () => {
      while (clock.now() - started < 3_500) await client.queryConversationDetailsPage(firstPage);
    });
    expect(server.apiRequests().every((r) => r.status === 200)).toBe(true);
    expect(server.tokensIssued.length).toBeGreaterThanOrEqual(2);
  });

  it('raises an AuthError naming the client id and the API text for wrong credentials', async () => {
    const client = makeClient({ clientSecret: 'wrong-secret-value' });
    const error = await rejection(client.queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'GENESYS_AUTH', clientId: server.clientId, status: 401 });
    expect(error.message).toBe(`Genesys authentication failed for client id "${server.clientId}": POST /oauth/token failed: 401 invalid_client: client not found`);
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain('wrong-secret-value');
    expect(logs.join('\n')).not.toContain('wrong-secret-value');
    // Later calls fail the same way without asking again.
    await rejection(client.queryConversationDetailsPage(firstPage));
    expect(server.seen.filter((r) => r.kind === 'token')).toHaveLength(1);
    expect(server.apiRequests()).toHaveLength(0);
  });

  it('retries the token request on 5xx and dropped connections', async () => {
    server.queueToken(unavailable, { drop: true });
    const client = makeClient();
    await client.queryConversationDetailsPage(firstPage);
    expect(server.seen.filter((r) => r.kind === 'token').map((r) => r.status)).toEqual([503, 'drop', 200]);
    expect(client.stats()).toMatchObject({ serverErrors: 1, networkErrors: 1, tokenRenewals: 1 });
  });
});

describe('rate limits', () => {
  it('waits at least Retry-After after a 429 and pauses the other requests too', async () => {
    const { clock, options } = virtualTime();
    server.api = () => ({ ...okPage(), delayMs: 30 });
    server.queueApi({
      status: 429,
      headers: { 'retry-after': '1' },
      json: { message: 'Rate limit exceeded the maximum. Retry the request in [1] seconds', code: 'too.many.requests.retry.after', status: 429 },
    });
    const client = makeClient({ concurrency: 2, ...options });
    await clock.drive(Promise.all(Array.from({ length: 6 }, () => client.queryConversationDetailsPage(firstPage))));
    const requests = server.apiRequests();
    const limited = requests.find((r) => r.status === 429)!;
    const others = requests.filter((r) => r !== limited);
    const early = others.filter((r) => r.arrivedAtMs < limited.repliedAtMs! + 1_000);
    // With concurrency 2, only the request sent alongside the 429'd one may come early: its pacer
    // slot (one interval after the 429'd request's) can come before the client reads the 429.
    // Every other request waits out the pause.
    expect(early.length).toBeLessThanOrEqual(1);
    const pacedIntervalMs = new Pacer(60_000).intervalMs;
    for (const request of early) expect(request.arrivedAtMs).toBeLessThanOrEqual(limited.arrivedAtMs + Math.ceil(pacedIntervalMs));
    expect(others.length - early.length).toBeGreaterThanOrEqual(5);
    expect(client.stats()).toMatchObject({ rateLimited: 1, retries: 1 });
  });

  it('falls back to the "[N] seconds" text when there is no Retry-After header', async () => {
    const { clock, options } = virtualTime();
    server.queueApi({ status: 429, json: { message: 'Rate limit exceeded the maximum. Retry the request in [1] seconds', code: 'too.many.requests.retry.after', status: 429 } });
    const client = makeClient(options);
    await clock.drive(client.queryConversationDetailsPage(firstPage));
    const [limited, retried] = server.apiRequests();
    expect(retried!.arrivedAtMs - limited!.repliedAtMs!).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up after maxRateLimitRetries 429s', async () => {
    server.api = () => ({ status: 429, headers: { 'retry-after': '0' }, json: { message: 'slow down', code: 'too.many.requests', status: 429 } });
    const client = makeClient({ maxRateLimitRetries: 3 });
    const error = await rejection(client.queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.cause).toBeInstanceOf(RetriableApiError);
    expect(server.apiRequests()).toHaveLength(4);
  });

  it('never has more than `concurrency` requests in flight, token requests included', async () => {
    const { clock, options } = virtualTime();
    server.tokenDelayMs = 50;
    server.api = () => ({ ...okPage(), delayMs: 15 });
    const client = makeClient({ concurrency: 3, ...options });
    await clock.drive(Promise.all(Array.from({ length: 40 }, () => client.queryConversationDetailsPage(firstPage))));
    expect(server.peakInFlight).toBe(3);
    server.revokeTokens();
    server.queueApi(unavailable, unavailable, { drop: true });
    await clock.drive(Promise.all(Array.from({ length: 40 }, () => client.queryConversationDetailsPage(firstPage))));
    expect(server.peakInFlight).toBe(3);
  });

  it('paces request starts under ratePerMinute while using most of it', async () => {
    const { clock, options } = virtualTime();
    // The rate whose paced interval is exactly 50 ms (~1,224/min), so virtual times are whole ms.
    const ratePerMinute = MINUTE_MS / 50 / PACING_HEADROOM;
    expect(new Pacer(ratePerMinute).intervalMs).toBe(50);
    const client = makeClient({ concurrency: 5, ratePerMinute, ...options });
    const started = clock.now();
    await clock.drive(Promise.all(Array.from({ length: 21 }, () => client.queryConversationDetailsPage(firstPage))));
    const elapsed = clock.now() - started;
    // 21 starts 50 ms apart, the first at once: exactly 20 intervals, so the pace neither
    // exceeds the rate nor leaves any of the (headroom-reduced) budget unused.
    expect(elapsed).toBe(1_000);
    const arrivals = server.apiRequests().map((r) => r.arrivedAtMs);
    expect(arrivals.map((t) => t - started)).toEqual(Array.from({ length: 21 }, (_, i) => i * 50));
    // No window sees more starts than the rate allows.
    const most = (windowMs: number) =>
      Math.max(...arrivals.map((t) => arrivals.filter((u) => u >= t && u < t + windowMs).length));
    expect(most(200)).toBeLessThanOrEqual(200 / 50);
    expect(most(500)).toBeLessThanOrEqual(500 / 50);
  });
});

describe('faults', () => {
  it('retries 5xx and dropped connections, then succeeds', async () => {
    server.queueApi(unavailable, { status: 500, json: { message: 'oops', code: 'internal.server.error', status: 500 } }, { drop: true });
    const client = makeClient();
    const page = await client.queryConversationDetailsPage(firstPage);
    expect(page.records).toHaveLength(1);
    expect(server.apiRequests().map((r) => r.status)).toEqual([503, 500, 'drop', 200]);
    expect(client.stats()).toMatchObject({ serverErrors: 2, networkErrors: 1, retries: 3, requests: 5 });
  });

  it('gives up on 5xx after maxRetries with a clear error', async () => {
    server.api = () => unavailable;
    const client = makeClient({ maxRetries: 2 });
    const error = await rejection(client.queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ code: 'GENESYS_RETRIES_EXHAUSTED', attempts: 3 });
    expect(error.message).toBe(
      `POST ${DETAILS} gave up after 3 attempts; last error: POST ${DETAILS} failed: 503 service.unavailable: The service is currently unavailable (contextId ctx-503)`,
    );
    expect(server.apiRequests()).toHaveLength(3);
  });

  it('gives up on dropped connections after maxRetries', async () => {
    server.api = () => ({ drop: true });
    const client = makeClient({ maxRetries: 2 });
    const error = await rejection(client.queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.cause).toBeInstanceOf(NetworkError);
    expect(error.message).toMatch(/gave up after 3 attempts; last error: POST .* failed: ECONNRESET socket hang up/);
    expect(server.apiRequests()).toHaveLength(3);
  });

  it('retries a request that times out', async () => {
    // Real time on purpose: the per-attempt timeout is got's own timer, not the injected clock.
    // The retry must also answer within the timeout, so the timeout is a generous second (a
    // loopback reply under heavy load fits) and the first reply comes far after it.
    server.queueApi({ ...okPage(), delayMs: 3_000 });
    const client = makeClient({ requestTimeoutMs: 1_000 });
    const page = await client.queryConversationDetailsPage(firstPage);
    expect(page.records).toHaveLength(1);
    expect(client.stats().networkErrors).toBe(1);
  });

  it('fails fast on other 4xx with the API message, code and contextId', async () => {
    server.queueApi({ status: 400, json: { message: 'Interval exceeds the maximum of 31 days', code: 'bad.request', status: 400, contextId: 'ctx-400' } });
    const client = makeClient();
    const error = await rejection(client.queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(FatalApiError);
    expect(error).toMatchObject({ status: 400, apiCode: 'bad.request', contextId: 'ctx-400', code: 'GENESYS_FATAL' });
    expect(error.message).toBe(`POST ${DETAILS} failed: 400 bad.request: Interval exceeds the maximum of 31 days (contextId ctx-400)`);
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('rejects queued and in-flight calls when closed', async () => {
    const { clock, options } = virtualTime();
    server.api = () => ({ ...okPage(), delayMs: 2_000 });
    const client = makeClient({ concurrency: 1, ...options });
    const calls = [client.queryConversationDetailsPage(firstPage), client.queryConversationDetailsPage(firstPage)];
    await clock.drive(clock.sleep(100)); // the first call is at the server, the second queued
    expect(server.apiRequests()).toHaveLength(1);
    client.close();
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) errors.push((r as PromiseRejectedResult).reason);
  });
});

describe('details query', () => {
  it('sends the built body and returns the records exactly as served', async () => {
    const raw = { conversations: [{ zz: 1, ...conversation('c-9'), future: { a: [1] } }], totalHits: 1, aggregations: [] };
    server.queueApi({ status: 200, json: raw });
    const client = makeClient();
    const page = await client.queryConversationDetailsPage({ interval, scope: { kind: 'agents', userIds: ['u-1', 'u-2'] }, pageNumber: 2, pageSize: 50 });
    expect(JSON.stringify(page.records)).toBe(JSON.stringify(raw.conversations));
    expect(page.totalHits).toBe(1);
    const body = JSON.parse(server.apiRequests()[0]!.body);
    expect(body).toMatchObject({ interval: '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z', paging: { pageSize: 50, pageNumber: 2 } });
    expect(body.segmentFilters[0].clauses[0].predicates.map((p: { value: string }) => p.value)).toEqual(['u-1', 'u-2']);
  });

  it('hands malformed records over as received: the writer checks each one alone', async () => {
    const broken = conversation('c-bad');
    delete broken['conversationStart'];
    server.queueApi({ status: 200, json: { conversations: [conversation('c-ok'), broken], totalHits: 2 } });
    const page = await makeClient().queryConversationDetailsPage({ ...firstPage, pageNumber: 7 });
    expect(page.records).toHaveLength(2);
    expect(page.records[1]).toEqual(broken);
  });

  it('refuses a 2xx body with neither conversations nor totalHits, naming the page', async () => {
    server.queueApi({ status: 200, json: {} });
    const error = await rejection(makeClient().queryConversationDetailsPage(firstPage));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('neither conversations nor totalHits');
  });
});

describe('users', () => {
  const allUsers = Array.from({ length: 5 }, (_, i) => ({ id: `u-${i + 1}`, name: `User ${i + 1}`, state: 'active' }));

  it('pages until pageCount and stops there', async () => {
    server.api = (request) => {
      const pageSize = Number(request.query.get('pageSize'));
      const pageNumber = Number(request.query.get('pageNumber'));
      const entities = allUsers.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      const pageCount = Math.ceil(allUsers.length / pageSize);
      return { status: 200, json: { entities, pageSize, pageNumber, total: allUsers.length, pageCount, ...(pageNumber < pageCount ? { nextUri: `/api/v2/users?pageNumber=${pageNumber + 1}` } : {}) } };
    };
    const client = makeClient();
    const users = await client.listUsers({ state: 'any', pageSize: 2 });
    expect(users).toEqual(allUsers);
    const requests = server.apiRequests();
    expect(requests.map((r) => r.query.get('pageNumber'))).toEqual(['1', '2', '3']);
    expect(requests.every((r) => r.path === '/api/v2/users' && r.query.get('state') === 'any' && r.query.get('pageSize') === '2')).toBe(true);
  });

  it('stops when nextUri disappears or a page is empty', async () => {
    server.queueApi(
      { status: 200, json: { entities: allUsers.slice(0, 2), nextUri: '/api/v2/users?pageNumber=2' } },
      { status: 200, json: { entities: allUsers.slice(2, 4) } },
    );
    expect(await makeClient().listUsers({ state: 'active', pageSize: 2 })).toHaveLength(4);
    server.queueApi({ status: 200, json: { entities: allUsers.slice(0, 2), pageCount: 9 } }, { status: 200, json: { entities: [], pageCount: 9 } });
    expect(await makeClient().listUsers({ state: 'deleted', pageSize: 2 })).toHaveLength(2);
  });

  it('throws when the loop guard is reached', async () => {
    server.api = () => ({ status: 200, json: { entities: [{ id: 'same' }], nextUri: '/again' } });
    const error = await rejection(makeClient().listUsers({ state: 'active', maxPages: 3 }));
    expect(error).toMatchObject({ code: 'GENESYS_PAGING_LIMIT' });
    expect(server.apiRequests()).toHaveLength(3);
  });
});

describe('logging', () => {
  it('logs each request at debug with method, path, status, duration and attempt', async () => {
    server.queueApi(unavailable);
    const client = makeClient();
    await client.queryConversationDetailsPage(firstPage);
    const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l['msg'] === 'Genesys request');
    expect(lines.map((l) => [l['method'], l['path'], l['status'], l['attempt']])).toEqual([
      ['POST', '/oauth/token', 200, 1],
      ['POST', DETAILS, 503, 1],
      ['POST', DETAILS, 200, 2],
    ]);
    expect(lines.every((l) => typeof l['durationMs'] === 'number' && l['level'] === 20)).toBe(true);
  });
});

describe('cancellation', () => {
  it('stops a call when the caller aborts, without retrying it', async () => {
    const { clock, options } = virtualTime();
    server.api = () => ({ ...okPage(), delayMs: 1_000 });
    const client = makeClient(options);
    const controller = new AbortController();
    const call = client.queryConversationDetailsPage({ ...firstPage, signal: controller.signal });
    // Aborted at 100 ms while the server holds the request for 1 s: on the virtual clock the
    // reply cannot win the race however slow the machine is.
    void clock.sleep(100).then(() => controller.abort(new Error('run cancelled')));
    const error = await clock.drive(rejection(call));
    expect(error.message).toBe('run cancelled');
    expect(server.apiRequests()).toHaveLength(1);
    // The client stays usable for other callers.
    server.api = () => okPage();
    expect((await clock.drive(client.queryConversationDetailsPage(firstPage))).records).toHaveLength(1);
  });
});
