/**
 * Errors raised by the Genesys client. Each has a readable `name`, a stable `code` for callers
 * to branch on, and a `cause`. None carries request options or headers: got's own errors hold
 * the bearer token in `options.headers`, so they are summarised, never rethrown or chained.
 */
export type GenesysErrorCode =
  | 'GENESYS_AUTH'
  | 'GENESYS_FATAL'
  | 'GENESYS_RETRIABLE'
  | 'GENESYS_NETWORK'
  | 'GENESYS_RETRIES_EXHAUSTED'
  | 'GENESYS_INVALID_RECORD'
  | 'GENESYS_INVALID_RESPONSE'
  | 'GENESYS_PAGING_LIMIT'
  | 'GENESYS_CLOSED';

export class GenesysError extends Error {
  override readonly name: string = 'GenesysError';
  readonly code: GenesysErrorCode;

  constructor(message: string, options: { code: GenesysErrorCode; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

/** What an error response said, from the Genesys `ErrorBody` (`message`, `code`, `contextId`). */
export interface ApiErrorDetails {
  readonly method: string;
  /** Path and query string, never the host (no credentials live in either). */
  readonly path: string;
  readonly status: number;
  readonly apiCode?: string | undefined;
  readonly apiMessage?: string | undefined;
  readonly contextId?: string | undefined;
}

/** A non-2xx response. Use the subclasses to tell fail-fast from transient. */
export class GenesysApiError extends GenesysError {
  override readonly name: string = 'GenesysApiError';
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly apiCode: string | undefined;
  readonly apiMessage: string | undefined;
  readonly contextId: string | undefined;

  constructor(details: ApiErrorDetails, code: GenesysErrorCode, cause?: unknown) {
    super(describeApiError(details), { code, cause });
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.apiCode = details.apiCode;
    this.apiMessage = details.apiMessage;
    this.contextId = details.contextId;
  }
}

/** A 4xx that retrying cannot fix (bad request, missing permission, not found...). */
export class FatalApiError extends GenesysApiError {
  override readonly name = 'FatalApiError';
  constructor(details: ApiErrorDetails) {
    super(details, 'GENESYS_FATAL');
  }
}

/** A 429 or 5xx; `retryAfterMs` is what the API asked us to wait, when it said. */
export class RetriableApiError extends GenesysApiError {
  override readonly name = 'RetriableApiError';
  readonly retryAfterMs: number | undefined;
  constructor(details: ApiErrorDetails, retryAfterMs?: number) {
    super(details, 'GENESYS_RETRIABLE');
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request never got an HTTP response (reset, hang-up, timeout, refused...). */
export class NetworkError extends GenesysError {
  override readonly name = 'NetworkError';
  readonly method: string;
  readonly path: string;
  /** The socket/got error code, e.g. `ECONNRESET`, `ETIMEDOUT`. */
  readonly errorCode: string | undefined;
  readonly retriable: boolean;

  constructor(details: { method: string; path: string; errorCode?: string | undefined; detail: string; retriable: boolean }) {
    const code = details.errorCode ? ` ${details.errorCode}` : '';
    super(`${details.method} ${details.path} failed:${code} ${details.detail}`, { code: 'GENESYS_NETWORK' });
    this.method = details.method;
    this.path = details.path;
    this.errorCode = details.errorCode;
    this.retriable = details.retriable;
  }
}

/** The token request was refused: wrong client id/secret, or the OAuth client is disabled. */
export class AuthError extends GenesysError {
  override readonly name = 'AuthError';
  readonly clientId: string;
  readonly status: number | undefined;

  constructor(clientId: string, detail: string, options: { status?: number; cause?: unknown } = {}) {
    super(`Genesys authentication failed for client id "${clientId}": ${detail}`, { code: 'GENESYS_AUTH', cause: options.cause });
    this.clientId = clientId;
    this.status = options.status;
  }
}

/** Transient failures went on for longer than the retry budget; `cause` is the last one. */
export class RetriesExhaustedError extends GenesysError {
  override readonly name = 'RetriesExhaustedError';
  readonly method: string;
  readonly path: string;
  readonly attempts: number;

  constructor(details: { method: string; path: string; attempts: number; last: GenesysError }) {
    super(`${details.method} ${details.path} gave up after ${details.attempts} attempts; last error: ${details.last.message}`, {
      code: 'GENESYS_RETRIES_EXHAUSTED',
      cause: details.last,
    });
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
  }
}

/** The response as a whole is not what the API documents (not JSON, wrong envelope). */
export class InvalidResponseError extends GenesysError {
  override readonly name = 'InvalidResponseError';
  readonly method: string;
  readonly path: string;

  constructor(details: { method: string; path: string; problem: string }) {
    super(`${details.method} ${details.path} returned an invalid response: ${details.problem}`, { code: 'GENESYS_INVALID_RESPONSE' });
    this.method = details.method;
    this.path = details.path;
  }
}

export interface InvalidRecordDetails {
  readonly entity: 'conversation' | 'user';
  /** The record's id (`conversationId` / user `id`) when it could be read. */
  readonly recordId: string | undefined;
  /** Position of the record in its page (0-based). */
  readonly index: number;
  readonly pageNumber: number;
  /** The query window as sent (`start/end`), for conversations. */
  readonly interval?: string | undefined;
  /** Where in the record the (first) problem is, e.g. `participants.0.purpose`. */
  readonly fieldPath: string;
  /** Zod paths and messages, e.g. `conversationStart: Invalid input: expected string, received undefined`. */
  readonly problem: string;
}

/** One record failed validation: the caller may skip, count and log it. */
export class InvalidRecordError extends GenesysError {
  override readonly name = 'InvalidRecordError';
  readonly entity: 'conversation' | 'user';
  readonly recordId: string | undefined;
  /** Same as `recordId` for conversations; `undefined` for users. */
  readonly conversationId: string | undefined;
  readonly index: number;
  readonly pageNumber: number;
  readonly interval: string | undefined;
  readonly fieldPath: string;
  readonly problem: string;

  constructor(details: InvalidRecordDetails) {
    const id = details.recordId === undefined ? `#${details.index} (id unreadable)` : details.recordId;
    const where = details.interval === undefined ? `page ${details.pageNumber}` : `page ${details.pageNumber} of window ${details.interval}`;
    super(`Invalid ${details.entity} ${id} on ${where}: ${details.problem}`, { code: 'GENESYS_INVALID_RECORD' });
    this.entity = details.entity;
    this.recordId = details.recordId;
    this.conversationId = details.entity === 'conversation' ? details.recordId : undefined;
    this.index = details.index;
    this.pageNumber = details.pageNumber;
    this.interval = details.interval;
    this.fieldPath = details.fieldPath;
    this.problem = details.problem;
  }
}

/** Builds `POST /api/v2/... failed: 400 bad.request: <message> (contextId <id>)`. */
function describeApiError(d: ApiErrorDetails): string {
  const apiCode = d.apiCode ? ` ${d.apiCode}` : '';
  const message = d.apiMessage ? `: ${d.apiMessage}` : '';
  const context = d.contextId ? ` (contextId ${d.contextId})` : '';
  return `${d.method} ${d.path} failed: ${d.status}${apiCode}${message}${context}`;
}
