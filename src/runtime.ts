/**
 * Builds what commands need from the configuration: the logger, the database (the embedded
 * one when DATABASE_URL is unset), the Genesys client and each run's streams with their lanes
 * and writers. The composition root: nothing else constructs these.
 */
import type { Logger } from 'pino';
import { requireGenesys, type Config, type GenesysConfig } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/client.ts';
import { describeTarget } from './db/errors.ts';
import { applyMigrations } from './db/migrate.ts';
import { assertSchemaCurrent } from './db/schema-check.ts';
import { EMBEDDED_POOL_SIZE, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.ts';
import { createGenesysClient, type GenesysClient, type RequestObserver } from './genesys/index.ts';
import type { SyncDeps } from './pipeline/sync.ts';
import { streamOpener, type StreamName } from './streams/index.ts';
import type { Clock } from './time.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  embedded: EmbeddedDatabase | undefined;
  /** The URL the database was opened with (the embedded one's when DATABASE_URL is unset). */
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
}

/** The database URL to use, starting the embedded database when none is configured. */
export async function resolveDatabaseUrl(config: Config, logger: Logger): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.database.url) return { url: config.database.url };
  const embedded = await startEmbeddedDatabase({ dir: config.database.embeddedDir, port: config.database.embeddedPort });
  logger.warn(
    { dir: config.database.embeddedDir, url: embedded.url },
    'DATABASE_URL is not set: using the embedded database (PGlite), meant for trying the tool out',
  );
  return { url: embedded.url, embedded };
}

/**
 * Opens the database for a command. The embedded database is migrated on the spot (it is a
 * trial database); a configured one must already be migrated, else a clear error says so.
 */
export async function openRuntime(config: Config, logger: Logger, options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
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
  run: { logger: Logger; clock: Clock; signal?: AbortSignal; host?: string; streams?: readonly StreamName[] },
): SyncDeps {
  const db = runtime.database.prisma;
  return {
    db,
    genesys,
    logger: run.logger,
    clock: run.clock,
    runLease: runtime.database.runLease,
    openStreams: streamOpener({ db, genesys, clock: run.clock }, run.streams),
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.host ? { host: run.host } : {}),
  };
}
