/**
 * A Postgres session advisory lock held on a dedicated connection (a pg.Client, never the
 * pool: a pooled connection goes back to the pool, and the lock with it). Postgres releases
 * the lock the moment that connection ends — the process was killed, its host vanished (the
 * server's TCP keepalive notices, connection-settings.ts), an administrator terminated the
 * backend — which is what makes the lock a liveness signal and a mutex that a crash cannot
 * leave behind.
 *
 * A lost connection is noticed (the client's 'error'/'end' events, and a ping every 15 s for
 * a link that died silently). The holder is told ('lost'), and the lock is taken again on a
 * fresh connection as soon as the database answers ('reacquired'), unless someone else took
 * it meanwhile ('taken': the holder decides what that means). Not on PGlite, where every
 * connection shares one session and advisory locks do not exclude (see run-liveness.ts).
 */
import pg from 'pg';
import { SECOND_MS } from '../time.ts';
import { lockConnectionConfig } from './connection-settings.ts';

/** A single bigint key, or a (namespace, key) pair of int4 (the two key spaces never overlap). */
export type AdvisoryKey = { key: bigint } | { namespace: number; key: number };

export type LockEvent =
  | { type: 'lost'; error: Error }
  | { type: 'reacquired' }
  | { type: 'taken' };

export type LockState = 'held' | 'lost' | 'taken' | 'released';

export interface HeldLock {
  readonly state: LockState;
  /** The backend pid holding the lock now (changes when it is re-acquired). */
  readonly backendPid: number | undefined;
  /** Subscribes to loss, re-acquisition and takeover; returns the unsubscribe function. */
  on(listener: (event: LockEvent) => void): () => void;
  /** Unlocks and closes the connection; never throws. */
  release(): Promise<void>;
}

export interface HoldOptions {
  /** How often the idle connection is pinged (default 15 s). */
  pingEveryMs?: number;
  /** A ping unanswered this long means the link is dead (default 10 s). */
  pingTimeoutMs?: number;
  /** Pause between attempts to take the lock again after a loss (default 2 s). */
  retryEveryMs?: number;
  /** Runs on the new connection right after the lock is taken again (e.g. restore a ledger row). */
  afterReacquire?: (client: pg.Client) => Promise<void>;
}

const DEFAULT_PING_MS = 15 * SECOND_MS;
const DEFAULT_PING_TIMEOUT_MS = 10 * SECOND_MS;
const DEFAULT_RETRY_MS = 2 * SECOND_MS;
const CLOSE_TIMEOUT_MS = 5 * SECOND_MS;

function lockSql(key: AdvisoryKey, fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock'): { text: string; values: string[] } {
  return 'namespace' in key
    ? { text: `SELECT ${fn}($1::int, $2::int) AS ok`, values: [String(key.namespace), String(key.key)] }
    : { text: `SELECT ${fn}($1::bigint) AS ok`, values: [key.key.toString()] };
}

/**
 * Closes a client without waiting forever: `end()` waits for the server's goodbye, which a
 * half-open link never delivers; after a few seconds the socket is simply destroyed (the
 * server's keepalive then ends the session, and its locks with it).
 */
async function closeClient(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.end().then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Connects and tries the lock once: the connected client holding it, or undefined when someone else holds it. */
async function connectAndTry(url: string, key: AdvisoryKey, onDrop: (error: Error) => void): Promise<pg.Client | undefined> {
  const client = new pg.Client(lockConnectionConfig(url));
  // Without an 'error' listener a dropped idle connection would crash the process.
  client.on('error', (error) => onDrop(error));
  client.on('end', () => onDrop(new Error('the lock connection ended')));
  try {
    await client.connect();
    const result = await client.query<{ ok: boolean }>(lockSql(key, 'pg_try_advisory_lock'));
    if (result.rows[0]?.ok) return client;
  } catch (error) {
    await closeClient(client);
    throw error;
  }
  await closeClient(client);
  return undefined;
}

/**
 * Takes the lock if it is free: a HeldLock, or undefined when another session holds it.
 * Throws when the database cannot be reached.
 */
export async function tryHoldAdvisoryLock(url: string, key: AdvisoryKey, options: HoldOptions = {}): Promise<HeldLock | undefined> {
  const listeners = new Set<(event: LockEvent) => void>();
  // Not 'held' until the first attempt succeeds: ending a client that did not get the lock
  // emits 'end', which must not count as losing it.
  let state: LockState = 'released';
  let client: pg.Client | undefined;
  let generation = 0;
  let ping: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;

  const emit = (event: LockEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure must not stop the others or the lock's own bookkeeping
      }
    }
  };

  // Each connection reports drops only for itself: a late event of a replaced one is ignored.
  const dropHandler = (gen: number) => (error: Error) => {
    if (gen !== generation || state !== 'held') return;
    state = 'lost';
    clearInterval(ping);
    const dead = client;
    client = undefined;
    if (dead) void closeClient(dead);
    emit({ type: 'lost', error });
    scheduleRetry();
  };

  const startPing = (c: pg.Client, gen: number) => {
    clearInterval(ping);
    ping = setInterval(() => {
      c.query({ text: 'SELECT 1', query_timeout: options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS } as pg.QueryConfig).catch((error: Error) =>
        dropHandler(gen)(error),
      );
    }, options.pingEveryMs ?? DEFAULT_PING_MS);
    ping.unref();
  };

  const scheduleRetry = () => {
    retry = setTimeout(() => void reacquire(), options.retryEveryMs ?? DEFAULT_RETRY_MS);
    retry.unref();
  };

  const reacquire = async () => {
    if (state !== 'lost') return;
    const gen = ++generation;
    let next: pg.Client | undefined;
    try {
      next = await connectAndTry(url, key, (e) => dropHandler(gen)(e));
    } catch {
      if (state === 'lost') scheduleRetry(); // the database is not back yet
      return;
    }
    if (state !== 'lost') {
      // Released while we were reconnecting.
      if (next) {
        await next.query(lockSql(key, 'pg_advisory_unlock')).catch(() => {});
        await closeClient(next);
      }
      return;
    }
    if (!next) {
      state = 'taken';
      emit({ type: 'taken' });
      return;
    }
    client = next;
    await options.afterReacquire?.(next).catch(() => {});
    if (state !== 'lost') return; // released (or dropped again) meanwhile
    state = 'held';
    startPing(next, gen);
    emit({ type: 'reacquired' });
  };

  const first = await connectAndTry(url, key, (e) => dropHandler(0)(e));
  if (!first) return undefined;
  client = first;
  state = 'held';
  startPing(first, 0);

  return {
    get state() {
      return state;
    },
    get backendPid() {
      return (client as (pg.Client & { processID?: number }) | undefined)?.processID;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async release() {
      if (state === 'released') return;
      const held = state === 'held';
      state = 'released';
      clearInterval(ping);
      clearTimeout(retry);
      const c = client;
      client = undefined;
      if (!c) return;
      if (held) await c.query(lockSql(key, 'pg_advisory_unlock')).catch(() => {});
      await closeClient(c);
    },
  };
}
