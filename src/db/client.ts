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
