/**
 * The scheduled worker. Thin on purpose: the cron callback only calls the injected
 * `runOnce`; everything a run does lives in runSync. Two guards keep runs from overlapping:
 * an in-flight flag within this process, and a Postgres session advisory lock across
 * processes (two containers started by mistake, a rolling deploy, a manual `worker` next
 * to the service). A tick that finds either taken is skipped with a log line, not queued:
 * the next tick's rolling interval covers what this one would have.
 *
 * Shutdown: stop scheduling, abort the run in flight through its AbortSignal (runSync lets
 * the writes in flight finish and marks the run interrupted), wait for it up to the
 * shutdown timeout.
 */
import cron from 'node-cron';
import { tryHoldAdvisoryLock, type LockEvent } from '../db/advisory-lock.ts';
import { RUN_LOCK_KEY } from '../db/lock-keys.ts';
import type { Logger } from '../logger.ts';
import { formatDuration } from '../duration.ts';
import type { Clock } from '../time.ts';
import type { FinalRunStatus } from '../decisions/states.ts';


export interface RunOutcome {
  status: FinalRunStatus;
  /** The one-screen summary (formatSummary), logged with the outcome. */
  summary: string;
  /** Extra fields for the log line (run id, counts). */
  fields?: Record<string, unknown>;
}

/** Calls `onTick` on every match of the schedule. */
export interface Scheduler {
  schedule(expression: string, timezone: string, onTick: () => void): ScheduleHandle;
}

interface ScheduleHandle {
  stop(): void;
  /** When the schedule fires next, if known. */
  nextRun(): Date | null;
}

/** A cross-process mutex: at most one run at a time against one database. */
export interface RunLock {
  /** The lease, or undefined when another process holds the lock. */
  tryAcquire(): Promise<LockLease | undefined>;
}

export interface LockLease {
  release(): Promise<void>;
  /**
   * Loss of the lock's connection ('lost'), the lock taken again ('reacquired'), or taken by
   * another process meanwhile ('taken'); returns the unsubscribe function.
   */
  on?(listener: (event: LockEvent) => void): () => void;
}

export interface WorkerDeps {
  runOnce(signal: AbortSignal): Promise<RunOutcome>;
  scheduler: Scheduler;
  lock: RunLock;
  logger: Logger;
  clock: Clock;
  /** Waits `ms` (the shutdown timeout); injected so tests do not wait for real. */
  delay?: (ms: number) => Promise<void>;
}

export interface WorkerOptions {
  schedule: string;
  timezone: string;
  runOnStart: boolean;
  shutdownTimeoutMs: number;
}

type TickResult = 'ran' | 'failed' | 'interrupted' | 'skipped-busy' | 'skipped-locked' | 'skipped-stopping' | 'error';

interface StopResult {
  /** A run was in flight when the stop came. */
  interruptedRun: boolean;
  /** The run in flight did not finish within the shutdown timeout. */
  timedOut: boolean;
}

export interface Worker {
  /** Starts the schedule (and the run at start, when configured). */
  start(): void;
  /** One tick, as the schedule fires it; exposed for tests and the run at start. */
  tick(reason: 'schedule' | 'start'): Promise<TickResult>;
  /** Stops scheduling, aborts the run in flight and waits for it up to the shutdown timeout. */
  stop(reason?: string): Promise<StopResult>;
  readonly running: boolean;
}

export function createWorker(deps: WorkerDeps, options: WorkerOptions): Worker {
  const { logger } = deps;
  const delay = deps.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  let handle: ScheduleHandle | undefined;
  let stopping = false;
  let inFlight: InFlight | undefined;

  const logNext = () => {
    const next = handle?.nextRun();
    if (!next || stopping) return;
    const inMs = Math.max(0, next.getTime() - deps.clock().getTime());
    logger.info({ nextRunAt: next.toISOString(), inMs }, `next run due at ${next.toISOString()} (in ${formatDuration(inMs)})`);
  };

  const worker: Worker = {
    get running() {
      return inFlight !== undefined;
    },
    start() {
      handle = deps.scheduler.schedule(options.schedule, options.timezone, () => void worker.tick('schedule'));
      logger.info({ schedule: options.schedule, timezone: options.timezone }, 'worker started');
      if (options.runOnStart) void worker.tick('start');
      else logNext();
    },
    async tick(reason) {
      if (stopping) return 'skipped-stopping';
      if (inFlight) {
        logger.warn({ reason }, 'the previous run is still going; skipping this tick');
        return 'skipped-busy';
      }
      // Set synchronously, before any await, so a tick arriving meanwhile sees it.
      const controller = new AbortController();
      const done = runGuarded(deps, reason, controller);
      inFlight = { controller, done };
      try {
        return await done;
      } finally {
        inFlight = undefined;
        logNext();
      }
    },
    async stop(reason = 'stop requested') {
      stopping = true;
      handle?.stop();
      handle = undefined;
      return stopInFlight(inFlight, reason, options.shutdownTimeoutMs, delay, logger);
    },
  };
  return worker;
}

interface InFlight {
  controller: AbortController;
  done: Promise<TickResult>;
}

/** One run under the cross-process lock; a run that throws is logged and the schedule goes on. */
async function runGuarded(deps: WorkerDeps, reason: 'schedule' | 'start', controller: AbortController): Promise<TickResult> {
  const { logger } = deps;
  let lease: LockLease | undefined;
  try {
    lease = await deps.lock.tryAcquire();
  } catch (error) {
    logger.error({ err: error, reason }, 'could not take the run lock; skipping this run');
    return 'error';
  }
  if (!lease) {
    logger.warn({ reason }, 'another worker holds the run lock (a run is going elsewhere); skipping this run');
    return 'skipped-locked';
  }
  const unwatch = watchLock(lease, reason, controller, logger);
  try {
    if (controller.signal.aborted) return 'skipped-stopping';
    const startedAt = deps.clock();
    logger.info({ reason }, 'run starting');
    const outcome = await deps.runOnce(controller.signal);
    const fields = { ...outcome.fields, status: outcome.status, durationMs: deps.clock().getTime() - startedAt.getTime() };
    if (outcome.status === 'succeeded') logger.info(fields, `run succeeded\n${outcome.summary}`);
    else if (outcome.status === 'interrupted') logger.warn(fields, `run interrupted\n${outcome.summary}`);
    else logger.error(fields, `run failed; the worker keeps its schedule\n${outcome.summary}`);
    return outcome.status === 'succeeded' ? 'ran' : outcome.status;
  } catch (error) {
    // A run that throws (database down, a bug) is logged; the next tick tries again.
    logger.error({ err: error, reason }, 'run failed with an error; the worker keeps its schedule');
    return 'error';
  } finally {
    unwatch?.();
    await lease.release().catch((error) => logger.warn({ err: error }, 'could not release the run lock'));
  }
}

/**
 * A dropped lock connection is taken again at once (advisory-lock.ts); if another worker took
 * the lock meanwhile it may be running too, so this run stops (interrupted) rather than
 * overlap: the other run's rolling interval covers the same ground.
 */
function watchLock(lease: LockLease, reason: string, controller: AbortController, logger: Logger): (() => void) | undefined {
  return lease.on?.((event) => {
    if (event.type === 'lost') logger.warn({ err: event.error, reason }, 'the run lock connection was lost; taking the lock again');
    else if (event.type === 'reacquired') logger.info({ reason }, 'the run lock is held again');
    else {
      logger.error({ reason }, 'another worker took the run lock while our connection was down; stopping this run');
      controller.abort(new Error('another worker took the run lock while our connection was down'));
    }
  });
}

/** Aborts the run in flight and waits for it up to the shutdown timeout. */
async function stopInFlight(
  current: InFlight | undefined,
  reason: string,
  timeoutMs: number,
  delay: (ms: number) => Promise<void>,
  logger: Logger,
): Promise<StopResult> {
  if (!current) {
    logger.info({ reason }, 'worker stopped (no run in flight)');
    return { interruptedRun: false, timedOut: false };
  }
  logger.warn({ reason, timeoutMs }, `stopping: aborting the run in flight and waiting up to ${formatDuration(timeoutMs)} for it`);
  current.controller.abort(new Error(reason));
  const outcome = await Promise.race([current.done, delay(timeoutMs).then(() => 'timeout' as const)]);
  if (outcome === 'timeout') logger.error({ timeoutMs }, 'the run did not stop within SYNC_SHUTDOWN_TIMEOUT; exiting anyway');
  else logger.info('worker stopped');
  // Judge by how the run ended, not by a tick being in flight: a run that had just
  // succeeded when the signal came was not interrupted.
  return { interruptedRun: outcome === 'timeout' || outcome === 'interrupted', timedOut: outcome === 'timeout' };
}

/** The production scheduler: node-cron in the configured time zone. */
export const nodeCronScheduler: Scheduler = {
  schedule(expression, timezone, onTick) {
    // noOverlap is left off: the worker's own in-flight flag skips (and logs) instead.
    const task = cron.schedule(expression, () => onTick(), { timezone, name: 'genesys-sync' });
    return {
      stop: () => void task.stop(),
      nextRun: () => task.getNextRun(),
    };
  },
};

export { RUN_LOCK_KEY };

/**
 * A Postgres session advisory lock on a dedicated connection (advisory-lock.ts), held for the
 * whole run: the lock dies with the connection, so a killed worker never leaves it behind, and
 * a dropped connection is noticed and the lock taken again. (With the embedded PGlite database
 * every connection shares one session, so it does not exclude there; the embedded database is
 * for trying the tool out, with one process.)
 */
export function postgresRunLock(connectionString: string, key: bigint = RUN_LOCK_KEY): RunLock {
  return { tryAcquire: () => tryHoldAdvisoryLock(connectionString, { key }) };
}
