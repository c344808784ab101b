import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { registerSecret } from '../../../src/redact.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', format: 'json', destination: stream }) };
}

describe('logger', () => {
  it('writes JSON lines', () => {
    const { lines, logger } = capture();
    logger.info({ windows: 3 }, 'run started');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, windows: 3, msg: 'run started' });
  });

  it('redacts secrets everywhere: messages, fields, errors and their causes', () => {
    registerSecret('client-secret-xyz');
    const { lines, logger } = capture();
    const cause = new Error('connect to postgresql://sync:pg-pass-77@db:5432/x failed');
    logger.error({ err: new Error('token Bearer abc.def.ghi rejected', { cause }), clientSecret: 'client-secret-xyz' }, 'boom client-secret-xyz');
    logger.warn({ url: 'postgres://u:pg-pass-77@h/db', headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 'x');
    logger.info('access_token=eyJhbGciOi.payload.sig');
    const text = lines.join('\n');
    for (const secret of ['client-secret-xyz', 'pg-pass-77', 'abc.def.ghi', 'dXNlcjpwYXNz', 'eyJhbGciOi']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
  });

  it('keeps an error\'s type, message, code, stack, own fields and cause, secrets scrubbed', () => {
    registerSecret('client-secret-xyz');
    const { lines, logger } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 for postgres://sync:pg-pass-77@db/x'), { code: 'ECONNREFUSED' });
    class ApiError extends Error {
      override name = 'ApiError';
      readonly code = 'GENESYS_FATAL';
      readonly status = 403;
      readonly token = 'abc.def.ghi';
    }
    const error = new ApiError('Genesys refused client-secret-xyz', { cause });
    logger.error({ err: error }, 'window failed');
    logger.warn({ error }, 'as error');
    logger.error(error, 'bare');
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, Record<string, unknown>>;
      const err = (entry.err ?? entry.error ?? entry) as Record<string, unknown>;
      expect(err).toMatchObject({ type: 'ApiError', message: 'Genesys refused [REDACTED]', code: 'GENESYS_FATAL', status: 403, token: '[REDACTED]' });
      expect(err.stack).toMatch(/ApiError: Genesys refused \[REDACTED\]\n\s+at /);
      expect(err.cause).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED 127.0.0.1:5432') });
    }
    const text = lines.join('\n');
    for (const secret of ['client-secret-xyz', 'pg-pass-77', 'abc.def.ghi']) expect(text).not.toContain(secret);
  });
});
