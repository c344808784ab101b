import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { freePort, simEnv, startCli, type CliProcess } from './cli-process.ts';

/*
 * The worker with METRICS_PORT set, as a real process against the simulator and a real
 * Postgres, scraped over HTTP: /metrics in Prometheus text format with the documented
 * metrics, /healthz and /readyz as 200/503 plain text.
 */
const msg = (text: string) => (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith(text);
// One run at start, then nothing scheduled during the test (1 January, midnight).
// Settling off: its job reads whole UTC days, more than the 2-day lookback stores (covered in ops/settling.test.ts).
const WORKER = { SYNC_SCHEDULE: '0 0 1 1 *', SYNC_RUN_ON_START: 'true', SYNC_LOOKBACK: '2d', SYNC_WINDOW_DAYS: '1', LOG_LEVEL: 'info', SETTLE_ENABLED: 'false' };
const DETAILS = '/api/v2/analytics/conversations/details/query';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const sum = (samples: Sample[], name: string, match: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

async function get(port: number, path: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('worker metrics and health endpoints (METRICS_PORT)', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 12, org: { agentCount: 10, days: 3, conversationsPerDay: 80 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  async function stop(worker: CliProcess): Promise<number | null> {
    worker.child.kill('SIGTERM');
    const result = await worker.exited;
    return result.code;
  }

  it('serves the run, request, retry and 429 metrics of a real run, and healthz/readyz 200', async () => {
    const port = await freePort();
    // The first API requests meet a 429 and a 503: counted, retried, and the run still succeeds.
    sim.queueFaults(['429', '503']);
    const startedSeconds = Date.now() / 1000;
    const worker = startCli(['worker'], simEnv(sim, db.url, { ...WORKER, METRICS_PORT: String(port) }));
    try {
      await worker.waitForLog(msg('serving /metrics'));
      const done = await worker.waitForLog(msg('run succeeded'), 90_000);

      const metrics = await get(port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.type).toContain('text/plain');
      const samples = parseExposition(metrics.body);
      const stored = await handle.prisma.conversation.count();
      expect(stored).toBeGreaterThan(0);
      expect(done.conversationsWritten).toBe(stored);

      const lastSuccess = sum(samples, 'genesys_sync_last_success_timestamp_seconds');
      expect(lastSuccess).toBeGreaterThanOrEqual(Math.floor(startedSeconds));
      expect(lastSuccess).toBeLessThanOrEqual(Date.now() / 1000);
      expect(sum(samples, 'genesys_sync_run_duration_seconds_count', { kind: 'sync', status: 'succeeded' })).toBe(1);
      expect(sum(samples, 'genesys_sync_run_duration_seconds_sum', { kind: 'sync', status: 'succeeded' })).toBeGreaterThan(0);
      expect(sum(samples, 'genesys_sync_conversations_written_total', { kind: 'sync' })).toBe(stored);
      // Per stream: the worker reads agent activity by default too (a status crossing a window edge is written by both windows).
      expect(sum(samples, 'genesys_sync_records_written_total', { stream: 'conversations', kind: 'sync' })).toBe(stored);
      const [statuses] = await handle.prisma.$queryRawUnsafe<Array<{ n: bigint }>>('SELECT (SELECT count(*) FROM agent_presence) + (SELECT count(*) FROM agent_routing_status) AS n');
      expect(Number(statuses!.n)).toBeGreaterThan(0);
      expect(sum(samples, 'genesys_sync_records_written_total', { stream: 'agent-activity', kind: 'sync' })).toBeGreaterThanOrEqual(Number(statuses!.n));
      expect(samples.find((s) => s.name === 'genesys_sync_windows_failed_total' && s.labels.kind === 'sync')?.value).toBe(0);

      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: '/oauth/token', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: DETAILS, status_class: '2xx' })).toBeGreaterThanOrEqual(3);
      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: '/api/v2/users', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
      expect(sum(samples, 'genesys_sync_requests_total', { status_class: '4xx' })).toBe(1);
      expect(sum(samples, 'genesys_sync_requests_total', { status_class: '5xx' })).toBe(1);
      expect(sum(samples, 'genesys_sync_rate_limited_total')).toBe(1);
      expect(sum(samples, 'genesys_sync_retries_total')).toBe(2);
      // Every request the simulator saw is counted once, under a route template.
      const seen = sim.stats().requests;
      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: '/oauth/token' })).toBe(seen.token);
      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: '/api/v2/users' })).toBe(seen.users);
      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: DETAILS })).toBe(seen.detailsQuery);
      expect(sum(samples, 'genesys_sync_requests_total')).toBe(Object.values(seen).reduce((a, n) => a + n, 0));
      // Endpoint labels are route templates: no query strings, no ids.
      const endpoints = [...new Set(samples.filter((s) => s.name.startsWith('genesys_sync_') && s.labels.endpoint).map((s) => s.labels.endpoint!))];
      expect(endpoints).toEqual(expect.arrayContaining([DETAILS, '/api/v2/users', '/oauth/token']));
      for (const endpoint of endpoints) expect(endpoint).toMatch(/^\/(api\/v2|oauth)\/[a-z/]+$/);
      // Read from the ledger on each scrape: nothing quarantined; the 'all' scope covered up to
      // the run's interval end (now − SYNC_LAG, 2 minutes by default).
      expect(samples.find((s) => s.name === 'genesys_sync_open_rejects')?.value).toBe(0);
      const run = await handle.prisma.syncRun.findFirstOrThrow({ where: { status: 'succeeded' }, orderBy: { finishedAt: 'desc' } });
      expect(sum(samples, 'genesys_sync_covered_until_timestamp_seconds', { scope: 'all' })).toBe(run.intervalEnd.getTime() / 1000);
      const lag = sum(samples, 'genesys_sync_coverage_lag_seconds', { scope: 'all' });
      expect(lag).toBeGreaterThanOrEqual(120);
      expect(lag).toBeLessThan(120 + 300);
      // prom-client's default process metrics.
      expect(sum(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);

      const healthz = await get(port, '/healthz');
      expect(healthz).toMatchObject({ status: 200 });
      expect(healthz.body).toMatch(/^ok/);
      const readyz = await get(port, '/readyz');
      expect(readyz.status, readyz.body).toBe(200);
      expect(readyz.body).toContain('last run: succeeded');
      expect((await get(port, '/nope')).status).toBe(404);
    } finally {
      expect(await stop(worker)).toBe(0);
    }
  });

  it('answers /readyz 503 after a failed run while /healthz stays 200, and restarts with the last success from the ledger', async () => {
    const port = await freePort();
    const lastSucceeded = await handle.prisma.syncRun.findFirstOrThrow({ where: { status: 'succeeded' }, orderBy: { finishedAt: 'desc' } });
    const worker = startCli(['worker'], simEnv(sim, db.url, { ...WORKER, METRICS_PORT: String(port), GENESYS_CLIENT_SECRET: 'wrong-secret' }));
    try {
      await worker.waitForLog(msg('run failed'), 60_000);
      const readyz = await get(port, '/readyz');
      expect(readyz.status).toBe(503);
      expect(readyz.body).toContain('the last run failed');
      expect((await get(port, '/healthz')).status).toBe(200);

      const samples = parseExposition((await get(port, '/metrics')).body);
      expect(sum(samples, 'genesys_sync_run_duration_seconds_count', { kind: 'sync', status: 'failed' })).toBe(1);
      expect(sum(samples, 'genesys_sync_requests_total', { endpoint: '/oauth/token', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
      // Not reset to "never" by the restart: the previous process's success, from sync_runs.
      expect(sum(samples, 'genesys_sync_last_success_timestamp_seconds')).toBe(lastSucceeded.finishedAt!.getTime() / 1000);
    } finally {
      expect(await stop(worker)).toBe(0);
    }
  });

  it('refuses an invalid METRICS_PORT with exit code 2, naming the variable', async () => {
    const result = await startCli(['worker'], simEnv(sim, db.url, { METRICS_PORT: '70000' })).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('METRICS_PORT');
  });
});
