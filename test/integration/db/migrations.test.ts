import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { applyMigrations } from '../../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { DOCUMENTED_COLUMNS } from '../../helpers/documented-schema.ts';
import { CHILD_TABLES, CONVERSATIONS } from '../../../src/db/extract.ts';
import type { Column } from '../../../src/db/table-spec.ts';

/** The Postgres type (information_schema udt_name) each kind of described column must have. */
const UDT_OF_KIND = {
  text: 'text', int4: 'int4', int8: 'int8', float8: 'float8', bool: 'bool', timestamptz: 'timestamptz', jsonb: 'jsonb', textArray: '_text',
  int8Array: '_int8',
} as const;

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

  it('create the columns the writer describes, with their types, never NOT NULL where the writer may send null', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    await client.end();
    const actual = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    for (const spec of [CONVERSATIONS, ...CHILD_TABLES]) {
      for (const column of Object.values(spec.columns) as Column[]) {
        const stored = actual.get(`${spec.table}.${column.name}`);
        expect(stored?.udt_name, `${spec.table}.${column.name}`).toBe(UDT_OF_KIND[column.kind]);
        // A column the writer never leaves null may still be nullable in the table (Prisma's arrays are).
        if (column.nullable) expect(stored?.is_nullable, `${spec.table}.${column.name} takes null`).toBe('YES');
      }
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
