/**
 * Throw-away databases on a Postgres server, for tests and benchmarks: create one with a
 * unique name, migrate it, drop it afterwards. (No vitest imports: bench/ uses it too.)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.ts';

/** `url` with its database name replaced. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` on a connection to the server's `postgres` database. */
async function onServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export interface ScratchDatabaseOptions {
  /** Apply the committed migrations (default true). Ignored with `template`. */
  migrate?: boolean;
  /**
   * Copy this database (CREATE DATABASE ... TEMPLATE) instead of migrating: a migrated
   * template made once (createTemplateDatabase) gives each copy the same schema and
   * `_prisma_migrations` ledger in a fraction of the time the WASM migration engine takes.
   */
  template?: string;
}

/** Creates `gs_<prefix>_<time>_<random>` on the server, migrated (or copied from `template`) unless told otherwise. */
export async function createScratchDatabase(serverUrl: string, prefix: string, options: ScratchDatabaseOptions = {}): Promise<ScratchDatabase> {
  const name = `gs_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const template = options.template === undefined ? '' : ` TEMPLATE "${options.template}"`;
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"${template}`));
  const url = withDatabase(serverUrl, name);
  if (options.template === undefined && options.migrate !== false) await applyMigrations(url);
  return {
    name,
    url,
    drop: () => onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A migrated database to copy with `template`: no connection is allowed to it afterwards,
 * since Postgres refuses to copy a database anyone is connected to.
 */
export async function createTemplateDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const template = await createScratchDatabase(serverUrl, prefix);
  await onServer(serverUrl, (c) => c.query(`ALTER DATABASE "${template.name}" WITH ALLOW_CONNECTIONS false`));
  return template;
}
