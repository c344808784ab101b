import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { expectedStatusRows, storedStatusRows, type StatusRow } from '../../helpers/agent-activity.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { runCli, simEnv, startCli, until } from '../ops/cli-process.ts';

/*
 * The agent-activity stream after SIGKILL (docs/sync.md §17): `node dist/cli.js backfill
 * --streams agent-activity --lane jobs` is killed while a users details job is queued at the
 * simulator, after its first window is done; the same command run again resumes from the
 * ledger (the done window is not read again: no job is created for it), deletes the users
 * details job the killed run left behind (DELETE on the users details jobs API), and stores
 * exactly the simulator's statuses, each once. One kill, two CLI starts: a small org and five
 * windows keep it to a few seconds of CPU (the conversation stream's chain of kills:
 * kill-restart.test.ts).
 *
 * The simulated now is 2025-06-20 12:00 and the lake lags 36 h: the data-availability date is
 * 2025-06-19 00:00, after the backfilled range, so every window goes through a job.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const LAKE_LAG_MS = 36 * HOUR_MS;
const AVAILABILITY = NOW.getTime() - LAKE_LAG_MS;
const FROM = '2025-06-10';
const TO = '2025-06-18';
const ARGS = ['backfill', '--from', FROM, '--to', TO, '--streams', 'agent-activity', '--lane', 'jobs'];
// Two-day job windows (ramped: 1, 2, 2, 2, 1), one at a time, polled quickly; no client-side pacing.
const ENV = {
  BACKFILL_JOB_WINDOW_DAYS: '2', JOBS_MAX_CONCURRENT: '1', SYNC_CONCURRENCY: '1',
  JOBS_POLL_INTERVAL: '0.05s', JOBS_POLL_MAX: '0.2s', GENESYS_RATE_LIMIT_PER_MIN: '100000',
};

/** What a job read at the lake's horizon holds: a status still running then is open (no end). */
const asOfHorizon = (rows: StatusRow[]) => rows.map((r) => (r.end !== null && Date.parse(r.end) > AVAILABILITY ? { ...r, end: null } : r));

describe('agent-activity backfill killed with SIGKILL mid-job and run again', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, org: { agentCount: 6, days: 12, conversationsPerDay: 5, now: NOW }, faults: { lakeLagMs: LAKE_LAG_MS, jobQueueMs: 50, jobMsPerThousand: 50 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('resumes by window, cancels the users details job left behind, and stores every status once', async () => {
    const env = simEnv(sim, db.url, ENV);
    // Each job sits QUEUED for a while: the run is killed inside the second window's.
    sim.setFaults({ jobQueueMs: 1_500 });
    const killed = startCli(ARGS, env);
    const named = () => handle.prisma.syncWindow.findFirst({ where: { stream: 'agent-activity', jobId: { not: null } } });
    await until(
      async () => (await handle.prisma.syncWindow.count({ where: { status: 'done' } })) === 1 && (await named()) !== null,
      60_000,
      'one window done and the next one waiting on its users details job',
    );
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const orphan = (await named())!.jobId!;
    expect(sim.listUserDetailsJobs().find((j) => j.id === orphan)).toMatchObject({ state: expect.stringMatching(/QUEUED|PENDING/), deleted: false });
    const doneByKilled = await handle.prisma.syncWindow.findMany({ where: { status: 'done' } });
    const jobsBefore = sim.listUserDetailsJobs().length;

    sim.setFaults({ jobQueueMs: 50 });
    const again = await runCli(ARGS, env);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain('(1 already done by an earlier run, skipped)');
    // The job the killed run left queued was deleted at Genesys and cleared from its window.
    expect(sim.listUserDetailsJobs().find((j) => j.id === orphan)).toMatchObject({ state: 'CANCELLED', deleted: true });
    expect(await handle.prisma.syncWindow.count({ where: { jobId: { not: null } } })).toBe(0);

    // The done window was not read again: the second run planned, and made a job for, only the rest.
    const runs = await handle.prisma.syncRun.findMany({ orderBy: { startedAt: 'asc' }, include: { windows: { orderBy: { windowStart: 'asc' } } } });
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    const second = runs[1]!.windows;
    expect(second.every((w) => w.stream === 'agent-activity' && w.lane === 'jobs' && w.status === 'done')).toBe(true);
    expect(second.some((w) => doneByKilled.some((d) => d.windowStart.getTime() === w.windowStart.getTime()))).toBe(false);
    expect(sim.listUserDetailsJobs().slice(jobsBefore)).toHaveLength(second.length);
    // The done windows of both runs tile the range once.
    const done = [...doneByKilled, ...second].sort((a, b) => a.windowStart.getTime() - b.windowStart.getTime());
    expect(done[0]!.windowStart.toISOString()).toBe(`${FROM}T00:00:00.000Z`);
    expect(done.at(-1)!.windowEnd.toISOString()).toBe(`${TO}T00:00:00.000Z`);
    for (let i = 1; i < done.length; i++) expect(done[i]!.windowStart.getTime()).toBe(done[i - 1]!.windowEnd.getTime());

    // Nothing lost, nothing twice: exactly the simulator's statuses, as the lake saw them.
    const expected = asOfHorizon(expectedStatusRows(sim, new Date(`${FROM}T00:00:00Z`), new Date(`${TO}T00:00:00Z`)));
    expect(expected.length).toBeGreaterThan(1000);
    expect(await storedStatusRows(handle.prisma)).toEqual(expected);
  });
});
