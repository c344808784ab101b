/**
 * Applies the committed migrations, exactly as `prisma migrate deploy` would, through the
 * WASM schema engine (see schema-engine.ts for why not the CLI).
 */
import { openSchemaEngine } from './schema-engine.ts';
import { readMigrationsList } from './migrations-dir.ts';
import { describeDatabaseError } from './errors.ts';

export interface MigrateResult {
  applied: string[];
}

export async function applyMigrations(connectionString: string, migrationsDir?: string): Promise<MigrateResult> {
  const migrationsList = await readMigrationsList(migrationsDir);
  let opened;
  try {
    opened = await openSchemaEngine(connectionString, undefined);
    const { engine } = opened;
    await engine.ensureConnectionValidity({ datasource: { tag: 'ConnectionString', url: connectionString } } as never);
    const out = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return { applied: out.appliedMigrationNames };
  } catch (error) {
    throw describeDatabaseError(error, connectionString);
  } finally {
    await opened?.close();
  }
}
