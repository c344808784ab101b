#!/usr/bin/env node
import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  EXIT_DEADLINE_SLACK_MS,
  armExitDeadline
} from "./chunk-QHFLPGZM.js";
import {
  AuthError,
  ConfigError,
  loadConfig
} from "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import {
  DatabaseError,
  InvalidRequestError,
  redactDeep,
  redactText
} from "./chunk-PBIHHMKK.js";
import "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/cli.js
import v8 from "node:v8";

// dist/logger.js
import pino, {} from "pino";
function serializeError(error) {
  return redactDeep(error);
}
function createLogger(options) {
  const pretty = options.format === "pretty" || options.format === "auto" && !options.destination && process.stdout.isTTY;
  const destination = options.destination ?? (pretty ? pino.transport({ target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" } }) : pino.destination({ dest: 1, sync: true }));
  return pino({
    level: options.level,
    base: void 0,
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // Scrub the message and every interpolated argument before pino formats them.
      logMethod(args, method) {
        method.apply(this, args.map((a) => a instanceof Error ? serializeError(a) : redactDeep(a)));
      }
    },
    formatters: {
      log: (object) => redactDeep(object)
    }
  }, destination);
}

// dist/cli.js
var COMMANDS = {
  migrate: { describe: "apply the committed migrations", load: async () => (await import("./migrate-QQJ6VZ3A.js")).migrateCommand },
  sync: { describe: "one sync pass: [--from ISO --to ISO | --lookback 7d] [--agents id1,id2]", load: async () => (a, c, l) => import("./sync-KU4G5E25.js").then((m) => m.runCommand("sync", a, c, l)) },
  backfill: { describe: "resumable historical load: --from DATE --to DATE [--agents ...] [--dry-run]", load: async () => (a, c, l) => import("./sync-KU4G5E25.js").then((m) => m.runCommand("backfill", a, c, l)) },
  worker: { describe: "the long-running scheduled worker (SYNC_SCHEDULE)", load: async () => (await import("./worker-7GKBTE6B.js")).workerCommand },
  status: { describe: "recent runs, failed or pending windows, freshness [--json]", load: async () => (await import("./status-PWPZBR5T.js")).statusCommand },
  protect: { describe: "re-apply PII_MODE and PII_ATTRIBUTES to stored rows [--batch-size N]", load: async () => (await import("./protect-A2JERFUG.js")).protectCommand },
  demo: { describe: "the main job on a simulated org and the embedded database", load: async () => (await import("./demo-H6CWM2KW.js")).demoCommand },
  simulator: { describe: "run the Genesys simulator standalone", load: async () => (await import("./simulator-VD6PAJYL.js")).simulatorCommand }
};
function usage() {
  return ["usage: genesys-sync <command> [flags]   (in a checkout: npm run <command> -- [flags])", "", ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.describe}`)].join("\n");
}
async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "help" || !(name in COMMANDS)) {
    process.stderr.write(`${name && name !== "help" && name !== "--help" ? `unknown command "${name}"

` : ""}${usage()}
`);
    return name && name !== "--help" && name !== "help" ? EXIT.USAGE : EXIT.OK;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}
`);
      return EXIT.USAGE;
    }
    throw error;
  }
  if (config.database.target?.kind === "postgres")
    compileWasmWithBaselineOnly();
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  armExitDeadline(logger, config.sync.shutdownTimeoutMs + EXIT_DEADLINE_SLACK_MS);
  try {
    const command = await COMMANDS[name].load();
    return await command(rest, config, logger);
  } catch (error) {
    return reportError(error, logger);
  }
}
function compileWasmWithBaselineOnly() {
  v8.setFlagsFromString("--liftoff-only");
}
function reportError(error, logger) {
  const message = redactText(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError || error instanceof InvalidRequestError || error instanceof ConfigError) {
    process.stderr.write(`${message}
`);
    return EXIT.USAGE;
  }
  if (error instanceof DatabaseError || error instanceof AuthError) {
    logger.error(message);
    process.stderr.write(`error: ${message}
`);
    return EXIT.UNAVAILABLE;
  }
  logger.error({ err: error }, message);
  process.stderr.write(`error: ${message}
`);
  return EXIT.FAILED;
}
main(process.argv.slice(2)).then((code) => setImmediate(() => process.exit(code)), (error) => {
  process.stderr.write(`fatal: ${redactText(String(error instanceof Error ? error.stack : error))}
`);
  process.exit(EXIT.FAILED);
});
