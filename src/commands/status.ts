/**
 * `npm run status [-- --json] [--limit N]`: the sync's health from the ledger. Exit 0 when
 * healthy, 1 (EXIT.FAILED) when the last run failed, the last successful sync is older than
 * STATUS_MAX_AGE, or the worker's scope has a hole in its lookback or catch-up range, so it
 * doubles as a monitoring check. Wiring only.
 */
import { parseArgs } from 'node:util';
import type { CommandIo } from './io.ts';
import type { Config } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { readStatus } from '../pipeline/status.ts';
import { formatStatus, statusJson } from '../present/status.ts';
import type { Logger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { UsageError } from './usage-error.ts';
import { systemClock } from '../time.ts';
import { chooseStreams, STREAM_NAMES } from '../streams/index.ts';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 500;

export function parseStatusArgs(argv: string[]): { json: boolean; limit: number } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean', default: false }, limit: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let limit = DEFAULT_LIMIT;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new UsageError(`--limit: must be an integer from 1 to ${MAX_LIMIT} (got "${values.limit}")`);
    }
  }
  return { json: values.json ?? false, limit };
}

/** The streams the worker reads (SYNC_STREAMS, else the default ones): its coverage check covers these. */
function workerStreams(config: Config): readonly string[] {
  try {
    return chooseStreams(undefined, config.sync.streams).names;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function statusCommand(argv: string[], config: Config, logger: Logger, io: CommandIo): Promise<number> {
  const args = parseStatusArgs(argv);
  const streams = workerStreams(config);
  // Logs go to stdout: with --json keep them to errors, so `status --json | jq` gets JSON only
  // (the embedded-database notice would otherwise come first).
  const runtime = await openRuntime(config, args.json ? logger.child({}, { level: 'error' }) : logger);
  try {
    const report = await readStatus(runtime.database.prisma, {
      now: systemClock(),
      limit: args.limit,
      maxAgeMs: config.statusMaxAgeMs,
      worker: { agentIds: config.sync.agentIds, lookbackMs: config.sync.lookbackMs, lagMs: config.sync.lagMs, streams },
      streams: STREAM_NAMES,
      personalData: { mode: config.personalData.mode, attributes: config.personalData.attributes },
    });
    io.stdout.write(args.json ? `${JSON.stringify(statusJson(report), null, 2)}\n` : `${formatStatus(report)}\n`);
    return report.healthy ? EXIT.OK : EXIT.FAILED;
  } catch (error) {
    // Prisma's P2021: the ledger tables are missing, i.e. migrations were never applied.
    if ((error as { code?: unknown }).code === 'P2021') {
      io.stderr.write('the sync tables do not exist yet: run `npm run migrate` first\n');
      return EXIT.FAILED;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
