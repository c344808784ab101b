/**
 * The agent-activity stream's jobs lane end to end (docs/sync.md §17): backfills read through the
 * simulator's users details jobs over HTTP (create, poll, results by cursor in pages of 1,000,
 * delete) into a fresh migrated Postgres, through the real runner and writer; and what the lane
 * does when a job fails or its cursor ends early on a full page (the query lane reads the window).
 *
 * The simulated now is 2025-06-20 12:00 and the lake lags 36 h: the users details jobs'
 * data-availability date is 2025-06-19 00:00. Twenty-four agents make over a thousand statuses a
 * day, so even the jobs lane's first, one-day window (its windows ramp up: 1, 2, 3 days) has a
 * full results page of 1,000 and a cursor to follow.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LaneRunOptions } from '../../../src/pipeline/stream.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { expectedStatusRows, storedStatusRows, type StatusRow } from '../../helpers/agent-activity.ts';
import { startHarness, type Harness } from '../../helpers/harness.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const LAKE_LAG_MS = 36 * HOUR_MS;
const AVAILABILITY = new Date(NOW.getTime() - LAKE_LAG_MS);
const SIM = { seed: 11, org: { agentCount: 24, days: 12, conversationsPerDay: 10, now: NOW }, faults: { lakeLagMs: LAKE_LAG_MS, jobQueueMs: 20, jobMsPerThousand: 20 } };
const ACTIVITY = { streams: ['agent-activity'] as const, explicitStreams: true };
const day = (d: string) => new Date(`${d}T00:00:00Z`);

function jobsLanes(mode: 'jobs' | 'auto', jobWindowDays: number): LaneRunOptions {
  return { mode, availability: undefined, jobWindowDays, jobs: { maxConcurrentJobs: 2, maxAttempts: 2, timeoutMs: 20_000, pollInitialMs: 10, pollMaxMs: 40 } };
}

/** What a job read at the lake's horizon holds: a status still running then is open (no end). */
function asOfHorizon(rows: StatusRow[]): StatusRow[] {
  return rows.map((r) => (r.end !== null && Date.parse(r.end) > AVAILABILITY.getTime() ? { ...r, end: null } : r));
}

describe('agent-activity jobs lane', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SIM);
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    h.sim.setFaults({ jobResultsEnd: 'honest' });
    await h.handle.prisma.$executeRawUnsafe('TRUNCATE agent_presence, agent_routing_status, sync_runs CASCADE');
  });

  const windowsOf = (runId: string) => h.handle.prisma.syncWindow.findMany({ where: { runId }, orderBy: { windowStart: 'asc' } });
  const backfill = (start: Date, end: Date, lanes: LaneRunOptions) => h.run({ kind: 'backfill', interval: { start, end }, ...ACTIVITY, lanes });

  it('reads every window through one users details job (cursor pages), each status once with its end as of the lake, and deletes each job', async () => {
    const from = day('2025-06-14');
    const jobsBefore = h.sim.listUserDetailsJobs().length;
    const queriesBefore = h.sim.stats().requests.userActivity;
    const report = await backfill(from, AVAILABILITY, jobsLanes('jobs', 3));
    expect(report.status).toBe('succeeded');

    const windows = await windowsOf(report.runId);
    expect(windows.map((w) => [w.windowStart.toISOString().slice(0, 10), w.windowEnd.toISOString().slice(0, 10), w.lane, w.status, w.laneNote, w.jobId])).toEqual([
      ['2025-06-14', '2025-06-15', 'jobs', 'done', null, null],
      ['2025-06-15', '2025-06-17', 'jobs', 'done', null, null],
      ['2025-06-17', '2025-06-19', 'jobs', 'done', null, null],
    ]);
    // One job per window, each holding more than a results page of 1,000 statuses: every cursor was followed.
    const jobs = h.sim.listUserDetailsJobs().slice(jobsBefore);
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.deleted)).toBe(true);
    expect(Math.min(...jobs.map((j) => j.matches))).toBeGreaterThan(1000);
    expect(windows.map((w) => w.pages)).toEqual(jobs.map((j) => Math.ceil(j.matches / 1000)));

    const expected = asOfHorizon(expectedStatusRows(h.sim, from, AVAILABILITY));
    // Statuses crossing the windows' edges and midnight, and statuses the lake saw still open.
    const crossing = expected.filter((r) => r.end !== null && r.start.slice(0, 10) !== r.end.slice(0, 10));
    expect(crossing.length).toBeGreaterThan(50);
    expect(crossing.some((r) => r.end!.startsWith('2025-06-15') || r.end!.startsWith('2025-06-17'))).toBe(true);
    expect(expected.filter((r) => r.end === null).length).toBeGreaterThan(0);
    expect(await storedStatusRows(h.handle.prisma)).toEqual(expected);
    // Every window went through jobs: create, polls, results pages and delete; no users details query page.
    expect(h.sim.stats().requests.userActivity - queriesBefore).toBeLessThan(3 * 20);

    // A later query read of the days after the horizon closes the statuses the job left open.
    const later = await h.run({ interval: { start: AVAILABILITY, end: new Date('2025-06-20T06:00:00Z') }, windowDays: 1, ...ACTIVITY });
    expect(later.status).toBe('succeeded');
    expect(await storedStatusRows(h.handle.prisma)).toEqual(expectedStatusRows(h.sim, from, new Date('2025-06-20T06:00:00Z')));
  });

  it('auto: jobs before the data-availability date, the query after it', async () => {
    const from = day('2025-06-16');
    const to = new Date('2025-06-20T06:00:00Z');
    const report = await backfill(from, to, jobsLanes('auto', 7));
    expect(report.status).toBe('succeeded');
    const windows = await windowsOf(report.runId);
    expect(windows.map((w) => [w.windowStart.toISOString(), w.lane])).toEqual([
      ['2025-06-16T00:00:00.000Z', 'jobs'],
      ['2025-06-17T00:00:00.000Z', 'jobs'],
      [AVAILABILITY.toISOString(), 'query'],
    ]);
    expect(windows.every((w) => w.status === 'done' && w.laneNote === null)).toBe(true);
    // The query window after the horizon brings the end of every status the job saw open.
    expect(await storedStatusRows(h.handle.prisma)).toEqual(expectedStatusRows(h.sim, from, to));
  });

  it('a job that fails every attempt: the window is read by the query lane, saying why', async () => {
    h.sim.queueUserDetailsJobFaults(['fail', 'expire']);
    const from = day('2025-06-13');
    const to = day('2025-06-14');
    const report = await backfill(from, to, jobsLanes('jobs', 1));
    expect(report.status).toBe('succeeded');
    expect(report.laneFallbacks).toBe(1);
    const [window] = await windowsOf(report.runId);
    expect(window).toMatchObject({ lane: 'query', status: 'done', jobId: null });
    expect(window!.laneNote).toMatch(/users details job failed 2 time\(s\).*EXPIRED/);
    // Read through the query: the full truth, ends after the lake's horizon included.
    expect(await storedStatusRows(h.handle.prisma)).toEqual(expectedStatusRows(h.sim, from, to));
  });

  it('a cursor that ends early on a full page is no end: the job counts as failed, and the query lane reads the window', async () => {
    // The first results page comes back full and without a cursor although more results exist.
    h.sim.setFaults({ jobResultsEnd: 'cursor' });
    const from = day('2025-06-12');
    const to = day('2025-06-13');
    const jobsBefore = h.sim.listUserDetailsJobs().length;
    const report = await backfill(from, to, jobsLanes('jobs', 1));
    expect(report.status).toBe('succeeded');
    const [window] = await windowsOf(report.runId);
    expect(window).toMatchObject({ lane: 'query', status: 'done' });
    expect(window!.laneNote).toMatch(/ended without a cursor on a full page/);
    // Both attempts were deleted once found wanting.
    const jobs = h.sim.listUserDetailsJobs().slice(jobsBefore);
    expect(jobs.map((j) => j.deleted)).toEqual([true, true]);
    expect(await storedStatusRows(h.handle.prisma)).toEqual(expectedStatusRows(h.sim, from, to));
  });
});
