/**
 * Applies the committed migrations, exactly as `prisma migrate deploy` would, through the
 * WASM schema engine (see schema-engine.ts for why not the CLI), each migration in one
 * transaction where Postgres allows it (schema-engine.ts). `recover` first repairs the ledger
 * row of a migration that a killed or failed `migrate` left unfinished (recoverMigrations).
 */
import pg from 'pg';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { SECOND_MS } from '../time.ts';
import { openSchemaEngine } from './schema-engine.ts';
import { readMigrationsList } from './migrations-dir.ts';
import { DatabaseError, describeDatabaseError } from './errors.ts';
import { PRISMA_MIGRATE_LOCK_KEY } from './lock-keys.ts';
import { settlesWithin } from './client.ts';

export interface MigrateResult {
  applied: string[];
  /** What `recover` did to unfinished migrations (empty without `recover` or when none). */
  recovered: RecoveredMigration[];
}

interface RecoveredMigration {
  migration: string;
  /**
   * `finished`: its changes were (partly) in the database; the missing statements were applied
   * and the row marked finished, in one transaction. `rolled-back`: none of its changes were
   * there; the row was marked rolled back and the migration applied afresh.
   */
  action: 'finished' | 'rolled-back';
  /** Statements found already applied / applied now by the recovery. */
  present: number;
  missing: number;
}

export async function applyMigrations(connectionString: string, migrationsDir?: string, options: { recover?: boolean } = {}): Promise<MigrateResult> {
  const migrationsList = await readMigrationsList(migrationsDir);
  const recovered = options.recover ? await recoverMigrations(connectionString, migrationsList) : [];
  let opened;
  try {
    opened = await openSchemaEngine(connectionString, undefined);
    const { engine } = opened;
    await engine.ensureConnectionValidity({ datasource: { tag: 'ConnectionString', url: connectionString } } as never);
    const out = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return { applied: out.appliedMigrationNames, recovered };
  } catch (error) {
    const described = describeDatabaseError(error, connectionString);
    if (/P3009|failed migrations in the target database/i.test(described.message)) {
      throw new DatabaseError(`${described.message} — a migration was interrupted: run \`migrate --recover\` (docs/operations.md §5)`, { cause: error });
    }
    throw described;
  } finally {
    await opened?.close();
  }
}

/** Postgres errors that mean "this statement's change is already there". */
const ALREADY_DONE = new Set(['42P07', '42701', '42710', '42P06', '42723', '42P01', '42703', '42704']);

/** `_prisma_migrations` rows of migrations started and neither finished nor rolled back. */
const UNFINISHED_SQL = `SELECT id, migration_name FROM _prisma_migrations
  WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at`;

/**
 * Repairs every unfinished migration row, under Prisma's own migration lock. Each migration's
 * statements are replayed in one transaction, each behind a savepoint: a statement that fails
 * because its change exists counts as present, one that succeeds as missing. None present: the
 * transaction is rolled back and the row marked rolled back (applied afresh next). Some or all
 * present: the missing ones are kept, the row is marked finished, and the transaction commits.
 * Any other error stops the recovery with the statement named; nothing is changed.
 */
async function recoverMigrations(connectionString: string, migrations: MigrationList): Promise<RecoveredMigration[]> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10 * SECOND_MS, query_timeout: 5 * 60 * SECOND_MS });
  client.on('error', () => {}); // a dropped connection fails the query in flight instead
  try {
    await client.connect();
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [PRISMA_MIGRATE_LOCK_KEY.toString()]);
    if (!locked.rows[0]?.ok) throw new DatabaseError('another migrate holds the migration lock: let it finish, then run `migrate --recover` again');
    const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('_prisma_migrations')::text AS t`);
    if (!exists.rows[0]?.t) return [];
    const rows = (await client.query<{ id: string; migration_name: string }>(UNFINISHED_SQL)).rows;
    const out: RecoveredMigration[] = [];
    for (const row of rows) out.push(await recoverOne(client, row, scriptOf(migrations, row.migration_name)));
    return out;
  } catch (error) {
    throw describeDatabaseError(error, connectionString);
  } finally {
    await settlesWithin(client.end(), 5 * SECOND_MS);
  }
}

function scriptOf(list: MigrationList, name: string): string {
  const dir = list.migrationDirectories.find((d) => d.path === name);
  if (!dir || dir.migrationFile.content.tag !== 'ok') {
    throw new DatabaseError(`migration ${name} is recorded as started but is not in prisma/migrations: recover it by hand (prisma migrate resolve)`);
  }
  return dir.migrationFile.content.value;
}

/** The statements of a Prisma-generated script: each ends with ';' at the end of a line. */
export function splitStatements(script: string): string[] {
  if (script.includes('$$')) throw new DatabaseError('a migration with dollar-quoted bodies cannot be split safely: recover it by hand (prisma migrate resolve)');
  return script
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')));
}

async function recoverOne(client: pg.Client, row: { id: string; migration_name: string }, script: string): Promise<RecoveredMigration> {
  const statements = splitStatements(script);
  let present = 0;
  await client.query('BEGIN');
  try {
    for (const [i, statement] of statements.entries()) {
      await client.query('SAVEPOINT recover_step');
      try {
        await client.query(statement);
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!ALREADY_DONE.has(code)) throw new DatabaseError(`migration ${row.migration_name}, statement ${i + 1}: ${(error as Error).message}; nothing was changed`, { cause: error });
        present++;
        await client.query('ROLLBACK TO SAVEPOINT recover_step');
      }
    }
    const missing = statements.length - present;
    if (present === 0) {
      await client.query('ROLLBACK');
      await client.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1`, [row.id]);
      return { migration: row.migration_name, action: 'rolled-back', present, missing };
    }
    await client.query(`UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1, logs = NULL WHERE id = $1`, [row.id]);
    await client.query('COMMIT');
    return { migration: row.migration_name, action: 'finished', present, missing };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
