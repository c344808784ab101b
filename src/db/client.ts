/**
 * The Prisma client factory. Prisma 7 runs without a native engine through the pg driver
 * adapter; we own the pg pool so we can size it, end it promptly and read pool errors.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { poolConnectionConfig } from './connection-settings.ts';
import { describeDatabaseError } from './errors.ts';
import { acquireRunLease, type RunLease } from './run-liveness.ts';

export type Db = PrismaClient;

/**
 * The pg pool behind each client openDatabase made. The conversation writer runs its
 * transactions on it directly (see sql-transaction.ts), bypassing Prisma's raw-query path.
 */
const pools = new WeakMap<PrismaClient, pg.Pool>();

export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this Prisma client was not made by openDatabase: its pg pool is unknown');
  return pool;
}

export interface DatabaseHandle {
  prisma: PrismaClient;
  url: string;
  /** Takes a run's liveness lease on its own connection to this database (run-liveness.ts). */
  runLease(runId: string): Promise<RunLease>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  poolSize?: number;
  /** Called when an idle pooled connection dies (e.g. Postgres restarted). */
  onPoolError?: (error: Error) => void;
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  // Keepalive and server-side timeouts: connection-settings.ts (docs/reliability.md).
  const pool = new pg.Pool({ ...poolConnectionConfig(url), max: options.poolSize ?? 4, idleTimeoutMillis: 10_000 });
  pool.on('error', (error) => options.onPoolError?.(describeDatabaseError(error, url)));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(prisma, pool);
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
  } catch (error) {
    await prisma.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    throw describeDatabaseError(error, url);
  }
  return {
    prisma,
    url,
    runLease: (runId) =>
      acquireRunLease(url, runId).catch((error: unknown) => {
        throw describeDatabaseError(error, url);
      }),
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
