import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/decisions/errors.ts';
import { evenJobWindowDays, isLaneMode, planJobWindows, planLaneRun, splitByLane } from '../../../src/decisions/lanes.ts';

const d = (iso: string) => new Date(iso);
const range = { start: d('2025-01-01T00:00:00Z'), end: d('2025-03-01T00:00:00Z') };
const show = (spans: ReturnType<typeof splitByLane>) => spans.map((s) => `${s.lane} ${s.interval.start.toISOString().slice(0, 13)}..${s.interval.end.toISOString().slice(0, 13)}`);

describe('splitByLane', () => {
  it('query: the whole range through the query, no availability needed', () => {
    expect(show(splitByLane(range, 'query', undefined))).toEqual(['query 2025-01-01T00..2025-03-01T00']);
  });

  it('auto: whole days before the availability date through jobs, the rest through the query', () => {
    expect(show(splitByLane(range, 'auto', d('2025-02-10T07:30:00Z')))).toEqual([
      'jobs 2025-01-01T00..2025-02-10T00',
      'query 2025-02-10T00..2025-03-01T00',
    ]);
  });

  it('auto: all jobs when the lake covers the range, all query when it covers none of it', () => {
    expect(show(splitByLane(range, 'auto', d('2025-03-05T00:00:00Z')))).toEqual(['jobs 2025-01-01T00..2025-03-01T00']);
    expect(show(splitByLane(range, 'auto', d('2024-12-31T23:00:00Z')))).toEqual(['query 2025-01-01T00..2025-03-01T00']);
    // The availability date's own day is not complete in the lake: it goes through the query.
    expect(show(splitByLane(range, 'auto', d('2025-01-01T18:00:00Z')))).toEqual(['query 2025-01-01T00..2025-03-01T00']);
  });

  it('jobs: accepted up to the availability date, refused past it with a usage error naming both dates', () => {
    expect(show(splitByLane(range, 'jobs', d('2025-03-01T00:00:00Z')))).toEqual(['jobs 2025-01-01T00..2025-03-01T00']);
    const refuse = () => splitByLane(range, 'jobs', d('2025-02-10T07:30:00Z'));
    expect(refuse).toThrow(InvalidRequestError);
    expect(refuse).toThrow(/2025-03-01T00:00:00.000Z.*2025-02-10T07:30:00.000Z.*--lane auto/s);
  });

  it('knows its modes', () => {
    expect(['auto', 'jobs', 'query', 'Jobs', ''].map(isLaneMode)).toEqual([true, true, true, false, false]);
  });
});

describe('planLaneRun', () => {
  const base = { agentIds: [], agentGroupSize: 25, queryWindowDays: 1, jobWindowDays: 31 };

  it('cuts jobs windows (a ramp, then up to jobWindowDays) and query windows of queryWindowDays, each tagged with its lane', () => {
    const plan = planLaneRun({ ...base, interval: range, mode: 'auto', availability: d('2025-02-25T10:00:00Z') });
    const jobs = plan.filter((w) => w.lane === 'jobs');
    const query = plan.filter((w) => w.lane === 'query');
    // 55 days: 1 + 2 + 3 + 5 + 8 + 12 + 18 days, then the 6 left.
    expect(jobs.map((w) => [w.start.toISOString().slice(0, 10), w.end.toISOString().slice(0, 10)])).toEqual([
      ['2025-01-01', '2025-01-02'],
      ['2025-01-02', '2025-01-04'],
      ['2025-01-04', '2025-01-07'],
      ['2025-01-07', '2025-01-12'],
      ['2025-01-12', '2025-01-20'],
      ['2025-01-20', '2025-02-01'],
      ['2025-02-01', '2025-02-19'],
      ['2025-02-19', '2025-02-25'],
    ]);
    expect(query).toHaveLength(4); // Feb 25, 26, 27, 28
    expect(query.every((w) => w.end.getTime() - w.start.getTime() === 86_400_000)).toBe(true);
  });

  it('ramps jobs windows up from one day, cut on UTC midnights, then evens out the rest', () => {
    const days = (ws: Array<{ start: Date; end: Date }>) => ws.map((w) => (w.end.getTime() - w.start.getTime()) / 86_400_000);
    const from = (n: number) => ({ start: d('2025-01-01T00:00:00Z'), end: new Date(Date.parse('2025-01-01T00:00:00Z') + n * 86_400_000) });
    expect(days(planJobWindows(from(44), 31))).toEqual([1, 2, 3, 5, 8, 12, 13]);
    expect(days(planJobWindows(from(100), 31))).toEqual([1, 2, 3, 5, 8, 12, 18, 27, 24]);
    expect(days(planJobWindows(from(5), 31))).toEqual([1, 2, 2]);
    expect(days(planJobWindows(from(10), 3))).toEqual([1, 2, 3, 3, 1]);
    expect(days(planJobWindows(from(3), 1))).toEqual([1, 1, 1]);
    // A range starting mid-day: the first window ends at the next midnight, and the windows tile the range.
    const mid = planJobWindows({ start: d('2025-01-01T15:00:00Z'), end: d('2025-01-09T06:00:00Z') }, 31);
    expect(mid.map((w) => w.start.toISOString().slice(5, 13))).toEqual(['01-01T15', '01-02T00', '01-04T00', '01-07T00']);
    expect(mid.at(-1)!.end.toISOString()).toBe('2025-01-09T06:00:00.000Z');
  });

  it('evens out jobs windows without adding jobs', () => {
    const span = (days: number) => ({ start: d('2025-01-01T00:00:00Z'), end: new Date(Date.parse('2025-01-01T00:00:00Z') + days * 86_400_000) });
    expect([10, 31, 32, 44, 62, 63, 93].map((n) => evenJobWindowDays(span(n), 31))).toEqual([10, 31, 16, 22, 31, 21, 31]);
    expect(evenJobWindowDays(span(44), 7)).toBe(7);
  });

  it('ramps up again from where a resumed backfill stopped, not from the start of its range', () => {
    // The first three ramp windows (1 + 2 + 3 days) were done; the rest starts over at one day.
    const done = new Map([['all', [{ start: d('2025-01-01T00:00:00Z'), end: d('2025-01-07T00:00:00Z') }]]]);
    const plan = planLaneRun({ ...base, interval: range, mode: 'jobs', availability: d('2025-04-01T00:00:00Z'), done });
    expect(plan.map((w) => `${w.start.toISOString().slice(5, 10)}..${w.end.toISOString().slice(5, 10)}`).slice(0, 3)).toEqual(['01-07..01-08', '01-08..01-10', '01-10..01-13']);
    expect(plan.at(-1)!.end.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    // With agent groups, from the earliest point any group still has to read.
    const groups = { ...base, agentIds: ['a', 'b'], agentGroupSize: 1 };
    const partly = new Map([['agents:a', [{ start: d('2025-01-01T00:00:00Z'), end: d('2025-01-07T00:00:00Z') }]], ['agents:b', [{ start: d('2025-01-01T00:00:00Z'), end: d('2025-01-04T00:00:00Z') }]]]);
    const keys = planLaneRun({ ...groups, interval: range, mode: 'jobs', availability: d('2025-04-01T00:00:00Z') }).map((w) => w.scopeKey);
    expect(new Set(keys)).toEqual(new Set(['agents:a', 'agents:b']));
    const resumed = planLaneRun({ ...groups, interval: range, mode: 'jobs', availability: d('2025-04-01T00:00:00Z'), done: partly });
    expect(resumed.filter((w) => w.scopeKey === 'agents:b')[0]!.start.toISOString()).toBe('2025-01-04T00:00:00.000Z');
    expect(resumed.filter((w) => w.scopeKey === 'agents:a')[0]!.start.toISOString()).toBe('2025-01-07T00:00:00.000Z');
    // Everything done: nothing to plan.
    const all = new Map([['all', [range]]]);
    expect(planLaneRun({ ...base, interval: range, mode: 'jobs', availability: d('2025-04-01T00:00:00Z'), done: all })).toEqual([]);
  });

  it('leaves out what earlier runs finished, whatever lane they used', () => {
    const done = new Map([['all', [{ start: d('2025-01-01T00:00:00Z'), end: d('2025-01-20T00:00:00Z') }]]]);
    const plan = planLaneRun({ ...base, interval: range, mode: 'jobs', availability: d('2025-04-01T00:00:00Z'), done });
    expect(plan.map((w) => `${w.lane} ${w.start.toISOString().slice(0, 10)}`)).toEqual(['jobs 2025-01-20', 'jobs 2025-01-21', 'jobs 2025-01-23', 'jobs 2025-01-26', 'jobs 2025-01-31', 'jobs 2025-02-08', 'jobs 2025-02-20']);
  });
});
