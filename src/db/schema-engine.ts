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
    const adapterFactory = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
    const engine = await binding.SchemaEngine.new(
      { datamodels: datamodel ? [[datamodel.path, datamodel.content]] : undefined },
      (log: string) => onLog(log),
      adapterFactory,
    );
    return { engine, close: async () => { engine.free(); await pool.end(); } };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
