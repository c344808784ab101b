import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenesysClient, type GenesysClient } from '../../../src/genesys/index.ts';
import { runSync, type SyncOptions } from '../../../src/pipeline/sync.ts';
import { runDeps } from '../../../src/runtime.ts';
import type { FaultSettings, RateLimitStyle } from '../../../src/sim/index.ts';
import { idsOf, quietLogger, startHarness, type Harness } from '../../helpers/harness.ts';
import { inconsistentConversations } from './support.ts';

/*
 * The Genesys side misbehaving, in process (runSync with the real client over real HTTP,
 * a real Postgres): 429 storms in each Retry-After style, 5xx and dropped connections at
 * high rates, hanging requests, and tokens that expire every two seconds. Every run must
 * complete with exactly the API's conversations, and `sync_runs` must count what happened
 * (requests, retries, 429s) as the simulator saw it.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const harnesses: Harness[] = [];
afterAll(async () => Promise.all(harnesses.map((h) => h.close())));

async function harness(seed: number, faults: Partial<FaultSettings> = {}, days = 10): Promise<Harness> {
  const h = await startHarness({ seed, org: { agentCount: 12, days, conversationsPerDay: 40, now: NOW }, faults });
  harnesses.push(h);
  return h;
}

/** A client like production's (one per process), with short backoffs and its log lines captured. */
function capturingClient(h: Harness, overrides: { maxRetries?: number; requestTimeoutMs?: number } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const client: GenesysClient = createGenesysClient({
    apiUrl: h.sim.url,
    loginUrl: h.sim.url,
    clientId: h.sim.clientId,
    clientSecret: h.sim.clientSecret,
    concurrency: 4,
    ratePerMinute: 100_000,
    maxRetries: overrides.maxRetries ?? 15,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 50,
    ...(overrides.requestTimeoutMs !== undefined ? { requestTimeoutMs: overrides.requestTimeoutMs } : {}),
    logger: pino({ level: 'debug' }, sink),
  });
  return { client, lines };
}

function run(h: Harness, client: GenesysClient, options: Partial<SyncOptions> & Pick<SyncOptions, 'interval'>) {
  return runSync(
    // The conversation stream alone, as the harness runs it: these tests count its requests and
    // conversations under faults (the one client is every stream's; agent activity has its own tests).
    runDeps({ database: h.handle }, client, { logger: quietLogger, clock: () => new Date(), streams: ['conversations'] }),
    { kind: 'sync', agentIds: [], agentGroupSize: 25, windowDays: 1, pageSize: 100, windowMaxHits: 10_000, concurrency: 4, resume: false, ...options },
  );
}

const totalRequests = (h: Harness) => {
  const r = h.sim.stats().requests;
  return r.token + r.users + r.referenceLists + r.detailsQuery + r.userActivity + r.other;
};

describe('Genesys faults', () => {
  // Concurrently (each its own simulator, client and database): the waits overlap.
  it.concurrent.each<RateLimitStyle>(['normal', 'reset-only', 'message-only'])(
    'a 429 storm on 40 percent of requests, %s style, waits as told, completes, and sync_runs counts the 429s',
    async (style) => {
      const seed = { normal: 101, 'reset-only': 102, 'message-only': 103 }[style as 'normal'];
      const h = await harness(seed, { rateLimitRate: 0.4, retryAfterSeconds: 1, rateLimitStyle: style });
      const { client, lines } = capturingClient(h);
      const interval = { start: new Date('2025-06-15T00:00:00Z'), end: new Date('2025-06-19T00:00:00Z') };
      const report = await run(h, client, { interval });
      expect(report.status).toBe('succeeded');
      expect((await h.storedIds())).toEqual(idsOf(h.sim.expected({ from: interval.start, to: interval.end })));

      const served429 = h.sim.stats().byStatus[429] ?? 0;
      expect(served429).toBeGreaterThan(0);
      const row = await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: report.runId } });
      expect(row.status).toBe('succeeded');
      expect(row.rateLimited).toBe(served429);
      expect(row.retries).toBeGreaterThanOrEqual(served429);
      expect(row.requests).toBe(totalRequests(h));
      // Every 429 was read for its wait, whichever way the API said it (header or message text):
      // the announced second, not the client's 5 ms fallback backoff.
      const waits = lines.filter((l) => l.msg === 'Genesys rate limit hit; pausing all requests');
      expect(waits).toHaveLength(served429);
      expect(waits.every((l) => l.retryAfterMs === 1000 && (l.delayMs as number) >= 1000)).toBe(true);
      expect(report.durationMs).toBeGreaterThanOrEqual(1000);
    },
  );

  it('completes under 5xx and dropped connections at high rates, hanging requests and 2-second tokens', async () => {
    const h = await harness(104, {}, 16);
    const { client, lines } = capturingClient(h, { requestTimeoutMs: 1_000 });
    const interval = { start: new Date('2025-06-05T00:00:00Z'), end: new Date('2025-06-19T00:00:00Z') };
    // Latency enough that the run outlives several 2-second tokens however fast the rest of it gets.
    h.sim.setFaults({ serverErrorRate: 0.3, dropRate: 0.15, tokenLifetimeSeconds: 2, latencyMs: 90, latencyJitterMs: 90 });
    // Scripted on top: two requests that never answer (the client times out), a revoked token.
    h.sim.queueFaults(['hang', '503', 'drop', '401', 'hang']);
    const startedAt = Date.now();
    const report = await run(h, client, { interval, pageSize: 10 });
    const elapsedMs = Date.now() - startedAt;
    expect(report.status, report.error).toBe('succeeded');
    expect(await h.storedIds()).toEqual(idsOf(h.sim.expected({ from: interval.start, to: interval.end })));
    expect(await inconsistentConversations(h.handle)).toEqual([]);

    const stats = h.sim.stats();
    const served5xx = [500, 502, 503, 504].reduce((n, s) => n + (stats.byStatus[s] ?? 0), 0);
    expect(served5xx).toBeGreaterThan(10);
    expect(stats.dropped).toBeGreaterThan(5);
    // The run outlived several token lifetimes: tokens were renewed as they expired.
    expect(elapsedMs).toBeGreaterThan(4_000);
    expect(stats.tokensIssued).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.msg === 'Genesys rejected the access token (401); renewing it and retrying')).toBe(true);
    expect(lines.some((l) => l.msg === 'Genesys request failed without a response' && l.errorCode === 'ETIMEDOUT')).toBe(true);

    const row = await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: report.runId } });
    expect(row.requests).toBe(totalRequests(h));
    expect(row.retries).toBe(client.stats().retries);
    expect(row.retries).toBeGreaterThanOrEqual(served5xx + stats.dropped);
    expect(row.rateLimited).toBe(0);
  });
});
