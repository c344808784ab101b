import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';
import { CLI_NODE_FLAGS, cliEnv, REPO_ROOT, simEnv, until } from '../ops/cli-process.ts';

/*
 * The hardening issue's hostile operator environment, against the compiled CLI (`node
 * dist/cli.js`, what the container runs): a database that stops answering but keeps its
 * sockets open (a freezing TCP proxy), and a Genesys that answers 429 with a huge Retry-After.
 * Every stopped run must exit 130 within the documented bound and be recorded `interrupted`.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const FROM = '2025-06-12T00:00:00Z';
const TO = '2025-06-18T00:00:00Z';
const SHUTDOWN = { SYNC_SHUTDOWN_TIMEOUT: '4s' };
/** No client-side pacing (the default 250 requests a minute), for a run no signal has to land in. */
const NO_PACING = { GENESYS_RATE_LIMIT_PER_MIN: '100000' };
// Paced with pages of 10 and one request at a time, the run lasts several seconds.
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', SYNC_WINDOW_DAYS: '1', GENESYS_RATE_LIMIT_PER_MIN: '400' };

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
  logs: Array<Record<string, unknown>>;
}

function startCompiled(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [...CLI_NODE_FLAGS, 'dist/cli.js', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const logs = () => stdout.split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const exited = new Promise<Exited>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, logs: logs() })));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
  void exited.finally(() => clearTimeout(watchdog));
  return { child, logs, exited };
}

describe('hostile environment: exits and signals (compiled CLI)', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  let proxy: TcpProxy;
  let proxiedUrl: string;

  beforeAll(async () => {
    // The compiled CLI is the run's one build (test/helpers/global-setup.ts): building again here
    // would rewrite dist/ under the CLI processes of other files running at the same time.
    const build = inject('cliBuild');
    expect(build, 'the global setup of the integration project runs npm run build').toBeDefined();
    expect(build!.status, build!.output).toBe(0);
    sim = await startSimulator({ seed: 41, org: { agentCount: 20, days: 10, conversationsPerDay: 40, now: NOW } });
    db = await createTestDatabase();
    handle = await db.open();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const u = new URL(db.url);
    u.port = String(proxy.port);
    u.username = u.username || 'postgres';
    proxiedUrl = u.toString();
  }, 180_000);
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    await db?.drop();
  });

  const lastRun = () => handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });

  it('a SIGTERM during a 600 s rate-limit pause of the users listing exits 130 at once and records the run interrupted', async () => {
    sim.setFaults({ retryAfterSeconds: 600 });
    sim.queueFaults(['429']);
    // The conversation stream alone: on by default, agent activity's probe would be the first request to meet the 429.
    const p = startCompiled(['sync', '--from', FROM, '--to', TO], simEnv(sim, db.url, { ...SHUTDOWN, SYNC_CONCURRENCY: '1', SYNC_STREAMS: 'conversations' }));
    await until(async () => p.logs().some((l) => l.msg === 'Genesys rate limit hit; pausing all requests'), 30_000, 'the 429');
    const hit = p.logs().find((l) => l.msg === 'Genesys rate limit hit; pausing all requests')!;
    expect(String(hit.path)).toMatch(/^\/api\/v2\/users\?/);
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    const result = await p.exited;
    expect(result.code, result.stderr).toBe(130);
    expect(Date.now() - signalledAt).toBeLessThan(4_000);
    const run = await lastRun();
    expect(run.status).toBe('interrupted');
    expect(run.finishedAt).not.toBeNull();
    sim.setFaults({ retryAfterSeconds: 1 });
    sim.clearFaultQueue();
  });

  it('the worker, its run in a 600 s rate-limit pause: SIGTERM exits 130 at once (not at SYNC_SHUTDOWN_TIMEOUT) and records the run interrupted', async () => {
    sim.setFaults({ retryAfterSeconds: 600 });
    sim.queueFaults(['429']);
    const env = simEnv(sim, db.url, { SYNC_SHUTDOWN_TIMEOUT: '60s', SYNC_CONCURRENCY: '1', SYNC_SCHEDULE: '0 3 1 1 *', SYNC_RUN_ON_START: 'true', SETTLE_ENABLED: 'false', SYNC_STREAMS: 'conversations' });
    const p = startCompiled(['worker'], env);
    await until(async () => p.logs().some((l) => l.msg === 'Genesys rate limit hit; pausing all requests'), 30_000, 'the 429');
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    const result = await p.exited;
    expect(result.code, result.stderr).toBe(130);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect((await lastRun()).status).toBe('interrupted');
    sim.setFaults({ retryAfterSeconds: 1 });
    sim.clearFaultQueue();
  });

  it('names --agents ids that no user has (and still syncs the others)', async () => {
    const known = sim.org.agents[0]!.id;
    const result = await new Promise<Exited>((resolve) => {
      const p = startCompiled(['sync', '--from', '2025-06-17', '--to', TO, '--agents', `${known},no-such-user-1`], simEnv(sim, db.url, NO_PACING));
      void p.exited.then(resolve);
    });
    expect(result.code, result.stderr).toBe(0);
    const warning = result.logs.find((l) => Array.isArray(l.unknownAgentIds));
    expect(warning?.unknownAgentIds).toEqual(['no-such-user-1']);
    expect(String(warning?.msg)).toMatch(/no-such-user-1/);
  });

  it('a database that stops answering with its sockets open: SIGTERM exits 130 within the bound and the run is recorded interrupted', async () => {
    const before = await handle.prisma.conversation.count();
    const p = startCompiled(['sync', '--from', FROM, '--to', TO], simEnv(sim, proxiedUrl, { ...SLOW, ...SHUTDOWN }));
    await until(async () => (await handle.prisma.conversation.count()) >= before + 20, 60_000, 'some pages written');
    proxy.freeze(); // every open connection goes silent; new ones work
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    const result = await p.exited;
    const tookMs = Date.now() - signalledAt;
    const run = await lastRun();
    const story = `${result.stderr}\nrun: ${run.status} ${run.error}\n${result.logs.filter((l) => Number(l.level) >= 40).map((l) => `${String(l.msg)} ${JSON.stringify(l.err ?? '').slice(0, 200)}`).join('\n')}`;
    expect(result.code, story).toBe(130);
    // Documented: SYNC_SHUTDOWN_TIMEOUT/2 of grace, then the connections are cut, the outcome is
    // recorded on a fresh one and the lease released (unlock ≤ 3 s, close ≤ 5 s).
    expect(tookMs, story).toBeLessThan(2_000 + 3_000 + 5_000 + 2_000);
    expect(result.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('cutting')), story).toBe(true);
    expect(run.status, story).toBe('interrupted');
  });

  it('the idle worker, its database frozen: SIGTERM exits 0 within seconds', async () => {
    const env = simEnv(sim, proxiedUrl, { ...SHUTDOWN, SYNC_SCHEDULE: '0 3 1 1 *', SYNC_RUN_ON_START: 'false' });
    const p = startCompiled(['worker'], env);
    await until(async () => p.logs().some((l) => l.msg === 'worker started'), 30_000, 'the worker started');
    proxy.freeze();
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    const result = await p.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000 + 2_000); // the pool's close deadline, and margin
    expect(result.logs.some((l) => l.msg === 'worker exiting')).toBe(true);
  });

  it('without a signal, a statement on a frozen connection fails at the query timeout and close() ends at its deadline', async () => {
    const frozen = await openDatabase(proxiedUrl, { queryTimeoutMs: 1_000, closeDeadlineMs: 500 });
    await frozen.prisma.$queryRawUnsafe('SELECT 1');
    proxy.freeze();
    const started = Date.now();
    await expect(frozen.prisma.$queryRawUnsafe('SELECT 1')).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(3_000);
    // A connection still open and silent (idle now): close() must not wait for its goodbye.
    await frozen.prisma.$queryRawUnsafe('SELECT 1'); // a fresh connection works
    proxy.freeze();
    const closing = Date.now();
    await frozen.close();
    expect(Date.now() - closing).toBeLessThan(2_000);
  });
});
