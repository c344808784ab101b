import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';
import { runCli, simEnv, startCli, until } from '../ops/cli-process.ts';
import { inconsistentConversations, storedIds } from './support.ts';

/*
 * Postgres "restarts" in the middle of a sync: the CLI reaches the database through a TCP
 * proxy that drops every connection and refuses new ones for three seconds once some pages
 * are written. The run must fail cleanly — exit 1, no crash, no hang — and record itself as
 * `failed` with an error once the database is back; the next run stores the full set.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const FROM = '2025-06-12T00:00:00Z';
const TO = '2025-06-18T00:00:00Z';
const interval = { from: new Date(FROM), to: new Date(TO) };
// Paced at 400 requests a minute with pages of 10, the run lasts several seconds.
// The conversation stream alone: its pages of 10, paced, size the run (agent activity's pages would multiply them).
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', SYNC_WINDOW_DAYS: '1', GENESYS_RATE_LIMIT_PER_MIN: '400', SYNC_STREAMS: 'conversations' };
const PASSWORD = 'Pg-restart-pw-7f3a9c';

describe('Postgres restarted during a run', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  let proxy: TcpProxy;
  let proxiedUrl: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, org: { agentCount: 20, days: 10, conversationsPerDay: 40, now: NOW } });
    db = await createTestDatabase();
    handle = await db.open();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const u = new URL(db.url);
    u.port = String(proxy.port);
    u.username = u.username || 'postgres';
    u.password = PASSWORD; // trust auth ignores it; the output must never show it
    proxiedUrl = u.toString();
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    await db?.drop();
  });

  it('fails the run cleanly, records it once the database is back, and the next run completes', async () => {
    const args = ['sync', '--from', FROM, '--to', TO];
    const p = startCli(args, simEnv(sim, proxiedUrl, SLOW));
    // A hang would fail the test rather than stall it.
    const watchdog = setTimeout(() => p.child.kill('SIGKILL'), 90_000);
    let outageAt = 0;
    try {
      await until(async () => (await handle.prisma.conversation.count()) >= 40, 60_000, 'some pages written');
      outageAt = Date.now();
      proxy.outage(3_000);
    } catch (error) {
      p.child.kill('SIGKILL');
      throw error;
    }
    const result = await p.exited.finally(() => clearTimeout(watchdog));
    // Not a crash, not a hang: the process exits on its own with the documented code.
    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(/fatal|unhandled|uncaught/i);
    expect(result.stdout).toContain('sync FAILED');
    // It kept trying to record the outcome until the database came back (not before).
    expect(Date.now() - outageAt).toBeGreaterThanOrEqual(2_500);
    expect(Date.now() - outageAt).toBeLessThan(45_000);
    expect(result.logs.some((l) => l.msg === 'could not record the run outcome; retrying')).toBe(true);

    const run = await handle.prisma.syncRun.findFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.finishedAt).not.toBeNull();
    expect(run.error).toMatch(/window\(s\) failed/);
    expect(run.windowsFailed).toBeGreaterThan(0);
    expect(run.windowsDone).toBeLessThan(6);
    const windows = await handle.prisma.syncWindow.findMany({ where: { runId: run.runId } });
    // Nothing is shown done that is not: each done window holds all its conversations.
    for (const w of windows.filter((x) => x.status === 'done')) {
      const want = idsOf(sim.expected({ from: w.windowStart, to: w.windowEnd })).length;
      expect(await handle.prisma.conversation.count({ where: { conversationStart: { gte: w.windowStart, lt: w.windowEnd } } })).toBe(want);
    }
    expect(windows.filter((w) => w.status === 'done')).toHaveLength(run.windowsDone);
    // The ledger tells the truth once the database is back: every window the run could not
    // finish is `failed` with its error (none left `running` or `pending` by a finished run).
    expect(windows.filter((w) => w.status === 'failed')).toHaveLength(run.windowsFailed);
    expect(windows.every((w) => w.status === 'done' || (w.status === 'failed' && (w.error ?? '') !== ''))).toBe(true);
    expect(await inconsistentConversations(handle)).toEqual([]);
    // The password in DATABASE_URL appears nowhere: not in the output, not in the ledger.
    for (const text of [result.stdout, result.stderr, run.error ?? '', ...windows.map((w) => w.error ?? '')]) {
      expect(text).not.toContain(PASSWORD);
    }

    const next = await runCli(args, simEnv(sim, proxiedUrl, { ...SLOW, GENESYS_RATE_LIMIT_PER_MIN: '100000' }));
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain('sync SUCCEEDED');
    expect(await storedIds(handle)).toEqual(idsOf(sim.expected(interval)));
    expect(await inconsistentConversations(handle)).toEqual([]);
  });
});
