/**
 * Query windows, as pure functions. The details query selects conversations by the UTC
 * *day* of their start (docs/genesys-api-facts.md §1.3): a window touching part of a day returns that
 * whole day. So windows are cut on UTC midnights, every window touches at most the days
 * the API allows, and the sync keeps only conversations whose start lies inside the window
 * (`isInWindow`): adjacent windows then never share a conversation, and a window that starts
 * mid-day stores nothing from before its start.
 */
import { DAY_MS } from '../time.ts';
import type { Interval } from './interval.ts';
import { MAX_DETAILS_INTERVAL_DAYS } from '../genesys/limits.ts';


export type Window = Interval;

export function utcDayFloor(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function utcDayCeil(ms: number): number {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

/** How many UTC days a window touches (what the API counts against its limit). */
export function daysTouched(window: Window): number {
  return (utcDayCeil(window.end.getTime()) - utcDayFloor(window.start.getTime())) / DAY_MS;
}

/** Cuts `[start, end)` into windows aligned to UTC midnights, each touching at most `maxDays` days. */
export function planWindows(interval: Interval, maxDays: number): Window[] {
  const days = Math.max(1, Math.min(maxDays, MAX_DETAILS_INTERVAL_DAYS));
  const windows: Window[] = [];
  const end = interval.end.getTime();
  let cursor = interval.start.getTime();
  while (cursor < end) {
    const next = Math.min(end, utcDayFloor(cursor) + days * DAY_MS);
    windows.push({ start: new Date(cursor), end: new Date(next) });
    cursor = next;
  }
  return windows;
}

/**
 * Halves a window on a UTC midnight. A window within one day cannot be split: the API
 * would return the same whole day for both halves.
 */
export function splitWindow(window: Window): [Window, Window] | undefined {
  const days = daysTouched(window);
  if (days < 2) return undefined;
  const mid = utcDayFloor(window.start.getTime()) + Math.floor(days / 2) * DAY_MS;
  return [
    { start: window.start, end: new Date(mid) },
    { start: new Date(mid), end: window.end },
  ];
}

/** True when a conversation that started at `startMs` belongs to the window. */
export function isInWindow(startMs: number, window: Window): boolean {
  return startMs >= window.start.getTime() && startMs < window.end.getTime();
}

/**
 * The parts of `window` not covered by `covered` (windows already done by an earlier run
 * with the same arguments), in order. Used to resume a backfill without refetching.
 */
export function subtractCovered(window: Window, covered: readonly Window[]): Window[] {
  let pieces: Window[] = [window];
  for (const c of covered) {
    const cs = c.start.getTime();
    const ce = c.end.getTime();
    pieces = pieces.flatMap((p) => {
      const ps = p.start.getTime();
      const pe = p.end.getTime();
      if (ce <= ps || cs >= pe) return [p];
      const out: Window[] = [];
      if (cs > ps) out.push({ start: p.start, end: new Date(cs) });
      if (ce < pe) out.push({ start: new Date(ce), end: p.end });
      return out;
    });
  }
  return pieces;
}
