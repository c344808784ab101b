/**
 * The command line's dispatcher: read the configuration, build the logger, run the command,
 * map errors to exit codes. Its input and output are handed in (CommandIo), so the bin
 * (src/cli.ts) runs it on the process's own, and the tests run the very same code on
 * captured streams without a process per command (test/integration/ops/cli-process.ts).
 */
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { DatabaseError } from '../db/errors.ts';
import { InvalidRequestError } from '../decisions/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { AuthError } from '../genesys/index.ts';
import { createLogger, type Logger } from '../logger.ts';
import { redactText } from '../redact.ts';
import type { CommandIo } from './io.ts';
import { armExitDeadline, EXIT_DEADLINE_SLACK_MS } from './signals.ts';
import { UsageError } from './usage-error.ts';

type Command = (argv: string[], config: Config, logger: Logger, io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { describe: string; load: () => Promise<Command> }> = {
  migrate: { describe: 'apply the committed migrations', load: async () => (await import('./migrate.ts')).migrateCommand },
  sync: { describe: 'one sync pass: [--from ISO --to ISO | --lookback 7d] [--agents id1,id2]', load: async () => (a, c, l, io) => import('./sync.ts').then((m) => m.runCommand('sync', a, c, l, io)) },
  backfill: { describe: 'resumable historical load: --from DATE --to DATE [--agents ...] [--dry-run]', load: async () => (a, c, l, io) => import('./sync.ts').then((m) => m.runCommand('backfill', a, c, l, io)) },
  worker: { describe: 'the long-running scheduled worker (SYNC_SCHEDULE)', load: async () => (await import('./worker.ts')).workerCommand },
  status: { describe: 'recent runs, failed or pending windows, freshness [--json]', load: async () => (await import('./status.ts')).statusCommand },
  protect: { describe: 're-apply PII_MODE and PII_ATTRIBUTES to stored rows [--batch-size N]', load: async () => (await import('./protect.ts')).protectCommand },
  demo: { describe: 'the main job on a simulated org and the embedded database', load: async () => (await import('./demo.ts')).demoCommand },
  simulator: { describe: 'run the Genesys simulator standalone', load: async () => (await import('./simulator.ts')).simulatorCommand },
};

function usage(): string {
  return ['usage: genesys-sync <command> [flags]   (in a checkout: npm run <command> -- [flags])', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.describe}`)].join('\n');
}

/** Runs one command line; resolves with its exit code (docs/operations.md). */
export async function runCommandLine(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  const asksHelp = !name || name === '--help' || name === 'help';
  if (asksHelp || !(name in COMMANDS)) {
    io.stderr.write(`${asksHelp ? '' : `unknown command "${name}"\n\n`}${usage()}\n`);
    return asksHelp ? EXIT.OK : EXIT.USAGE;
  }
  let config: Config;
  try {
    config = io.env ? loadConfig(io.env) : loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  io.configured?.(config);
  const logger = createLogger({ level: config.log.level, format: config.log.format, ...(io.logDestination ? { destination: io.logDestination } : {}) });
  // Whatever hangs, a stopped process exits 130 within the documented bound (docs/operations.md §3).
  const disarm = armExitDeadline(logger, config.sync.shutdownTimeoutMs + EXIT_DEADLINE_SLACK_MS);
  try {
    const command = await COMMANDS[name]!.load();
    return await command(rest, config, logger, io);
  } catch (error) {
    return reportError(error, logger, io);
  } finally {
    disarm();
  }
}

function reportError(error: unknown, logger: Logger, io: CommandIo): number {
  const message = redactText(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError || error instanceof InvalidRequestError || error instanceof ConfigError) {
    io.stderr.write(`${message}\n`);
    return EXIT.USAGE;
  }
  if (error instanceof DatabaseError || error instanceof AuthError) {
    logger.error(message);
    io.stderr.write(`error: ${message}\n`);
    return EXIT.UNAVAILABLE;
  }
  logger.error({ err: error }, message);
  io.stderr.write(`error: ${message}\n`);
  return EXIT.FAILED;
}
