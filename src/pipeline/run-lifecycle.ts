/**
 * The life of one run's ledger row, whatever the run reads: the liveness lease taken before the
 * row exists, the row created `running`, a heartbeat that saves its counters, and the outcome
 * recorded with retries (the database may be what failed), the lease given back last. A
 * `running` row without its lease is dead to every checker (src/db/run-liveness.ts).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import * as ledger from '../db/ledger.ts';
import type { RunLease } from '../db/run-liveness.ts';
import type { FinalRunStatus } from '../decisions/states.ts';
import { retry } from '../retry.ts';
import { SECOND_MS, sleep as realSleep } from '../time.ts';

/** How often the run's counters are saved (also its liveness signal). */
const HEARTBEAT_MS = 15 * SECOND_MS;
/**
 * Where the liveness lease proves nothing (the embedded PGlite database, run-liveness.ts), a
 * `running` row whose heartbeat is older than this belongs to a dead process (four missed
 * heartbeats: slow enough for a busy database, quick enough that a restart soon sees the truth).
 * On Postgres a dead run's free lease tells at once.
 */
export const ABANDONED_AFTER_MS = 4 * HEARTBEAT_MS;

/** Recording the outcome is tried for half a minute: long enough for a database restart. */
const FINISH_ATTEMPTS = 12;
const FINISH_RETRY_MS = 2_500;

export interface RunLifecycleDeps {
  db: Db;
  logger: Logger;
  /** Takes the run's liveness lease (acquireRunLease on a dedicated connection). */
  runLease: (runId: string) => Promise<RunLease>;
  /** Waits between attempts to record the outcome (injected by tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface RunOutcome {
  status: FinalRunStatus;
  counts: ledger.RunCounts;
  error: string | undefined;
  finishedAt: Date;
  durationMs: number;
}

export interface OpenRun {
  /** Saves the counters every HEARTBEAT_MS (and calls `tick`) until the run is finished. */
  beat(counts: () => ledger.RunCounts, tick: () => void): void;
  /** Records the outcome (retrying while the database is away), then gives the lease back. */
  finish(outcome: RunOutcome): Promise<void>;
}

/** Takes the lease, then creates the `running` row; gives the lease back if the row cannot be created. */
export async function openRun(deps: RunLifecycleDeps, row: ledger.NewRun): Promise<OpenRun> {
  const { db, logger } = deps;
  const lease = await deps.runLease(row.runId);
  lease.on((e) => (e.type === 'lost' ? logger.warn({ err: e.error }, 'run liveness lease lost; taking it again') : logger.info(`run liveness lease ${e.type}`)));
  await ledger.createRun(db, row).catch(async (error: unknown) => {
    await lease.release();
    throw error;
  });
  let heartbeat: NodeJS.Timeout | undefined;
  return {
    beat(counts, tick) {
      heartbeat = setInterval(() => {
        ledger.heartbeatRun(db, row.runId, counts()).catch((error: unknown) => logger.warn({ err: error }, 'could not save run progress'));
        tick();
      }, HEARTBEAT_MS);
      heartbeat.unref();
    },
    async finish(outcome) {
      clearInterval(heartbeat);
      await retry(() => ledger.finishRun(db, row.runId, outcome), {
        attempts: FINISH_ATTEMPTS,
        delayMs: () => FINISH_RETRY_MS,
        sleep: deps.sleep ?? realSleep,
        onRetry: (error, attempt) => logger.warn({ err: error, attempt }, 'could not record the run outcome; retrying'),
      }).finally(() => lease.release());
    },
  };
}
