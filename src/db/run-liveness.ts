/**
 * Is a `running` ledger row's process still alive? Each run (sync, backfill, the worker's)
 * holds a session advisory lock keyed by its run id — its *lease* — on a dedicated
 * connection from just before its row is created until just after its outcome is recorded.
 * Postgres drops the lock the moment the process dies (SIGKILL, OOM, crash; a vanished host
 * within a minute, connection-settings.ts), so a `running` row whose lease is free is dead,
 * at once: the next run marks it interrupted and `status` shows it abandoned.
 *
 * The heartbeat stays as the second signal, on the database's clock (never the hosts'):
 * the embedded PGlite database serves every connection from ONE session, where advisory
 * locks do not exclude and a dead client's lock is never released. There the lease is seen
 * held by the checker's own session, proves nothing, and the heartbeat rule decides (dead
 * once the heartbeat is older than the given staleness). Docs: docs/reliability.md.
 */
// The generated client's type, not client.ts's alias: client.ts imports this module.
import type { PrismaClient as Db } from '../generated/prisma/client.ts';
import { tryHoldAdvisoryLock, type HoldOptions, type LockEvent, type LockState } from './advisory-lock.ts';
import { RUN_LEASE_NAMESPACE } from './lock-keys.ts';

export { RUN_LEASE_NAMESPACE };

/** What a run found dead is recorded with (and what a run that comes back looks for). */
export const DEAD_RUN_ERROR = 'the process stopped without finishing the run (killed or crashed)';

/**
 * The lease's second key: the first 31 bits of the run id (a UUID). Two runs running at once
 * with the same 31 bits would share a lease (odds ~1 in 2 billion); the effect is only that a
 * dead one of them looks alive until the other ends.
 */
export function runLeaseKey(runId: string): number {
  const hex = runId.replace(/-/g, '').slice(0, 8);
  if (!/^[0-9a-f]{8}$/i.test(hex)) throw new TypeError(`not a run id (UUID): "${runId}"`);
  return Number.parseInt(hex, 16) & 0x7fffffff;
}

/** The same key computed in SQL from a `run_id uuid` column. */
const LEASE_KEY_SQL = (column: string) => `((('x' || left(replace(${column}::text, '-', ''), 8))::bit(32)::int) & 2147483647)`;

/**
 * Who holds the lease of the run in `column`: 'held' (another session: the run's own
 * connection, proof of life), 'this-session' (our own session: only on a single-session
 * database such as PGlite, proves nothing), or 'free' (nobody: the process is gone).
 */
const LEASE_STATE_SQL = (column: string) => `(
  SELECT CASE WHEN bool_or(l.pid <> pg_backend_pid()) THEN 'held'
              WHEN count(*) > 0 THEN 'this-session'
              ELSE 'free' END
    FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.classid = ${RUN_LEASE_NAMESPACE}::oid
     AND l.objid = ${LEASE_KEY_SQL(column)}::oid)`;

export interface RunLease {
  readonly runId: string;
  /** The backend holding the lease now (undefined while lost). */
  readonly backendPid: number | undefined;
  /** 'held' normally; 'lost' while its connection is down and being re-established. */
  readonly state: LockState;
  /** Loss and re-acquisition of the lease connection (for logging; the run goes on). */
  on(listener: (event: LockEvent) => void): () => void;
  /** Ends the lease: call after the run's outcome is recorded. Never throws. */
  release(): Promise<void>;
}

/**
 * Takes the lease of `runId` on a dedicated connection to `url`. Call it BEFORE the run's
 * `running` row is created (a row without its lease would be dead to any checker) and
 * release it AFTER the outcome is recorded.
 *
 * If the connection drops while the run goes on, the lease is taken again as soon as the
 * database answers; a checker that saw the run dead meanwhile marked it interrupted, so the
 * row is put back to `running` on the new connection (the run's final outcome overwrites it
 * anyway). The run itself is not stopped: its writes are safe on their own, and a database
 * that is really gone fails its windows.
 */
export async function acquireRunLease(
  url: string,
  runId: string,
  timing: Pick<HoldOptions, 'pingEveryMs' | 'retryEveryMs'> = {},
): Promise<RunLease> {
  const held = await tryHoldAdvisoryLock(
    url,
    { namespace: RUN_LEASE_NAMESPACE, key: runLeaseKey(runId) },
    {
      ...timing,
      afterReacquire: async (client) => {
        await client.query(
          `UPDATE sync_runs SET status = 'running', finished_at = NULL, error = NULL
            WHERE run_id = $1::uuid AND status = 'interrupted' AND error = $2`,
          [runId, DEAD_RUN_ERROR],
        );
      },
    },
  );
  if (!held) throw new Error(`run ${runId}: its liveness lease is held by another session (a run id collision); start the run again`);
  return {
    runId,
    get state() {
      return held.state;
    },
    get backendPid() {
      return held.backendPid;
    },
    on: (listener) => held.on(listener),
    release: () => held.release(),
  };
}

type LeaseState = 'held' | 'this-session' | 'free';

export interface RunningRun {
  runId: string;
  lease: LeaseState;
  /** Milliseconds since its last heartbeat, on the database's clock. */
  heartbeatAgeMs: number;
  dead: boolean;
  /** Why it is dead, for people (null while alive). */
  deadReason: string | null;
}

export interface LivenessOptions {
  /** Where the lease proves nothing (PGlite), a heartbeat older than this means dead. */
  heartbeatStaleMs: number;
}

/** Every `running` row with what the database says about its process. */
export async function readRunningRuns(db: Db, options: LivenessOptions): Promise<RunningRun[]> {
  const rows = await db.$queryRawUnsafe<Array<{ runId: string; lease: LeaseState; heartbeatAgeMs: number }>>(
    `SELECT r.run_id::text AS "runId", ${LEASE_STATE_SQL('r.run_id')} AS lease,
            (EXTRACT(EPOCH FROM clock_timestamp() - r.heartbeat_at) * 1000)::float8 AS "heartbeatAgeMs"
       FROM sync_runs r
      WHERE r.status = 'running'`,
  );
  return rows.map((r) => {
    const heartbeatAgeMs = Number(r.heartbeatAgeMs);
    const reason = deadReason(r.lease, heartbeatAgeMs, options.heartbeatStaleMs);
    return { runId: r.runId, lease: r.lease, heartbeatAgeMs, dead: reason !== null, deadReason: reason };
  });
}

function deadReason(lease: LeaseState, heartbeatAgeMs: number, staleMs: number): string | null {
  if (lease === 'free') return 'its process is gone (its liveness lock is free)';
  if (lease === 'this-session' && heartbeatAgeMs > staleMs) {
    return `no heartbeat for ${Math.round(heartbeatAgeMs / 1000)} s (on the embedded database only the heartbeat tells)`;
  }
  return null;
}

/**
 * Marks every dead `running` row `interrupted` (finished now, on the database's clock) in one
 * statement, and returns their run ids. Rows of live runs, including this process's own
 * (its lease is held on its own connection), are untouched.
 */
export async function markDeadRuns(db: Db, options: LivenessOptions): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Array<{ runId: string }>>(
    `WITH running AS (
       SELECT r.run_id, ${LEASE_STATE_SQL('r.run_id')} AS lease,
              r.heartbeat_at < clock_timestamp() - ($1::float8 * interval '1 millisecond') AS stale
         FROM sync_runs r
        WHERE r.status = 'running')
     UPDATE sync_runs s
        SET status = 'interrupted', finished_at = clock_timestamp(), error = $2
       FROM running
      WHERE s.run_id = running.run_id AND s.status = 'running'
        AND (running.lease = 'free' OR (running.lease = 'this-session' AND running.stale))
     RETURNING s.run_id::text AS "runId"`,
    options.heartbeatStaleMs,
    DEAD_RUN_ERROR,
  );
  return rows.map((r) => r.runId);
}
