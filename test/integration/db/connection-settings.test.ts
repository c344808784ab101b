/**
 * Our session settings against a real Postgres, with and without `options` in DATABASE_URL:
 * the user's parameters are in force, and ours for every parameter the user did not set
 * (src/db/connection-settings.ts; docs/reliability.md "Database connections"). Read back with
 * SHOW over TCP (the keepalive settings read 0 on a Unix socket).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockConnectionConfig, poolConnectionConfig } from '../../../src/db/connection-settings.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const SETTINGS = ['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count', 'search_path'] as const;
type Shown = Record<(typeof SETTINGS)[number], string>;

async function show(config: pg.ClientConfig): Promise<Shown> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const shown: Partial<Shown> = {};
    for (const name of SETTINGS) shown[name] = (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name];
    return shown as Shown;
  } finally {
    await client.end();
  }
}

/** The test database's URL with `options` in its query string, written the way a user would (spaces and all). */
function withOptions(url: string, options: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${options}`;
}

const OUR_KEEPALIVE = { tcp_keepalives_idle: '30', tcp_keepalives_interval: '10', tcp_keepalives_count: '3' };

describe('connection settings merged with DATABASE_URL options', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('applies our keepalive and timeouts when the URL has no options', async () => {
    expect(await show(poolConnectionConfig(db.url))).toMatchObject({ ...OUR_KEEPALIVE, statement_timeout: '10min', lock_timeout: '3min', idle_in_transaction_session_timeout: '5min' });
    expect(await show(lockConnectionConfig(db.url))).toMatchObject({ ...OUR_KEEPALIVE, statement_timeout: '30s', lock_timeout: '10s', idle_in_transaction_session_timeout: '30s' });
  });

  it("keeps the user's statement_timeout from options=-c and our keepalive beside it", async () => {
    const url = withOptions(db.url, '-c statement_timeout=1234');
    expect(await show(poolConnectionConfig(url))).toMatchObject({ ...OUR_KEEPALIVE, statement_timeout: '1234ms', lock_timeout: '3min' });
    expect(await show(lockConnectionConfig(url))).toMatchObject({ ...OUR_KEEPALIVE, statement_timeout: '1234ms', lock_timeout: '10s' });
  });

  it('reads every spelling of a parameter in options (-c name=v, -cname=v, --name=v with dashes), URL-encoded or not', async () => {
    const url = withOptions(db.url, encodeURIComponent('-c search_path=pg_catalog -clock_timeout=7s --tcp-keepalives-idle=45'));
    expect(await show(poolConnectionConfig(url))).toMatchObject({
      search_path: 'pg_catalog',
      lock_timeout: '7s',
      tcp_keepalives_idle: '45',
      tcp_keepalives_interval: '10',
      tcp_keepalives_count: '3',
      statement_timeout: '10min',
    });
  });
});
