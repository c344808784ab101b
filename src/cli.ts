#!/usr/bin/env node
/**
 * The command line: `tsx src/cli.ts <command> [flags]` behind the npm scripts, compiled to
 * `node dist/cli.js` (the `genesys-sync` bin, the container, the systemd unit). The process's
 * wiring only: its arguments, streams and exit; the dispatcher is src/commands/main.ts.
 */
import v8 from 'node:v8';
import type { Config } from './config.ts';
import { EXIT } from './exit-codes.ts';
import { redactText } from './redact.ts';
import { runCommandLine } from './commands/main.ts';

/**
 * Prisma 7 runs its query compiler as WebAssembly, compiled when the first query is made.
 * V8 then re-compiles its hot functions with its optimising compiler (TurboFan), and that
 * compilation, code and zones, took the process from ~100 to ~150 MB of RSS before a single
 * record was read: a quarter of the 200 MB budget (docs/performance.md, "Memory"). Liftoff, the
 * baseline compiler, alone keeps that at ~100 MB and costs little: the heavy statements go to pg
 * directly (src/db/sql-transaction.ts); Prisma compiles only the ledger's few per-window
 * statements. Not for the embedded database: PGlite is Postgres itself in WebAssembly, whose
 * speed needs the optimised code. V8 reads the flag when it compiles, so it must be set before the
 * first query; `--liftoff-only` is not accepted in NODE_OPTIONS, hence here. A process-wide
 * setting, so the bin's alone (never set by the dispatcher, which tests run in-process).
 */
function compileWasmWithBaselineOnly(config: Config): void {
  if (config.database.target?.kind === 'postgres') v8.setFlagsFromString('--liftoff-only');
}

// Exit explicitly: pooled connections and the WASM migration engine keep timers alive for
// seconds after the work is done, and the exit code is the command's contract.
runCommandLine(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, configured: compileWasmWithBaselineOnly }).then(
  (code) => setImmediate(() => process.exit(code)),
  (error) => {
    process.stderr.write(`fatal: ${redactText(String(error instanceof Error ? error.stack : error))}\n`);
    process.exit(EXIT.FAILED);
  },
);
