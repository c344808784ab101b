import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { runCli, simEnv, startCli, until } from './cli-process.ts';
import { CONVERSATION_TABLES } from '../../../src/db/conversation-children.ts';

/*
 * `backfill --lane …` end to end: the CLI in a child process, the simulator serving both the
 * query and the details jobs, a real Postgres. The simulated now is 2025-06-20 12:00 and the
 * lake lags 36 h, so the data-availability date is 2025-06-19 00:00: days before it are read
 * through jobs, the rest through the query.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const AVAILABILITY = new Date(NOW.getTime() - 36 * HOUR_MS);
/** No client-side pacing (the default 250 requests a minute): nothing here is about pacing. */
// The conversation stream alone: this file counts its windows and scripts its jobs' faults
// (agent activity's lanes: test/integration/pipeline/agent-activity.test.ts).
const NO_PACING = { GENESYS_RATE_LIMIT_PER_MIN: '100000', SYNC_STREAMS: 'conversations' };
const FAST_JOBS = { ...NO_PACING, JOBS_POLL_INTERVAL: '0.05s', JOBS_POLL_MAX: '0.2s' };

describe('backfill lanes', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  const agentIds = () => sim.org.agents.map((a) => a.id);
  const expectedIds = (from: Date, to: Date) => sim.expected({ from, to, agentIds: agentIds() }).map((c) => c.conversationId).sort();
  const storedIds = async () => (await handle.prisma.$queryRawUnsafe<Array<{ id: string }>>('SELECT conversation_id AS id FROM conversations ORDER BY 1')).map((r) => r.id);

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, org: { agentCount: 12, days: 12, conversationsPerDay: 60, now: NOW }, faults: { lakeLagMs: 36 * HOUR_MS, jobQueueMs: 50, jobMsPerThousand: 100 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    sim.clearJobFaults();
    sim.setFaults({ jobQueueMs: 50 });
    await handle.prisma.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}, sync_runs CASCADE`);
  });

  it('auto: jobs before the availability date, the query after; attributes only from jobs, and no job data newer than the date', async () => {
    const from = new Date('2025-06-12T00:00:00Z');
    const to = new Date('2025-06-20T00:00:00Z');
    const run = await runCli(['backfill', '--from', '2025-06-12', '--to', '2025-06-20'], simEnv(sim, db.url, FAST_JOBS));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const windows = await handle.prisma.syncWindow.findMany({ orderBy: { windowStart: 'asc' } });
    const jobs = windows.filter((w) => w.lane === 'jobs');
    const query = windows.filter((w) => w.lane === 'query');
    // Seven days through jobs, ramped up (1, 2, 3, then the day left) and tiling [from, availability).
    expect(jobs.map((w) => [w.windowStart.toISOString().slice(0, 10), w.windowEnd.toISOString().slice(0, 10)])).toEqual([
      ['2025-06-12', '2025-06-13'],
      ['2025-06-13', '2025-06-15'],
      ['2025-06-15', '2025-06-18'],
      ['2025-06-18', '2025-06-19'],
    ]);
    expect(jobs.at(-1)!.windowEnd.toISOString()).toBe(AVAILABILITY.toISOString());
    expect(query.map((w) => w.windowStart.toISOString())).toEqual(['2025-06-19T00:00:00.000Z']);
    expect(windows.every((w) => w.status === 'done' && w.jobId === null)).toBe(true);
    expect(await storedIds()).toEqual(expectedIds(from, to));
    // Conversations read through the job carry attributes; none of them is newer than the availability date.
    const withAttributes = await handle.prisma.$queryRawUnsafe<Array<{ start: Date }>>(
      `SELECT DISTINCT c.conversation_start AS start FROM conversations c JOIN participants p USING (conversation_id) WHERE p.attributes IS NOT NULL`,
    );
    expect(withAttributes.length).toBeGreaterThan(100);
    expect(withAttributes.every((r) => r.start.getTime() < AVAILABILITY.getTime())).toBe(true);
    const sample = await handle.prisma.$queryRawUnsafe<Array<{ id: string; attributes: Record<string, string> }>>(
      `SELECT p.conversation_id AS id, p.attributes FROM participants p WHERE p.attributes IS NOT NULL LIMIT 1`,
    );
    expect(sample[0]!.attributes).toEqual(sim.attributesOf(sample[0]!.id));
  });

  it('keeps attributes stored from a job through a later query read of the same days', async () => {
    const run = await runCli(['backfill', '--from', '2025-06-15', '--to', '2025-06-17', '--lane', 'jobs'], simEnv(sim, db.url, FAST_JOBS));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const count = async () => Number((await handle.prisma.$queryRawUnsafe<Array<{ n: bigint }>>('SELECT count(*) AS n FROM participants WHERE attributes IS NOT NULL'))[0]!.n);
    const before = await count();
    expect(before).toBeGreaterThan(50);
    // A sync of the same days (the rolling sync reads through the query; a backfill with the same
    // range would resume and skip the windows the job finished).
    const again = await runCli(['sync', '--from', '2025-06-15', '--to', '2025-06-17'], simEnv(sim, db.url, { ...NO_PACING, SYNC_WINDOW_DAYS: '1' }));
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect((await handle.prisma.syncWindow.findMany({ where: { lane: 'query', status: 'done' } })).length).toBe(2);
    expect(await count()).toBe(before);
  });

  it('jobs: refuses a range past the availability date with exit 2, naming the date', async () => {
    const run = await runCli(['backfill', '--from', '2025-06-15', '--to', '2025-06-20', '--lane', 'jobs'], simEnv(sim, db.url, NO_PACING));
    expect(run.code).toBe(2);
    expect(run.stderr + run.stdout).toContain(AVAILABILITY.toISOString());
    expect(await handle.prisma.syncRun.count()).toBe(0);
  });

  it('--dry-run shows each window with its lane', async () => {
    const run = await runCli(['backfill', '--from', '2025-06-12', '--to', '2025-06-20', '--dry-run'], simEnv(sim, db.url, NO_PACING));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/jobs/);
    expect(run.stdout).toMatch(/query/);
  });

  it('recovers from failed and expired jobs, falls back to the query when every job fails, and gives the fallen-back window one more try through jobs at the end', async () => {
    sim.queueJobFaults(['fail', 'expire-after-first-page']);
    const recovered = await runCli(['backfill', '--from', '2025-06-13', '--to', '2025-06-15', '--lane', 'jobs'], simEnv(sim, db.url, FAST_JOBS));
    expect(recovered.code, recovered.stderr + recovered.stdout).toBe(0);
    const w1 = await handle.prisma.syncWindow.findFirstOrThrow();
    expect(w1).toMatchObject({ lane: 'jobs', status: 'done', laneNote: null });
    expect(await storedIds()).toEqual(expectedIds(new Date('2025-06-13T00:00:00Z'), new Date('2025-06-15T00:00:00Z')));

    sim.queueJobFaults(['fail', 'expire', 'fail']);
    const fellBack = await runCli(['backfill', '--from', '2025-06-10', '--to', '2025-06-11', '--lane', 'jobs'], simEnv(sim, db.url, { ...FAST_JOBS, JOBS_MAX_ATTEMPTS: '3' }));
    expect(fellBack.code, fellBack.stderr + fellBack.stdout).toBe(0);
    const day = new Date('2025-06-10T00:00:00Z');
    const [w2, retried] = await handle.prisma.syncWindow.findMany({ where: { windowStart: day }, orderBy: { windowId: 'asc' } });
    expect(w2!.lane).toBe('query');
    expect(w2!.laneNote).toMatch(/FAILED.*EXPIRED.*FAILED/);
    expect(fellBack.logs.some((l) => String(l['msg']).includes('falling back to the query lane'))).toBe(true);
    const expected = expectedIds(day, new Date('2025-06-11T00:00:00Z'));
    expect((await storedIds()).filter((id) => expected.includes(id))).toEqual(expected);
    // The fallen-back window was read again through a job at the end of the backfill: its attributes are stored.
    expect(retried).toMatchObject({ lane: 'jobs', status: 'done', laneNote: null });
    expect(fellBack.stdout).toContain('one more try through jobs');
    expect(fellBack.stdout).not.toContain('read without participant attributes');
    const attributed = expected.filter((id) => sim.attributesOf(id) !== undefined);
    expect(attributed.length).toBeGreaterThan(0);
    const withAttributes = await handle.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT DISTINCT conversation_id AS id FROM participants WHERE attributes IS NOT NULL AND conversation_id = ANY($1::text[]) ORDER BY 1`,
      expected,
    );
    expect(withAttributes.map((r) => r.id)).toEqual([...attributed].sort());
  });

  it('a window whose retry falls back again is named in the summary with the backfill that fills it', async () => {
    sim.queueJobFaults(['fail', 'fail', 'fail', 'fail']);
    // The retry is a run of its own: it must read the backfill's streams (SYNC_STREAMS) under its personal-data policy.
    const pii = { PII_MODE: 'hash', PII_HASH_KEY: 'lanes-backfill-test-key' };
    const run = await runCli(['backfill', '--from', '2025-06-08', '--to', '2025-06-09', '--lane', 'jobs'], simEnv(sim, db.url, { ...FAST_JOBS, ...pii, JOBS_MAX_ATTEMPTS: '2' }));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const windows = await handle.prisma.syncWindow.findMany({ orderBy: { windowId: 'asc' } });
    expect(windows.map((w) => [w.lane, w.status, w.laneNote !== null])).toEqual([['query', 'done', true], ['query', 'done', true]]);
    const [names] = await handle.prisma.$queryRawUnsafe<Array<{ clear: bigint; hashed: bigint }>>(
      `SELECT count(*) FILTER (WHERE participant_name NOT LIKE 'hmac:%') AS clear, count(*) FILTER (WHERE participant_name LIKE 'hmac:%') AS hashed
         FROM participants p JOIN conversations c USING (conversation_id) WHERE p.purpose IN ('customer', 'external') AND c.conversation_start >= '2025-06-08' AND c.conversation_start < '2025-06-09'`,
    );
    expect(Number(names!.hashed)).toBeGreaterThan(0);
    expect(Number(names!.clear)).toBe(0);
    expect(run.stdout).toContain('1 day(s) read without participant attributes');
    expect(run.stdout).toContain('npm run backfill -- --lane jobs --from 2025-06-08 --to 2025-06-09');
  });

  it('resumes by window after SIGKILL mid-job and cancels the job the killed run left behind', async () => {
    // Two job windows (BACKFILL_JOB_WINDOW_DAYS=3); the second job sits QUEUED long enough to be killed in.
    const args = ['backfill', '--from', '2025-06-10', '--to', '2025-06-16', '--lane', 'jobs'];
    const env = simEnv(sim, db.url, { ...FAST_JOBS, BACKFILL_JOB_WINDOW_DAYS: '3', JOBS_MAX_CONCURRENT: '1', SYNC_CONCURRENCY: '1' });
    sim.setFaults({ jobQueueMs: 4_000 });
    const first = startCli(args, env);
    await until(async () => (await handle.prisma.syncWindow.count({ where: { status: 'done' } })) === 1 && (await handle.prisma.syncWindow.count({ where: { jobId: { not: null } } })) === 1, 60_000, 'one window done and the next one reading a job');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const orphan = (await handle.prisma.syncWindow.findFirstOrThrow({ where: { jobId: { not: null } } })).jobId!;
    expect(sim.listJobs().find((j) => j.id === orphan)?.state).toMatch(/QUEUED|PENDING/);
    // As if a minute passed: the killed run's heartbeat is stale, so the next run knows it is dead.
    await handle.prisma.syncRun.updateMany({ data: { heartbeatAt: new Date(Date.now() - 10 * 60_000) } });

    sim.setFaults({ jobQueueMs: 50 });
    const second = await runCli(args, env);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toMatch(/1 already done by an earlier run, skipped/);
    expect(sim.listJobs().find((j) => j.id === orphan)?.state).toBe('CANCELLED');
    expect(await handle.prisma.syncWindow.count({ where: { jobId: { not: null } } })).toBe(0);
    expect(await storedIds()).toEqual(expectedIds(new Date('2025-06-10T00:00:00Z'), new Date('2025-06-16T00:00:00Z')));
    void DAY_MS;
  });
});
