import { describe, expect, it } from 'vitest';
import {
  holesBetween,
  holesOverlapping,
  intersectRanges,
  newestCoveredEnd,
  rangesSpanMs,
  runCoverage,
  runScopeKey,
  scopeCoverage,
  subtractRanges,
  unionRanges,
  type LedgerWindow,
  type Range,
} from '../../../src/decisions/coverage.ts';
import { DAY_MS } from '../../../src/time.ts';

/** Day d of March 2025 at midnight UTC. */
const d = (day: number) => new Date(Date.UTC(2025, 2, day));
const r = (a: number, b: number): Range => ({ start: d(a), end: d(b) });
const show = (ranges: Range[]) => ranges.map((x) => `${x.start.getUTCDate()}-${x.end.getUTCDate()}`);
const win = (a: number, b: number, o: Partial<LedgerWindow> = {}): LedgerWindow => ({ ...r(a, b), topLevel: true, hole: false, ...o });

describe('range arithmetic', () => {
  it('unions overlapping and touching ranges, drops empty ones, sorts', () => {
    expect(show(unionRanges([r(5, 7), r(1, 2), r(2, 3), r(6, 9), r(4, 4)]))).toEqual(['1-3', '5-9']);
    expect(unionRanges([])).toEqual([]);
  });

  it('subtracts ranges, splitting where a cut falls inside', () => {
    expect(show(subtractRanges([r(1, 10)], [r(3, 4), r(6, 8)]))).toEqual(['1-3', '4-6', '8-10']);
    expect(show(subtractRanges([r(1, 5), r(7, 9)], [r(0, 2), r(4, 8)]))).toEqual(['2-4', '8-9']);
    expect(subtractRanges([r(1, 5)], [r(1, 5)])).toEqual([]);
    expect(show(subtractRanges([r(1, 5)], []))).toEqual(['1-5']);
  });

  it('intersects ranges', () => {
    expect(show(intersectRanges([r(1, 5), r(7, 12)], [r(3, 8), r(10, 20)]))).toEqual(['3-5', '7-8', '10-12']);
  });

  it('finds the holes between covered ranges, not before the first or after the last', () => {
    expect(show(holesBetween([r(8, 10), r(1, 3), r(4, 6), r(5, 7)]))).toEqual(['3-4', '7-8']);
    expect(holesBetween([r(1, 3)])).toEqual([]);
  });

  it('reports the newest covered end and a span', () => {
    expect(newestCoveredEnd([r(4, 6), r(1, 3)])).toEqual(d(6));
    expect(newestCoveredEnd([])).toBeUndefined();
    expect(rangesSpanMs([r(1, 3), r(2, 4)])).toBe(3 * DAY_MS);
  });
});

describe('runCoverage', () => {
  it('covers the planned windows of a run minus its leaf windows that did not end done', () => {
    const windows = [win(1, 2), win(2, 3, { hole: true }), win(3, 4), win(4, 5, { hole: true })];
    expect(show(runCoverage(r(1, 5), windows))).toEqual(['1-2', '3-4']);
  });

  it('counts the done children of a split window and holes left by a failed child', () => {
    // Planned 1-5 split into 1-3 (done) and 3-5 (split again: 3-4 failed, 4-5 done).
    const windows = [win(1, 5), win(3, 4, { topLevel: false, hole: true })];
    expect(show(runCoverage(r(1, 5), windows))).toEqual(['1-3', '4-5']);
  });

  it('covers nothing when the run stopped before planning any window', () => {
    expect(runCoverage(r(1, 5), [])).toEqual([]);
  });

  it('covers only what a resumed run planned, clipped to its interval', () => {
    // A resumed backfill of 1-10 planned only 4-6 (the rest done by an earlier run with its plan key).
    expect(show(runCoverage(r(1, 10), [win(4, 6)]))).toEqual(['4-6']);
    expect(show(runCoverage(r(2, 3), [win(1, 4)]))).toEqual(['2-3']);
  });

  it('two resumed runs over two agent groups together cover what each group finished', () => {
    // Run 1: group A done on day 1, failed on day 2; group B failed on day 1, done on day 2.
    const first = runCoverage(r(1, 3), [win(1, 2), win(2, 3, { hole: true }), win(1, 2, { hole: true }), win(2, 3)]);
    // Run 2 (same plan key) plans only what is left: A day 2 and B day 1, both done.
    const second = runCoverage(r(1, 3), [win(2, 3), win(1, 2)]);
    expect(first).toEqual([]);
    expect(show(unionRanges([...first, ...second]))).toEqual(['1-3']);
  });
});

describe('scopeCoverage', () => {
  const run = (a: number, b: number, windows: LedgerWindow[], o: { catchUpFrom?: Date; inProgress?: Range[] } = {}) => ({
    interval: r(a, b),
    windows,
    catchUpFrom: o.catchUpFrom ?? null,
    inProgress: o.inProgress ?? [],
  });

  it('unions the runs of a scope, any kind, and reports the holes between them', () => {
    const c = scopeCoverage([
      run(1, 4, [win(1, 2), win(2, 3, { hole: true }), win(3, 4)]),
      run(6, 9, [win(6, 9)], { catchUpFrom: d(4) }),
    ]);
    expect(show(c.covered)).toEqual(['1-2', '3-4', '6-9']);
    expect(show(c.holes)).toEqual(['2-3', '4-6']);
    expect(show(c.catchUpRanges)).toEqual(['4-9']);
  });

  it('a later run that finishes a failed window fills its hole', () => {
    const c = scopeCoverage([run(1, 4, [win(1, 2), win(2, 3, { hole: true }), win(3, 4)]), run(2, 3, [win(2, 3)])]);
    expect(show(c.covered)).toEqual(['1-4']);
    expect(c.holes).toEqual([]);
  });

  it('does not call what a live run is still working on a hole', () => {
    const c = scopeCoverage([
      run(1, 2, [win(1, 2)]),
      run(1, 6, [win(1, 3), win(3, 5, { hole: true }), win(5, 6)], { inProgress: [r(3, 5)] }),
    ]);
    expect(show(c.covered)).toEqual(['1-3', '5-6']);
    expect(c.holes).toEqual([]);
    expect(show(c.inProgress)).toEqual(['3-5']);
  });

  it('finds the holes that overlap given ranges', () => {
    expect(show(holesOverlapping([r(2, 3), r(5, 7), r(9, 10)], [r(6, 9)]))).toEqual(['5-7']);
  });

  it('keys a run by its whole agent list, sorted and deduplicated', () => {
    expect(runScopeKey([])).toBe('all');
    expect(runScopeKey(null)).toBe('all');
    expect(runScopeKey(['b', 'a', 'b'])).toBe('agents:a,b');
  });
});
