import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { ABANDONED_AFTER_MS } from '../../../src/pipeline/sync.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { DAY_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { runCli, simEnv, startCli, until, type CliProcess } from '../ops/cli-process.ts';
import { doneWindowsOfPlan, inconsistentConversations, rawClient, storedIds } from './support.ts';

/*
 * A backfill process killed with SIGKILL (no handler runs, nothing is flushed) at four
 * points, each kill followed by a restart with the same arguments, which is itself killed
 * at the next point: right after its run row appears; after some windows are done; in the
 * middle of a page's write transaction; after most windows are done. The fifth run completes.
 * After every kill: the killed run is still `running`, nothing is shown done that is not
 * stored, no conversation is half-written. At the end: exactly the API's conversations,
 * each once with exactly its own child rows, every window done exactly once across the runs;
 * each killed run is marked interrupted by the very next run, at once: its liveness lease
 * (a session advisory lock, src/db/run-liveness.ts) died with the process, so nobody waits
 * for its heartbeat to go stale.
 *
 * One chain of runs rather than one database per kill point: a CLI start costs about two
 * seconds of CPU, and the chain also proves that resuming survives repeated crashes.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const FROM = '2025-06-08';
const TO = '2025-06-18';
const DAYS = 10;
const interval = { from: new Date(`${FROM}T00:00:00Z`), to: new Date(`${TO}T00:00:00Z`) };
const ARGS = ['backfill', '--from', FROM, '--to', TO];
// One request at a time, pages of 10 and the client's own pacing at 400 requests a minute: a
// day-window takes about a second, so kills land between "some" and "most" windows done.
// The last run keeps the arguments and lifts the pacing, to keep the test short.
// The query lane (this file is about the query lane's pages; the jobs lane: lanes-backfill.test.ts),
// and the conversation stream alone: its windows are what the kills land between and what the
// tiling check counts (agent activity's resume is tested on its own).
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', BACKFILL_WINDOW_DAYS: '1', GENESYS_RATE_LIMIT_PER_MIN: '400', BACKFILL_LANE: 'query', SYNC_STREAMS: 'conversations' };
const FAST = { ...SLOW, GENESYS_RATE_LIMIT_PER_MIN: '100000' };

describe('backfill killed with SIGKILL at several points and restarted each time', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  let expected: string[];
  const killedRuns: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, org: { agentCount: 20, days: 14, conversationsPerDay: 40, now: NOW } });
    expected = idsOf(sim.expected(interval));
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  const doneCount = () => handle.prisma.syncWindow.count({ where: { status: 'done' } });
  const newestRun = () => handle.prisma.syncRun.findFirst({ orderBy: { startedAt: 'desc' } });

  /** Starts the next run and resolves once its own run row exists. */
  async function startRun(): Promise<{ p: CliProcess; runId: string; doneBefore: number }> {
    const doneBefore = await doneCount();
    const runsBefore = await handle.prisma.syncRun.count();
    const p = startCli(ARGS, simEnv(sim, db.url, SLOW));
    await until(async () => (await handle.prisma.syncRun.count()) > runsBefore, 60_000, 'the run row', 10);
    // The new run found every killed one dead before creating its own row.
    for (const id of killedRuns) {
      expect((await handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: id } })).status).toBe('interrupted');
    }
    return { p, runId: (await newestRun())!.runId, doneBefore };
  }

  async function kill(p: CliProcess, runId: string): Promise<void> {
    p.child.kill('SIGKILL');
    const result = await p.exited;
    expect(result.signal).toBe('SIGKILL');
    killedRuns.push(runId);
  }

  /** What a killed run leaves: its row still `running`, and nothing marked done that is not stored. */
  async function expectKilledRunState(runId: string, doneBefore: number): Promise<void> {
    const run = await handle.prisma.syncRun.findUniqueOrThrow({ where: { runId } });
    expect(run.status).toBe('running');
    expect(run.finishedAt).toBeNull();
    const windows = await handle.prisma.syncWindow.findMany({ where: { runId } });
    // It planned only what earlier runs had not done (none of it, if killed before planning).
    if (windows.length > 0) expect(windows).toHaveLength(DAYS - doneBefore);
    // One window at a time (SYNC_CONCURRENCY=1): at most one was in progress when it died.
    expect(windows.filter((w) => w.status === 'running').length).toBeLessThanOrEqual(1);
    expect(windows.filter((w) => w.status === 'failed' || w.status === 'split')).toEqual([]);
    // A window is done only with all its pages committed: its conversations are all there.
    for (const w of await handle.prisma.syncWindow.findMany({ where: { status: 'done' } })) {
      const want = idsOf(sim.expected({ from: w.windowStart, to: w.windowEnd })).length;
      expect(await handle.prisma.conversation.count({ where: { conversationStart: { gte: w.windowStart, lt: w.windowEnd } } })).toBe(want);
    }
    expect(await inconsistentConversations(handle)).toEqual([]);
  }

  it('1. killed right after its run row appears', async () => {
    const { p, runId, doneBefore } = await startRun();
    await kill(p, runId);
    expect(doneBefore).toBe(0);
    expect(await doneCount()).toBe(0);
    await expectKilledRunState(runId, 0);
  });

  it('2. restarted, then killed after some windows are done', async () => {
    const { p, runId, doneBefore } = await startRun();
    await until(async () => (await doneCount()) >= doneBefore + 3, 60_000, 'three windows done');
    await kill(p, runId);
    expect(await doneCount()).toBeLessThan(DAYS - 3);
    await expectKilledRunState(runId, doneBefore);
  });

  it('3. restarted, then killed in the middle of a page write: the half-written transaction leaves no trace', async () => {
    const { p, runId, doneBefore } = await startRun();
    await until(async () => (await doneCount()) >= doneBefore + 1, 60_000, 'a window done');
    // Hold the participants table: the next page's transaction upserts its conversations, then
    // blocks on its children insert. That is the moment to kill the process.
    const blocker = await rawClient(db.url);
    // Watch from another session: pg_stat_activity is snapshotted once per transaction.
    const watcher = await rawClient(db.url);
    let victimPid: number | undefined;
    let visibleBefore = -1;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE participants IN ACCESS EXCLUSIVE MODE');
      visibleBefore = Number((await blocker.query<{ n: string }>('SELECT count(*) AS n FROM conversations')).rows[0]!.n);
      await until(
        async () => {
          const r = await watcher.query<{ pid: number }>(
            `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.relation = 'participants'::regclass AND NOT l.granted AND a.backend_xid IS NOT NULL`,
          );
          victimPid = r.rows[0]?.pid;
          return victimPid !== undefined;
        },
        60_000,
        'a page transaction that has written and waits on the participants lock',
        20,
      );
      await kill(p, runId);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
    }
    // The orphaned backend gets the lock, finds its client gone and rolls back.
    await until(
      async () => (await watcher.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [victimPid])).rowCount === 0,
      30_000,
      'the killed transaction to end',
    );
    await Promise.all([blocker.end(), watcher.end()]);
    expect(await handle.prisma.conversation.count()).toBe(visibleBefore);
    await expectKilledRunState(runId, doneBefore);
  });

  it('4. restarted, then killed after most windows are done', async () => {
    const { p, runId, doneBefore } = await startRun();
    await until(async () => (await doneCount()) >= DAYS - 3, 60_000, 'most windows done');
    await kill(p, runId);
    expect(await doneCount()).toBeLessThan(DAYS);
    await expectKilledRunState(runId, doneBefore);
  });

  it('5. restarted once more: completes with exactly the expected set, each conversation once', async () => {
    expect(killedRuns).toHaveLength(4);
    const doneBefore = await doneCount();

    const result = await runCli(ARGS, simEnv(sim, db.url, FAST));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('backfill SUCCEEDED');
    expect(result.stdout).toContain(`(${doneBefore} already done by an earlier run, skipped)`);

    // Nothing lost, nothing extra.
    expect(expected.length).toBeGreaterThan(250);
    expect(await storedIds(handle)).toEqual(expected);
    // Nothing duplicated or half-written: every conversation has exactly its own children.
    expect(await inconsistentConversations(handle)).toEqual([]);
    // The done windows of all five runs tile the interval once, and account for every row.
    const runs = await handle.prisma.syncRun.findMany({ orderBy: { startedAt: 'asc' } });
    expect(runs).toHaveLength(5);
    expect(new Set(runs.map((r) => r.planKey)).size).toBe(1);
    const last = runs[4]!;
    expect(last.status).toBe('succeeded');
    expect(last.windowsTotal).toBe(DAYS - doneBefore);
    const done = await doneWindowsOfPlan(handle, last.planKey);
    expect(done.map((w) => w.windowStart.toISOString())).toEqual(
      Array.from({ length: DAYS }, (_, i) => new Date(interval.from.getTime() + i * DAY_MS).toISOString()),
    );
    expect(done.reduce((sum, w) => sum + w.conversationsWritten, 0)).toBe(expected.length);

    // Every killed run is interrupted, each marked while its heartbeat was still fresh: the free
    // lease told the next run, not the heartbeat's age.
    const byId = new Map(runs.map((r) => [r.runId, r]));
    for (const id of killedRuns) {
      const killed = byId.get(id)!;
      expect(killed.status).toBe('interrupted');
      expect(killed.error).toMatch(/killed or crashed/);
      expect(killed.finishedAt!.getTime() - killed.heartbeatAt.getTime()).toBeLessThan(ABANDONED_AFTER_MS);
    }
  });
});
