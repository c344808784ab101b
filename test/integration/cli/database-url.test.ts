/**
 * Production commands never write to the embedded database unless asked for it by name. The
 * bug: an exported `DATABASE_URL=` (empty) overrode `.env`, the sync wrote to PGlite under
 * `.data/`, exited 0, and `status` said healthy. Through the real CLI: an unset or empty
 * DATABASE_URL is exit 2 naming the variable and `DATABASE_URL=embedded`, and nothing is created
 * in the embedded database's folder; `DATABASE_URL=embedded` does use it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freePort, runCli } from '../ops/cli-process.ts';

/** Genesys settings that pass validation; nothing here reaches them (the port is closed). */
const GENESYS = { GENESYS_API_URL: 'http://127.0.0.1:1', GENESYS_LOGIN_URL: 'http://127.0.0.1:1', GENESYS_CLIENT_ID: 'client-1', GENESYS_CLIENT_SECRET: 'secret-value-1' };

const PRODUCTION_COMMANDS = [
  ['migrate'],
  ['sync', '--lookback', '1d'],
  ['backfill', '--from', '2025-01-01', '--to', '2025-01-02'],
  ['status'],
  ['worker'],
];

describe('DATABASE_URL for production commands', () => {
  let root: string;
  let embeddedDir: string;
  let env: (extra: Record<string, string>) => NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'genesys-sync-dburl-'));
    embeddedDir = path.join(root, 'pglite');
    const port = String(await freePort());
    env = (extra) => cliEnv({ ...GENESYS, EMBEDDED_DB_DIR: embeddedDir, EMBEDDED_DB_PORT: port, ...extra });
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('refuses an empty DATABASE_URL with exit 2, naming the variable and how to ask for the embedded database', async () => {
    const results = await Promise.all(PRODUCTION_COMMANDS.map((args) => runCli(args, env({ DATABASE_URL: '' }))));
    results.forEach((result, i) => {
      const what = `${PRODUCTION_COMMANDS[i]!.join(' ')}\n${result.stdout}\n${result.stderr}`;
      expect(result.code, what).toBe(2);
      expect(result.stderr, what).toMatch(/DATABASE_URL: not set; set it to your database \(postgresql:\/\/.*\), or to "embedded" for the embedded PGlite database/);
    });
    expect(existsSync(embeddedDir)).toBe(false);
  });

  it('refuses an unset DATABASE_URL the same way', async () => {
    const unset = env({});
    delete unset.DATABASE_URL;
    const result = await runCli(['sync', '--lookback', '1d'], unset);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL: not set');
    expect(existsSync(embeddedDir)).toBe(false);
  });

  it('uses the embedded database when asked for it by name (DATABASE_URL=embedded)', async () => {
    const result = await runCli(['migrate'], env({ DATABASE_URL: 'embedded' }), 180_000);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(existsSync(embeddedDir)).toBe(true);
    expect(result.logs.some((l) => String(l.msg).startsWith('DATABASE_URL=embedded: using the embedded database'))).toBe(true);
  });

  it('reports a missing client secret as "not set", not as "[REDACTED] set"', async () => {
    const result = await runCli(['sync', '--lookback', '1d'], env({ DATABASE_URL: 'postgresql://127.0.0.1:1/none', GENESYS_CLIENT_SECRET: '' }));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('GENESYS_CLIENT_SECRET: not set');
    expect(result.stderr).not.toContain('REDACTED');
  });
});
