import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.ts';
import { applyMigrations, splitStatements } from '../../../src/db/migrate.ts';
import { MIGRATIONS_DIR, readMigrationsList } from '../../../src/db/migrations-dir.ts';
import { assertSchemaCurrent } from '../../../src/db/schema-check.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

/*
 * Item 3 of the hardening issue: a `migrate` killed half-way left a `_prisma_migrations` row
 * without finished_at; every later `migrate` failed with P3009 and `sync`/`status` said "run
 * migrate first". Now a migration runs in one transaction, the failure names `--recover`, and
 * `migrate --recover` finishes or rolls back the record after checking the schema.
 */
const names = async () => (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** What a killed `migrate` leaves: the migration's row, started, never finished. */
async function markStartedNotFinished(url: string, migration: string): Promise<void> {
  const [row] = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = $1', [migration]);
  if (row!.n > 0) {
    await query(url, 'UPDATE _prisma_migrations SET finished_at = NULL, applied_steps_count = 0 WHERE migration_name = $1', [migration]);
    return;
  }
  const list = await readMigrationsList();
  const content = list.migrationDirectories.find((d) => d.path === migration)!.migrationFile.content;
  const checksum = createHash('sha256').update(content.tag === 'ok' ? content.value : '').digest('hex');
  await query(
    url,
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
    [randomUUID(), checksum, migration],
  );
}

async function columns(url: string): Promise<string[]> {
  const rows = await query<{ c: string }>(
    url,
    `SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.c);
}

/** The migration the first two cases leave unfinished: six tables and a view, so "present" and "missing" can be counted. */
const TABLES_MIGRATION = '20261130041851_dimension_tables';

describe('migrate --recover: a half-applied migration', () => {
  const dbs: TestDatabase[] = [];
  let reference: string[];
  let last: string;
  let tmp: string;

  beforeAll(async () => {
    last = (await names()).at(-1)!;
    const fresh = await createTestDatabase();
    dbs.push(fresh);
    reference = await columns(fresh.url);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'gs-migrations-'));
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
    await rm(tmp, { recursive: true, force: true });
  });

  /**
   * A database as a killed `migrate` leaves it: every migration up to TABLES_MIGRATION applied,
   * that one's row left unfinished, the later ones not applied yet. Returns the folder holding
   * just those migrations (what that `migrate` knew).
   */
  async function killedAtTables(url: string): Promise<string> {
    const dir = path.join(tmp, 'upto-tables');
    await mkdir(dir, { recursive: true });
    await cp(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
    for (const name of (await names()).filter((n) => n <= TABLES_MIGRATION)) await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    await applyMigrations(url, dir);
    await markStartedNotFinished(url, TABLES_MIGRATION);
    return dir;
  }

  it('with its changes applied: migrate names --recover, sync refuses naming it, recover finishes the record', async () => {
    const db = await createTestDatabase({ migrate: false });
    dbs.push(db);
    const dir = await killedAtTables(db.url);

    await expect(applyMigrations(db.url)).rejects.toThrow(/migrate --recover/);
    const handle = await openDatabase(db.url);
    await expect(assertSchemaCurrent(handle.prisma, 'db')).rejects.toThrow(new RegExp(`interrupted migration \\(${TABLES_MIGRATION}\\).*--recover`));
    await handle.close();

    const result = await applyMigrations(db.url, dir, { recover: true });
    // Its six tables were there; the view's DROP IF EXISTS / CREATE re-ran harmlessly.
    expect(result.recovered).toEqual([expect.objectContaining({ migration: TABLES_MIGRATION, action: 'finished', present: 6 })]);
    expect(result.applied).toEqual([]);
    // The migrations after it then apply as usual.
    expect((await applyMigrations(db.url)).applied.length).toBe((await names()).filter((n) => n > TABLES_MIGRATION).length);
    expect(await columns(db.url)).toEqual(reference);
    expect((await applyMigrations(db.url)).applied).toEqual([]);
  });

  it('partly applied (a table of it missing): recover applies the rest and finishes the record', async () => {
    const db = await createTestDatabase({ migrate: false });
    dbs.push(db);
    const dir = await killedAtTables(db.url);
    await query(db.url, 'DROP TABLE "languages"');

    const result = await applyMigrations(db.url, dir, { recover: true });
    expect(result.recovered).toEqual([expect.objectContaining({ migration: TABLES_MIGRATION, action: 'finished' })]);
    expect(result.recovered[0]!.missing).toBeGreaterThan(0);
    expect(result.recovered[0]!.present).toBeGreaterThan(0);
    const [row] = await query<{ finished: boolean }>(db.url, 'SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE migration_name = $1', [TABLES_MIGRATION]);
    expect(row!.finished).toBe(true);
    await applyMigrations(db.url);
    expect(await columns(db.url)).toEqual(reference);
  });

  it('with none of its changes applied: recover rolls the record back and the migration is applied afresh', async () => {
    const db = await createTestDatabase({ migrate: false });
    dbs.push(db);
    // The database as it was before the last migration: every earlier one applied.
    const dir = path.join(tmp, 'before-last');
    await mkdir(dir, { recursive: true });
    await cp(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
    for (const name of (await names()).slice(0, -1)) await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    await applyMigrations(db.url, dir);
    await markStartedNotFinished(db.url, last);

    const result = await applyMigrations(db.url, undefined, { recover: true });
    expect(result.recovered).toEqual([expect.objectContaining({ migration: last, action: 'rolled-back', present: 0 })]);
    expect(result.applied).toEqual([last]);
    expect(await columns(db.url)).toEqual(reference);
    expect((await applyMigrations(db.url)).applied).toEqual([]);
  });

  it('a migration that fails half-way leaves none of its changes (one transaction)', async () => {
    const db = await createTestDatabase({ migrate: false });
    dbs.push(db);
    const dir = path.join(tmp, 'failing');
    await mkdir(path.join(dir, '20260101000000_fails'), { recursive: true });
    await cp(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
    await writeFile(path.join(dir, '20260101000000_fails', 'migration.sql'), 'CREATE TABLE "first" (x int);\nSELECT 1 / 0;\n');
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(/division by zero/);
    const [row] = await query<{ t: string | null }>(db.url, `SELECT to_regclass('public.first')::text AS t`);
    expect(row!.t).toBeNull();
    // The recovery replays it, meets an error that says nothing about the schema, and changes nothing.
    await expect(applyMigrations(db.url, dir, { recover: true })).rejects.toThrow(/20260101000000_fails, statement 2: division by zero; nothing was changed/);
    const [after] = await query<{ t: string | null; finished: boolean }>(
      db.url,
      `SELECT to_regclass('public.first')::text AS t, (SELECT finished_at IS NOT NULL FROM _prisma_migrations) AS finished`,
    );
    expect(after).toEqual({ t: null, finished: false });
  });

  it('splits a Prisma-generated script into its statements, comments dropped', () => {
    expect(splitStatements('-- CreateTable\nCREATE TABLE "a" (\n  "x" TEXT\n);\n\n-- AddKey\nALTER TABLE "a" ADD x;\n')).toEqual([
      '-- CreateTable\nCREATE TABLE "a" (\n  "x" TEXT\n)',
      '-- AddKey\nALTER TABLE "a" ADD x',
    ]);
    expect(() => splitStatements('CREATE FUNCTION f() AS $$ SELECT 1; $$;')).toThrow(/by hand/);
  });
});
