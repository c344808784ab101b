/**
 * Secret scrubbing shared by the logger and error reporting. Secrets must never reach a
 * log line or an error message: not the client secret, not a bearer token, not the
 * password inside DATABASE_URL.
 */

const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/?#\s]+)(@)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/**
 * A field named like a secret and its value: `"client_secret":"…"`, `password=…`, `GENESYS_CLIENT_SECRET: …`,
 * `PII_HASH_KEY=…` (the HMAC key of PII_MODE=hash: whoever holds it can test guessed numbers against the hashes).
 * The value is anything up to a delimiter, except our own words for an absent one: the configuration
 * reports `GENESYS_CLIENT_SECRET: not set`, which used to come out as `GENESYS_CLIENT_SECRET: [REDACTED] set`.
 * "not set" carries no secret (and a real secret registered by config is scrubbed literally anyway).
 */
const TOKEN_FIELD = /("?(?:access_token|client_secret|password|authorization|pii_hash_key|hash_?key)"?\s*[:=]\s*"?)(?!not set\b)([^"&,\s}]+)/gi;

const REDACTED = '[REDACTED]';
/** Object keys whose string value is replaced whole. */
const SECRET_KEY = /secret|password|token|authorization|hash_?key/i;

/** Replaces the password of every URL in `text` with [REDACTED]. */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1${REDACTED}$3`);
}

/** Scrubs URL passwords, bearer/basic credentials, token fields and the given literal secrets. */
export function redactText(text: string, secrets: readonly string[] = registeredSecrets): string {
  let out = redactUrlPasswords(text).replace(BEARER, `$1 ${REDACTED}`).replace(TOKEN_FIELD, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Literal secrets known to this process (the client secret, the database password),
 * registered once by config parsing so every redaction point scrubs them, wherever they
 * turn up (e.g. quoted inside a library's error text).
 */
const registeredSecrets: string[] = [];

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4 && !registeredSecrets.includes(secret)) {
    registeredSecrets.push(secret);
    // Encoded forms appear in URLs and Basic headers.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) registeredSecrets.push(encoded);
  }
}

/**
 * Deep-copies a value with every string scrubbed; used for log objects and error payloads.
 * Errors become plain objects (see redactError): their message, stack and cause are not
 * enumerable, so copying only enumerable properties would log `"err":{}`.
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && typeof v === 'string' ? REDACTED : redactDeep(v, depth + 1);
  }
  return out;
}

/**
 * An Error as a plain, scrubbed object for a log line: `type` (its name), `message`, `code`
 * when it has one, `stack`, its other own enumerable fields (status, path, ...) and `cause`,
 * recursively. Fields named like secrets are replaced whole, as in redactDeep.
 */
function redactError(error: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: redactText(error.message) };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = redactDeep(code, depth + 1);
  if (error.stack) out.stack = redactText(error.stack);
  for (const [key, v] of Object.entries(error)) {
    if (key in out || key === 'cause') continue;
    out[key] = SECRET_KEY.test(key) && typeof v === 'string' ? REDACTED : redactDeep(v, depth + 1);
  }
  if (error.cause !== undefined && depth < 8) out.cause = redactDeep(error.cause, depth + 1);
  if (error instanceof AggregateError && depth < 8) out.errors = error.errors.map((e) => redactDeep(e, depth + 1));
  return out;
}
