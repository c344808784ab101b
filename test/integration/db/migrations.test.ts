import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { applyMigrations } from '../../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { DOCUMENTED_COLUMNS } from '../../helpers/documented-schema.ts';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db?.drop());

  it('apply every committed migration to an empty database, then nothing on a second run', async () => {
    const first = await applyMigrations(db.url);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await applyMigrations(db.url);
    expect(second.applied).toEqual([]);
  });

  it('record themselves in the same _prisma_migrations ledger as prisma migrate deploy', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT migration_name, finished_at FROM _prisma_migrations');
    await client.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it('create every documented table and view with the documented columns', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    await client.end();
    const actual = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!actual.has(r.table_name)) actual.set(r.table_name, new Set());
      actual.get(r.table_name)!.add(r.column_name);
    }
    for (const [table, columns] of Object.entries(DOCUMENTED_COLUMNS)) {
      expect(actual.has(table), `table ${table} exists`).toBe(true);
      expect([...actual.get(table)!].sort(), `columns of ${table}`).toEqual([...columns].sort());
    }
  });

  it('fail with one clear line naming the target when the database is unreachable', async () => {
    const url = 'postgresql://someone:s3cretpw@127.0.0.1:1/nowhere';
    const error = await applyMigrations(url).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot connect to 127\.0\.0\.1:1\/nowhere/);
    expect((error as Error).message).not.toContain('s3cretpw');
    expect((error as Error).message).not.toContain('\n');
  });
});
