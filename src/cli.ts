#!/usr/bin/env node
/**
 * The command line: `tsx src/cli.ts <command> [flags]` behind the npm scripts, compiled to
 * `node dist/cli.js` (the `genesys-sync` bin, the container, the systemd unit). Wiring only:
 * read the configuration, build the logger, dispatch, map errors to exit codes.
 */
import v8 from 'node:v8';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DatabaseError } from './db/errors.ts';
import { EXIT } from './exit-codes.ts';
import { AuthError } from './genesys/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { redactText } from './redact.ts';
import { UsageError } from './commands/usage-error.ts';
import { InvalidRequestError } from './decisions/errors.ts';
import { armExitDeadline, EXIT_DEADLINE_SLACK_MS } from './commands/signals.ts';

type Command = (argv: string[], config: Config, logger: Logger) => Promise<number>;

const COMMANDS: Record<string, { describe: string; load: () => Promise<Command> }> = {
  migrate: { describe: 'apply the committed migrations', load: async () => (await import('./commands/migrate.ts')).migrateCommand },
  sync: { describe: 'one sync pass: [--from ISO --to ISO | --lookback 7d] [--agents id1,id2]', load: async () => (a, c, l) => import('./commands/sync.ts').then((m) => m.runCommand('sync', a, c, l)) },
  backfill: { describe: 'resumable historical load: --from DATE --to DATE [--agents ...] [--dry-run]', load: async () => (a, c, l) => import('./commands/sync.ts').then((m) => m.runCommand('backfill', a, c, l)) },
  worker: { describe: 'the long-running scheduled worker (SYNC_SCHEDULE)', load: async () => (await import('./commands/worker.ts')).workerCommand },
  status: { describe: 'recent runs, failed or pending windows, freshness [--json]', load: async () => (await import('./commands/status.ts')).statusCommand },
  protect: { describe: 're-apply PII_MODE and PII_ATTRIBUTES to stored rows [--batch-size N]', load: async () => (await import('./commands/protect.ts')).protectCommand },
  demo: { describe: 'the main job on a simulated org and the embedded database', load: async () => (await import('./commands/demo.ts')).demoCommand },
  simulator: { describe: 'run the Genesys simulator standalone', load: async () => (await import('./commands/simulator.ts')).simulatorCommand },
};

function usage(): string {
  return ['usage: genesys-sync <command> [flags]   (in a checkout: npm run <command> -- [flags])', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.describe}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help' || !(name in COMMANDS)) {
    process.stderr.write(`${name && name !== 'help' && name !== '--help' ? `unknown command "${name}"\n\n` : ''}${usage()}\n`);
    return name && name !== '--help' && name !== 'help' ? EXIT.USAGE : EXIT.OK;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  if (config.database.target?.kind === 'postgres') compileWasmWithBaselineOnly();
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  // Whatever hangs, a stopped process exits 130 within the documented bound (docs/operations.md §3).
  armExitDeadline(logger, config.sync.shutdownTimeoutMs + EXIT_DEADLINE_SLACK_MS);
  try {
    const command = await COMMANDS[name]!.load();
    return await command(rest, config, logger);
  } catch (error) {
    return reportError(error, logger);
  }
}

/**
 * Prisma 7 runs its query compiler as WebAssembly, compiled when the first query is made.
 * V8 then re-compiles its hot functions with its optimising compiler (TurboFan), and that
 * compilation, code and zones, took the process from ~100 to ~150 MB of RSS before a single
 * record was read: a quarter of the 200 MB budget (docs/performance.md, "Memory"). Liftoff, the
 * baseline compiler, alone keeps that at ~100 MB and costs little: the heavy statements go to pg
 * directly (src/db/sql-transaction.ts); Prisma compiles only the ledger's few per-window
 * statements. Not for the embedded database: PGlite is Postgres itself in WebAssembly, whose
 * speed needs the optimised code. V8 reads the flag when it compiles, so it must be set before the
 * first query; `--liftoff-only` is not accepted in NODE_OPTIONS, hence here.
 */
function compileWasmWithBaselineOnly(): void {
  v8.setFlagsFromString('--liftoff-only');
}

function reportError(error: unknown, logger: Logger): number {
  const message = redactText(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError || error instanceof InvalidRequestError || error instanceof ConfigError) {
    process.stderr.write(`${message}\n`);
    return EXIT.USAGE;
  }
  if (error instanceof DatabaseError || error instanceof AuthError) {
    logger.error(message);
    process.stderr.write(`error: ${message}\n`);
    return EXIT.UNAVAILABLE;
  }
  logger.error({ err: error }, message);
  process.stderr.write(`error: ${message}\n`);
  return EXIT.FAILED;
}

// Exit explicitly: pooled connections and the WASM migration engine keep timers alive for
// seconds after the work is done, and the exit code is the command's contract.
main(process.argv.slice(2)).then(
  (code) => setImmediate(() => process.exit(code)),
  (error) => {
    process.stderr.write(`fatal: ${redactText(String(error instanceof Error ? error.stack : error))}\n`);
    process.exit(EXIT.FAILED);
  },
);
