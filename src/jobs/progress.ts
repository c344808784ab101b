/**
 * Progress of a long run (a backfill) for the operator watching it. On a terminal: one line
 * redrawn in place (bar, windows done of total, conversations, requests per minute, ETA).
 * Anywhere else (a container log, a CI job): a structured `progress` log line at a steady
 * interval, because carriage returns make a mess of log collectors. Formatting is pure;
 * only the reporter touches the stream, the logger and the clock.
 */
import { formatDuration } from '../duration.ts';
import type { Logger } from '../logger.ts';
import { MINUTE_MS, SECOND_MS, systemClock, type Clock } from '../time.ts';
import type { SyncProgress } from './sync.ts';

/** Log-line cadence off a terminal: often enough to show life, rare enough not to flood. */
export const DEFAULT_PROGRESS_LOG_INTERVAL_MS = 30 * SECOND_MS;
/** Terminal redraws are throttled: a redraw per page would flicker and cost CPU. */
const TTY_REDRAW_MS = 200;
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

/** The stream's width; a pseudo-terminal may report 0 (unknown). */
function terminalColumns(stream: ProgressStream): number {
  return stream.columns !== undefined && stream.columns >= 40 ? stream.columns : 120;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporterOptions {
  logger: Logger;
  stream: ProgressStream;
  /** Defaults to the stream's own isTTY. */
  isTTY?: boolean;
  /** Log-line interval off a terminal (ms). */
  intervalMs?: number;
  clock?: Clock;
}

export interface ProgressReporter {
  update(progress: SyncProgress): void;
  /** Draws or logs the last state once; safe to call more than once. */
  finish(): void;
}

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const clock = options.clock ?? systemClock;
  const tty = options.isTTY ?? options.stream.isTTY === true;
  const intervalMs = tty ? TTY_REDRAW_MS : (options.intervalMs ?? DEFAULT_PROGRESS_LOG_INTERVAL_MS);
  let last: SyncProgress | undefined;
  let lastEmitMs: number | undefined;
  let emittedLast = false;
  let emittedAny = false;
  let finished = false;

  const emit = (p: SyncProgress) => {
    emittedLast = true;
    emittedAny = true;
    lastEmitMs = clock().getTime();
    if (tty) options.stream.write(`\r${formatProgressLine(p, terminalColumns(options.stream) - 1)}\x1b[K`);
    else options.logger.info(progressFields(p), 'progress');
  };

  return {
    update(p) {
      if (finished) return;
      last = p;
      emittedLast = false;
      const nowMs = clock().getTime();
      // Off a terminal the first line waits one interval: short runs need no progress log.
      if (lastEmitMs === undefined && !tty) lastEmitMs = nowMs;
      if (lastEmitMs === undefined || nowMs - lastEmitMs >= intervalMs) emit(p);
    },
    finish() {
      if (finished) return;
      finished = true;
      if (!last) return;
      if (tty) {
        if (!emittedLast) emit(last);
        options.stream.write('\n');
      } else if (emittedAny && !emittedLast) {
        // Close a series of progress lines with the final state; a short run logged none.
        emit(last);
      }
    },
  };
}
