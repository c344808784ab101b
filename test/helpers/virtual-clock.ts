import { setImmediate as nextTurn, setTimeout as realDelay } from 'node:timers/promises';

/**
 * A deterministic clock for timing tests: `now()` reads virtual time, `sleep()` parks the caller
 * until virtual time reaches its deadline, and `drive()` moves time forward only when nothing
 * else can progress. Timing assertions can then be exact, whatever the machine's load: a slow
 * event loop makes the test take longer in real time but never changes the virtual timeline.
 *
 * "Nothing else can progress" is detected, not known: the driver waits until the clock has seen
 * no activity (a `now()`, a `sleep()`, a wake-up or an abort) for `idleTurns` event-loop turns
 * and, when real I/O is involved (an HTTP server in the same process), for `idleMs` real ms as
 * well, so a reply still travelling over a loopback socket is not overtaken by a jump in time.
 */
interface VirtualClockOptions {
  /** Virtual time at creation (epoch ms); default 2024-05-01T00:00:00Z. */
  readonly startMs?: number;
  /** Event-loop turns (setImmediate) without clock activity before time may move; default 10. */
  readonly idleTurns?: number;
  /** Real ms without clock activity before time may move; default 0 (pure in-memory tests). */
  readonly idleMs?: number;
}

interface Sleeper {
  readonly deadlineMs: number;
  readonly order: number;
  readonly wake: () => void;
}

export class VirtualClock {
  readonly #idleTurns: number;
  readonly #idleMs: number;
  readonly #sleepers: Sleeper[] = [];
  #nowMs: number;
  #order = 0;
  #activity = 0;

  constructor(options: VirtualClockOptions = {}) {
    this.#nowMs = options.startMs ?? Date.parse('2024-05-01T00:00:00Z');
    this.#idleTurns = options.idleTurns ?? 10;
    this.#idleMs = options.idleMs ?? 0;
  }

  /** Virtual epoch ms (the `nowMs` a Gate takes). */
  readonly now = (): number => {
    this.#activity++;
    return this.#nowMs;
  };

  /** Virtual time as a Date (the `Clock` the client and jobs take). */
  readonly date = (): Date => new Date(this.now());

  /** Resolves when virtual time reaches now + ms; rejects with the signal's reason on abort. */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.#activity++;
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#activity++;
        const index = this.#sleepers.indexOf(sleeper);
        if (index >= 0) this.#sleepers.splice(index, 1);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        deadlineMs: this.#nowMs + Math.max(0, ms),
        order: this.#order++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** How many sleepers are parked. */
  get parked(): number {
    return this.#sleepers.length;
  }

  /**
   * Moves virtual time to the earliest parked deadline and wakes every sleeper due then, in the
   * order they went to sleep (as Node fires timers due together). Returns false if none is parked.
   */
  advance(): boolean {
    if (this.#sleepers.length === 0) return false;
    const deadlineMs = Math.min(...this.#sleepers.map((s) => s.deadlineMs));
    const due = this.#sleepers.filter((s) => s.deadlineMs === deadlineMs).sort((a, b) => a.order - b.order);
    for (const sleeper of due) this.#sleepers.splice(this.#sleepers.indexOf(sleeper), 1);
    this.#nowMs = Math.max(this.#nowMs, deadlineMs);
    this.#activity++;
    for (const sleeper of due) sleeper.wake();
    return true;
  }

  /**
   * Runs time until `work` settles: whenever the process is idle, advances to the next deadline.
   * With nothing parked it waits in real time (real I/O or a real timer is still pending).
   */
  async drive<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    let settled = false;
    const promise = (typeof work === 'function' ? work() : work).finally(() => {
      settled = true;
    });
    promise.catch(() => {}); // observed below; no unhandled rejection while driving
    while (!settled) {
      await this.#idle(() => settled);
      if (settled) break;
      if (!this.advance()) await realDelay(1);
    }
    return promise;
  }

  /** Resolves once the clock has been quiet for idleTurns turns and idleMs real ms (or `stop()`). */
  async #idle(stop: () => boolean): Promise<void> {
    let mark = this.#activity;
    let turns = 0;
    let quietSince = performance.now();
    while (!stop()) {
      if (turns < this.#idleTurns) await nextTurn();
      else if (performance.now() - quietSince < this.#idleMs) await realDelay(1);
      else return;
      if (this.#activity !== mark) {
        mark = this.#activity;
        turns = 0;
        quietSince = performance.now();
      } else {
        turns++;
      }
    }
  }
}
