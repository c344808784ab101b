import pLimit, { type LimitFunction } from 'p-limit';
import { MINUTE_MS } from '../time.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * `promise`, or a rejection with `signal`'s reason as soon as it aborts (the work behind the
 * promise goes on; its outcome is then ignored). The listener is removed once either happens.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // its outcome no longer matters
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Share of `ratePerMinute` the pacer actually uses. Starting exactly at the limit puts request
 * N+rate ~60 000 ms after request N, so a few ms of event-loop or network jitter now and then
 * lets a sliding-window limiter (Genesys counts per token per minute) see rate+1 and answer 429,
 * which pauses everything for a second or more. Against the simulator at 3000/min for 70 s:
 * headroom 1 drew 429s, 0.98 drew none and still used ~98% of the budget.
 */
export const PACING_HEADROOM = 0.98;

/**
 * Spaces request starts evenly (a token bucket of capacity 1) at `ratePerMinute × headroom`.
 * Even spacing never puts more than the rate in any 60 s window, so it stays under a
 * per-minute limit whether the server counts fixed or sliding windows, and it still uses
 * almost the whole budget when concurrency allows. Unused time is not banked as a burst.
 */
export class Pacer {
  readonly intervalMs: number;
  #nextStartMs = -Infinity;

  constructor(ratePerMinute: number, headroom = PACING_HEADROOM) {
    if (!(ratePerMinute > 0)) throw new RangeError(`ratePerMinute must be > 0, got ${ratePerMinute}`);
    if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`headroom must be in (0, 1], got ${headroom}`);
    this.intervalMs = MINUTE_MS / (ratePerMinute * headroom);
  }

  /** Books the next start slot; returns how long to wait (ms) before starting. */
  reserve(nowMs: number): number {
    const startMs = Math.max(nowMs, this.#nextStartMs);
    this.#nextStartMs = startMs + this.intervalMs;
    return startMs - nowMs;
  }
}

export interface GateOptions {
  readonly concurrency: number;
  readonly ratePerMinute: number;
  readonly nowMs: () => number;
  readonly sleep: Sleep;
}

/**
 * The one gate every API request of the process goes through: at most `concurrency` in flight
 * (one p-limit, owned here), starts paced under `ratePerMinute`, and a shared pause that a 429
 * on any request imposes on all of them.
 *
 * Callers must not call `run` from inside `run` (p-limit deadlocks when re-entered): retries
 * and their backoff sleeps happen outside, each attempt is a fresh `run`.
 */
export class Gate {
  readonly #limit: LimitFunction;
  readonly #pacer: Pacer;
  readonly #nowMs: () => number;
  readonly #sleep: Sleep;
  #pausedUntilMs = 0;

  constructor(options: GateOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${options.concurrency}`);
    }
    this.#limit = pLimit({ concurrency: options.concurrency, rejectOnClear: true });
    this.#pacer = new Pacer(options.ratePerMinute);
    this.#nowMs = options.nowMs;
    this.#sleep = options.sleep;
  }

  /**
   * Runs `send` holding one slot, after any shared pause and the pacer's turn. `signal` ends the
   * wait wherever it is: queued for a slot, in the shared 429 pause, or waiting for the pacer.
   */
  run<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const queued = this.#limit(async () => {
      await this.#ready(signal);
      return send();
    });
    return signal ? abortable(queued, signal) : queued;
  }

  /** Holds every request (queued or about to start) until at least `ms` from now. */
  pause(ms: number): void {
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, this.#nowMs() + ms);
  }

  get pausedUntilMs(): number {
    return this.#pausedUntilMs;
  }

  get activeCount(): number {
    return this.#limit.activeCount;
  }

  get pendingCount(): number {
    return this.#limit.pendingCount;
  }

  /** Rejects every queued request (p-limit `AbortError`); running ones finish or abort on their own. */
  clear(): void {
    this.#limit.clearQueue();
  }

  async #ready(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const pausedMs = this.#pausedUntilMs - this.#nowMs();
      if (pausedMs > 0) {
        await this.#sleep(pausedMs, signal);
        continue;
      }
      const waitMs = this.#pacer.reserve(this.#nowMs());
      if (waitMs > 0) await this.#sleep(waitMs, signal);
      // A 429 elsewhere may have paused everyone while we waited for our turn.
      if (this.#pausedUntilMs <= this.#nowMs()) return;
    }
  }
}
