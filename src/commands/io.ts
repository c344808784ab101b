/**
 * What a command reads and writes besides the database and Genesys: the bin hands in the
 * process's own (src/cli.ts); a test hands in captured streams and an environment of its own.
 */
import type { DestinationStream } from 'pino';
import type { Config } from '../config.ts';

/** A stream a command prints to: process.stdout and process.stderr are ones. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CommandIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The environment to configure from; the process's own (over .env) when absent (config.ts). */
  env?: Record<string, string | undefined>;
  /** Where the logs go; stdout (pino's own, synchronous) when absent (logger.ts). */
  logDestination?: DestinationStream;
  /** Called once the configuration is read, before anything runs: the bin tunes V8 there. */
  configured?(config: Config): void;
}
