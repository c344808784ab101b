/**
 * Progress of a long run (a backfill) for the operator watching it. On a terminal: one line
 * redrawn in place (bar, windows done of total, conversations, requests per minute, ETA).
 * Anywhere else (a container log, a CI job): a structured `progress` log line at a steady
 * interval, because carriage returns make a mess of log collectors. Formatting is pure and
 * lives in src/present/progress.ts; only the reporter touches the stream, the logger and the clock.
 */
import type { Logger } from '../logger.ts';
import { formatProgressLine, progressFields } from './progress.ts';
import { SECOND_MS, systemClock, type Clock } from '../time.ts';
import type { SyncProgress } from '../pipeline/sync.ts';

/** Log-line cadence off a terminal: often enough to show life, rare enough not to flood. */
const DEFAULT_PROGRESS_LOG_INTERVAL_MS = 30 * SECOND_MS;
/** Terminal redraws are throttled: a redraw per page would flicker and cost CPU. */
const TTY_REDRAW_MS = 200;

/** The stream's width; a pseudo-terminal may report 0 (unknown). */
function terminalColumns(stream: ProgressStream): number {
  return stream.columns !== undefined && stream.columns >= 40 ? stream.columns : 120;
}

interface ProgressStream {
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
