import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  applyMigrations,
  resolveDatabaseUrl
} from "./chunk-FQAQLBJI.js";
import "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import "./chunk-KA34AMGA.js";
import "./chunk-PBIHHMKK.js";
import "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/commands/migrate.js
import { parseArgs } from "node:util";
async function migrateCommand(argv, config, logger) {
  let recover;
  try {
    recover = parseArgs({ args: argv, options: { recover: { type: "boolean", default: false } }, strict: true, allowPositionals: false }).values.recover ?? false;
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
  try {
    const { applied, recovered } = await applyMigrations(url, void 0, { recover });
    for (const r of recovered) {
      logger.warn(r, `recovered the interrupted migration ${r.migration}: ${r.action} (${r.present} statement(s) were applied, ${r.missing} were not)`);
    }
    if (recover && recovered.length === 0)
      logger.info("no interrupted migration to recover");
    if (applied.length === 0)
      logger.info("database schema is up to date: no migration to apply");
    else
      logger.info({ applied }, `applied ${applied.length} migration(s)`);
    return EXIT.OK;
  } finally {
    await embedded?.stop();
  }
}
export {
  migrateCommand
};
