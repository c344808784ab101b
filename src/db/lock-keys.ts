/**
 * Every Postgres advisory-lock key genesys-sync takes, in one place, each with the reason it
 * exists. Postgres has two key spaces that never overlap: a single bigint, and a pair of int4
 * (namespace, key). Ours are spelled in ASCII, far from the small integers other tools pick.
 */

/**
 * The worker's run lock ("gsync", single-bigint space): at most one scheduled run at a time
 * against one database (two containers started by mistake, a rolling deploy). Held on a
 * dedicated connection for the whole run (pipeline/worker.ts, postgresRunLock).
 */
export const RUN_LOCK_KEY = 0x6773796e63n;

/**
 * Run liveness leases ("gsyr", pair space; the second key is from the run id): a `running`
 * ledger row whose lease is free belongs to a dead process (db/run-liveness.ts).
 */
export const RUN_LEASE_NAMESPACE = 0x67737972;

/**
 * Per-conversation transaction locks ("GS" 0001, pair space; the second key is from the
 * conversation id): two writers of the same conversation (overlapping scopes, a backfill beside
 * the worker) replace its children one after the other, never interleaved (db/conversations.ts).
 */
export const CONVERSATION_LOCK_NAMESPACE = 0x4753_0001;

/**
 * Prisma's own migration lock (single-bigint space; the schema engine takes
 * `pg_advisory_lock(72707369)` while it migrates). `migrate --recover` takes the same key, so it
 * never repairs the ledger under a migration that is running (db/migrate-recover.ts).
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369n;
