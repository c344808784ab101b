import { describe, expect, it } from 'vitest';
import { dayNumber, planSettling } from '../../../src/decisions/settling.ts';

const d = (iso: string) => dayNumber(Date.parse(`${iso}T00:00:00Z`));
const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => d(from) + i);
const show = (ws: ReturnType<typeof planSettling>) => ws.map((w) => `${w.start.toISOString().slice(0, 10)}..${w.end.toISOString().slice(0, 10)}`);

describe('planSettling', () => {
  const availability = new Date('2025-03-10T06:00:00Z');

  it('settles query-read days whose end the availability date has passed, in one job for consecutive days', () => {
    const plan = planSettling({ queryReadDays: days('2025-03-03', 8), settledDays: new Set(), availability, maxDays: 31, maxWindowDays: 31 });
    expect(show(plan)).toEqual(['2025-03-03..2025-03-10']); // March 10 is not whole in the lake yet
  });

  it('skips days already settled (by settling or a jobs backfill) and splits around them', () => {
    const plan = planSettling({ queryReadDays: days('2025-03-03', 7), settledDays: new Set([d('2025-03-05'), d('2025-03-06')]), availability, maxDays: 31, maxWindowDays: 31 });
    expect(show(plan)).toEqual(['2025-03-03..2025-03-05', '2025-03-07..2025-03-10']);
  });

  it('takes the most recent days first when bounded per tick, and cuts jobs at maxWindowDays', () => {
    expect(show(planSettling({ queryReadDays: days('2025-03-01', 9), settledDays: new Set(), availability, maxDays: 3, maxWindowDays: 31 }))).toEqual(['2025-03-07..2025-03-10']);
    expect(show(planSettling({ queryReadDays: days('2025-03-01', 9), settledDays: new Set(), availability, maxDays: 9, maxWindowDays: 4 }))).toEqual([
      '2025-03-01..2025-03-05',
      '2025-03-05..2025-03-09',
      '2025-03-09..2025-03-10',
    ]);
  });

  it('does nothing when every query-read day is settled or too recent', () => {
    expect(planSettling({ queryReadDays: [d('2025-03-10'), d('2025-03-11')], settledDays: new Set(), availability, maxDays: 7, maxWindowDays: 31 })).toEqual([]);
    expect(planSettling({ queryReadDays: [d('2025-03-01')], settledDays: new Set([d('2025-03-01')]), availability, maxDays: 7, maxWindowDays: 31 })).toEqual([]);
  });
});

