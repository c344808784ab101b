/**
 * The one retry helper: run an operation up to `attempts` times, waiting between tries. The
 * wait goes through an injected `sleep` (default: a real timer that a signal can cut short), so
 * callers under test advance a virtual clock instead of sleeping. Which errors are worth
 * another try, and how long to wait, are the caller's decisions.
 */
import { sleep as realSleep } from './time.ts';

export interface RetryPolicy {
  /** Tries in all (>= 1). */
  attempts: number;
  /** How long to wait after failed try number `attempt` (1-based), ms. */
  delayMs: (attempt: number, error: unknown) => number;
  /** Whether this error deserves another try (default: every error). */
  retryable?: (error: unknown) => boolean;
  /** Told before each wait, e.g. to log the retry. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Waits `ms`; rejects when `signal` aborts. Injected by tests (virtual clocks). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops the retrying: a wait in progress rejects with the signal's reason. */
  signal?: AbortSignal;
}

export async function retry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new RangeError(`attempts must be an integer >= 1, got ${policy.attempts}`);
  const wait = policy.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || policy.signal?.aborted || !(policy.retryable?.(error) ?? true)) throw error;
      const delay = policy.delayMs(attempt, error);
      policy.onRetry?.(error, attempt, delay);
      await wait(delay, policy.signal);
    }
  }
}
