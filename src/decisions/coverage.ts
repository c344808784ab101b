/**
 * Coverage, as pure range arithmetic: which time ranges of a scope (every agent, or one agent
 * list) are known to be synced, and the holes between them. A range is covered when every
 * leaf window a run planned over it ended done (docs/sync.md, "Coverage"). Ranges are
 * half-open `[start, end)` like every interval of the sync.
 */
import type { Interval } from './interval.ts';

export type Range = Interval;


/** Sorted, non-overlapping, with touching ranges merged and empty ones dropped. */
export function unionRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .filter((r) => r.end.getTime() > r.start.getTime())
    .map((r) => ({ s: r.start.getTime(), e: r.end.getTime() }))
    .sort((a, b) => a.s - b.s || a.e - b.e);
  const out: Array<{ s: number; e: number }> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.s <= last.e) last.e = Math.max(last.e, r.e);
    else out.push({ ...r });
  }
  return out.map(toRange);
}

/** The parts of `from` not in `minus`. */
export function subtractRanges(from: readonly Range[], minus: readonly Range[]): Range[] {
  const cuts = unionRanges(minus);
  const out: Range[] = [];
  for (const piece of unionRanges(from)) {
    let cursor = piece.start.getTime();
    const end = piece.end.getTime();
    for (const c of cuts) {
      const cs = c.start.getTime();
      const ce = c.end.getTime();
      if (ce <= cursor || cs >= end) continue;
      if (cs > cursor) out.push(toRange({ s: cursor, e: cs }));
      cursor = Math.max(cursor, ce);
      if (cursor >= end) break;
    }
    if (cursor < end) out.push(toRange({ s: cursor, e: end }));
  }
  return out;
}

/** The parts of `a` that are also in `b`. */
export function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  return subtractRanges(a, subtractRanges(a, b));
}

/**
 * The gaps between covered ranges: uncovered time after the oldest covered start and before
 * the newest covered end. Time before the first or after the last covered range is not a
 * hole: nothing was ever asked for it (before), or the next rolling run catches it up (after).
 */
export function holesBetween(covered: readonly Range[]): Range[] {
  const merged = unionRanges(covered);
  const holes: Range[] = [];
  for (let i = 1; i < merged.length; i++) holes.push({ start: merged[i - 1]!.end, end: merged[i]!.start });
  return holes;
}

/** One window of a run, as the ledger holds it. */
export interface LedgerWindow {
  start: Date;
  end: Date;
  /** Top-level windows (no parent) are what the run planned; children come from splits. */
  topLevel: boolean;
  /**
   * True for a leaf window that did not end done (failed, pending, still running, or a split
   * whose children were never recorded): its range is not covered by this run.
   */
  hole: boolean;
}

/**
 * What one run covers: the ranges it planned (its top-level windows), clipped to its interval,
 * minus its leaf windows that did not end done. Planned ranges rather than the whole interval,
 * because a run that stopped before planning covers nothing, and a resumed backfill plans only
 * what earlier runs with the same plan key left; those earlier runs cover the rest.
 */
export function runCoverage(interval: Range, windows: readonly LedgerWindow[]): Range[] {
  const planned = intersectRanges(unionRanges(windows.filter((w) => w.topLevel)), [interval]);
  return subtractRanges(planned, windows.filter((w) => w.hole));
}

/** The scope a run covers, from its agent list: 'all' when empty, else 'agents:<sorted unique ids>'. */
export function runScopeKey(agentIds: readonly string[] | null): string {
  if (!agentIds || agentIds.length === 0) return 'all';
  return `agents:${[...new Set(agentIds)].sort().join(',')}`;
}

/** One run of a scope, as read from the ledger. */
export interface LedgerRun {
  interval: Range;
  windows: readonly LedgerWindow[];
  /** Rolling runs: `[catchUpFrom, interval.end)` is what the run aimed to cover (sync_runs.catch_up_from). */
  catchUpFrom: Date | null;
  /** Windows of a run that is still alive and not finished yet: in progress, not holes. */
  inProgress: readonly Range[];
}

export interface ScopeCoverage {
  /** Merged covered ranges, oldest first. */
  covered: Range[];
  /** Gaps between covered ranges that no live run is working on. */
  holes: Range[];
  /** Ranges a live run is still working on. */
  inProgress: Range[];
  /** The catch-up ranges of the scope's rolling runs, merged: the worker's responsibility. */
  catchUpRanges: Range[];
  /** Synced, then deleted on purpose by retention (RETENTION_DAYS): neither covered nor a hole. */
  purged: Range[];
}

/**
 * A scope's coverage is the union of what each of its runs covers, from any kind of run. Time
 * before `purgedBefore` (retention) that was covered or a hole is reported as purged instead: its
 * records are gone on purpose, and a backfill would only read what retention deletes again.
 */
export function scopeCoverage(runs: readonly LedgerRun[], purgedBefore?: Date): ScopeCoverage {
  const synced = unionRanges(runs.flatMap((run) => runCoverage(run.interval, run.windows)));
  const gone = purgedBefore && synced[0] && synced[0].start < purgedBefore ? [{ start: synced[0].start, end: purgedBefore }] : [];
  const covered = subtractRanges(synced, gone);
  const inProgress = subtractRanges(unionRanges(runs.flatMap((run) => run.inProgress)), synced);
  return {
    covered,
    purged: gone,
    holes: subtractRanges(holesBetween(synced), [...inProgress, ...gone]),
    inProgress,
    catchUpRanges: unionRanges(
      runs.flatMap((run) => (run.catchUpFrom ? [{ start: run.catchUpFrom, end: run.interval.end }] : [])),
    ),
  };
}

/** The holes (whole) that overlap any of `ranges`. */
export function holesOverlapping(holes: readonly Range[], ranges: readonly Range[]): Range[] {
  return holes.filter((hole) => intersectRanges([hole], ranges).length > 0);
}

/** The newest covered instant (the end of the newest covered range), if any. */
export function newestCoveredEnd(covered: readonly Range[]): Date | undefined {
  const merged = unionRanges(covered);
  return merged[merged.length - 1]?.end;
}

/** Total milliseconds in a set of ranges. */
export function rangesSpanMs(ranges: readonly Range[]): number {
  return unionRanges(ranges).reduce((sum, r) => sum + r.end.getTime() - r.start.getTime(), 0);
}

function toRange(r: { s: number; e: number }): Range {
  return { start: new Date(r.s), end: new Date(r.e) };
}
