/**
 * The agent-activity stream end to end: the simulator's users details API over HTTP (statuses
 * spanning midnight and window edges, open statuses, short pages, approximate totalHits, 403 on
 * demand) into a fresh migrated Postgres, through the real runner and writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.ts';
import { exitCodeFor } from '../../../src/commands/sync.ts';
import { buildPlan } from '../../../src/pipeline/dry-run.ts';
import { STREAM_MAX_WINDOW_DAYS, streamJobsAvailability } from '../../../src/streams/index.ts';
import { expectedStatusRows, storedStatusRows } from '../../helpers/agent-activity.ts';
import { readStatus } from '../../../src/pipeline/status.ts';
import { formatStatus } from '../../../src/present/status.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const SIM = { seed: 11, org: { agentCount: 8, days: 12, conversationsPerDay: 10, now: NOW } };
const interval = { start: new Date('2025-06-13T00:00:00Z'), end: new Date('2025-06-20T06:00:00Z') };
const ACTIVITY = { streams: ['agent-activity'] as const, explicitStreams: true };

const expectedRows = expectedStatusRows;
const storedRows = (h: Harness) => storedStatusRows(h.handle.prisma);

describe('agent-activity stream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SIM);
  });
  afterAll(async () => h?.close());

  it('stores every status overlapping the interval once, those crossing window edges with their end', async () => {
    // One-day windows: every night's OFFLINE and every night shift crosses a window edge.
    const report = await h.run({ interval, windowDays: 1, pageSize: 25, ...ACTIVITY });
    expect(report.status).toBe('succeeded');
    const expected = expectedRows(h.sim, interval.start, interval.end);
    expect(expected.length).toBeGreaterThan(500);
    const crossing = expected.filter((r) => r.end !== null && r.start.slice(0, 10) !== r.end.slice(0, 10));
    expect(crossing.length).toBeGreaterThan(10);
    expect(expected.some((r) => r.end === null)).toBe(false); // the interval ends before now: every status is closed
    expect(await storedRows(h)).toEqual(expected);
    const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId } });
    expect(windows.every((w) => w.stream === 'agent-activity' && w.status === 'done')).toBe(true);
  });

  it('counts nothing twice in agent_status_time: at most a day per agent and day, a whole day for agents at work all day', async () => {
    const days = await h.handle.prisma.$queryRawUnsafe<Array<{ seconds: number }>>(`
      SELECT sum(seconds)::float8 AS seconds FROM agent_status_time
       WHERE kind = 'presence' AND day >= '2025-06-13' AND day < '2025-06-20' GROUP BY user_id, day`);
    expect(days.length).toBeGreaterThan(20);
    expect(Math.max(...days.map((d) => d.seconds))).toBeLessThanOrEqual(86_400);
    // Presence is one continuous timeline: an agent still employed has every second of every day.
    expect(days.filter((d) => d.seconds === 86_400).length).toBeGreaterThan(days.length / 2);
  });

  it('keeps the history of deleted and inactive agents, joined to agents', async () => {
    const states = await h.handle.prisma.$queryRawUnsafe<Array<{ state: string | null }>>(`
      SELECT DISTINCT a.state FROM agent_presence p JOIN agents a ON a.user_id = p.user_id`);
    // The conversation stream was not run: the agents table is filled by the names refresh of any run.
    expect(states.map((s) => s.state).sort()).toEqual(expect.arrayContaining(['active']));
    const orphans = await h.handle.prisma.$queryRawUnsafe<Array<{ n: number }>>(`
      SELECT count(*)::int AS n FROM agent_presence p WHERE NOT EXISTS (SELECT 1 FROM agents a WHERE a.user_id = p.user_id)`);
    expect(orphans[0]!.n).toBe(0);
  });

  it('names every organization presence from presence_definitions, deactivated ones kept', async () => {
    const defs = await h.handle.prisma.presenceDefinition.findMany();
    expect(defs.length).toBe(h.sim.presences.length);
    expect(defs.filter((d) => d.deactivated).map((d) => d.presenceId)).toEqual(h.sim.presences.filter((p) => p.deactivated).map((p) => p.id));
    const unnamed = await h.handle.prisma.$queryRawUnsafe<Array<{ n: number }>>(`
      SELECT count(*)::int AS n FROM agent_presence p
       WHERE p.organization_presence_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM presence_definitions d WHERE d.presence_id = p.organization_presence_id)`);
    expect(unnamed[0]!.n).toBe(0);
  });

  it('cuts the windows of the stream to the 7 days the unfiltered users query allows', async () => {
    const report = await h.run({ interval, windowDays: 31, ...ACTIVITY });
    expect(report.status).toBe('succeeded');
    const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId } });
    expect(windows.length).toBe(2);
    expect(windows.every((w) => w.windowEnd.getTime() - w.windowStart.getTime() <= 7 * 86_400_000)).toBe(true);
  });
});

describe('agent-activity completeness against a lying totalHits and short pages', () => {
  for (const bias of [-0.8, 0.8]) {
    it(`stores every status when totalHits is ${bias < 0 ? 'too low' : 'too high'} (bias ${bias})`, async () => {
      const h = await startHarness(SIM);
      try {
        h.sim.setFaults({ userDetailsTotalHitsBias: bias });
        const report = await h.run({ interval, windowDays: 2, pageSize: 10, ...ACTIVITY });
        expect(report.status).toBe('succeeded');
        expect(await storedRows(h)).toEqual(expectedRows(h.sim, interval.start, interval.end));
      } finally {
        await h.close();
      }
    });
  }
});

const REFUSALS = [
  { status: 403, fault: { userDetailsForbidden: true }, names: 'analytics:userDetail:view', not: 'no POST' },
  { status: 404, fault: { userDetailsNotFound: true }, names: 'no POST /api/v2/analytics/users/details/query for this org or region (404)', not: 'analytics:userDetail:view' },
] as const;

for (const refusal of REFUSALS) {
  describe(`agent-activity refused (${refusal.status})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(SIM);
      h.sim.setFaults(refusal.fault);
    });
    afterAll(async () => h?.close());

    it('fails the run, naming what is missing, when the stream was asked for', async () => {
      const report = await h.run({ interval, ...ACTIVITY });
      expect(report.status).toBe('failed');
      expect(exitCodeFor(report)).toBe(1);
      expect(report.failures[0]?.error).toContain(refusal.names);
      expect(report.failures[0]?.error).not.toContain(refusal.not);
    });

    it('warns, records the warning, syncs conversations as before, and status shows it, when the stream is only on by default', async () => {
      const report = await h.run({ interval, streams: ['conversations', 'agent-activity'], explicitStreams: false });
      expect(report.status).toBe('succeeded');
      expect(exitCodeFor(report)).toBe(0);
      expect(report.warnings.join(' ')).toContain(refusal.names);
      expect(report.warnings.join(' ')).not.toContain(refusal.not);
      expect(report.streams.map((s) => s.stream)).toEqual(['conversations']);
      expect((await h.storedIds()).length).toBeGreaterThan(0);
      const run = await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: report.runId } });
      expect(run.warnings).toEqual(report.warnings);
      const status = await readStatus(h.handle.prisma, {
        now: new Date(), limit: 1, maxAgeMs: 100 * 365 * 86_400_000,
        worker: { agentIds: [], lookbackMs: 86_400_000, lagMs: 0, streams: ['conversations', 'agent-activity'] },
        streams: ['conversations', 'agent-activity'],
      });
      expect(status.runWarnings.map((w) => w.warning)).toEqual(report.warnings);
      expect(formatStatus(status)).toContain(`warning (run ${report.runId.slice(0, 8)}`);
      expect(status.coverage.map((c) => c.stream)).toEqual(['conversations', 'agent-activity']);
      expect(status.coverage[1]).toMatchObject({ stream: 'agent-activity', covered: [], holes: [] });
      expect(status.freshness.streams[1]).toEqual({ stream: 'agent-activity', newestRecordStart: null, newestCoveredEnd: null });
    });
  });
}

describe('agent-activity lanes on the default backfill path (BACKFILL_LANE=auto, both streams by default)', () => {
  const JOBS = { maxConcurrentJobs: 2, maxAttempts: 2, timeoutMs: 20_000, pollInitialMs: 10, pollMaxMs: 40 };
  const auto = { mode: 'auto' as const, availability: undefined, jobWindowDays: 7, jobs: JOBS };

  it('reads history before the users details jobs availability date through jobs and the rest through the query, each stream cut at its own date', async () => {
    const h = await startHarness({ ...SIM, faults: { jobQueueMs: 5, lakeLagMs: 4 * 86_400_000, userDetailsLakeLagMs: 2 * 86_400_000 } });
    try {
      const usersDate = new Date(NOW.getTime() - 2 * 86_400_000);
      const conversationsDate = new Date(NOW.getTime() - 4 * 86_400_000);
      // The dry run plans each stream's lanes at that stream's own date, as the run below does.
      const client = h.client();
      const plan = await buildPlan(
        h.handle.prisma,
        { kind: 'backfill', interval, agentIds: [], agentGroupSize: 50, windowDays: 1, pageSize: 100, resume: true, lanes: { mode: 'auto', availability: undefined, jobWindowDays: 7 }, streams: ['conversations', 'agent-activity'], maxWindowDays: STREAM_MAX_WINDOW_DAYS, ownAvailability: streamJobsAvailability(client) },
        () => client.getDetailsJobsAvailability(),
      );
      const report = await h.run({ kind: 'backfill', interval, windowDays: 1, streams: ['conversations', 'agent-activity'], explicitStreams: false, lanes: auto });
      expect(report.status).toBe('succeeded');
      expect(report.laneFallbacks).toBe(0);
      const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId, parentWindowId: null }, orderBy: { windowStart: 'asc' } });
      for (const [stream, date] of [['agent-activity', usersDate], ['conversations', conversationsDate]] as const) {
        const mine = windows.filter((w) => w.stream === stream);
        const jobs = mine.filter((w) => w.lane === 'jobs');
        const query = mine.filter((w) => w.lane === 'query');
        expect(jobs.length, stream).toBeGreaterThan(0);
        expect(query.length, stream).toBeGreaterThan(0);
        expect(jobs.length + query.length).toBe(mine.length);
        expect(jobs.every((w) => w.windowEnd <= date), stream).toBe(true);
        expect(query.every((w) => w.windowStart >= new Date(Math.floor(date.getTime() / 86_400_000) * 86_400_000)), stream).toBe(true);
        const planned = plan.windows.filter((w) => w.scopeKey.startsWith(`${stream} `));
        expect(planned.map((w) => [w.lane, w.start, w.end]), stream).toEqual(mine.map((w) => [w.lane, w.windowStart, w.windowEnd]));
      }
      expect(await storedRows(h)).toEqual(expectedRows(h.sim, interval.start, interval.end));
    } finally {
      await h.close();
    }
  });
});
