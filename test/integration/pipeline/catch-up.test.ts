import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRollingRun } from '../../../src/pipeline/rolling.ts';
import { DAY_MS, MINUTE_MS } from '../../../src/time.ts';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

/*
 * A rolling run with an injected "now", as the worker's tick composes it: plan the interval
 * from the ledger's coverage (planRollingRun), then runSync. The worker was "down" for twelve
 * days with a three-day lookback; its next tick covers the twelve days, so nothing is lost.
 */
describe('catch-up of a rolling run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 21, org: { agentCount: 8, days: 20, conversationsPerDay: 15 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const settings = { lagMs: 2 * MINUTE_MS, lookbackMs: 3 * DAY_MS, agentIds: [] as string[] };

  it('uses the lookback on the first tick, then catches up after an outage longer than the lookback', async () => {
    const now = new Date();
    const outageStart = new Date(now.getTime() - 12 * DAY_MS);
    const first = await planRollingRun(h.handle.prisma, { ...settings, now: outageStart });
    expect(first).toMatchObject({ caughtUp: false, capped: false, note: undefined, newestCoveredEnd: undefined });
    expect(first.interval.end.getTime() - first.interval.start.getTime()).toBe(3 * DAY_MS);
    const firstRun = await h.run({ interval: first.interval, catchUpFrom: first.catchUpFrom, windowDays: 1 });
    expect(firstRun.status).toBe('succeeded');

    const next = await planRollingRun(h.handle.prisma, { ...settings, now });
    expect(next.newestCoveredEnd).toEqual(first.interval.end);
    expect(next.interval.start).toEqual(first.interval.end);
    expect(next.interval.end).toEqual(new Date(now.getTime() - settings.lagMs));
    expect(next.caughtUp).toBe(true);
    expect(next.note).toMatch(/^catching up: covering 12 days \(/);
    const nextRun = await h.run({ interval: next.interval, catchUpFrom: next.catchUpFrom, windowDays: 7 });
    expect(nextRun.status).toBe('succeeded');

    expect(await h.storedIds()).toEqual(idsOf(h.sim.expected({ from: first.interval.start, to: next.interval.end })));
    const runs = await h.handle.prisma.syncRun.findMany({ orderBy: { startedAt: 'asc' }, select: { catchUpFrom: true } });
    expect(runs.map((r) => r.catchUpFrom)).toEqual([first.interval.start, first.interval.end]);
  });

  it('a run of several streams catches up to the stream that is furthest behind; a stream never synced does not pull it back', async () => {
    // The first test left conversations covered up to now − lag. Agent activity: covered only
    // until ten days ago (say its permission was missing since), and a stream with no coverage at all.
    const now = new Date();
    const behind = new Date(now.getTime() - 10 * DAY_MS);
    const activity = await h.run({ interval: { start: new Date(behind.getTime() - DAY_MS), end: behind }, streams: ['agent-activity'], explicitStreams: true, windowDays: 1 });
    expect(activity.status).toBe('succeeded');

    const conversationsOnly = await planRollingRun(h.handle.prisma, { ...settings, now, streams: ['conversations'] });
    expect(conversationsOnly.caughtUp).toBe(false);
    const both = await planRollingRun(h.handle.prisma, { ...settings, now, streams: ['conversations', 'agent-activity'] });
    expect(both).toMatchObject({ caughtUp: true, newestCoveredEnd: behind });
    expect(both.interval.start).toEqual(behind);
    expect(both.note).toMatch(/^catching up: covering 10 days \(/);
    const withNewStream = await planRollingRun(h.handle.prisma, { ...settings, now, streams: ['conversations', 'never-synced'] });
    expect(withNewStream.caughtUp).toBe(false);
  });
});
