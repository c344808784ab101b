import type { Logger } from '../logger.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Turns the first SIGINT/SIGTERM into an abort signal (finish in-flight writes, mark the run
 * interrupted); a second one exits at once, for an operator who really means it (the run's
 * liveness lease dies with the process, so the next run records it interrupted and `status`
 * shows it abandoned meanwhile).
 */
export function stopSignal(logger: Logger, grace?: StopGrace): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn(`${name} again: exiting now`);
      process.exit(EXIT.INTERRUPTED);
    }
    logger.warn(`${name} received: finishing the writes in flight, then stopping (send again to exit at once)`);
    controller.abort(new Error(`stopped by ${name}`));
    if (grace) {
      graceTimer = setTimeout(() => grace.expired(), grace.ms);
      graceTimer.unref();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(graceTimer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** What happens when the writes in flight outlive the grace after a stop signal. */
export interface StopGrace {
  ms: number;
  expired(): void;
}

/**
 * The grace a stopped run's writes in flight get (half of SYNC_SHUTDOWN_TIMEOUT); then the
 * database connections still open are cut (db/client.ts cutConnections), so statements stuck on
 * a database that stopped answering fail at once and the run records itself `interrupted` on a
 * fresh connection in the other half.
 */
export function cutConnectionsAfterGrace(logger: Logger, shutdownTimeoutMs: number, database: { cutConnections(): number }): StopGrace {
  const ms = Math.max(1, Math.floor(shutdownTimeoutMs / 2));
  return {
    ms,
    expired() {
      const cut = database.cutConnections();
      if (cut > 0) logger.warn({ cut, graceMs: ms }, `database statements still waiting ${Math.round(ms / 1000)} s after the stop: cutting ${cut} connection(s)`);
    },
  };
}

/**
 * The last resort behind every command's own shutdown: once a stop signal came, the process
 * exits 130 after `ms` whatever is still pending (a dependency that keeps a socket open and
 * never answers must not keep a stopped process alive). The timer holds nothing alive itself.
 * A command without a stop handler of its own is ended at once, as Node's default would.
 * cli.ts arms it for every command with SYNC_SHUTDOWN_TIMEOUT + EXIT_DEADLINE_SLACK_MS.
 */
export function armExitDeadline(logger: Logger, ms: number, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    // Alone (a command without its own stop handling: migrate, status): Node's default would
    // have ended the process, and so do we.
    if (process.listenerCount(name) === 1) return exit(EXIT.INTERRUPTED);
    if (timer) return;
    timer = setTimeout(() => {
      logger.error({ deadlineMs: ms }, `still running ${Math.round(ms / 1000)} s after ${name}: exiting now (exit ${EXIT.INTERRUPTED})`);
      exit(EXIT.INTERRUPTED);
    }, ms);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * The exit deadline beyond SYNC_SHUTDOWN_TIMEOUT: the database pool's close deadline (5 s,
 * db/client.ts), the run lease's release (unlock within 15 s, close within 5 s) and margin.
 */
export const EXIT_DEADLINE_SLACK_MS = 30_000;
