import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SECOND_MS } from '../time.ts';

/** Bearer tokens issued by POST /oauth/token, with their expiry (real wall-clock time). */
export class TokenStore {
  issued = 0;
  private readonly expiries = new Map<string, number>();

  issue(lifetimeSeconds: number, nowMs: number): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const token = randomBytes(48).toString('base64url');
    this.expiries.set(token, nowMs + lifetimeSeconds * SECOND_MS);
    this.issued++;
    return { access_token: token, token_type: 'bearer', expires_in: lifetimeSeconds };
  }

  check(token: string, nowMs: number): 'ok' | 'expired' | 'unknown' {
    const expiresAt = this.expiries.get(token);
    if (expiresAt === undefined) return 'unknown';
    return nowMs < expiresAt ? 'ok' : 'expired';
  }

  /** Makes every issued token expired (faster than waiting in tests). */
  expireAll(): void {
    for (const token of this.expiries.keys()) this.expiries.set(token, 0);
  }
}

/** Parses `Authorization: Basic base64(id:secret)`. */
function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function parseBearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1] : undefined;
}

function same(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * The client-credentials grant (docs/genesys-api-facts.md §4). OAuth errors use the OAuth body shape
 * `{error, description}`, not ErrorBody, as the login service does.
 */
export function tokenResponse(
  authorization: string | undefined,
  body: string,
  creds: { clientId: string; clientSecret: string },
  tokens: TokenStore,
  lifetimeSeconds: number,
  nowMs: number,
): { status: number; body: Record<string, unknown> } {
  const basic = parseBasic(authorization);
  if (!basic || !same(basic.id, creds.clientId) || !same(basic.secret, creds.clientSecret)) {
    return { status: 401, body: { error: 'invalid_client', description: 'Invalid client credentials' } };
  }
  const grant = new URLSearchParams(body).get('grant_type');
  if (grant !== 'client_credentials') {
    return { status: 400, body: { error: 'unsupported_grant_type', description: `Unsupported grant type: ${grant ?? '(missing)'}` } };
  }
  return { status: 200, body: tokens.issue(lifetimeSeconds, nowMs) };
}
