/**
 * `npm run migrate [-- --recover]`: apply the committed migrations to DATABASE_URL (required;
 * `embedded` names the embedded database). `--recover` first repairs a migration a killed or failed `migrate` left
 * unfinished (db/migrate.ts recoverMigrations; docs/operations.md §5).
 */
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { applyMigrations } from '../db/migrate.ts';
import { EXIT } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { resolveDatabaseUrl } from '../runtime.ts';
import { UsageError } from './usage-error.ts';

export async function migrateCommand(argv: string[], config: Config, logger: Logger): Promise<number> {
  let recover: boolean;
  try {
    recover = parseArgs({ args: argv, options: { recover: { type: 'boolean', default: false } }, strict: true, allowPositionals: false }).values.recover ?? false;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
  try {
    const { applied, recovered } = await applyMigrations(url, undefined, { recover });
    for (const r of recovered) {
      logger.warn(r, `recovered the interrupted migration ${r.migration}: ${r.action} (${r.present} statement(s) were applied, ${r.missing} were not)`);
    }
    if (recover && recovered.length === 0) logger.info('no interrupted migration to recover');
    if (applied.length === 0) logger.info('database schema is up to date: no migration to apply');
    else logger.info({ applied }, `applied ${applied.length} migration(s)`);
    return EXIT.OK;
  } finally {
    await embedded?.stop();
  }
}
