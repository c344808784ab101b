/** Time constants in milliseconds, so durations in code read with their unit. */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A clock is injected everywhere "now" matters, so tests can fix it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Resolves after `ms`; rejects early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unfollow();
      resolve();
    }, ms);
    const unfollow = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal?.reason);
    });
  });
}

/**
 * Calls `fn` once when `signal` aborts, at once when it already has: a listener added after
 * the abort would never fire, and a stop that lands between a signal's creation and the
 * listener must not be lost. Returns what removes the listener.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** Resolves when `signal` aborts (at once when it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => onAbort(signal, resolve));
}
