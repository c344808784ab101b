import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { detailsQuery, getToken } from './client.ts';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, org: { now: new Date('2024-06-10T12:00:00Z'), days: 1, conversationsPerDay: 30 } });
  token = await getToken(sim);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.clearFaultQueue();
  sim.setFaults({ rateLimitRate: 0, serverErrorRate: 0, dropRate: 0, latencyMs: 0, latencyJitterMs: 0, rateLimitPerMinute: 0, maxBodyBytes: 0, retryAfterSeconds: 1 });
  sim.resetStats();
});

const users = () => fetch(`${sim.url}/api/v2/users`, { headers: { authorization: `Bearer ${token}` } });
const query = () => detailsQuery(sim, token, { interval: '2024-06-09T00:00:00Z/2024-06-10T00:00:00Z' });

describe('scripted faults', () => {
  it('sends a normalized 429 with Retry-After, then serves normally', async () => {
    sim.setFaults({ retryAfterSeconds: 7 });
    sim.queueFaults(['429', 'ok', '503']);
    const limited = await query();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('inin-ratelimit-reset')).toBe('7');
    expect(await limited.json()).toMatchObject({
      message: 'Rate limit exceeded the maximum. Retry the request in [7] seconds',
      code: 'too.many.requests.retry.after', status: 429, details: [], errors: [],
    });
    expect((await query()).status).toBe(200);
    const unavailable = await users();
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ code: 'service.unavailable', status: 503 });
    expect((await users()).status).toBe(200);
    expect(sim.stats().byStatus).toEqual({ 200: 2, 429: 1, 503: 1 });
  });

  it('offers 429 variants for the client fallbacks', async () => {
    sim.setFaults({ retryAfterSeconds: 3 });
    sim.queueFaults(['429-reset-only', '429-message-only', '429-legacy']);
    const resetOnly = await users();
    expect(resetOnly.headers.get('retry-after')).toBeNull();
    expect(resetOnly.headers.get('inin-ratelimit-reset')).toBe('3');
    expect(((await resetOnly.json()) as { message: string }).message).not.toMatch(/\[3\]/);
    const messageOnly = await users();
    expect(messageOnly.headers.get('retry-after')).toBeNull();
    expect(messageOnly.headers.get('inin-ratelimit-reset')).toBeNull();
    expect(((await messageOnly.json()) as { message: string }).message).toMatch(/\[3\] seconds/);
    const legacy = await users();
    expect(await legacy.json()).toMatchObject({ code: 'too.many.requests', status: 429 });
  });

  it('drops the connection without a response', async () => {
    sim.queueFaults(['drop']);
    await expect(users()).rejects.toThrow();
    expect((await users()).status).toBe(200);
    expect(sim.stats().dropped).toBe(1);
  });

  it('leaves token requests alone unless asked', async () => {
    sim.queueFaults(['503']);
    await getToken(sim);
    expect((await users()).status).toBe(503);
    sim.queueFaults(['503'], { includeTokenRequests: true });
    await expect(getToken(sim)).rejects.toThrow(/503/);
  });

  it('ends hanging requests when the simulator closes', async () => {
    const other = await startSimulator({ seed: 1, org: { now: new Date('2024-06-10T12:00:00Z'), days: 1, conversationsPerDay: 5 } });
    const otherToken = await getToken(other);
    other.queueFaults(['hang']);
    const pending = fetch(`${other.url}/api/v2/users`, { headers: { authorization: `Bearer ${otherToken}` } }).then(() => 'answered', () => 'failed');
    await expect.poll(() => other.stats().inFlight).toBe(1);
    await other.close();
    expect(await pending).toBe('failed');
    expect(other.stats().inFlight).toBe(0);
  });

  it('hangs until the client gives up', async () => {
    sim.queueFaults(['hang']);
    const res = fetch(`${sim.url}/api/v2/users`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(200) });
    await expect(res).rejects.toThrow();
  });
});

describe('random faults, limits and latency', () => {
  it('rate-limits per token over a sliding minute with inin-ratelimit headers', async () => {
    sim.setFaults({ rateLimitPerMinute: 3 });
    const first = await users();
    expect(first.headers.get('inin-ratelimit-allowed')).toBe('3');
    expect(first.headers.get('inin-ratelimit-count')).toBe('1');
    await users();
    await users();
    const limited = await users();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // another token has its own window
    const other = await getToken(sim);
    expect((await fetch(`${sim.url}/api/v2/users`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
  });

  it('injects seeded random errors at the configured rates', async () => {
    sim.setFaults({ serverErrorRate: 0.5, serverErrorStatuses: [502] });
    const statuses = await Promise.all(Array.from({ length: 40 }, async () => (await users()).status));
    expect(statuses).toContain(502);
    expect(statuses).toContain(200);
    expect(statuses.every((s) => s === 200 || s === 502)).toBe(true);
  });

  it('adds latency and counts concurrent requests in flight', async () => {
    sim.setFaults({ latencyMs: 100 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => users()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    const stats = sim.stats();
    expect(stats.peakInFlight).toBe(5);
    expect(stats.inFlight).toBe(0);
    expect(stats.requests.users).toBe(5);
  });

  it('refuses bodies over the size limit with 413', async () => {
    sim.setFaults({ maxBodyBytes: 100 });
    const res = await detailsQuery(sim, token, { interval: '2024-06-09T00:00:00Z/2024-06-10T00:00:00Z', padding: 'x'.repeat(500) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toMatch(/Maximum bytes: 100/);
  });

  it('counts requests by route and tokens issued', async () => {
    await getToken(sim);
    await users();
    await query();
    await fetch(`${sim.url}/elsewhere`);
    expect(sim.stats()).toMatchObject({ requests: { token: 1, users: 1, detailsQuery: 1, other: 1 }, tokensIssued: 1, byStatus: { 200: 3, 404: 1 } });
  });
});
