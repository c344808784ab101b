/**
 * Refuses to sync into a database whose schema is behind the code: a clear "run npm run
 * migrate" beats a Prisma error about a missing table half-way through a run.
 */
import type { Db } from './client.ts';
import { DatabaseError } from './errors.ts';
import { readMigrationsList } from './migrations-dir.ts';

async function migrationState(db: Db): Promise<{ pending: string[]; interrupted: string[] }> {
  const committed = (await readMigrationsList()).migrationDirectories.map((d) => d.path);
  let rows: Array<{ migration_name: string; finished: boolean; rolled_back: boolean }> = [];
  try {
    rows = await db.$queryRawUnsafe(
      `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations`,
    );
  } catch (error) {
    if (!/_prisma_migrations|42P01|does not exist/.test(String((error as Error).message ?? error))) throw error;
  }
  const applied = rows.filter((r) => r.finished && !r.rolled_back).map((r) => r.migration_name);
  // Started, neither finished nor rolled back: a killed or failed `migrate` (Prisma's P3009).
  const interrupted = rows.filter((r) => !r.finished && !r.rolled_back).map((r) => r.migration_name);
  return { pending: committed.filter((name) => !applied.includes(name)), interrupted };
}

export async function assertSchemaCurrent(db: Db, target: string): Promise<void> {
  const { pending, interrupted } = await migrationState(db);
  if (interrupted.length > 0) {
    throw new DatabaseError(
      `the database ${target} has an interrupted migration (${interrupted.join(', ')}): run \`npm run migrate -- --recover\` (docs/operations.md §5)`,
    );
  }
  if (pending.length > 0) {
    throw new DatabaseError(
      `the database ${target} is missing ${pending.length} migration(s) (${pending.join(', ')}): run \`npm run migrate\` first`,
    );
  }
}
