import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { findDaysWithoutAttributes } from '../../../src/db/lane-ledger.ts';
import type { GenesysClient } from '../../../src/genesys/index.ts';
import { cancelAbandonedJobs, type JobCanceller } from '../../../src/pipeline/abandoned-jobs.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { dayNumber } from '../../../src/decisions/settling.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { simClient } from '../../helpers/harness.ts';

const NOW = new Date('2024-06-10T12:00:00.000Z');
let sim: Simulator;
let db: TestDatabase;
let handle: DatabaseHandle;
let client: GenesysClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 2, org: { now: NOW, days: 3, conversationsPerDay: 40 }, faults: { jobQueueMs: 60_000 } });
  db = await createTestDatabase();
  handle = await db.open();
  client = simClient(sim, { concurrency: 2, ratePerMinute: 6000 });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
  await db?.drop();
});

async function run(kind: string, status: string, windows: Array<{ start: string; end: string; lane: string; status: string; jobId?: string; stream?: string }>): Promise<bigint[]> {
  const runId = randomUUID();
  const at = new Date();
  await handle.prisma.syncRun.create({ data: { runId, kind, status, intervalStart: new Date(windows[0]!.start), intervalEnd: new Date(windows.at(-1)!.end), agentIds: [], planKey: `k-${runId}`, startedAt: at, heartbeatAt: at } });
  const ids: bigint[] = [];
  for (const w of windows) {
    const row = await handle.prisma.syncWindow.create({
      data: { runId, stream: w.stream ?? 'conversations', scopeKey: 'all', scopeAgentIds: [], windowStart: new Date(w.start), windowEnd: new Date(w.end), status: w.status, lane: w.lane, jobId: w.jobId ?? null },
    });
    ids.push(row.windowId);
  }
  return ids;
}

const job = () => client.createDetailsJob({ interval: { start: new Date('2024-06-08T00:00:00Z'), end: new Date('2024-06-09T00:00:00Z') }, scope: { kind: 'all' }, startOfDayIntervalMatching: true });

const userJob = () => client.createUserDetailsJob({ interval: { start: new Date('2024-06-08T00:00:00Z'), end: new Date('2024-06-09T00:00:00Z') } });
const quiet = pino({ level: 'silent' });
/** Each stream's jobs API, as the streams declare them (RunStream.cancelJob). */
const cancellers = () =>
  new Map<string, JobCanceller>([
    ['conversations', (id, signal) => client.deleteDetailsJob(id, signal)],
    ['agent-activity', (id, signal) => client.deleteUserDetailsJob(id, signal)],
  ]);
const stateOf = (jobs: Array<{ id: string; state: string; deleted: boolean }>, id: string) => jobs.find((j) => j.id === id);

describe('abandoned async jobs', () => {
  it('cancels the jobs of runs that stopped, clears them from their windows, and leaves live runs alone', async () => {
    const dead = await job();
    const live = await job();
    const [deadWindow] = await run('backfill', 'interrupted', [{ start: '2024-06-01T00:00:00Z', end: '2024-06-02T00:00:00Z', lane: 'jobs', status: 'running', jobId: dead }]);
    const [liveWindow] = await run('backfill', 'running', [{ start: '2024-06-01T00:00:00Z', end: '2024-06-02T00:00:00Z', lane: 'jobs', status: 'running', jobId: live }]);
    // A job Genesys has already forgotten counts as cancelled.
    await run('backfill', 'failed', [{ start: '2024-06-03T00:00:00Z', end: '2024-06-04T00:00:00Z', lane: 'jobs', status: 'failed', jobId: 'no-such-job' }]);
    const result = await cancelAbandonedJobs(handle.prisma, cancellers(), quiet);
    expect(result).toEqual({ cancelled: 2, failed: 0, left: 0 });
    expect(stateOf(sim.listJobs(), dead)).toMatchObject({ state: 'CANCELLED', deleted: true });
    expect(stateOf(sim.listJobs(), live)).toMatchObject({ state: 'QUEUED', deleted: false });
    expect((await handle.prisma.syncWindow.findUnique({ where: { windowId: deadWindow! } }))?.jobId).toBeNull();
    expect((await handle.prisma.syncWindow.findUnique({ where: { windowId: liveWindow! } }))?.jobId).toBe(live);
    expect(await cancelAbandonedJobs(handle.prisma, cancellers(), quiet)).toEqual({ cancelled: 0, failed: 0, left: 0 });
  });

  it('deletes a users details job through the users details jobs API, not the conversation one (where its id is unknown and a 404 would pass for done)', async () => {
    const conversations = await job();
    const users = await userJob();
    const windows = await run('backfill', 'interrupted', [
      { start: '2024-06-05T00:00:00Z', end: '2024-06-06T00:00:00Z', lane: 'jobs', status: 'done', stream: 'conversations', jobId: conversations },
      { start: '2024-06-06T00:00:00Z', end: '2024-06-07T00:00:00Z', lane: 'jobs', status: 'running', stream: 'agent-activity', jobId: users },
    ]);
    expect(stateOf(sim.listUserDetailsJobs(), users)?.state).toMatch(/QUEUED|PENDING/);
    // A run that reads only the conversations leaves the users details job named for one that reads agent activity.
    const conversationsOnly = new Map([...cancellers()].filter(([stream]) => stream === 'conversations'));
    expect(await cancelAbandonedJobs(handle.prisma, conversationsOnly, quiet)).toEqual({ cancelled: 1, failed: 0, left: 1 });
    expect(stateOf(sim.listUserDetailsJobs(), users)).toMatchObject({ deleted: false });
    expect(await cancelAbandonedJobs(handle.prisma, cancellers(), quiet)).toEqual({ cancelled: 1, failed: 0, left: 0 });
    expect(stateOf(sim.listJobs(), conversations)).toMatchObject({ state: 'CANCELLED', deleted: true });
    expect(stateOf(sim.listUserDetailsJobs(), users)).toMatchObject({ state: 'CANCELLED', deleted: true });
    const after = await handle.prisma.syncWindow.findMany({ where: { windowId: { in: windows } } });
    expect(after.map((w) => w.jobId)).toEqual([null, null]);
  });

  it('keeps a job named when its delete fails, and tries it again next run', async () => {
    const users = await userJob();
    const [window] = await run('backfill', 'interrupted', [{ start: '2024-06-07T00:00:00Z', end: '2024-06-08T00:00:00Z', lane: 'jobs', status: 'running', stream: 'agent-activity', jobId: users }]);
    const failing = new Map<string, JobCanceller>([['agent-activity', async () => Promise.reject(new Error('connection reset'))]]);
    expect(await cancelAbandonedJobs(handle.prisma, failing, quiet)).toEqual({ cancelled: 0, failed: 1, left: 0 });
    expect((await handle.prisma.syncWindow.findUniqueOrThrow({ where: { windowId: window! } })).jobId).toBe(users);
    expect(await cancelAbandonedJobs(handle.prisma, cancellers(), quiet)).toEqual({ cancelled: 1, failed: 0, left: 0 });
    expect(stateOf(sim.listUserDetailsJobs(), users)).toMatchObject({ state: 'CANCELLED', deleted: true });
  });
});

describe('days by lane', () => {
  it('days without attributes: touched by a finished query window of any run, of any age, not covered whole by a finished jobs window', async () => {
    await run('sync', 'succeeded', [
      { start: '2024-05-20T10:00:00Z', end: '2024-05-22T00:00:00Z', lane: 'query', status: 'done' },
      { start: '2024-05-22T00:00:00Z', end: '2024-05-22T09:00:00Z', lane: 'query', status: 'done_with_rejects' },
      { start: '2024-05-25T00:00:00Z', end: '2024-05-26T00:00:00Z', lane: 'query', status: 'failed' },
    ]);
    await run('backfill', 'succeeded', [{ start: '2024-05-10T00:00:00Z', end: '2024-05-12T00:00:00Z', lane: 'query', status: 'done' }]);
    await run('settle', 'succeeded', [{ start: '2024-05-20T12:00:00Z', end: '2024-05-22T00:00:00Z', lane: 'jobs', status: 'done' }]);
    // A backfill's jobs window that fell back to the query, years ago: owed too.
    await run('backfill', 'succeeded', [{ start: '2021-02-01T00:00:00Z', end: '2021-02-02T00:00:00Z', lane: 'query', status: 'done' }]);
    const d = (iso: string) => dayNumber(Date.parse(iso));
    // 05-20 is only partly covered by the settle (from 12:00), 05-21 whole; 05-25 failed (not read).
    expect(await findDaysWithoutAttributes(handle.prisma)).toEqual(
      ['2021-02-01', '2024-05-10', '2024-05-11', '2024-05-20', '2024-05-22'].map((day) => d(`${day}T00:00:00Z`)),
    );
    await run('backfill', 'succeeded', [{ start: '2021-01-31T00:00:00Z', end: '2021-02-03T00:00:00Z', lane: 'jobs', status: 'done' }]);
    expect(await findDaysWithoutAttributes(handle.prisma)).not.toContain(d('2021-02-01T00:00:00Z'));
  });
});
