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
});
