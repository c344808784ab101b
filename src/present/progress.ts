/**
 * The progress line of a long run (bar, windows done of total, conversations, requests per
 * minute, ETA) and the fields of its `progress` log line; pure. The reporter that draws them
 * on a terminal or logs them is src/pipeline/progress.ts.
 */
import { formatDuration } from '../duration.ts';
import type { SyncProgress } from '../pipeline/sync.ts';
import { MINUTE_MS, SECOND_MS } from '../time.ts';

const BAR_WIDTH = 24;

/** Fraction of windows finished (done or failed), 0..1; an empty plan counts as finished. */
export function completedFraction(p: SyncProgress): number {
  if (p.windowsTotal <= 0) return 1;
  return Math.min(1, Math.max(0, (p.windowsDone + p.windowsFailed) / p.windowsTotal));
}

/** Requests per minute over the whole run so far; undefined before the first second. */
export function requestsPerMinute(p: SyncProgress): number | undefined {
  if (p.elapsedMs < SECOND_MS) return undefined;
  return (p.requests / p.elapsedMs) * MINUTE_MS;
}

/**
 * Time left, extrapolated from the average time per finished window; undefined until one
 * window has finished (no basis for an estimate yet). Windows differ in size, so this is a
 * rough guide, which is all an ETA needs to be.
 */
export function estimateRemainingMs(p: SyncProgress): number | undefined {
  const finished = p.windowsDone + p.windowsFailed;
  if (finished <= 0 || p.elapsedMs <= 0) return undefined;
  const left = Math.max(0, p.windowsTotal - finished);
  return Math.round((p.elapsedMs / finished) * left);
}

/** `[##########--------------]` for a fraction 0..1. */
export function formatBar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The terminal line, cut to `columns` so it never wraps (a wrapped line cannot be redrawn with \r). */
export function formatProgressLine(p: SyncProgress, columns = 120): string {
  const rate = requestsPerMinute(p);
  const eta = estimateRemainingMs(p);
  const parts = [
    formatBar(completedFraction(p)),
    `${p.windowsDone}/${p.windowsTotal} windows${p.windowsFailed > 0 ? ` (${p.windowsFailed} failed)` : ''}`,
    `${integer.format(p.conversationsWritten)} conversations`,
    `${rate === undefined ? '–' : integer.format(rate)} req/min`,
    `ETA ${eta === undefined ? '–' : formatDuration(eta)}`,
  ];
  const line = parts.join('  ');
  return line.length > columns ? line.slice(0, Math.max(0, columns - 1)) : line;
}

/** The fields of the `progress` log line (numbers, so log queries can aggregate them). */
export function progressFields(p: SyncProgress): Record<string, number | undefined> {
  const rate = requestsPerMinute(p);
  return {
    windowsDone: p.windowsDone,
    windowsFailed: p.windowsFailed,
    windowsTotal: p.windowsTotal,
    percent: Math.round(completedFraction(p) * 1000) / 10,
    conversations: p.conversationsWritten,
    requests: p.requests,
    requestsPerMinute: rate === undefined ? undefined : Math.round(rate),
    elapsedMs: p.elapsedMs,
    etaMs: estimateRemainingMs(p),
  };
}
