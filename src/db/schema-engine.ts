/**
 * Loads Prisma's schema engine compiled to WebAssembly. The Prisma CLI needs a native
 * engine it downloads at run time, which these machines (and many locked-down hosts)
 * cannot do; the WASM build is the same engine, driven through the pg driver adapter,
 * and writes the same `_prisma_migrations` ledger as `prisma migrate deploy`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { CLOSE_DEADLINE_MS, settlesWithin } from './client.ts';

type BindingModule = {
  SchemaEngine: typeof SchemaEngine;
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let bindingPromise: Promise<BindingModule> | undefined;

/** Instantiates the WASM module once per process (Node 20 cannot import .wasm directly). */
function loadBinding(): Promise<BindingModule> {
  bindingPromise ??= (async () => {
    const binding = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as BindingModule;
    const require = createRequire(import.meta.url);
    const jsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(jsPath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': binding as never });
    binding.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return binding;
  })();
  return bindingPromise;
}

export type EngineLog = (message: string) => void;

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and ends its connection pool (else idle connections hold the process ~10 s). */
  close(): Promise<void>;
}

/** Opens a schema engine connected to `connectionString`. */
export async function openSchemaEngine(
  connectionString: string,
  datamodel: { path: string; content: string } | undefined,
  onLog: EngineLog = () => {},
): Promise<OpenSchemaEngine> {
  const binding = await loadBinding();
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {}); // a dropped idle connection must not crash the process
  try {
    const adapterFactory = bindMigrationAwareSqlAdapterFactory(withTransactionalScripts(new PrismaPg(pool), pool));
    const engine = await binding.SchemaEngine.new(
      { datamodels: datamodel ? [[datamodel.path, datamodel.content]] : undefined },
      (log: string) => onLog(log),
      adapterFactory,
    );
    return { engine, close: async () => { engine.free(); await endWithin(pool); } };
  } catch (error) {
    await endWithin(pool);
    throw error;
  }
}

/** The engine's pool ends within 5 s (a database that stopped answering would hold it forever). */
async function endWithin(pool: pg.Pool): Promise<void> {
  await settlesWithin(pool.end(), CLOSE_DEADLINE_MS);
}

/**
 * Statements Postgres refuses inside a transaction block. A migration holding one runs as the
 * adapter runs scripts (statement by statement); every other migration runs in one transaction.
 */
const NOT_IN_TRANSACTION = /\b(CONCURRENTLY|VACUUM|ALTER\s+SYSTEM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+TYPE\s+\S+\s+ADD\s+VALUE)\b/i;

/**
 * The pg adapter runs a migration script split on ';', each statement on whichever pooled
 * connection is free: a migration killed half-way stays half-applied. Here the whole script is
 * one simple query inside BEGIN … COMMIT on one connection, so a killed or failed migration
 * leaves no change behind (only its `_prisma_migrations` row: see recoverMigrations).
 */
function withTransactionalScripts(factory: PrismaPg, pool: pg.Pool): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const statementByStatement = adapter.executeScript.bind(adapter);
    const fail = (error: unknown): never => (adapter as unknown as { onError(e: unknown): never }).onError(error);
    adapter.executeScript = async (script: string) => {
      if (NOT_IN_TRANSACTION.test(script)) return statementByStatement(script);
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        await client.query(script);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        fail(error);
      } finally {
        client.release(broken);
      }
    };
    return adapter;
  };
  return factory;
}
