/**
 * The agent-activity stream end to end: the simulator's users details API over HTTP (statuses
 * spanning midnight and window edges, open statuses, short pages, approximate totalHits, 403 on
 * demand) into a fresh migrated Postgres, through the real runner and writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.ts';
import { exitCodeFor } from '../../../src/commands/sync.ts';
import { expectedStatusRows, storedStatusRows } from '../../helpers/agent-activity.ts';

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

describe('agent-activity permission (403)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SIM);
    h.sim.setFaults({ userDetailsForbidden: true });
  });
  afterAll(async () => h?.close());

  it('fails the run naming analytics:userDetail:view when the stream was asked for', async () => {
    const report = await h.run({ interval, ...ACTIVITY });
    expect(report.status).toBe('failed');
    expect(exitCodeFor(report)).toBe(1);
    expect(report.failures[0]?.error).toContain('analytics:userDetail:view');
  });

  it('warns, records the warning and syncs conversations as before when the stream is only on by default', async () => {
    const report = await h.run({ interval, streams: ['conversations', 'agent-activity'], explicitStreams: false });
    expect(report.status).toBe('succeeded');
    expect(report.warnings.join(' ')).toContain('analytics:userDetail:view');
    expect(report.streams.map((s) => s.stream)).toEqual(['conversations']);
    expect((await h.storedIds()).length).toBeGreaterThan(0);
    const run = await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: report.runId } });
    expect(run.warnings.join(' ')).toContain('analytics:userDetail:view');
  });
});
