import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { cliEnv, runCli, simEnv, startCli, until } from './cli-process.ts';

/*
 * Settling in the worker: after its rolling sync (query lane) the worker re-reads, once,
 * through a details job, every query-read day the data-availability date has passed, and
 * status shows what is left. The simulator's now is frozen; moving its lake lag moves the
 * availability date between ticks.
 */
const msg = (text: string) => (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith(text);

describe('settling in the worker', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    // The worker reads the wall clock, so the simulator follows it too (its now is its start).
    sim = await startSimulator({ seed: 8, org: { agentCount: 10, days: 6, conversationsPerDay: 50 }, faults: { lakeLagMs: 50 * HOUR_MS, jobQueueMs: 50, jobMsPerThousand: 50 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  const iso = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
  const attributedDays = async () =>
    (await handle.prisma.$queryRawUnsafe<Array<{ d: Date }>>(
      `SELECT DISTINCT date_trunc('day', c.conversation_start AT TIME ZONE 'UTC') AS d FROM conversations c JOIN participants p USING (conversation_id) WHERE p.attributes IS NOT NULL ORDER BY 1`,
    )).map((r) => r.d.toISOString().slice(0, 10));
  /** UTC days the rolling sync's query windows touched. */
  const queryReadDays = async () => {
    const days = new Set<number>();
    for (const w of await handle.prisma.syncWindow.findMany({ where: { lane: 'query', status: 'done', run: { kind: 'sync' } } })) {
      for (let d = Math.floor(w.windowStart.getTime() / DAY_MS); d * DAY_MS < w.windowEnd.getTime(); d++) days.add(d);
    }
    return [...days].sort((a, b) => a - b);
  };
  /** The days settling must have read: query-read days the availability date has passed whole. */
  const due = async () => (await queryReadDays()).filter((d) => (d + 1) * DAY_MS <= sim.availabilityDate().getTime()).map(iso);

  it('settles passed days once, leaves the rest, and settles more days once the availability date passes them', async () => {
    const env = simEnv(sim, db.url, {
      GENESYS_RATE_LIMIT_PER_MIN: '100000', // no client-side pacing: nothing here is about pacing
      SYNC_SCHEDULE: '*/3 * * * * *', SYNC_RUN_ON_START: 'true', SYNC_LOOKBACK: '4d', SYNC_WINDOW_DAYS: '7',
      JOBS_POLL_INTERVAL: '0.05s', JOBS_POLL_MAX: '0.2s', SETTLE_DAYS_PER_TICK: '7',
    });
    const worker = startCli(['worker'], env);
    try {
      await until(async () => (await handle.prisma.syncRun.count({ where: { kind: 'settle', status: 'succeeded' } })) >= 1, 60_000, 'a settle run');
      const first = await due();
      expect(first.length).toBeGreaterThanOrEqual(1);
      expect(await attributedDays()).toEqual(first);
      const jobsAfterFirst = sim.listJobs().length;
      // More ticks, same availability date: nothing is settled twice.
      await until(async () => worker.logs().filter(msg('run succeeded')).length >= 3, 60_000, 'two more ticks');
      expect(sim.listJobs().length).toBe(jobsAfterFirst);

      sim.setFaults({ lakeLagMs: 2 * HOUR_MS }); // the availability date moves up to ~now
      const second = await due();
      expect(second.length).toBeGreaterThan(first.length);
      // The settle run stores its days before it records its end: wait for both, so the stop
      // below does not interrupt the run that settled them.
      const settling = () => handle.prisma.syncRun.count({ where: { kind: 'settle', status: 'running' } });
      await until(async () => (await attributedDays()).length === second.length && (await settling()) === 0, 60_000, 'the newly passed days settled');
      expect(await attributedDays()).toEqual(second);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    const settleWindows = await handle.prisma.syncWindow.findMany({ where: { run: { kind: 'settle' } } });
    expect(settleWindows.length).toBeGreaterThanOrEqual(2);
    expect(settleWindows.every((w) => w.lane === 'jobs' && w.status === 'done')).toBe(true);
    // Settling reads the worker's streams, agent activity (on by default) through its own jobs too.
    expect([...new Set(settleWindows.map((w) => w.stream))].sort()).toEqual(['agent-activity', 'conversations']);

    const status = await runCli(['status', '--json'], cliEnv({ DATABASE_URL: db.url }));
    const report = JSON.parse(status.stdout) as { settling: { lastRun: { status: string } | null; daysAwaiting: number } };
    expect(report.settling.lastRun?.status).toBe('succeeded');
    // Query-read days not settled yet: the ones the availability date has not passed whole.
    expect(report.settling.daysAwaiting).toBe((await queryReadDays()).length - (await due()).length);
  });
});
