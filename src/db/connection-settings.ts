/**
 * How our Postgres connections are configured: TCP keepalive on both ends and server-side
 * timeouts, so a dead peer or a runaway statement is noticed rather than waited on forever.
 * The choices are explained in docs/reliability.md ("Database connections").
 *
 * Everything here is sent in the startup packet, so it needs no extra round trip. Postgres
 * ignores none of it; the embedded PGlite accepts and ignores it (one session, no network).
 */
import type pg from 'pg';
import { MINUTE_MS, SECOND_MS } from '../time.ts';

/**
 * Server-side TCP keepalive (seconds): an idle connection whose client vanished without a FIN
 * (host power loss, network partition) is closed after ~idle + interval × count = 60 s, which
 * also releases its session advisory locks. The operating system's defaults take two hours.
 */
const SERVER_KEEPALIVE = { idle: 30, interval: 10, count: 3 };

const keepalive: pg.ClientConfig = {
  // Client side: the same for a vanished server (Node sets only the idle time; probes then
  // follow the OS interval). Dedicated lock connections also ping (advisory-lock.ts).
  keepAlive: true,
  keepAliveInitialDelayMillis: 30 * SECOND_MS,
  options: [
    `-c tcp_keepalives_idle=${SERVER_KEEPALIVE.idle}`,
    `-c tcp_keepalives_interval=${SERVER_KEEPALIVE.interval}`,
    `-c tcp_keepalives_count=${SERVER_KEEPALIVE.count}`,
  ].join(' '),
};

/**
 * The pool behind Prisma: page writes, ledger updates, status queries.
 * - statement_timeout 10 min: far above any statement we run (a page write is seconds, the
 *   largest status query well under a minute) and above every lock wait a write may
 *   legitimately make (see below); a safety net that frees a connection from a runaway query.
 * - lock_timeout 3 min: writers wait on each other's per-conversation advisory locks, but
 *   only as long as a write transaction may last (Prisma's transaction timeout, 120 s,
 *   conversations.ts / agents.ts); longer means a foreign lock (an operator's LOCK TABLE, a
 *   migration) and failing the window with a clear error beats hanging.
 * - idle_in_transaction_session_timeout 5 min: our transactions never sit idle between
 *   statements for more than milliseconds; one idle this long belongs to a stuck process and
 *   holds locks others wait on. Prisma's own 120 s timeout normally rolls back first.
 */
const POOL_SESSION_SETTINGS = {
  statement_timeout: 10 * MINUTE_MS,
  lock_timeout: 3 * MINUTE_MS,
  idle_in_transaction_session_timeout: 5 * MINUTE_MS,
} as const;

/**
 * Dedicated connections that only hold a session advisory lock (the worker's run lock, a
 * run's liveness lease): they run tiny statements (try-lock, unlock, ping, one ledger row),
 * never wait on a lock (pg_try_advisory_lock does not wait) and never open a transaction.
 */
const LOCK_SESSION_SETTINGS = {
  statement_timeout: 30 * SECOND_MS,
  lock_timeout: 10 * SECOND_MS,
  idle_in_transaction_session_timeout: 30 * SECOND_MS,
} as const;

/** Connection settings for the pool (src/db/client.ts). */
export function poolConnectionConfig(connectionString: string): pg.ClientConfig {
  return { connectionString, connectionTimeoutMillis: 10 * SECOND_MS, ...keepalive, ...POOL_SESSION_SETTINGS };
}

/** Connection settings for a dedicated lock connection (src/db/advisory-lock.ts). */
export function lockConnectionConfig(connectionString: string): pg.ClientConfig {
  return {
    connectionString,
    connectionTimeoutMillis: 10 * SECOND_MS,
    // Client-side cap on our own statements: a ping that gets no answer means a dead link.
    query_timeout: 15 * SECOND_MS,
    ...keepalive,
    ...LOCK_SESSION_SETTINGS,
  };
}
