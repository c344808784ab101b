/** `npm run migrate`: apply the committed migrations to DATABASE_URL (required; `embedded` names the embedded database). */
import type { Config } from '../config.ts';
import { applyMigrations } from '../db/migrate.ts';
import { EXIT } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { resolveDatabaseUrl } from '../runtime.ts';

export async function migrateCommand(_argv: string[], config: Config, logger: Logger): Promise<number> {
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
  try {
    const { applied } = await applyMigrations(url);
    if (applied.length === 0) logger.info('database schema is up to date: no migration to apply');
    else logger.info({ applied }, `applied ${applied.length} migration(s)`);
    return EXIT.OK;
  } finally {
    await embedded?.stop();
  }
}
