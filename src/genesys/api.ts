import type { TokenProvider } from './auth.ts';
import { rateLimitWaitMs } from './classify.ts';
import type { Gate } from './gate.ts';
import { parseJsonBody, sendOnce, withRetries, type HttpRequest, type RequestDeps } from './request.ts';

interface ApiCallOptions {
  /** Sent as a JSON body (POST). */
  readonly json?: unknown;
  readonly signal?: AbortSignal | undefined;
}

type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** Performs one authenticated Platform API call and returns its parsed JSON body (undefined for an empty 2xx body, e.g. 204). */
export type CallApi = (method: HttpMethod, pathAndQuery: string, options?: ApiCallOptions) => Promise<unknown>;

export interface ApiCallerOptions {
  readonly apiUrl: string;
  readonly gate: Gate;
  readonly tokens: TokenProvider;
  readonly deps: RequestDeps;
  /** The client's lifetime signal (aborted by `close()`). */
  readonly closeSignal: AbortSignal;
}

/**
 * The single path for data requests: each attempt takes one gate slot, gets the token inside it
 * (so a token that expired while queued is renewed, not sent), then sends. A token renewal
 * happens inside the slot of the request that needs it and bypasses the gate, so it can never
 * wait for a slot held by a request that is itself waiting for the token (no deadlock), and the
 * number of sockets in flight still never exceeds the slot count.
 */
export function createApiCaller(options: ApiCallerOptions): CallApi {
  const { apiUrl, gate, tokens, deps, closeSignal } = options;
  return async (method, pathAndQuery, callOptions = {}) => {
    const link = linkSignals(closeSignal, callOptions.signal);
    try {
      return await call(method, pathAndQuery, callOptions.json, link.signal);
    } finally {
      link.dispose();
    }
  };

  async function call(method: HttpMethod, pathAndQuery: string, json: unknown, signal: AbortSignal): Promise<unknown> {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const request = { method, path: pathAndQuery };
    let lastToken: string | undefined;
    const outcome = await withRetries(
      request,
      {
        isTokenRequest: false,
        attempt: (attempt) =>
          gate.run(async () => {
            const token = await tokens.getToken(signal);
            lastToken = token;
            const http: HttpRequest = {
              ...request,
              url: `${apiUrl}${pathAndQuery}`,
              headers: {
                authorization: `Bearer ${token}`,
                accept: 'application/json',
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              },
              ...(body === undefined ? {} : { body }),
            };
            const outcome = await sendOnce(http, attempt, deps, signal);
            // Pause everyone before this slot is handed to the next queued request; the retry
            // loop then extends the pause with jitter (or backoff when the API gave no hint).
            if (outcome.kind === 'response' && outcome.status === 429) {
              gate.pause(rateLimitWaitMs(outcome.headers, outcome.body, deps.nowMs()) ?? deps.policy.baseDelayMs);
            }
            return outcome;
          }, signal),
        renewToken: () => {
          if (lastToken !== undefined) tokens.invalidate(lastToken);
        },
        pauseAll: (ms) => gate.pause(ms),
      },
      deps,
      signal,
    );
    // DELETE answers 204 with no body; nothing else of ours expects an empty body.
    if (outcome.body === '' && method === 'DELETE') return undefined;
    return parseJsonBody(request, outcome);
  }
}

/**
 * One signal that aborts with either input, and releases its listener on the long-lived client
 * signal afterwards (AbortSignal.any keeps dependants alive on Node 20).
 */
function linkSignals(closeSignal: AbortSignal, callerSignal: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  if (callerSignal === undefined) return { signal: closeSignal, dispose: () => {} };
  const controller = new AbortController();
  const forward = (source: AbortSignal) => () => controller.abort(source.reason);
  const onClose = forward(closeSignal);
  const onCaller = forward(callerSignal);
  if (closeSignal.aborted) onClose();
  else if (callerSignal.aborted) onCaller();
  closeSignal.addEventListener('abort', onClose, { once: true });
  callerSignal.addEventListener('abort', onCaller, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      closeSignal.removeEventListener('abort', onClose);
      callerSignal.removeEventListener('abort', onCaller);
    },
  };
}
