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
});
