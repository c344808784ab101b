import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { simEnv, startCli, until } from './cli-process.ts';

/*
 * The scheduled worker and the one-shot sync as real processes against the simulator and a
 * real Postgres: overlapping ticks are skipped (in-process flag, cross-process advisory
 * lock), and SIGTERM finishes the writes in flight, records the run as interrupted, exits 130.
 */
// Slow enough that a run spans several seconds: one request at a time, small pages, latency.
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', SYNC_WINDOW_DAYS: '1', SYNC_LOOKBACK: '2d', LOG_LEVEL: 'info' };
const msg = (text: string) => (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith(text);

describe('scheduled worker and stop signals', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, latencyMs: 400, org: { agentCount: 20, days: 3, conversationsPerDay: 60 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  const latestRun = () => handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });

  it('skips a tick while its run is going, and on SIGTERM stops after the writes in flight with exit 130', async () => {
    const worker = startCli(['worker'], simEnv(sim, db.url, { ...SLOW, SYNC_SCHEDULE: '* * * * * *' }));
    try {
      await worker.waitForLog(msg('next run due at'));
      await worker.waitForLog(msg('run starting'));
      await worker.waitForLog(msg('the previous run is still going; skipping this tick'));
      await until(async () => (await handle.prisma.syncWindow.count({ where: { status: 'done' } })) >= 1, 60_000, 'a window done');
      expect((await latestRun()).status).toBe('running');

      const stoppedAt = Date.now();
      worker.child.kill('SIGTERM');
      const result = await worker.waitForExit();
      expect(result.code, result.stderr).toBe(130);
      expect(Date.now() - stoppedAt).toBeLessThan(30_000);
      expect(result.logs.some(msg('run interrupted'))).toBe(true);
      expect(result.logs.some(msg('worker stopped'))).toBe(true);
      // Only one run started: every tick during it was skipped.
      expect(result.logs.filter(msg('run starting'))).toHaveLength(1);
    } finally {
      worker.child.kill('SIGKILL');
    }
    const run = await latestRun();
    expect(run.status).toBe('interrupted');
    expect(run.finishedAt).not.toBeNull();
    const windows = await handle.prisma.syncWindow.groupBy({ by: ['status'], where: { runId: run.runId }, _count: true });
    const byStatus = Object.fromEntries(windows.map((w) => [w.status, w._count]));
    expect(byStatus.done).toBeGreaterThanOrEqual(1);
    expect(byStatus.running).toBeUndefined(); // nothing is left half-recorded
    expect(run.windowsDone).toBe(byStatus.done);
  });

  it('skips a run while another worker process holds the advisory lock', async () => {
    const env = simEnv(sim, db.url, { ...SLOW, SYNC_SCHEDULE: '0 0 1 1 *', SYNC_RUN_ON_START: 'true' });
    const first = startCli(['worker'], env);
    let second: ReturnType<typeof startCli> | undefined;
    try {
      await first.waitForLog(msg('run starting'));
      second = startCli(['worker'], env);
      await second.waitForLog(msg('another worker holds the run lock'));
      expect(second.logs().some(msg('run starting'))).toBe(false);
      second.child.kill('SIGTERM');
      const idle = await second.waitForExit();
      expect(idle.code, idle.stderr).toBe(0); // it had no run in flight

      first.child.kill('SIGTERM');
      expect((await first.waitForExit()).code).toBe(130);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
    // The lock died with the first worker's connection: a new worker runs at once.
    sim.setFaults({ latencyMs: 0 });
    // (nor client-side pacing: this run only shows the lock is free)
    const third = startCli(['worker'], { ...env, GENESYS_RATE_LIMIT_PER_MIN: '100000' });
    try {
      const done = await third.waitForLog(msg('run succeeded'), 90_000);
      expect(done.status).toBe('succeeded');
    } finally {
      third.child.kill('SIGTERM');
      await third.waitForExit();
      sim.setFaults({ latencyMs: 400 });
    }
  });

  it('ends a one-shot sync on SIGTERM with the run interrupted and exit 130', async () => {
    const sync = startCli(['sync', '--lookback', '2d'], simEnv(sim, db.url, SLOW));
    try {
      await sync.waitForLog(msg('sync run started'));
      await until(async () => (await latestRun()).status === 'running' && (await handle.prisma.syncWindow.count({ where: { status: 'running' } })) >= 1, 60_000, 'a window running');
      sync.child.kill('SIGTERM');
      const result = await sync.waitForExit();
      expect(result.code, result.stderr).toBe(130);
      expect(result.stdout).toContain('sync INTERRUPTED');
    } finally {
      sync.child.kill('SIGKILL');
    }
    expect((await latestRun()).status).toBe('interrupted');
  });
});
