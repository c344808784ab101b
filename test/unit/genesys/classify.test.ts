import { Options, RequestError } from 'got';
import { describe, expect, it } from 'vitest';
import {
  classify,
  parseRetryAfterMs,
  parseRetryMessageMs,
  rateLimitWaitMs,
  type ClassifyContext,
  type Outcome,
} from '../../../src/genesys/classify.ts';
import { FatalApiError, NetworkError, RetriableApiError } from '../../../src/genesys/errors.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const data: ClassifyContext = {
  method: 'POST',
  path: '/api/v2/analytics/conversations/details/query',
  isTokenRequest: false,
  tokenRenewed: false,
  nowMs: NOW,
};
const token: ClassifyContext = { ...data, path: '/oauth/token', isTokenRequest: true };

function response(status: number, body: unknown = {}, headers: Record<string, string> = {}): Outcome {
  return { kind: 'response', status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
function gotError(code: string, message: string): Outcome {
  return { kind: 'error', error: new RequestError(message, { code }, new Options()) };
}
const tooMany = {
  message: 'Rate limit exceeded the maximum. Retry the request in [42] seconds',
  code: 'too.many.requests.retry.after',
  status: 429,
  contextId: 'ctx-429',
};

describe('classify', () => {
  const table: Array<[string, Outcome, ClassifyContext, Record<string, unknown>]> = [
    ['200 is ok', response(200), data, { action: 'ok' }],
    ['204 is ok', response(204, ''), data, { action: 'ok' }],
    ['429 waits Retry-After seconds', response(429, tooMany, { 'retry-after': '3' }), data, { action: 'retry-after', ms: 3000 }],
    ['429 falls back to inin-ratelimit-reset', response(429, {}, { 'inin-ratelimit-reset': '7' }), data, { action: 'retry-after', ms: 7000 }],
    ['429 falls back to the message text', response(429, tooMany), data, { action: 'retry-after', ms: 42_000 }],
    ['429 with no hint leaves the wait to backoff', response(429, 'busy'), data, { action: 'retry-after', ms: null }],
    ['429 on the token request is retried too', response(429, {}, { 'retry-after': '1' }), token, { action: 'retry-after', ms: 1000 }],
    ['500 backs off', response(500, { code: 'internal.server.error' }), data, { action: 'backoff', reason: 'server' }],
    ['502 backs off', response(502, '<html>Bad Gateway</html>'), data, { action: 'backoff', reason: 'server' }],
    ['503 backs off', response(503, { code: 'service.unavailable' }), data, { action: 'backoff', reason: 'server' }],
    ['504 backs off', response(504), data, { action: 'backoff', reason: 'server' }],
    ['408 backs off', response(408), data, { action: 'backoff', reason: 'server' }],
    ['5xx on the token request backs off', response(503), token, { action: 'backoff', reason: 'server' }],
    ['first 401 on a data call renews the token', response(401, { code: 'authentication.required' }), data, { action: 'renew-token' }],
    ['second 401 on a data call fails', response(401), { ...data, tokenRenewed: true }, { action: 'fail' }],
    ['401 on the token request fails', response(401, { error: 'invalid_client' }), token, { action: 'fail' }],
    ['400 on the token request fails', response(400, { error: 'invalid_grant' }), token, { action: 'fail' }],
    ['400 fails fast', response(400, { code: 'bad.request' }), data, { action: 'fail' }],
    ['403 fails fast', response(403, { code: 'missing.permissions' }), data, { action: 'fail' }],
    ['404 fails fast', response(404), data, { action: 'fail' }],
    ['413 fails fast', response(413), data, { action: 'fail' }],
    ['a redirect fails fast', response(302), data, { action: 'fail' }],
    ['socket hang up backs off', gotError('ECONNRESET', 'socket hang up'), data, { action: 'backoff', reason: 'network' }],
    ['a refused connection backs off', gotError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), data, { action: 'backoff', reason: 'network' }],
    ['a timeout backs off', gotError('ETIMEDOUT', "Timeout awaiting 'request' for 60000ms"), data, { action: 'backoff', reason: 'network' }],
    ['a premature close backs off', gotError('ERR_STREAM_PREMATURE_CLOSE', 'Premature close'), data, { action: 'backoff', reason: 'network' }],
    ['a TLS failure fails', gotError('CERT_HAS_EXPIRED', 'certificate has expired'), data, { action: 'fail' }],
  ];

  it.each(table)('%s', (_name, outcome, ctx, expected) => {
    expect(classify(outcome, ctx)).toMatchObject(expected);
  });

  it('carries the API message, code and contextId in a fail-fast error', () => {
    const verdict = classify(response(400, { message: 'Interval too long', code: 'bad.request', status: 400, contextId: 'ctx-1' }), data);
    expect(verdict.action).toBe('fail');
    const error = (verdict as { error: FatalApiError }).error;
    expect(error).toBeInstanceOf(FatalApiError);
    expect(error).toMatchObject({ name: 'FatalApiError', code: 'GENESYS_FATAL', status: 400, apiCode: 'bad.request', apiMessage: 'Interval too long', contextId: 'ctx-1' });
    expect(error.message).toBe('POST /api/v2/analytics/conversations/details/query failed: 400 bad.request: Interval too long (contextId ctx-1)');
  });

  it('reads the OAuth error pair on the token endpoint', () => {
    const verdict = classify(response(401, { error: 'invalid_client', description: 'client not found', error_description: 'client not found' }), token);
    expect((verdict as { error: Error }).error.message).toBe('POST /oauth/token failed: 401 invalid_client: client not found');
  });

  it('keeps the first line of a non-JSON error body', () => {
    const verdict = classify(response(502, '<html>Bad Gateway</html>\n<body/>'), data);
    expect((verdict as { error: RetriableApiError }).error.message).toBe(`${data.method} ${data.path} failed: 502: <html>Bad Gateway</html>`);
  });

  it('summarises got errors instead of passing them on (they carry request headers)', () => {
    const verdict = classify(gotError('ECONNRESET', 'socket hang up'), data);
    const error = (verdict as { error: NetworkError }).error;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'GENESYS_NETWORK', errorCode: 'ECONNRESET', retriable: true });
    expect(error.cause).toBeUndefined();
    expect(error.message).toBe(`${data.method} ${data.path} failed: ECONNRESET socket hang up`);
  });

  it('passes non-got errors through untouched', () => {
    const bug = new TypeError('boom');
    expect(classify({ kind: 'error', error: bug }, data)).toEqual({ action: 'fail', error: bug });
  });
});

describe('rate-limit wait parsing', () => {
  it('reads Retry-After as seconds or as an HTTP-date', () => {
    expect(parseRetryAfterMs('42', NOW)).toBe(42_000);
    expect(parseRetryAfterMs('0.5', NOW)).toBe(500);
    expect(parseRetryAfterMs(new Date(NOW + 5_000).toUTCString(), NOW)).toBe(5_000);
    expect(parseRetryAfterMs(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfterMs('soon', NOW)).toBeNull();
    expect(parseRetryAfterMs('-3', NOW)).toBeNull();
    expect(parseRetryAfterMs(undefined, NOW)).toBeNull();
  });

  it('reads the "Retry the request in [N] seconds" text', () => {
    expect(parseRetryMessageMs('Rate limit exceeded the maximum. Retry the request in [42] seconds')).toBe(42_000);
    expect(parseRetryMessageMs('retry the request in 3 seconds')).toBe(3_000);
    expect(parseRetryMessageMs('Rate limit exceeded the maximum [300] requests within [60] seconds')).toBeNull();
    expect(parseRetryMessageMs(undefined)).toBeNull();
  });

  it('prefers Retry-After, then inin-ratelimit-reset, then the message', () => {
    const body = JSON.stringify(tooMany);
    expect(rateLimitWaitMs({ 'retry-after': '2', 'inin-ratelimit-reset': '9' }, body, NOW)).toBe(2_000);
    expect(rateLimitWaitMs({ 'retry-after': 'garbage', 'inin-ratelimit-reset': '9' }, body, NOW)).toBe(9_000);
    expect(rateLimitWaitMs({}, body, NOW)).toBe(42_000);
    expect(rateLimitWaitMs({}, '', NOW)).toBeNull();
  });

  it('caps absurd waits at five minutes', () => {
    expect(rateLimitWaitMs({ 'retry-after': '86400' }, '', NOW)).toBe(300_000);
  });
});
