import { RequestError } from 'got';
import { MINUTE_MS, SECOND_MS } from '../time.ts';
import { FatalApiError, NetworkError, RetriableApiError, type ApiErrorDetails } from './errors.ts';

/** What one HTTP attempt produced: a response (any status) or a transport error. */
export type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly kind: 'error'; readonly error: unknown };

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ClassifyContext {
  readonly method: string;
  readonly path: string;
  /** The OAuth token request: a 401 there means bad credentials, not an expired token. */
  readonly isTokenRequest: boolean;
  /** The token was already renewed once for this call: a second 401 is final. */
  readonly tokenRenewed: boolean;
  /** Epoch ms, to turn an HTTP-date `Retry-After` into a delay. */
  readonly nowMs: number;
}

/**
 * The action an outcome demands. `retry-after` pauses every request of the process (429);
 * `ms: null` means the API gave no hint and the caller backs off exponentially.
 */
export type Verdict =
  | { readonly action: 'ok' }
  | { readonly action: 'retry-after'; readonly ms: number | null; readonly error: RetriableApiError }
  | { readonly action: 'backoff'; readonly reason: 'server' | 'network'; readonly error: RetriableApiError | NetworkError }
  | { readonly action: 'renew-token'; readonly error: FatalApiError }
  | { readonly action: 'fail'; readonly error: Error };

/** A server that asks for longer than this is probably broken; waiting longer helps no one. */
const MAX_RETRY_AFTER_MS = 5 * MINUTE_MS;

/**
 * Socket-level failures worth retrying (same list as got's default retry `errorCodes`, plus
 * premature-close/abort codes seen when a connection drops mid-body).
 */
const RETRIABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH',
  'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);

/**
 * Decides what to do with one attempt's outcome. Pure: no I/O, no clock (now is passed in),
 * no counters; the request loop owns retry budgets.
 *
 * - 2xx → ok
 * - 401 on a data call → renew the token once, then fail
 * - 429 → pause everyone for Retry-After / inin-ratelimit-reset / the "[N] seconds" text
 * - 408, 5xx, resets, hang-ups, timeouts → exponential backoff
 * - any other status (including 4xx on the token request) → fail fast
 *
 * Genesys treats 429 and 5xx as transient: https://developer.genesys.cloud/forum/t/normalized-platform-api-429-responses/12028
 */
export function classify(outcome: Outcome, ctx: ClassifyContext): Verdict {
  if (outcome.kind === 'error') return classifyError(outcome.error, ctx);
  const { status } = outcome;
  if (status >= 200 && status < 300) return { action: 'ok' };
  const details = errorDetails(outcome, ctx);
  if (status === 429) {
    const ms = rateLimitWaitMs(outcome.headers, outcome.body, ctx.nowMs);
    return { action: 'retry-after', ms, error: new RetriableApiError(details, ms ?? undefined) };
  }
  if (status >= 500 || status === 408) {
    return { action: 'backoff', reason: 'server', error: new RetriableApiError(details) };
  }
  if (status === 401 && !ctx.isTokenRequest && !ctx.tokenRenewed) {
    return { action: 'renew-token', error: new FatalApiError(details) };
  }
  return { action: 'fail', error: new FatalApiError(details) };
}

function classifyError(error: unknown, ctx: ClassifyContext): Verdict {
  // Anything not from got is our own bug or an abort: pass it through untouched.
  if (!(error instanceof RequestError)) {
    return { action: 'fail', error: error instanceof Error ? error : new Error(String(error)) };
  }
  const errorCode = typeof error.code === 'string' ? error.code : undefined;
  const retriable =
    error.name === 'TimeoutError' ||
    (errorCode !== undefined && RETRIABLE_NETWORK_CODES.has(errorCode)) ||
    /socket hang up|ECONNRESET|premature close/i.test(error.message);
  // Summarise: got errors carry request options (headers with the bearer token).
  const networkError = new NetworkError({ method: ctx.method, path: ctx.path, errorCode, detail: error.message, retriable });
  return retriable ? { action: 'backoff', reason: 'network', error: networkError } : { action: 'fail', error: networkError };
}

/**
 * How long a 429 asks us to wait, in ms: `Retry-After` (seconds or HTTP-date), else
 * `inin-ratelimit-reset` (seconds), else "Retry the request in [N] seconds" in the body's
 * message; `null` when none is usable. Capped at MAX_RETRY_AFTER_MS.
 * Headers: https://developer.genesys.cloud/forum/t/normalized-platform-api-429-responses/12028
 */
export function rateLimitWaitMs(headers: Headers, body: string, nowMs: number): number | null {
  const ms =
    parseRetryAfterMs(header(headers, 'retry-after'), nowMs) ??
    parseSecondsMs(header(headers, 'inin-ratelimit-reset')) ??
    parseRetryMessageMs(parseJsonObject(body)?.['message']);
  return ms === null ? null : Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const seconds = parseSecondsMs(value);
  if (seconds !== null) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) || !/[a-z]/i.test(value) ? null : Math.max(0, date - nowMs);
}

/** Parses the Genesys 429 text, e.g. "Rate limit exceeded the maximum. Retry the request in [42] seconds". */
export function parseRetryMessageMs(message: unknown): number | null {
  if (typeof message !== 'string') return null;
  const match = /retry the request in \[?\s*(\d+(?:\.\d+)?)\s*\]? seconds?/i.exec(message);
  return match?.[1] === undefined ? null : Math.round(Number(match[1]) * SECOND_MS);
}

function parseSecondsMs(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  return Math.round(Number(value) * SECOND_MS);
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/** Reads the Genesys `ErrorBody` (or the OAuth `error`/`error_description` pair) if present. */
function errorDetails(outcome: Extract<Outcome, { kind: 'response' }>, ctx: ClassifyContext): ApiErrorDetails {
  const body = parseJsonObject(outcome.body);
  const text = (key: string): string | undefined => {
    const value = body?.[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const apiMessage =
    text('message') ?? text('error_description') ?? text('description') ?? (body === undefined ? snippet(outcome.body) : undefined);
  return {
    method: ctx.method,
    path: ctx.path,
    status: outcome.status,
    apiCode: text('code') ?? text('error'),
    apiMessage,
    contextId: text('contextId') ?? header(outcome.headers, 'inin-correlation-id'),
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** First line of a non-JSON body (an HTML error page from a proxy, say), kept short. */
function snippet(text: string): string | undefined {
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  if (line === '') return undefined;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
