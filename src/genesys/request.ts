import { performance } from 'node:perf_hooks';
import type { Got } from 'got';
import type { Logger } from 'pino';
import { retry } from '../retry.ts';
import { SECOND_MS } from '../time.ts';
import { classify, type Outcome } from './classify.ts';
import { InvalidResponseError, RetriesExhaustedError, type GenesysError } from './errors.ts';
import type { Sleep } from './gate.ts';
import { DEFAULT_MAX_RETRIES } from './limits.ts';
import { routeTemplate, statusClassOf, type RequestObserver } from './observer.ts';

/** Counters for the run ledger; every field only grows. */
export interface GenesysStats {
  /** HTTP attempts sent, token requests included. */
  requests: number;
  /** Attempts repeated after a 429, 5xx, network error or 401. */
  retries: number;
  /** 429 responses. */
  rateLimited: number;
  /** 5xx (and 408) responses. */
  serverErrors: number;
  /** Attempts that got no response (reset, hang-up, timeout...). */
  networkErrors: number;
  /** Access tokens obtained (the first one included). */
  tokenRenewals: number;
}

export function emptyStats(): GenesysStats {
  return { requests: 0, retries: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0, tokenRenewals: 0 };
}

/** Retry budgets and delays. Base/max delays are injectable so tests stay fast. */
export interface RetryPolicy {
  /** Retries for 5xx/408/network errors before giving up. */
  readonly maxRetries: number;
  /** Retries for 429s before giving up (they wait as told, so they get a larger budget). */
  readonly maxRateLimitRetries: number;
  /** First exponential-backoff ceiling (ms); doubles per retry up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** [0, 1) source for jitter. */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: DEFAULT_MAX_RETRIES,
  maxRateLimitRetries: 20,
  baseDelayMs: 500,
  maxDelayMs: 30 * SECOND_MS,
  random: Math.random,
};

/** Shared by every request of one client. */
export interface RequestDeps {
  readonly http: Got;
  readonly policy: RetryPolicy;
  readonly logger: Logger;
  readonly stats: GenesysStats;
  readonly sleep: Sleep;
  readonly nowMs: () => number;
  /** Told about every attempt, retry and 429 (metrics); optional. */
  readonly observer?: RequestObserver | undefined;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  /** Path and query, used in logs and error messages (never the host or headers). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

type ResponseOutcome = Extract<Outcome, { kind: 'response' }>;

/** How one call attempts, and what it does between attempts. */
export interface RetryHooks {
  /** Performs attempt number `attempt` (1-based). Throws only on abort or a non-HTTP failure. */
  readonly attempt: (attempt: number) => Promise<Outcome>;
  /** The OAuth token request itself: a 401 there is final. */
  readonly isTokenRequest: boolean;
  /** Called on the first 401 of a data call, before retrying. */
  readonly renewToken?: () => void;
  /** Called on a 429 with the wait (ms) before the next attempt, so others pause too. */
  readonly pauseAll?: (ms: number) => void;
}

/**
 * Runs attempts until one succeeds or classification says stop, through the one retry helper
 * (src/retry.ts). All retry logic of the client lives here (got's own retry is off). Sleeps
 * happen between attempts, outside any concurrency slot, so a retrying call never blocks the
 * others; a 429 honours Retry-After, 5xx and network errors back off, each on its own budget.
 */
export async function withRetries(
  request: Pick<HttpRequest, 'method' | 'path'>,
  hooks: RetryHooks,
  deps: RequestDeps,
  signal?: AbortSignal,
): Promise<ResponseOutcome> {
  const budget: Budget = { backoffs: 0, rateLimits: 0, tokenRenewed: false };
  const endpoint = routeTemplate(request.path);
  try {
    return await retry(
      async (attempt) => {
        signal?.throwIfAborted();
        const outcome = await hooks.attempt(attempt);
        const verdict = classify(outcome, {
          method: request.method,
          path: request.path,
          isTokenRequest: hooks.isTokenRequest,
          tokenRenewed: budget.tokenRenewed,
          nowMs: deps.nowMs(),
        });
        if (verdict.action === 'ok') return outcome as ResponseOutcome;
        if (verdict.action === 'fail') throw verdict.error;
        throw nextTry(verdict, { request, attempt, budget, hooks, deps });
      },
      {
        attempts: Number.MAX_SAFE_INTEGER, // the budgets below decide
        retryable: (error) => error instanceof Again,
        delayMs: (_attempt, error) => (error as Again).delayMs,
        onRetry: (error) => {
          deps.stats.retries++;
          deps.observer?.retry(endpoint);
          (error as Again).announce();
        },
        sleep: (ms, s) => (ms > 0 ? deps.sleep(ms, s) : Promise.resolve()),
        ...(signal ? { signal } : {}),
      },
    );
  } catch (error) {
    // A stop that came while an attempt was out: the stop, not the retry marker, is the news.
    if (error instanceof Again) throw signal?.reason ?? error.cause;
    throw error;
  }
}

interface Budget {
  backoffs: number;
  rateLimits: number;
  tokenRenewed: boolean;
}

/** "Try again after `delayMs`": thrown inside the retry helper only. */
class Again extends Error {
  constructor(
    readonly delayMs: number,
    readonly announce: () => void,
    cause: GenesysError,
  ) {
    super('retry', { cause });
  }
}

type RetryVerdict = Exclude<ReturnType<typeof classify>, { action: 'ok' | 'fail' }>;

/** What a retryable verdict means now: another try after a delay, or the budget is spent. */
function nextTry(
  verdict: RetryVerdict,
  at: { request: Pick<HttpRequest, 'method' | 'path'>; attempt: number; budget: Budget; hooks: RetryHooks; deps: RequestDeps },
): Again | RetriesExhaustedError {
  const { request, attempt, budget, hooks, deps } = at;
  const { policy, stats, logger } = deps;
  const log = { method: request.method, path: request.path, attempt };
  switch (verdict.action) {
    case 'renew-token':
      budget.tokenRenewed = true;
      return new Again(0, () => {
        logger.info(log, 'Genesys rejected the access token (401); renewing it and retrying');
        hooks.renewToken?.();
      }, verdict.error);
    case 'retry-after': {
      stats.rateLimited++;
      deps.observer?.rateLimited(routeTemplate(request.path));
      if (budget.rateLimits >= policy.maxRateLimitRetries) return exhausted(request, attempt, verdict.error);
      budget.rateLimits++;
      const waitMs = verdict.ms ?? exponentialMs(budget.rateLimits, policy);
      const delayMs = Math.round(waitMs + policy.random() * rateLimitJitterMaxMs(waitMs));
      return new Again(delayMs, () => {
        logger.warn({ ...log, status: 429, delayMs, retryAfterMs: verdict.ms }, 'Genesys rate limit hit; pausing all requests');
        hooks.pauseAll?.(delayMs);
      }, verdict.error);
    }
    case 'backoff': {
      if (verdict.reason === 'server') stats.serverErrors++;
      else stats.networkErrors++;
      if (budget.backoffs >= policy.maxRetries) return exhausted(request, attempt, verdict.error);
      budget.backoffs++;
      // Full jitter: spread retries of many callers over the whole window.
      const delayMs = Math.round(policy.random() * exponentialMs(budget.backoffs, policy));
      return new Again(delayMs, () => logger.warn({ ...log, delayMs, error: verdict.error.message }, 'Genesys request failed transiently; retrying'), verdict.error);
    }
  }
}

/**
 * One HTTP attempt. Never throws for HTTP statuses or transport failures (they come back as an
 * Outcome to classify); rethrows only the abort reason. Logs one debug line without headers.
 */
export async function sendOnce(request: HttpRequest, attempt: number, deps: RequestDeps, signal?: AbortSignal): Promise<Outcome> {
  const started = performance.now();
  const log = { method: request.method, path: request.path, attempt };
  deps.stats.requests++;
  try {
    const response = await deps.http(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
    });
    const durationMs = Math.round(performance.now() - started);
    deps.logger.debug({ ...log, status: response.statusCode, durationMs }, 'Genesys request');
    deps.observer?.request(routeTemplate(request.path), statusClassOf(response.statusCode));
    return { kind: 'response', status: response.statusCode, headers: response.headers, body: String(response.body) };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const durationMs = Math.round(performance.now() - started);
    const errorCode = (error as { code?: unknown }).code;
    deps.logger.debug({ ...log, errorCode, durationMs }, 'Genesys request failed without a response');
    deps.observer?.request(routeTemplate(request.path), 'network');
    return { kind: 'error', error };
  }
}

/** Parses a 2xx body as JSON; a body that is not JSON is an API fault we cannot retry into sense. */
export function parseJsonBody(request: Pick<HttpRequest, 'method' | 'path'>, outcome: ResponseOutcome): unknown {
  try {
    return JSON.parse(outcome.body);
  } catch {
    throw new InvalidResponseError({ ...request, problem: `${outcome.status} response body is not JSON` });
  }
}

function exponentialMs(retry: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}

/** A little jitter after a 429 so callers that were told the same instant do not stampede. */
function rateLimitJitterMaxMs(waitMs: number): number {
  return Math.min(5 * SECOND_MS, Math.max(100, waitMs * 0.1));
}

function exhausted(request: Pick<HttpRequest, 'method' | 'path'>, attempts: number, last: GenesysError): RetriesExhaustedError {
  return new RetriesExhaustedError({ method: request.method, path: request.path, attempts, last });
}
