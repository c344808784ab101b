import { describe, expect, it } from 'vitest';
import { renewalMarginMs } from '../../../src/genesys/auth.ts';
import { Pacer } from '../../../src/genesys/gate.ts';
import { isLastPage } from '../../../src/genesys/paged-list.ts';

describe('Pacer', () => {
  it('spaces starts evenly at the per-minute rate and lets the first one go at once', () => {
    const pacer = new Pacer(300, 1); // one start every 200 ms
    expect([pacer.reserve(0), pacer.reserve(0), pacer.reserve(0), pacer.reserve(50)]).toEqual([0, 200, 400, 550]);
  });

  it('keeps 2% headroom under the rate in every 60 s window, with slack for jitter', () => {
    const pacer = new Pacer(300);
    const starts = Array.from({ length: 1000 }, () => pacer.reserve(0));
    for (const start of starts) expect(starts.filter((s) => s >= start && s < start + 60_000).length).toBeLessThanOrEqual(295);
    expect(starts.filter((s) => s < 60_000).length).toBeGreaterThanOrEqual(294);
    // Request N+300 starts over a second after request N's window closes.
    expect(starts[300]! - starts[0]! - 60_000).toBeGreaterThan(1_000);
  });

  it('does not bank unused time as a burst', () => {
    const pacer = new Pacer(60, 1);
    expect(pacer.reserve(0)).toBe(0);
    expect(pacer.reserve(10_000)).toBe(0);
    expect(pacer.reserve(10_000)).toBe(1_000);
  });
});

describe('renewalMarginMs', () => {
  it('renews a minute early for long tokens and 10% early for short ones', () => {
    expect(renewalMarginMs(86_400_000)).toBe(60_000);
    expect(renewalMarginMs(3_000)).toBe(300);
  });
});

describe('isLastPage', () => {
  it.each([
    ['an empty page', { entities: [], pageCount: 5, nextUri: '/next' }, 1, true],
    ['a page before pageCount', { entities: [1], pageCount: 3, nextUri: '/next' }, 2, false],
    ['the pageCount page', { entities: [1], pageCount: 3 }, 3, true],
    ['no pageCount but a nextUri', { entities: [1], nextUri: '/api/v2/users?pageNumber=2' }, 1, false],
    ['no pageCount and no nextUri', { entities: [1], nextUri: null }, 1, true],
  ])('%s', (_name, page, pageNumber, last) => {
    expect(isLastPage(page, pageNumber)).toBe(last);
  });
});
