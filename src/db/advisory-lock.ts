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
/** Unlocking on release waits this long at most: closing the connection releases the lock anyway. */
const UNLOCK_TIMEOUT_MS = 3 * SECOND_MS;

function lockSql(key: AdvisoryKey, fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock'): pg.QueryConfig {
  const query = 'namespace' in key
    ? { text: `SELECT ${fn}($1::int, $2::int) AS ok`, values: [String(key.namespace), String(key.key)] }
    : { text: `SELECT ${fn}($1::bigint) AS ok`, values: [key.key.toString()] };
  return fn === 'pg_advisory_unlock' ? ({ ...query, query_timeout: UNLOCK_TIMEOUT_MS } as pg.QueryConfig) : query;
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
 * Throws when the database cannot be reached (within the lock connection's connect and query
 * timeouts, connection-settings.ts: a frozen database fails this, it never hangs it).
 */
export async function tryHoldAdvisoryLock(url: string, key: AdvisoryKey, options: HoldOptions = {}): Promise<HeldLock | undefined> {
  const holder = new LockHolder(url, key, options);
  return (await holder.takeFirst()) ? holder : undefined;
}

/**
 * The held lock's state machine: held → lost (connection dropped) → held again
 * ('reacquired') or taken (someone else got it); released at the end.
 */
class LockHolder implements HeldLock {
  // Not 'held' until the first attempt succeeds: ending a client that did not get the lock
  // emits 'end', which must not count as losing it.
  state: LockState = 'released';
  readonly #listeners = new Set<(event: LockEvent) => void>();
  #client: pg.Client | undefined;
  #generation = 0;
  #ping: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly key: AdvisoryKey,
    private readonly options: HoldOptions,
  ) {}

  get backendPid(): number | undefined {
    return (this.#client as (pg.Client & { processID?: number }) | undefined)?.processID;
  }

  async takeFirst(): Promise<boolean> {
    const first = await connectAndTry(this.url, this.key, this.#dropHandler(0));
    if (!first) return false;
    this.#client = first;
    this.state = 'held';
    this.#startPing(first, 0);
    return true;
  }

  on(listener: (event: LockEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async release(): Promise<void> {
    if (this.state === 'released') return;
    const held = this.state === 'held';
    this.state = 'released';
    clearInterval(this.#ping);
    clearTimeout(this.#retry);
    const c = this.#client;
    this.#client = undefined;
    if (!c) return;
    if (held) await c.query(lockSql(this.key, 'pg_advisory_unlock')).catch(() => {});
    await closeClient(c);
  }

  #emit(event: LockEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure must not stop the others or the lock's own bookkeeping
      }
    }
  }

  /** Each connection reports drops only for itself: a late event of a replaced one is ignored. */
  #dropHandler(gen: number): (error: Error) => void {
    return (error) => {
      if (gen !== this.#generation || this.state !== 'held') return;
      this.state = 'lost';
      clearInterval(this.#ping);
      const dead = this.#client;
      this.#client = undefined;
      if (dead) void closeClient(dead);
      this.#emit({ type: 'lost', error });
      this.#scheduleRetry();
    };
  }

  #startPing(c: pg.Client, gen: number): void {
    clearInterval(this.#ping);
    const timeout = this.options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.#ping = setInterval(() => {
      c.query({ text: 'SELECT 1', query_timeout: timeout } as pg.QueryConfig).catch((error: Error) => this.#dropHandler(gen)(error));
    }, this.options.pingEveryMs ?? DEFAULT_PING_MS);
    this.#ping.unref();
  }

  #scheduleRetry(): void {
    this.#retry = setTimeout(() => void this.#reacquire(), this.options.retryEveryMs ?? DEFAULT_RETRY_MS);
    this.#retry.unref();
  }

  async #reacquire(): Promise<void> {
    if (this.state !== 'lost') return;
    const gen = ++this.#generation;
    let next: pg.Client | undefined;
    try {
      next = await connectAndTry(this.url, this.key, this.#dropHandler(gen));
    } catch {
      if (this.state === 'lost') this.#scheduleRetry(); // the database is not back yet
      return;
    }
    if (this.state !== 'lost') return void (await this.#giveBack(next)); // released while reconnecting
    if (!next) {
      this.state = 'taken';
      this.#emit({ type: 'taken' });
      return;
    }
    this.#client = next;
    await this.options.afterReacquire?.(next).catch(() => {});
    if (this.state !== 'lost') return; // released (or dropped again) meanwhile
    this.state = 'held';
    this.#startPing(next, gen);
    this.#emit({ type: 'reacquired' });
  }

  async #giveBack(client: pg.Client | undefined): Promise<void> {
    if (!client) return;
    await client.query(lockSql(this.key, 'pg_advisory_unlock')).catch(() => {});
    await closeClient(client);
  }
}
