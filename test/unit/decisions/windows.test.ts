import { describe, expect, it } from 'vitest';
import { daysTouched, isInWindow, planWindows, splitWindow, subtractCovered } from '../../../src/decisions/windows.ts';

const d = (iso: string) => new Date(iso);
const iso = (w: { start: Date; end: Date }) => `${w.start.toISOString()}/${w.end.toISOString()}`;

describe('planWindows', () => {
  it('cuts an interval on UTC midnights, the first window starting where the interval starts', () => {
    const windows = planWindows({ start: d('2025-01-01T10:00:00Z'), end: d('2025-01-04T06:00:00Z') }, 1);
    expect(windows.map(iso)).toEqual([
      '2025-01-01T10:00:00.000Z/2025-01-02T00:00:00.000Z',
      '2025-01-02T00:00:00.000Z/2025-01-03T00:00:00.000Z',
      '2025-01-03T00:00:00.000Z/2025-01-04T00:00:00.000Z',
      '2025-01-04T00:00:00.000Z/2025-01-04T06:00:00.000Z',
    ]);
  });

  it('never lets a window touch more days than allowed, and covers the interval without gaps', () => {
    const interval = { start: d('2025-01-01T13:30:00Z'), end: d('2025-02-12T01:00:00Z') };
    const windows = planWindows(interval, 7);
    expect(windows.every((w) => daysTouched(w) <= 7)).toBe(true);
    expect(windows[0]!.start).toEqual(interval.start);
    expect(windows.at(-1)!.end).toEqual(interval.end);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toEqual(windows[i - 1]!.end);
  });

  it('caps the window length at the 31 days the API allows for a filtered query', () => {
    const windows = planWindows({ start: d('2025-01-01T00:00:00Z'), end: d('2025-04-01T00:00:00Z') }, 90);
    expect(Math.max(...windows.map(daysTouched))).toBe(31);
  });
});

describe('splitWindow', () => {
  it('halves a multi-day window on a UTC midnight', () => {
    const halves = splitWindow({ start: d('2025-01-01T12:00:00Z'), end: d('2025-01-05T00:00:00Z') });
    expect(halves?.map(iso)).toEqual([
      '2025-01-01T12:00:00.000Z/2025-01-03T00:00:00.000Z',
      '2025-01-03T00:00:00.000Z/2025-01-05T00:00:00.000Z',
    ]);
  });

  it('refuses to split a window inside one day, since the API would return the whole day twice', () => {
    expect(splitWindow({ start: d('2025-01-01T01:00:00Z'), end: d('2025-01-01T23:00:00Z') })).toBeUndefined();
    expect(splitWindow({ start: d('2025-01-01T00:00:00Z'), end: d('2025-01-02T00:00:00Z') })).toBeUndefined();
  });
});

describe('isInWindow', () => {
  it('keeps starts in [start, end) and drops the rest of the day the API returns', () => {
    const w = { start: d('2025-01-01T12:00:00Z'), end: d('2025-01-02T00:00:00Z') };
    expect(isInWindow(d('2025-01-01T11:59:59.999Z').getTime(), w)).toBe(false);
    expect(isInWindow(d('2025-01-01T12:00:00Z').getTime(), w)).toBe(true);
    expect(isInWindow(d('2025-01-02T00:00:00Z').getTime(), w)).toBe(false);
  });
});

describe('subtractCovered', () => {
  it('returns only the parts not yet done', () => {
    const w = { start: d('2025-01-01T00:00:00Z'), end: d('2025-01-08T00:00:00Z') };
    const rest = subtractCovered(w, [
      { start: d('2025-01-01T00:00:00Z'), end: d('2025-01-03T00:00:00Z') },
      { start: d('2025-01-05T00:00:00Z'), end: d('2025-01-06T00:00:00Z') },
    ]);
    expect(rest.map(iso)).toEqual([
      '2025-01-03T00:00:00.000Z/2025-01-05T00:00:00.000Z',
      '2025-01-06T00:00:00.000Z/2025-01-08T00:00:00.000Z',
    ]);
    expect(subtractCovered(w, [w])).toEqual([]);
  });
});
