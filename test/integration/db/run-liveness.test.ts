/**
 * Run liveness against a real Postgres (and the embedded PGlite): a run's lease is its proof
 * of life, a free lease means dead at once, the heartbeat decides only where locks do not
 * exclude, and every comparison is on the database's clock.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/db/client.ts';
import { lockConnectionConfig } from '../../../src/db/connection-settings.ts';
import { startEmbeddedDatabase } from '../../../src/db/embedded.ts';
import * as ledger from '../../../src/db/ledger.ts';
import { applyMigrations } from '../../../src/db/migrate.ts';
import {
  acquireRunLease,
  DEAD_RUN_ERROR,
  markDeadRuns,
  readRunningRuns,
  RUN_LEASE_NAMESPACE,
  runLeaseKey,
} from '../../../src/db/run-liveness.ts';
import { tryHoldAdvisoryLock, type LockEvent } from '../../../src/db/advisory-lock.ts';
import { HOUR_MS, MINUTE_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { startTcpProxy } from '../../helpers/tcp-proxy.ts';
import { freePort, until } from '../ops/cli-process.ts';

const STALE_MS = MINUTE_MS;
const FAKE_START = new Date('2025-01-01T00:00:00Z');
const counts: ledger.RunCounts = { windowsTotal: 1, windowsDone: 0, windowsFailed: 0, requests: 0, retries: 0, rateLimited: 0, pages: 0, conversationsWritten: 0, recordsDeleted: 0, deletionsWithheld: 0 };

async function createRunRow(handle: DatabaseHandle, runId: string = randomUUID()): Promise<string> {
  await ledger.createRun(handle.prisma, {
    runId,
    kind: 'sync',
    intervalStart: FAKE_START,
    intervalEnd: new Date(FAKE_START.getTime() + HOUR_MS),
    agentIds: [],
    planKey: 'liveness-test',
    host: 'test',
    pid: 1,
    startedAt: FAKE_START, // a host clock far from the database's: must not matter
  });
  return runId;
}

const statusOf = async (handle: DatabaseHandle, runId: string) => handle.prisma.syncRun.findUniqueOrThrow({ where: { runId } });

describe('run liveness on Postgres', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('opens pool and lock connections with keepalive and the documented server timeouts', async () => {
    const settings = `SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt,
                             current_setting('idle_in_transaction_session_timeout') AS it, current_setting('tcp_keepalives_idle') AS ki,
                             current_setting('tcp_keepalives_interval') AS kv, current_setting('tcp_keepalives_count') AS kc`;
    const [pool] = await handle.prisma.$queryRawUnsafe<Array<Record<string, string>>>(settings);
    expect(pool).toEqual({ st: '10min', lt: '3min', it: '5min', ki: '30', kv: '10', kc: '3' });
    const lock = new pg.Client(lockConnectionConfig(database.url));
    await lock.connect();
    try {
      expect((await lock.query(settings)).rows[0]).toEqual({ st: '30s', lt: '10s', it: '30s', ki: '30', kv: '10', kc: '3' });
    } finally {
      await lock.end();
    }
  });

  it('derives the same lease key in SQL as in code', async () => {
    for (const runId of [randomUUID(), randomUUID(), 'ffffffff-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'] as string[]) {
      await createRunRow(handle, runId);
      const { rows } = await admin.query<{ k: number }>(
        `SELECT ((('x' || left(replace(run_id::text, '-', ''), 8))::bit(32)::int) & 2147483647) AS k FROM sync_runs WHERE run_id = $1`,
        [runId],
      );
      expect(rows[0]!.k).toBe(runLeaseKey(runId));
    }
    expect(runLeaseKey('ffffffff-0000-4000-8000-000000000000')).toBe(0x7fffffff);
    expect(() => runLeaseKey('not-a-uuid')).toThrow(TypeError);
    await admin.query(`UPDATE sync_runs SET status = 'succeeded'`);
  });

  it('keeps a leased run alive and marks a run whose lease is free dead at once, whatever its heartbeat', async () => {
    const aliveId = randomUUID();
    const lease = await acquireRunLease(database.url, aliveId);
    await createRunRow(handle, aliveId);
    // A process that died a second ago: its session held the lease, then its socket vanished.
    const deadId = randomUUID();
    const victim = new pg.Client({ connectionString: database.url });
    await victim.connect();
    await victim.query('SELECT pg_advisory_lock($1::int, $2::int)', [RUN_LEASE_NAMESPACE, runLeaseKey(deadId)]);
    await createRunRow(handle, deadId);
    victim.on('error', () => {});
    (victim as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await until(async () => (await readRunningRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).some((r) => r.runId === deadId && r.lease === 'free'), 10_000, 'the dead session to end');

    const running = await readRunningRuns(handle.prisma, { heartbeatStaleMs: STALE_MS });
    const byId = new Map(running.map((r) => [r.runId, r]));
    // Both heartbeats are seconds old on the database's clock (the fake host start time is ignored).
    expect(byId.get(aliveId)).toMatchObject({ lease: 'held', dead: false, deadReason: null });
    expect(byId.get(deadId)).toMatchObject({ lease: 'free', dead: true, deadReason: expect.stringMatching(/liveness lock is free/) });
    for (const r of running) expect(r.heartbeatAgeMs).toBeLessThan(30_000);

    // A stale heartbeat alone does not kill a run whose lease is held.
    await admin.query(`UPDATE sync_runs SET heartbeat_at = now() - interval '1 day' WHERE run_id = $1`, [aliveId]);
    expect(await markDeadRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([deadId]);
    const dead = await statusOf(handle, deadId);
    expect(dead).toMatchObject({ status: 'interrupted', error: DEAD_RUN_ERROR });
    expect(Math.abs(dead.finishedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await statusOf(handle, aliveId)).status).toBe('running');
    expect(await markDeadRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([]);

    // Released (the run recorded its outcome first): nothing is left holding it.
    await handle.prisma.syncRun.update({ where: { runId: aliveId }, data: { status: 'succeeded' } });
    await lease.release();
    const locks = await admin.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [RUN_LEASE_NAMESPACE],
    );
    expect(locks.rowCount).toBe(0);
    await lease.release(); // idempotent
  });

  it('writes heartbeats on the database clock', async () => {
    const runId = await createRunRow(handle);
    await admin.query(`UPDATE sync_runs SET heartbeat_at = now() - interval '1 hour' WHERE run_id = $1`, [runId]);
    await ledger.heartbeatRun(handle.prisma, runId, { ...counts, pages: 3 });
    const { rows } = await admin.query<{ age: number; pages: number }>(
      `SELECT EXTRACT(EPOCH FROM clock_timestamp() - heartbeat_at)::float8 AS age, pages FROM sync_runs WHERE run_id = $1`,
      [runId],
    );
    expect(rows[0]!.age).toBeLessThan(5);
    expect(rows[0]!.pages).toBe(3);
    await admin.query(`UPDATE sync_runs SET status = 'succeeded' WHERE run_id = $1`, [runId]);
  });

  it('takes the lease again when its connection is killed, and puts back a row a checker marked dead meanwhile', async () => {
    const runId = randomUUID();
    const lease = await acquireRunLease(database.url, runId, { retryEveryMs: 300 });
    await createRunRow(handle, runId);
    const events: LockEvent['type'][] = [];
    let lost!: () => void;
    const lostSeen = new Promise<void>((resolve) => (lost = resolve));
    lease.on((e) => {
      events.push(e.type);
      if (e.type === 'lost') lost();
    });
    const pid = lease.backendPid!;
    expect(pid).toBeGreaterThan(0);
    // An administrator (or a failover, a firewall) ends the lease's backend.
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await lostSeen;
    expect(lease.state).toBe('lost');
    expect(await markDeadRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([runId]);
    expect((await statusOf(handle, runId)).status).toBe('interrupted');

    await until(async () => lease.state === 'held', 10_000, 'the lease to be taken again');
    expect(lease.backendPid).not.toBe(pid);
    expect(events).toEqual(['lost', 'reacquired']);
    expect(await statusOf(handle, runId)).toMatchObject({ status: 'running', error: null, finishedAt: null });
    expect(await readRunningRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([
      expect.objectContaining({ runId, lease: 'held', dead: false }),
    ]);
    await lease.release();
    expect((await readRunningRuns(handle.prisma, { heartbeatStaleMs: STALE_MS }))[0]).toMatchObject({ runId, lease: 'free', dead: true });
  });
});

describe('run liveness on the embedded database (one session: the heartbeat decides)', () => {
  let dir: string;
  let stop: () => Promise<void>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gs-liveness-'));
    const embedded = await startEmbeddedDatabase({ dir, port: await freePort() });
    await applyMigrations(embedded.url);
    handle = await openDatabase(embedded.url);
    stop = async () => {
      await handle.close();
      await embedded.stop();
    };
  });
  afterAll(async () => {
    await stop?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('sees its own session holding every lease, so only a stale heartbeat means dead', async () => {
    const runId = randomUUID();
    const lease = await acquireRunLease(handle.url, runId);
    await createRunRow(handle, runId);
    expect(await readRunningRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([
      expect.objectContaining({ runId, lease: 'this-session', dead: false }),
    ]);
    expect(await markDeadRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([]);
    await handle.prisma.$executeRawUnsafe(`UPDATE sync_runs SET heartbeat_at = now() - interval '2 minutes' WHERE run_id = '${runId}'`);
    const [dead] = await readRunningRuns(handle.prisma, { heartbeatStaleMs: STALE_MS });
    expect(dead).toMatchObject({ runId, lease: 'this-session', dead: true, deadReason: expect.stringMatching(/no heartbeat for 1\d\d s/) });
    expect(await markDeadRuns(handle.prisma, { heartbeatStaleMs: STALE_MS })).toEqual([runId]);
    await lease.release();
  });
});

describe('the worker run lock on a dedicated connection', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('excludes a second taker, is taken again after its backend is terminated, and reports when someone else took it', async () => {
    const key = 0x5eed_0001n;
    const held = (await tryHoldAdvisoryLock(database.url, { key }, { retryEveryMs: 500 }))!;
    expect(held.state).toBe('held');
    expect(await tryHoldAdvisoryLock(database.url, { key })).toBeUndefined();
    const events: string[] = [];
    held.on((e) => events.push(e.type));

    await admin.query('SELECT pg_terminate_backend($1)', [held.backendPid]);
    await until(async () => held.state === 'held' && events.length === 2, 10_000, 'the lock taken again');
    expect(events).toEqual(['lost', 'reacquired']);
    expect(await tryHoldAdvisoryLock(database.url, { key })).toBeUndefined();

    // Lost again, and this time another process is quicker: the holder is told, and stops trying.
    const pid = held.backendPid;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => held.state === 'lost', 10_000, 'the loss to be noticed');
    const other = (await tryHoldAdvisoryLock(database.url, { key }))!;
    expect(other).toBeDefined();
    await until(async () => held.state === 'taken', 10_000, 'the takeover to be noticed');
    expect(events).toEqual(['lost', 'reacquired', 'lost', 'taken']);
    await held.release();
    await other.release();
    expect(held.state).toBe('released');
    const locks = await admin.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(locks.rowCount).toBe(0);
  });

  it('notices a connection that died silently, by its ping', async () => {
    const proxy = await startTcpProxy({ host: new URL(database.url).hostname, port: Number(new URL(database.url).port || 5432) });
    try {
      const u = new URL(database.url);
      u.port = String(proxy.port);
      const held = (await tryHoldAdvisoryLock(u.toString(), { key: 0x5eed_0002n }, { pingEveryMs: 200, pingTimeoutMs: 500, retryEveryMs: 60_000 }))!;
      const events: LockEvent[] = [];
      held.on((e) => events.push(e));
      proxy.freeze(); // no FIN, no RST: only a ping can tell
      await until(async () => events.length > 0, 10_000, 'the loss to be noticed');
      expect(events[0]).toMatchObject({ type: 'lost', error: expect.objectContaining({ message: expect.stringMatching(/timeout/i) }) });
      expect(held.state).toBe('lost');
      await held.release();
    } finally {
      await proxy.close();
    }
  });
});
