import type { ServerResponse } from 'node:http';
import type { FaultKind } from './faults.ts';
import { sendError } from './http.ts';

/** Genesys default for client-credentials tokens, quoted by the legacy 429 message. */
const LEGACY_LIMIT_PER_MINUTE = 300;

/**
 * A 429 in one of the shapes clients meet. 'normal' is the format Genesys announced on
 * 2021-11-10 (https://developer.genesys.cloud/forum/t/normalized-platform-api-429-responses/12028):
 * Retry-After header plus the seconds in brackets in the message. The other variants
 * exercise a client's fallbacks when the header or the message is missing.
 */
export function sendRateLimited(res: ServerResponse, kind: FaultKind, seconds: number, extraHeaders: Record<string, string> = {}): void {
  const s = String(seconds);
  const withSeconds = `Rate limit exceeded the maximum. Retry the request in [${s}] seconds`;
  switch (kind) {
    case '429-reset-only':
      return sendError(res, 429, 'too.many.requests.retry.after', 'Rate limit exceeded the maximum', { ...extraHeaders, 'inin-ratelimit-reset': s });
    case '429-message-only':
      return sendError(res, 429, 'too.many.requests.retry.after', withSeconds, extraHeaders);
    case '429-legacy':
      return sendError(res, 429, 'too.many.requests', `Rate limit exceeded the maximum [${LEGACY_LIMIT_PER_MINUTE}] requests within [60] seconds`, extraHeaders);
    default:
      return sendError(res, 429, 'too.many.requests.retry.after', withSeconds, { ...extraHeaders, 'retry-after': s, 'inin-ratelimit-reset': s });
  }
}

const SERVER_ERRORS: Record<string, [number, string, string]> = {
  '500': [500, 'internal.server.error', 'The server encountered an internal error. Please try again.'],
  '502': [502, 'bad.gateway', 'The upstream service returned an invalid response.'],
  '503': [503, 'service.unavailable', 'The service is currently unavailable. Please try again later.'],
  '504': [504, 'request.timeout', 'The request timed out.'],
};

/** Sends the response for an injected fault other than drop/hang/ok. */
export function sendFault(res: ServerResponse, kind: FaultKind, retryAfterSeconds: number): void {
  if (kind.startsWith('429')) return sendRateLimited(res, kind, retryAfterSeconds);
  if (kind === '401') return sendError(res, 401, 'bad.credentials', 'Invalid login credentials.');
  const known = SERVER_ERRORS[kind] ?? SERVER_ERRORS['500']!;
  sendError(res, known[0], known[1], known[2]);
}
