/**
 * The two health answers of the worker's HTTP server: liveness (/healthz: the process runs
 * and its event loop is not being blocked) and readiness (/readyz: the database answers and
 * the last run did not fail).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface HealthAnswer {
  ok: boolean;
  /** One line for the response body: what was checked, or what is wrong. */
  detail: string;
}

/** Where the longest event-loop stall since the last reading comes from (ms). */
export interface LoopDelaySource {
  /** Longest delay seen since the previous call, ms; resets. */
  takeMaxMs(): number;
  stop(): void;
}

/** perf_hooks' event-loop delay histogram, sampled every 20 ms. */
export function nodeLoopDelaySource(): LoopDelaySource {
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  return {
    takeMaxMs() {
      const maxMs = histogram.max / 1e6;
      histogram.reset();
      return Number.isFinite(maxMs) ? maxMs : 0;
    },
    stop: () => histogram.disable(),
  };
}

/**
 * A loop stalled longer than this between two probes makes /healthz answer 503. A process
 * that answers at all has a turning loop; this catches one that is blocked for long stretches
 * (a runaway synchronous computation, a GC death spiral near the heap cap).
 */
const MAX_LOOP_STALL_MS = 10_000;

export function liveness(loop: LoopDelaySource, maxStallMs = MAX_LOOP_STALL_MS): () => HealthAnswer {
  return () => {
    const stallMs = Math.round(loop.takeMaxMs());
    return stallMs > maxStallMs
      ? { ok: false, detail: `the event loop stalled for ${stallMs} ms since the last check (limit ${maxStallMs} ms)` }
      : { ok: true, detail: `ok: longest event-loop stall since the last check ${stallMs} ms` };
  };
}

export interface ReadinessDeps {
  /** `SELECT 1` on the database; rejects when it does not answer. */
  pingDatabase(): Promise<void>;
  /** How this process's last run ended, undefined before the first. */
  lastRunStatus(): string | undefined;
  /** Longest wait for the database, ms. */
  timeoutMs?: number;
}

export function readiness(deps: ReadinessDeps): () => Promise<HealthAnswer> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  return async () => {
    try {
      await withTimeout(deps.pingDatabase(), timeoutMs);
    } catch (error) {
      return { ok: false, detail: `the database does not answer: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
    }
    const last = deps.lastRunStatus();
    if (last === 'failed' || last === 'error') return { ok: false, detail: `the last run ${last === 'failed' ? 'failed' : 'ended with an error'} (see the log and \`status\`)` };
    return { ok: true, detail: `ok: the database answers; last run: ${last ?? 'none yet'}` };
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
