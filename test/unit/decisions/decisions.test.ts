import { describe, expect, it } from 'vitest';
import { decideRunOutcome, finishedWindowStatus } from '../../../src/decisions/outcome.ts';
import { planSplit } from '../../../src/decisions/split.ts';

const at = (day: number, hour = 0) => new Date(Date.UTC(2025, 5, day, hour));

describe('planSplit', () => {
  it('halves a window of several days on a UTC midnight, keeping the scope', () => {
    expect(planSplit({ kind: 'all' }, { start: at(1, 6), end: at(5) })).toEqual({
      by: 'days',
      parts: [
        { scope: { kind: 'all' }, window: { start: at(1, 6), end: at(3) } },
        { scope: { kind: 'all' }, window: { start: at(3), end: at(5) } },
      ],
    });
  });

  it('halves the agent group of a single day, and gives up on one agent on one day', () => {
    const day = { start: at(2), end: at(3) };
    expect(planSplit({ kind: 'agents', userIds: ['a', 'b', 'c'] }, day)).toEqual({
      by: 'agents',
      parts: [
        { scope: { kind: 'agents', userIds: ['a', 'b'] }, window: day },
        { scope: { kind: 'agents', userIds: ['c'] }, window: day },
      ],
    });
    expect(planSplit({ kind: 'agents', userIds: ['a'] }, day)).toBeUndefined();
    expect(planSplit({ kind: 'all' }, day)).toBeUndefined();
  });
});

describe('decideRunOutcome', () => {
  const clean = { windowFailures: 0, recordsRejected: 0, interrupted: false };

  it('succeeds when nothing failed', () => {
    expect(decideRunOutcome(clean)).toEqual({ status: 'succeeded' });
  });

  it('fails on a failed window, a quarantined record or an error outside the windows, naming each', () => {
    const outcome = decideRunOutcome({
      ...clean,
      windowFailures: 2,
      firstWindowFailure: 'all 2025-06-01/2025-06-02: 503',
      recordsRejected: 1,
      firstReject: 'conversation c-9 (page 2): participants.0.purpose: required',
      runError: 'agents refresh failed: 500',
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(
      'agents refresh failed: 500; 2 window(s) failed; first: all 2025-06-01/2025-06-02: 503; ' +
        '1 record(s) quarantined in sync_rejects; first: conversation c-9 (page 2): participants.0.purpose: required',
    );
  });

  it('is interrupted when a stop signal cut it short and nothing failed; a failure still wins', () => {
    expect(decideRunOutcome({ ...clean, interrupted: true })).toEqual({ status: 'interrupted', error: 'interrupted by a stop signal before the run finished' });
    expect(decideRunOutcome({ ...clean, interrupted: true, recordsRejected: 1, firstReject: 'x' }).status).toBe('failed');
  });
});

describe('finishedWindowStatus', () => {
  it('marks a window whose records were quarantined', () => {
    expect(finishedWindowStatus(0)).toBe('done');
    expect(finishedWindowStatus(3)).toBe('done_with_rejects');
  });
});
