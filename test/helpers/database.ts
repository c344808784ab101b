/**
 * Each integration test file gets its own fresh, migrated database on a real Postgres:
 * created from TEST_DATABASE_URL, else DATABASE_URL, else the local server. Databases of
 * passing runs are dropped; set KEEP_TEST_DATABASES=1 to keep them for inspection.
 */
import { openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { createScratchDatabase } from './scratch-database.ts';

const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** Opens a Prisma handle on the database (closed by drop()). */
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(SERVER_URL, 'test', options);
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
