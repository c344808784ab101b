import { describe, expect, it } from 'vitest';
import { resolveRollingInterval } from '../../../src/decisions/interval.ts';
import { DAY_MS, MINUTE_MS } from '../../../src/time.ts';

const now = new Date('2025-03-20T08:00:00Z');
const end = '2025-03-20T07:58:00.000Z';
const base = { now, lagMs: 2 * MINUTE_MS, lookbackMs: 3 * DAY_MS };
const daysAgo = (d: number) => new Date(now.getTime() - 2 * MINUTE_MS - d * DAY_MS);

describe('resolveRollingInterval', () => {
  it('uses the lookback on the first run ever (no coverage)', () => {
    const r = resolveRollingInterval(base);
    expect(r.interval.end.toISOString()).toBe(end);
    expect(r.interval.start.toISOString()).toBe('2025-03-17T07:58:00.000Z');
    expect(r).toMatchObject({ caughtUp: false, capped: false });
    expect(r.catchUpFrom).toEqual(r.interval.start);
  });

  it('uses the lookback when coverage reaches into it', () => {
    const r = resolveRollingInterval({ ...base, newestCoveredEnd: daysAgo(1) });
    expect(r.interval.start).toEqual(daysAgo(3));
    expect(r.caughtUp).toBe(false);
  });

  it('starts where coverage ended when that is older than the lookback (down for 14 days)', () => {
    const r = resolveRollingInterval({ ...base, newestCoveredEnd: new Date('2025-03-06T00:00:00Z') });
    expect(r.interval.start.toISOString()).toBe('2025-03-06T00:00:00.000Z');
    expect(r.interval.end.toISOString()).toBe(end);
    expect(r).toMatchObject({ caughtUp: true, capped: false });
    expect(r.catchUpFrom.toISOString()).toBe('2025-03-06T00:00:00.000Z');
  });

  it('keeps the most recent part when SYNC_MAX_CATCH_UP cuts the catch-up', () => {
    const r = resolveRollingInterval({ ...base, newestCoveredEnd: daysAgo(14), maxCatchUpMs: 10 * DAY_MS });
    expect(r.interval.end.toISOString()).toBe(end);
    expect(r.interval.start).toEqual(daysAgo(10));
    expect(r.catchUpFrom).toEqual(daysAgo(14));
    expect(r).toMatchObject({ caughtUp: true, capped: true });
  });

  it('is not capped when the catch-up fits in SYNC_MAX_CATCH_UP', () => {
    const r = resolveRollingInterval({ ...base, newestCoveredEnd: daysAgo(5), maxCatchUpMs: 10 * DAY_MS });
    expect(r.interval.start).toEqual(daysAgo(5));
    expect(r.capped).toBe(false);
  });

  it('never cuts the lookback itself with a cap shorter than it', () => {
    const r = resolveRollingInterval({ ...base, newestCoveredEnd: daysAgo(14), maxCatchUpMs: DAY_MS });
    expect(r.interval.start).toEqual(daysAgo(3));
    expect(r).toMatchObject({ caughtUp: true, capped: true });
    const fresh = resolveRollingInterval({ ...base, maxCatchUpMs: DAY_MS });
    expect(fresh.interval.start).toEqual(daysAgo(3));
    expect(fresh.capped).toBe(false);
  });
});
