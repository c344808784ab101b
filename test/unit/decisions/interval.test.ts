import { describe, expect, it } from 'vitest';
import { resolveInterval } from '../../../src/decisions/interval.ts';
import { InvalidRequestError } from '../../../src/decisions/errors.ts';
import { DAY_MS, MINUTE_MS } from '../../../src/time.ts';

const now = new Date('2025-03-10T08:00:00Z');
const base = { now, lagMs: 2 * MINUTE_MS, defaultLookbackMs: 7 * DAY_MS };

describe('resolveInterval', () => {
  it('defaults to [now − lookback, now − lag)', () => {
    const i = resolveInterval(base);
    expect(i.end.toISOString()).toBe('2025-03-10T07:58:00.000Z');
    expect(i.start.toISOString()).toBe('2025-03-03T07:58:00.000Z');
  });

  it('takes --lookback as a duration', () => {
    const i = resolveInterval({ ...base, lookback: '36h' });
    expect(i.end.getTime() - i.start.getTime()).toBe(36 * 60 * MINUTE_MS);
  });

  it('takes --from/--to as UTC dates or zoned instants', () => {
    const i = resolveInterval({ ...base, from: '2025-01-01', to: '2025-01-02T06:00:00+02:00' });
    expect(i.start.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(i.end.toISOString()).toBe('2025-01-02T04:00:00.000Z');
  });

  it('refuses a huge --lookback or --from as a usage error naming the bound, not "Invalid time value"', () => {
    expect(() => resolveInterval({ ...base, lookback: '100000000d' })).toThrow(InvalidRequestError);
    expect(() => resolveInterval({ ...base, lookback: '100000000d' })).toThrow(/--lookback: "100000000d" is longer than one run may cover \(at most 3660d/);
    expect(() => resolveInterval({ ...base, lookback: '99999999999999999999w' })).toThrow(/--lookback/);
    expect(() => resolveInterval({ ...base, from: '0001-01-01' })).toThrow(/longer than one run may cover \(at most 3660 days/);
    expect(() => resolveInterval({ ...base, from: '0001-01-01', to: '2025-01-01' })).toThrow(InvalidRequestError);
    expect(resolveInterval({ ...base, lookback: '3660d' }).start.toISOString()).toBe('2015-03-03T07:58:00.000Z');
  });

  it('clamps an end in the future to now − lag', () => {
    const i = resolveInterval({ ...base, from: '2025-03-09', to: '2025-04-01' });
    expect(i.end.toISOString()).toBe('2025-03-10T07:58:00.000Z');
  });

  it.each([
    [{ from: '2025-01-05', to: '2025-01-01' }, /must be before/],
    [{ from: '2025-02-30' }, /--from: "2025-02-30" is not a date/],
    [{ from: 'yesterday' }, /--from: "yesterday"/],
    [{ from: '2025-01-01T10:00:00' }, /with a zone/],
    [{ to: '2025-01-01' }, /--to needs --from/],
    [{ lookback: 'a week' }, /--lookback: "a week"/],
    [{ lookback: '7d', from: '2025-01-01' }, /cannot be combined/],
  ])('rejects %j with a message naming the flag', (args, message) => {
    expect(() => resolveInterval({ ...base, ...args })).toThrow(InvalidRequestError);
    expect(() => resolveInterval({ ...base, ...args })).toThrow(message);
  });
});
