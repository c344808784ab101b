import { describe, expect, it } from 'vitest';
import { nextPollDelayMs } from '../../../src/decisions/job-poll.ts';

describe('nextPollDelayMs', () => {
  it('starts at the initial delay and doubles up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((p) => nextPollDelayMs(p, 1_000, 15_000))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it('refuses a poll number below 1', () => {
    expect(() => nextPollDelayMs(0, 1_000, 15_000)).toThrow(/poll/);
  });
});
