/**
 * Runs a transaction directly on the pg pool that openDatabase owns (the same pool Prisma's
 * adapter uses), for the bulk writer. Prisma's raw-query path JSON-encodes and decodes every
 * parameter (~850 KB per page for conversations) and its debug module keeps the arguments of
 * its last 100 calls reachable even when DEBUG is off: ~16 MB of a ~60 MB live heap in a
 * backfill (docs/performance.md, Memory). Here the parameters go straight to pg's wire
 * encoder and are garbage once the statement is sent.
 *
 * The interface mirrors the two Prisma methods the writer used ($queryRawUnsafe,
 * $executeRawUnsafe: SQL text with $1.. placeholders, positional parameters), so the SQL
 * code is the same whichever runs it.
 */
import type pg from 'pg';

export interface SqlTx {
  /** Runs one statement; resolves with its rows (T is the row array type, as with Prisma). */
  $queryRawUnsafe<T = unknown>(sql: string, ...params: unknown[]): Promise<T>;
  /** Runs one statement; resolves with the number of rows it affected. */
  $executeRawUnsafe(sql: string, ...params: unknown[]): Promise<number>;
}

export interface SqlTransactionOptions {
  /** Longest wait for a pooled connection, ms. */
  maxWaitMs: number;
  /** Longest single statement, lock waits included (SET LOCAL statement_timeout), ms. */
  statementTimeoutMs: number;
}

/** pg-pool's error when no connection became free within its connectionTimeoutMillis. */
const POOL_WAIT_TIMEOUT = /timeout exceeded when trying to connect/i;

/**
 * BEGIN, `fn`, COMMIT on one pooled connection; ROLLBACK and rethrow when `fn` or COMMIT
 * throws. A connection whose ROLLBACK fails (it died mid-transaction) is destroyed rather
 * than returned to the pool.
 */
export async function inSqlTransaction<T>(pool: pg.Pool, fn: (tx: SqlTx) => Promise<T>, options: SqlTransactionOptions): Promise<T> {
  const client = await connectWithin(pool, options.maxWaitMs);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))}`);
    const result = await fn(sqlTx(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

function sqlTx(client: pg.PoolClient): SqlTx {
  return {
    async $queryRawUnsafe<T>(sql: string, ...params: unknown[]): Promise<T> {
      return (await client.query(sql, params)).rows as T;
    },
    async $executeRawUnsafe(sql: string, ...params: unknown[]): Promise<number> {
      return (await client.query(sql, params)).rowCount ?? 0;
    },
  };
}

/** pool.connect(), waiting up to `maxWaitMs` in all: the pool's own wait (10 s) is shorter when pages are written concurrently. */
async function connectWithin(pool: pg.Pool, maxWaitMs: number): Promise<pg.PoolClient> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      return await pool.connect();
    } catch (error) {
      if (!(error instanceof Error && POOL_WAIT_TIMEOUT.test(error.message)) || Date.now() >= deadline) throw error;
    }
  }
}
