/**
 * Refuses to sync into a database whose schema is behind the code: a clear "run npm run
 * migrate" beats a Prisma error about a missing table half-way through a run.
 */
import type { Db } from './client.ts';
import { DatabaseError } from './errors.ts';
import { readMigrationsList } from './migrations-dir.ts';

async function pendingMigrations(db: Db): Promise<string[]> {
  const committed = (await readMigrationsList()).migrationDirectories.map((d) => d.path);
  let applied: string[] = [];
  try {
    const rows = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = rows.map((r) => r.migration_name);
  } catch (error) {
    if (!/_prisma_migrations|42P01|does not exist/.test(String((error as Error).message ?? error))) throw error;
  }
  return committed.filter((name) => !applied.includes(name));
}

export async function assertSchemaCurrent(db: Db, target: string): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) {
    throw new DatabaseError(
      `the database ${target} is missing ${pending.length} migration(s) (${pending.join(', ')}): run \`npm run migrate\` first`,
    );
  }
}
