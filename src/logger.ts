/**
 * pino, JSON to stdout by default and human-readable on a terminal. Every log object and
 * message passes through the redaction of redact.ts, so a secret that slips into an error
 * (a library quoting a URL with its password, say) is scrubbed before it is written.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactDeep } from './redact.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Where to write; defaults to stdout. Tests pass a capture stream. */
  destination?: DestinationStream;
}

/** Errors (as `err`, `error`, or a bare argument) become plain scrubbed objects: redact.ts redactError. */
function serializeError(error: unknown): unknown {
  return redactDeep(error);
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && !options.destination && process.stdout.isTTY);
  const destination =
    options.destination ??
    (pretty
      ? (pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }) as DestinationStream)
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: undefined,
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        // Scrub the message and every interpolated argument before pino formats them.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (a instanceof Error ? serializeError(a) : redactDeep(a))) as never);
        },
      },
      formatters: {
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
    },
    destination,
  );
}
