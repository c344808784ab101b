/**
 * Builds what commands need from the configuration: the logger, the database (the embedded
 * one when DATABASE_URL=embedded, or unset for the demo), the Genesys client and each run's
 * streams with their lanes and writers. The composition root: nothing else constructs these.
 */
import type { Logger } from 'pino';
import { ConfigError, EMBEDDED_DATABASE_URL, requireGenesys, type Config, type GenesysConfig } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/client.ts';
import { describeTarget } from './db/errors.ts';
import { applyMigrations } from './db/migrate.ts';
import { assertSchemaCurrent } from './db/schema-check.ts';
import { EMBEDDED_POOL_SIZE, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.ts';
import { createGenesysClient, type GenesysClient, type RequestObserver } from './genesys/index.ts';
import type { SyncDeps } from './pipeline/sync.ts';
import { streamOpener, type StreamName } from './streams/index.ts';
import { personalDataPolicy, type PersonalDataPolicy } from './streams/conversations/personal-data.ts';
import type { Clock } from './time.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  embedded: EmbeddedDatabase | undefined;
  /** The URL the database was opened with (the embedded one's when that is the database). */
  url: string;
  /** Migrations applied while opening (see OpenRuntimeOptions.migrate). */
  migrationsApplied: string[];
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  /**
   * Apply pending migrations to a configured database too (the demo, a trial run). By default
   * only the embedded database is migrated on the spot; a configured one must already be
   * migrated (`npm run migrate`), else a clear error says so.
   */
  migrate?: boolean;
  /** Use the embedded database when DATABASE_URL is unset (the demo only; see resolveDatabaseUrl). */
  embeddedByDefault?: boolean;
}

/**
 * Production commands never fall back to the embedded database: an exported `DATABASE_URL=`
 * (empty) used to override `.env` and send a sync to PGlite under `.data/`, exit 0, with `status`
 * reporting healthy. The embedded database is used only when asked for by name, or by the demo.
 */
const DATABASE_URL_REQUIRED =
  `DATABASE_URL: not set; set it to your database (postgresql://user:password@host:5432/db), or to ` +
  `"${EMBEDDED_DATABASE_URL}" for the embedded PGlite database in EMBEDDED_DB_DIR (for trying the tool out, not for production)`;

/**
 * The database URL to use: DATABASE_URL's server, or the embedded database started on the spot
 * when DATABASE_URL asks for it (or is unset and `embeddedByDefault`). Unset otherwise: a
 * ConfigError (exit 2) before anything is opened or created.
 */
export async function resolveDatabaseUrl(
  config: Config,
  logger: Logger,
  options: Pick<OpenRuntimeOptions, 'embeddedByDefault'> = {},
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  const target = config.database.target ?? (options.embeddedByDefault ? { kind: 'embedded' } : undefined);
  if (!target) throw new ConfigError([DATABASE_URL_REQUIRED]);
  if (target.kind === 'postgres') return { url: target.url };
  const embedded = await startEmbeddedDatabase({ dir: config.database.embeddedDir, port: config.database.embeddedPort });
  logger.warn(
    { dir: config.database.embeddedDir, url: embedded.url },
    config.database.target
      ? `DATABASE_URL=${EMBEDDED_DATABASE_URL}: using the embedded database (PGlite), meant for trying the tool out`
      : 'DATABASE_URL is not set: using the embedded database (PGlite), meant for trying the tool out',
  );
  return { url: embedded.url, embedded };
}

/**
 * Opens the database for a command. The embedded database is migrated on the spot (it is a
 * trial database); a configured one must already be migrated, else a clear error says so.
 */
export async function openRuntime(config: Config, logger: Logger, options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const { url, embedded } = await resolveDatabaseUrl(config, logger, options);
  let database: DatabaseHandle;
  let migrationsApplied: string[] = [];
  try {
    if (embedded || options.migrate) ({ applied: migrationsApplied } = await applyMigrations(url));
    database = await openDatabase(url, {
      poolSize: embedded ? EMBEDDED_POOL_SIZE : config.database.poolSize,
      onPoolError: (error) => logger.warn({ err: error }, 'a pooled database connection failed'),
    });
    await assertSchemaCurrent(database.prisma, describeTarget(url)).catch(async (error) => {
      await database.close();
      throw error;
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    config,
    logger,
    database,
    embedded,
    url,
    migrationsApplied,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}

/**
 * The Genesys client for the configured org; `observer` sees every HTTP attempt, retry and
 * 429 (the worker's metrics). `target` replaces the configured org (the demo's simulator).
 */
export function createGenesys(config: Config, logger: Logger, observer?: RequestObserver, target?: GenesysConfig): GenesysClient {
  const g = target ?? requireGenesys(config);
  return createGenesysClient({
    apiUrl: g.apiUrl,
    loginUrl: g.loginUrl,
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    concurrency: config.sync.concurrency,
    ratePerMinute: g.ratePerMinute,
    maxRetries: g.maxRetries,
    requestTimeoutMs: g.requestTimeoutMs,
    logger,
    ...(observer ? { observer } : {}),
  });
}

/**
 * What a run needs from the composition root: the database, the Genesys client, the clock, the
 * liveness lease and the streams it reads, each built with its lanes and writer (src/streams).
 */
export function runDeps(
  runtime: Pick<Runtime, 'database'>,
  genesys: GenesysClient,
  run: { logger: Logger; clock: Clock; signal?: AbortSignal; host?: string; streams?: readonly StreamName[]; explicitStreams?: boolean; personalData?: PersonalDataPolicy },
): SyncDeps {
  const db = runtime.database.prisma;
  return {
    db,
    genesys,
    logger: run.logger,
    clock: run.clock,
    runLease: runtime.database.runLease,
    openStreams: streamOpener({ db, genesys, clock: run.clock, ...(run.personalData ? { personalData: run.personalData } : {}) }, run.streams, run.explicitStreams),
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.host ? { host: run.host } : {}),
  };
}

/** The personal-data policy of the configuration (PII_MODE, PII_ATTRIBUTES, PII_HASH_KEY): what every run and `protect` apply. */
export function configuredPersonalData(config: Pick<Config, 'personalData'>): PersonalDataPolicy {
  return personalDataPolicy(config.personalData);
}
