/**
 * A fresh, migrated database for one benchmark run, on the server of DATABASE_URL (else the
 * local one), dropped afterwards. Same approach as test/helpers/database.ts, without vitest.
 */
import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../test/helpers/scratch-database.ts';

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = Pick<ScratchDatabase, 'url' | 'drop'>;

/** Creates and migrates `gs_<label>_<random>`. */
export function createBenchDatabase(label = 'bench'): Promise<BenchDatabase> {
  return createScratchDatabase(SERVER_URL, label);
}

/** `PostgreSQL 15.x` of the server the benchmark runs against. */
export async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${rows[0]!.v}`;
  } finally {
    await client.end();
  }
}
