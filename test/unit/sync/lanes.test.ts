import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/sync/errors.ts';
import { evenJobWindowDays, isLaneMode, planLaneRun, splitByLane } from '../../../src/sync/lanes.ts';

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

  it('cuts jobs windows of up to jobWindowDays and query windows of queryWindowDays, each tagged with its lane', () => {
    const plan = planLaneRun({ ...base, interval: range, mode: 'auto', availability: d('2025-02-25T10:00:00Z') });
    const jobs = plan.filter((w) => w.lane === 'jobs');
    const query = plan.filter((w) => w.lane === 'query');
    // 55 days: two jobs of even length (28 + 27), not 31 + 24.
    expect(jobs.map((w) => [w.start.toISOString().slice(0, 10), w.end.toISOString().slice(0, 10)])).toEqual([
      ['2025-01-01', '2025-01-29'],
      ['2025-01-29', '2025-02-25'],
    ]);
    expect(query).toHaveLength(4); // Feb 25, 26, 27, 28
    expect(query.every((w) => w.end.getTime() - w.start.getTime() === 86_400_000)).toBe(true);
  });

  it('evens out jobs windows without adding jobs', () => {
    const span = (days: number) => ({ start: d('2025-01-01T00:00:00Z'), end: new Date(Date.parse('2025-01-01T00:00:00Z') + days * 86_400_000) });
    expect([10, 31, 32, 44, 62, 63, 93].map((n) => evenJobWindowDays(span(n), 31))).toEqual([10, 31, 16, 22, 31, 21, 31]);
    expect(evenJobWindowDays(span(44), 7)).toBe(7);
  });

  it('leaves out what earlier runs finished, whatever lane they used', () => {
    const done = new Map([['all', [{ start: d('2025-01-01T00:00:00Z'), end: d('2025-01-20T00:00:00Z') }]]]);
    const plan = planLaneRun({ ...base, interval: range, mode: 'jobs', availability: d('2025-04-01T00:00:00Z'), done });
    expect(plan.map((w) => `${w.lane} ${w.start.toISOString().slice(0, 10)}`)).toEqual(['jobs 2025-01-20', 'jobs 2025-01-31']);
  });
});
