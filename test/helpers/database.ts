/**
 * Each integration test file gets its own fresh, migrated database on a real Postgres:
 * created from TEST_DATABASE_URL, else DATABASE_URL, else the local server. A migrated one
 * is a copy of the run's template (global-setup.ts), which the migrations built once.
 * Databases of passing runs are dropped; set KEEP_TEST_DATABASES=1 to keep them for inspection.
 */
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { SERVER_URL } from './global-setup.ts';
import { createScratchDatabase } from './scratch-database.ts';

export interface TestDatabase {
  name: string;
  url: string;
  /** Opens a Prisma handle on the database (closed by drop()). */
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

/** A fresh database, migrated unless `migrate: false` (then empty: for tests of the migrations and the migrate command). */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  // Without the global setup (another runner, another project) each database migrates itself.
  const template = options.migrate === false ? undefined : inject('migratedTemplate');
  const scratch = await createScratchDatabase(SERVER_URL, 'test', { ...options, template });
  const handles: DatabaseHandle[] = [];
  return {
    name: scratch.name,
    url: scratch.url,
    async open() {
      const handle = await openDatabase(scratch.url);
      handles.push(handle);
      return handle;
    },
    async drop() {
      await Promise.all(handles.map((h) => h.close()));
      if (process.env.KEEP_TEST_DATABASES === '1') return;
      await scratch.drop();
    },
  };
}
