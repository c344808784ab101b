/**
 * Each integration test file gets its own fresh, migrated database on a real Postgres:
 * created from TEST_DATABASE_URL, else DATABASE_URL, else the local server. Databases of
 * passing runs are dropped; set KEEP_TEST_DATABASES=1 to keep them for inspection.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.ts';

export const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(SERVER_URL, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Opens a Prisma handle on the database (closed by drop()). */
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `gs_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(SERVER_URL, name);
  if (options.migrate !== false) await applyMigrations(url);
  const handles: DatabaseHandle[] = [];
  return {
    name,
    url,
    async open() {
      const handle = await openDatabase(url);
      handles.push(handle);
      return handle;
    },
    async drop() {
      await Promise.all(handles.map((h) => h.close()));
      if (process.env.KEEP_TEST_DATABASES === '1') return;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
