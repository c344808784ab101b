/**
 * Liveness through the CLI, as real processes against the simulator and a real Postgres:
 * a SIGKILLed `sync` is seen dead at once (by `status` and by the next run, long before its
 * heartbeat could go stale); a run whose liveness-lease connection is terminated takes it
 * again and finishes; the worker survives its run lock's connection being terminated, and a
 * worker whose credentials are refused tries again on each tick and recovers without a
 * restart, while `status` names the refusal and the logged error carries its message.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { RUN_LEASE_NAMESPACE, runLeaseKey } from '../../../src/db/run-liveness.ts';
import { ABANDONED_AFTER_MS } from '../../../src/pipeline/sync.ts';
import { RUN_LOCK_KEY } from '../../../src/pipeline/worker.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { cliEnv, runCli, simEnv, startCli, until } from '../ops/cli-process.ts';
import { msg, rawClient, storedIds } from './support.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const FROM = '2025-06-14T00:00:00Z';
const TO = '2025-06-18T00:00:00Z';
// One request at a time, pages of 10, paced: a run lasts several seconds.
// The conversation stream alone: its pages of 10, paced, size the run (agent activity's pages would multiply them).
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', SYNC_WINDOW_DAYS: '1', GENESYS_RATE_LIMIT_PER_MIN: '400', SYNC_STREAMS: 'conversations' };
const FAST = { ...SLOW, GENESYS_RATE_LIMIT_PER_MIN: '100000' };

/** The backend pid holding an advisory lock in this database, if any. */
async function lockHolder(admin: pg.Client, where: string, params: unknown[]): Promise<number | undefined> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ${where}`,
    params,
  );
  return rows[0]?.pid;
}

describe('liveness of runs and of their database connections', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  let admin: pg.Client;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 41, org: { agentCount: 20, days: 10, conversationsPerDay: 40, now: NOW } });
    db = await createTestDatabase();
    handle = await db.open();
    admin = await rawClient(db.url);
  });
  afterAll(async () => {
    await admin?.end();
    await sim?.close();
    await db?.drop();
  });

  const status = async () => {
    const result = await runCli(['status', '--json'], cliEnv({ DATABASE_URL: db.url }));
    return { ...result, report: JSON.parse(result.stdout) as { runs: Array<{ runId: string; status: string; deadReason: string | null }>; problems: string[] } };
  };

  it('sees a SIGKILLed sync dead at once: status shows it abandoned, the next run marks it interrupted', async () => {
    const args = ['sync', '--from', FROM, '--to', TO];
    const p = startCli(args, simEnv(sim, db.url, SLOW));
    await until(async () => (await handle.prisma.syncWindow.count({ where: { status: 'done' } })) >= 1, 60_000, 'a window done');
    const { runId } = await handle.prisma.syncRun.findFirstOrThrow({ where: { status: 'running' } });
    p.child.kill('SIGKILL');
    expect((await p.exited).signal).toBe('SIGKILL');

    const seen = await status();
    expect(seen.report.runs.find((r) => r.runId === runId)).toMatchObject({ status: 'abandoned', deadReason: expect.stringMatching(/liveness lock is free/) });

    const next = await runCli(args, simEnv(sim, db.url, FAST));
    expect(next.code, next.stderr).toBe(0);
    const killed = await handle.prisma.syncRun.findUniqueOrThrow({ where: { runId } });
    expect(killed.status).toBe('interrupted');
    expect(killed.error).toMatch(/killed or crashed/);
    // Marked while its heartbeat was still fresh: the lease told, not the heartbeat's age.
    expect(killed.finishedAt!.getTime() - killed.heartbeatAt.getTime()).toBeLessThan(ABANDONED_AFTER_MS);
    expect(await storedIds(handle)).toEqual(idsOf(sim.expected({ from: new Date(FROM), to: new Date(TO) })));
  });

  it('takes the run lease again when its connection is terminated, and the run finishes succeeded', async () => {
    const args = ['sync', '--from', FROM, '--to', TO];
    const runsBefore = await handle.prisma.syncRun.count();
    const p = startCli(args, simEnv(sim, db.url, SLOW));
    await until(async () => (await handle.prisma.syncRun.count()) > runsBefore, 60_000, 'the run row');
    const { runId } = await handle.prisma.syncRun.findFirstOrThrow({ where: { status: 'running' } });
    const pid = await lockHolder(admin, 'classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2', [RUN_LEASE_NAMESPACE, runLeaseKey(runId)]);
    expect(pid).toBeDefined();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await p.waitForLog(msg('run liveness lease reacquired'), 30_000);
    const result = await p.exited;
    expect(result.code, result.stderr).toBe(0);
    const lost = result.logs.find(msg('run liveness lease lost'));
    expect((lost?.err as { message?: string } | undefined)?.message).toMatch(/terminat/i);
    expect((await handle.prisma.syncRun.findUniqueOrThrow({ where: { runId } })).status).toBe('succeeded');
  });

  it('worker: refused credentials fail the run, status names the refusal, and a later tick recovers without a restart; a terminated lock connection is taken again', async () => {
    const secret = sim.clientSecret;
    sim.setClientSecret('rotated-in-genesys-secret');
    const worker = startCli(
      ['worker'],
      simEnv(sim, db.url, { ...FAST, SYNC_SCHEDULE: '*/2 * * * * *', SYNC_RUN_ON_START: 'true', SYNC_LOOKBACK: '2d', GENESYS_CLIENT_SECRET: secret }),
    );
    try {
      await worker.waitForLog(msg('run failed; the worker keeps its schedule'), 60_000);
      // The error log line carries the error itself, not `"err":{}`.
      const aborted = worker.logs().find(msg('sync run aborted'));
      expect(aborted?.err).toMatchObject({ type: 'AuthError', code: 'GENESYS_AUTH', message: expect.stringContaining('Genesys authentication failed for client id') });
      const seen = await status();
      expect(seen.code).toBe(1);
      expect(seen.report.problems.join('\n')).toMatch(/the last run failed .*Genesys authentication failed for client id "sim-client"/);

      // Fixed in Genesys: the next tick asks for a token again and succeeds.
      const tokensBefore = sim.stats().requests.token;
      sim.setClientSecret(secret);
      await worker.waitForLog(msg('run succeeded'), 60_000);
      expect(sim.stats().requests.token).toBeGreaterThan(tokensBefore);

      // The run lock's connection is terminated (an administrator, a failover): noticed and taken again.
      sim.setFaults({ latencyMs: 1_500 }); // runs (~9 s) outlast the lock's re-acquisition (2 s)
      const key = RUN_LOCK_KEY;
      const hi = Number(key >> 32n);
      const lo = Number(key & 0xffffffffn);
      // A run started after the slowdown: it holds the lock for seconds, not about to release it.
      const startsBefore = worker.logs().filter(msg('run starting')).length;
      await until(async () => worker.logs().filter(msg('run starting')).length > startsBefore, 60_000, 'a slow run to start');
      let pid: number | undefined;
      await until(async () => (pid = await lockHolder(admin, 'classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1', [hi, lo])) !== undefined, 60_000, 'the worker holding its run lock');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await worker.waitForLog(msg('the run lock connection was lost; taking the lock again'), 30_000);
      await worker.waitForLog(msg('the run lock is held again'), 30_000);
      sim.setFaults({ latencyMs: 0 });
      worker.child.kill('SIGTERM');
      const result = await worker.exited;
      expect([0, 130]).toContain(result.code);
      expect(result.stderr).not.toMatch(/fatal|unhandled|uncaught/i);
    } finally {
      sim.setClientSecret(secret);
      sim.setFaults({ latencyMs: 0 });
      worker.child.kill('SIGKILL');
    }
  });
});
