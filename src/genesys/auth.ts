import { z } from 'zod';
import { MINUTE_MS } from '../time.ts';
import { abortable } from './gate.ts';
import { AuthError, FatalApiError, InvalidResponseError } from './errors.ts';
import { parseJsonBody, sendOnce, withRetries, type HttpRequest, type RequestDeps } from './request.ts';

/**
 * Renew this long before `expires_in` ends: a minute for normal tokens (24 h by default), but
 * never more than a tenth of the lifetime so very short tokens (seconds, in tests) still work.
 */
export function renewalMarginMs(lifetimeMs: number): number {
  return Math.min(MINUTE_MS, lifetimeMs * 0.1);
}

/** OAuth token response; only the fields we use are checked. https://developer.genesys.cloud/authorization/platform-auth/use-client-credentials */
const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

export interface TokenProviderOptions {
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly deps: RequestDeps;
  /** Aborts a renewal in progress when the client closes. */
  readonly signal?: AbortSignal;
}

interface CachedToken {
  readonly value: string;
  readonly renewAtMs: number;
}

/**
 * Client-credentials tokens, cached and renewed shortly before they expire. Concurrent callers
 * share one renewal (single flight). Rejected credentials are final until `forgetRefusal()`:
 * every later call gets the same AuthError without asking again, so one run's many requests
 * cost one refused login, not one each.
 */
export class TokenProvider {
  readonly #options: TokenProviderOptions;
  #token: CachedToken | undefined;
  #renewal: Promise<string> | undefined;
  #rejected: AuthError | undefined;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
  }

  /**
   * A valid access token, fetching one only when the cached one is (nearly) expired. `signal`
   * (the caller's run) stops this caller's wait; the shared renewal goes on for the others and
   * ends with the client (its own signal).
   */
  getToken(signal?: AbortSignal): Promise<string> {
    if (this.#rejected) return Promise.reject(this.#rejected);
    const token = this.#token;
    if (token && this.#options.deps.nowMs() < token.renewAtMs) return Promise.resolve(token.value);
    this.#renewal ??= this.#fetch().finally(() => {
      this.#renewal = undefined;
    });
    return signal ? abortable(this.#renewal, signal) : this.#renewal;
  }

  /**
   * Forgets a refusal of the credentials, so the next call asks for a fresh token. The worker
   * calls it before each run: a client re-enabled or a role restored in Genesys then works on
   * the next tick without a restart.
   */
  forgetRefusal(): void {
    this.#rejected = undefined;
  }

  /** Forgets `token` after the API refused it (401), unless a newer one already replaced it. */
  invalidate(token: string): void {
    if (this.#token?.value === token) this.#token = undefined;
  }

  async #fetch(): Promise<string> {
    const { loginUrl, clientId, clientSecret, deps, signal } = this.#options;
    const request: HttpRequest = {
      method: 'POST',
      url: `${loginUrl}/oauth/token`,
      path: '/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    };
    const requestedAtMs = deps.nowMs();
    let outcome;
    try {
      outcome = await withRetries(
        request,
        { isTokenRequest: true, attempt: (attempt) => sendOnce(request, attempt, deps, signal) },
        deps,
        signal,
      );
    } catch (error) {
      if (error instanceof FatalApiError) {
        this.#rejected = new AuthError(clientId, error.message, { status: error.status, cause: error });
        throw this.#rejected;
      }
      throw error;
    }
    // Never echo the body: it holds the token.
    const parsed = TokenResponse.safeParse(parseJsonBody(request, outcome));
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      throw new InvalidResponseError({ ...request, problem: `token response lacks a valid ${fields}` });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.#token = { value: parsed.data.access_token, renewAtMs: requestedAtMs + lifetimeMs - renewalMarginMs(lifetimeMs) };
    deps.stats.tokenRenewals++;
    deps.logger.debug({ expiresInSeconds: parsed.data.expires_in }, 'Genesys access token obtained');
    return parsed.data.access_token;
  }
}
