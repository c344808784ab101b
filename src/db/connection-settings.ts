/**
 * How our Postgres connections are configured: TCP keepalive on both ends and server-side
 * timeouts, so a dead peer or a runaway statement is noticed rather than waited on forever.
 * The choices are explained in docs/reliability.md ("Database connections").
 *
 * Everything here is sent in the startup packet, so it needs no extra round trip. Postgres
 * ignores none of it; the embedded PGlite accepts and ignores it (one session, no network).
 * Settings the user puts in DATABASE_URL's `options` win over ours (withSessionSettings).
 */
import type pg from 'pg';
import { MINUTE_MS, SECOND_MS } from '../time.ts';

/**
 * Server-side TCP keepalive (seconds): an idle connection whose client vanished without a FIN
 * (host power loss, network partition) is closed after ~idle + interval × count = 60 s, which
 * also releases its session advisory locks. The operating system's defaults take two hours.
 */
const SERVER_KEEPALIVE = { tcp_keepalives_idle: 30, tcp_keepalives_interval: 10, tcp_keepalives_count: 3 } as const;

/**
 * Client side: the same for a vanished server (Node sets only the idle time; probes then follow
 * the OS interval). Dedicated lock connections also ping (advisory-lock.ts).
 */
const CLIENT_KEEPALIVE: pg.ClientConfig = { keepAlive: true, keepAliveInitialDelayMillis: 30 * SECOND_MS };

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
  return {
    ...withSessionSettings(connectionString, { ...SERVER_KEEPALIVE, ...POOL_SESSION_SETTINGS }),
    connectionTimeoutMillis: 10 * SECOND_MS,
    ...CLIENT_KEEPALIVE,
  };
}

/** Connection settings for a dedicated lock connection (src/db/advisory-lock.ts). */
export function lockConnectionConfig(connectionString: string): pg.ClientConfig {
  return {
    ...withSessionSettings(connectionString, { ...SERVER_KEEPALIVE, ...LOCK_SESSION_SETTINGS }),
    connectionTimeoutMillis: 10 * SECOND_MS,
    // Client-side cap on our own statements: a ping that gets no answer means a dead link.
    query_timeout: 15 * SECOND_MS,
    ...CLIENT_KEEPALIVE,
  };
}

/**
 * Our server settings merged with the `options` of the connection string: every setting is sent
 * as `-c name=value` in the startup packet's options, the user's first and ours only for the
 * parameters the user did not set. Why: pg lets a URL's `options` replace ours wholesale (the
 * keepalive run liveness relies on fell back to the OS's two hours), and pg's own
 * `statement_timeout` startup parameter beat a `-c statement_timeout` in the URL (Postgres applies
 * startup parameters after `options`). A parameter the user sets is deliberate (a DBA's policy),
 * so theirs wins; docs/reliability.md ("Database connections") says what each of ours is for.
 * A URL's own `?statement_timeout=` (a pg startup parameter) still wins over everything.
 */
function withSessionSettings(connectionString: string, ours: Record<string, number>): pg.ClientConfig {
  const url = parseUrl(connectionString);
  const userOptions = url?.searchParams.get('options') ?? '';
  const userNames = optionNames(userOptions);
  const added = Object.entries(ours)
    .filter(([name]) => !userNames.has(name))
    .map(([name, value]) => `-c ${name}=${value}`);
  const options = [userOptions.trim(), ...added].filter(Boolean).join(' ');
  // pg lets the connection string's `options` override the config's: put the merged one there.
  if (url?.searchParams.has('options')) {
    url.searchParams.set('options', options);
    return { connectionString: url.toString() };
  }
  return { connectionString, options };
}

/** The connection string as a URL, the way pg-connection-string reads it; undefined when it is not one. */
function parseUrl(connectionString: string): URL | undefined {
  try {
    return new URL(connectionString);
  } catch {
    return undefined;
  }
}

/**
 * The parameter names a libpq `options` string sets: `-c name=value`, `-cname=value` and
 * `--name=value` (dashes in a name read as underscores, as Postgres does). Words are separated
 * by unescaped whitespace; a backslash escapes the next character.
 */
function optionNames(options: string): Set<string> {
  const words = options.match(/(?:\\.|[^\s\\])+/g) ?? [];
  const names = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    let setting: string | undefined;
    if (words[i] === '-c') setting = words[++i];
    else if (words[i]!.startsWith('-c')) setting = words[i]!.slice(2);
    else if (words[i]!.startsWith('--')) setting = words[i]!.slice(2);
    const name = setting?.split('=')[0]?.replace(/\\(.)/g, '$1');
    if (name) names.add(name.toLowerCase().replace(/-/g, '_'));
  }
  return names;
}
