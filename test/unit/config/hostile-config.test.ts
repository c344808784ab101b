/**
 * Configuration a hostile (or merely careless) environment hands us: an empty DATABASE_URL,
 * durations past Node's timer limit, a missing secret reported through the redaction.
 * The CLI side (exit codes, nothing created on disk) is test/integration/cli/database-url.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, EMBEDDED_DATABASE_URL, loadConfig, requireGenesys } from '../../../src/config.ts';
import { MAX_INTERVAL_DAYS } from '../../../src/decisions/interval.ts';
import { MAX_TIMER_MS, parseDuration } from '../../../src/duration.ts';
import { redactText, registerSecret } from '../../../src/redact.ts';

const DB = 'postgresql://sync:db-password-42@db.internal:5432/genesys';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('DATABASE_URL', () => {
  it('is a Postgres URL, the word "embedded" (any case), or nothing: unset and empty both mean not set', () => {
    expect(loadConfig({ DATABASE_URL: DB }).database.target).toEqual({ kind: 'postgres', url: DB });
    expect(loadConfig({ DATABASE_URL: EMBEDDED_DATABASE_URL }).database.target).toEqual({ kind: 'embedded' });
    expect(loadConfig({ DATABASE_URL: ' Embedded ' }).database.target).toEqual({ kind: 'embedded' });
    expect(loadConfig({ DATABASE_URL: '' }).database.target).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '   ' }).database.target).toBeUndefined();
    expect(loadConfig({}).database.target).toBeUndefined();
  });

  it('refuses anything else, naming the variable and how to ask for the embedded database', () => {
    expect(problems({ DATABASE_URL: 'mysql://x' })).toEqual(['DATABASE_URL: must be a postgresql:// URL, or "embedded" for the embedded PGlite database']);
    expect(problems({ DATABASE_URL: 'pglite' })).toHaveLength(1);
  });
});

describe('durations are bounded where they are parsed', () => {
  /** Variables whose value is handed to setTimeout (directly or as a poll delay). */
  const TIMERS = ['JOBS_POLL_INTERVAL', 'JOBS_POLL_MAX', 'JOBS_TIMEOUT', 'SYNC_SHUTDOWN_TIMEOUT'];
  const ALL = [...TIMERS, 'SYNC_LOOKBACK', 'SYNC_LAG', 'SYNC_MAX_CATCH_UP', 'STATUS_MAX_AGE'];

  it('refuses JOBS_POLL_INTERVAL=30d (it overflowed the timer and polled every millisecond), naming the variable and the bound', () => {
    expect(problems({ JOBS_POLL_INTERVAL: '30d' })).toEqual(['JOBS_POLL_INTERVAL: must be at most 1h (got "30d")']);
  });

  it.each(ALL)('%s: refuses a value past its bound and accepts the bound itself', (name) => {
    const [problem] = problems({ [name]: '100000w' });
    const bound = new RegExp(`^${name}: must be at most (\\S+) \\(got "100000w"\\)$`).exec(problem ?? '')?.[1];
    expect(bound, problem).toBeDefined();
    expect(problems({ [name]: bound! })).toEqual([]);
  });

  it('bounds SYNC_LOOKBACK and SYNC_MAX_CATCH_UP by the longest interval one run may cover', () => {
    for (const name of ['SYNC_LOOKBACK', 'SYNC_MAX_CATCH_UP']) {
      expect(problems({ [name]: `${MAX_INTERVAL_DAYS + 1}d` })).toEqual([`${name}: must be at most ${MAX_INTERVAL_DAYS}d (got "${MAX_INTERVAL_DAYS + 1}d")`]);
    }
  });

  it.each(TIMERS)('%s: its bound is within Node\'s timer limit (2^31 - 1 ms)', (name) => {
    const bound = /at most (\S+) /.exec(problems({ [name]: '100000w' })[0]!)![1]!;
    expect(parseDuration(bound)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('reads a duration that rounds to zero milliseconds as invalid, not as a zero wait', () => {
    expect(parseDuration('0.0001s')).toBeUndefined();
    expect(problems({ JOBS_POLL_INTERVAL: '0.0001s' })).toEqual([expect.stringMatching(/^JOBS_POLL_INTERVAL: must be a duration/)]);
    expect(parseDuration('9'.repeat(400) + 'd')).toBeUndefined();
  });
});

describe('redaction of configuration problems', () => {
  it('reports an unset client secret as "not set", through the same scrubbing as every error', () => {
    const config = loadConfig({ DATABASE_URL: DB, GENESYS_REGION: 'mypurecloud.de', GENESYS_CLIENT_ID: 'client-1' });
    const error = (() => {
      try {
        requireGenesys(config);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(redactText(error!.message)).toContain('GENESYS_CLIENT_SECRET: not set');
    expect(redactText(error!.message)).not.toContain('REDACTED');
  });

  it('still scrubs secret-named fields, whatever their value starts with', () => {
    registerSecret('literal-secret-9');
    const cases: Array<[string, string]> = [
      ['GENESYS_CLIENT_SECRET: hunter22', 'GENESYS_CLIENT_SECRET: [REDACTED]'],
      ['GENESYS_CLIENT_SECRET=nothing', 'GENESYS_CLIENT_SECRET=[REDACTED]'],
      ['client_secret=notset&grant_type=x', 'client_secret=[REDACTED]&grant_type=x'],
      ['{"client_secret":"not-set-really"}', '{"client_secret":"[REDACTED]"}'],
      ['password: not_set', 'password: [REDACTED]'],
      ['"access_token":"notset.abc"', '"access_token":"[REDACTED]"'],
      ['secret is literal-secret-9 here', 'secret is [REDACTED] here'],
      ['postgres://u:not-set@h/db', 'postgres://u:[REDACTED]@h/db'],
    ];
    for (const [text, expected] of cases) expect(redactText(text), text).toBe(expected);
  });
});
