/**
 * The Prisma client factory. Prisma 7 runs without a native engine through the pg driver
 * adapter; we own the pg pool so we can size it, bound every wait on it, end it promptly and
 * read pool errors.
 *
 * Bounds (docs/reliability.md, "Hostile environment"): a pooled statement gets no answer for
 * POOL_QUERY_TIMEOUT_MS → it fails and its connection is destroyed (pg-pool drops a client
 * released with an error); a new connection is refused after 10 s (connection-settings.ts);
 * close() ends the pool gracefully for at most CLOSE_DEADLINE_MS, then destroys every socket
 * that is still open — a database that keeps its sockets open but never answers cannot hold the
 * process.
 */
import type net from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { MINUTE_MS, SECOND_MS } from '../time.ts';
import { poolConnectionConfig } from './connection-settings.ts';
import { describeDatabaseError } from './errors.ts';
import { acquireRunLease, type RunLease } from './run-liveness.ts';

export type Db = PrismaClient;

/**
 * Client-side cap on one pooled statement. Above the longest wait the server allows a statement
 * we run legitimately (lock_timeout 3 min, a page write's statement_timeout 2 min), so it only
 * ever cuts a link that stopped answering; the server's own timeouts cut everything else first.
 */
const POOL_QUERY_TIMEOUT_MS = 4 * MINUTE_MS;
/** close(): how long the pool may end gracefully before its sockets are destroyed. */
export const CLOSE_DEADLINE_MS = 5 * SECOND_MS;

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
  /**
   * Destroys every open pooled connection, the pool staying usable: statements waiting on a
   * database that stopped answering fail at once, and what comes next (recording a stopped
   * run's outcome) gets a fresh connection. Returns how many were cut.
   */
  cutConnections(): number;
  /** Ends the pool within CLOSE_DEADLINE_MS (then destroys its sockets); never throws; idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  poolSize?: number;
  /** Called when an idle pooled connection dies (e.g. Postgres restarted). */
  onPoolError?: (error: Error) => void;
  /** Client-side cap on one statement (default POOL_QUERY_TIMEOUT_MS); small in tests. */
  queryTimeoutMs?: number;
  /** How long close() waits before destroying sockets (default CLOSE_DEADLINE_MS). */
  closeDeadlineMs?: number;
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  // Keepalive and server-side timeouts: connection-settings.ts (docs/reliability.md).
  const pool = new pg.Pool({
    ...poolConnectionConfig(url),
    query_timeout: options.queryTimeoutMs ?? POOL_QUERY_TIMEOUT_MS,
    max: options.poolSize ?? 4,
    idleTimeoutMillis: 10_000,
  });
  pool.on('error', (error) => options.onPoolError?.(describeDatabaseError(error, url)));
  const sockets = trackSockets(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(prisma, pool);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= endPool(prisma, pool, sockets, options.closeDeadlineMs ?? CLOSE_DEADLINE_MS));
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
  } catch (error) {
    await close();
    throw describeDatabaseError(error, url);
  }
  return {
    prisma,
    url,
    runLease: (runId) =>
      acquireRunLease(url, runId).catch((error: unknown) => {
        throw describeDatabaseError(error, url);
      }),
    cutConnections() {
      const cut = sockets.size;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return cut;
    },
    close,
  };
}

/** Every socket the pool opened and that is not closed yet. */
function trackSockets(pool: pg.Pool): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  pool.on('connect', (client) => {
    // A connection in use (checked out) has no 'error' listener of pg-pool's: one cut or
    // dropped then would crash the process. Its statement in flight gets the error anyway.
    client.on('error', () => {});
    const stream = (client as unknown as { connection?: { stream?: net.Socket } }).connection?.stream;
    if (!stream || stream.destroyed) return;
    sockets.add(stream);
    stream.once('close', () => sockets.delete(stream));
  });
  return sockets;
}

/**
 * Ends the pool: Prisma's side, pg-pool's end and every socket's close, all within `deadlineMs`.
 * pool.end() waits for connections in use, and a connection's goodbye waits for the server's:
 * neither comes from a database that stopped answering. After the deadline every socket still
 * open is destroyed (the server's keepalive then ends those sessions and their locks).
 */
async function endPool(prisma: PrismaClient, pool: pg.Pool, sockets: Set<net.Socket>, deadlineMs: number): Promise<void> {
  const graceful = (async () => {
    await prisma.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await Promise.all([...sockets].map(closed));
  })();
  if (await settlesWithin(graceful, deadlineMs)) return;
  for (const socket of sockets) socket.destroy();
  sockets.clear();
}

/** Resolves once `socket` is closed. */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Whether `promise` settles within `ms` (the timer never holds the process). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true as const, () => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
