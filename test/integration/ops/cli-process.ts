/**
 * Runs the CLI the way an operator or a supervisor does and reads its output and JSON log
 * lines: `runCli` in this process through the bin's own dispatcher (src/commands/main.ts), or
 * `startCli` as a real child process, for signals, kills and what a process alone shows. The
 * child is `node dist/cli.js ...` (with CLI_NODE_FLAGS, below), as the container execs it, compiled
 * once per run by `npm run build` in the global setup (see compiled-cli.test.ts; about half the
 * start-up CPU of `node --import tsx src/cli.ts`, what `npx tsx` runs and the fallback without
 * that setup): one process, so SIGTERM and SIGKILL reach the CLI itself rather than an npx or
 * tsx wrapper that would relay (or not) the signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { runCommandLine } from '../../../src/commands/main.ts';
import { ENV_VARIABLES } from '../../../src/config.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every variable the configuration reads: cleared (set empty, which beats a developer's .env) unless given. */
const CLEARED = ENV_VARIABLES;

export function cliEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', LOG_FORMAT: 'json', LOG_LEVEL: 'info' };
  for (const name of CLEARED) if (!(name in overrides) && name !== 'LOG_FORMAT' && name !== 'LOG_LEVEL') env[name] = '';
  delete env.NODE_OPTIONS; // vitest's loader hooks must not leak into the child
  return { ...env, ...overrides };
}

/** The environment pointing the CLI at a simulator and a database. */
export function simEnv(sim: { url: string; clientId: string; clientSecret: string }, databaseUrl: string, extra: Record<string, string> = {}) {
  return cliEnv({
    DATABASE_URL: databaseUrl,
    GENESYS_API_URL: sim.url,
    GENESYS_LOGIN_URL: sim.url,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    ...extra,
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout lines that parse as JSON log objects. */
  logs: Array<Record<string, unknown>>;
}

export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<CliResult>;
  /** `exited`, or a rejection carrying the process's output when it has not exited within `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<CliResult>;
}

/**
 * `dist/cli.js` as the run's global setup built it (test/helpers/global-setup.ts), else (when
 * asked, or a runner without that setup) `--import tsx src/cli.ts`.
 */
function cliEntry(via: 'build' | 'tsx'): string[] {
  const build = inject('cliBuild');
  if (via === 'tsx' || !build) return ['--import', 'tsx', 'src/cli.ts'];
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status}), so no CLI to run:\n${build.output}`);
  return ['dist/cli.js'];
}

/**
 * V8 flags of the test CLI processes. `--liftoff-only`: WebAssembly compiled by V8's baseline
 * compiler alone, never optimised again in the background. Every command loads Prisma's query
 * compiler (WebAssembly, megabytes of it), and optimising it cost a short command about 0.8 s
 * of CPU, 40 % of a `status` (a `status --json` on a test database: 1.9 s of user+sys CPU, 1.1 s
 * with the flag), which the tests' hundred-odd processes paid on two cores. It changes how
 * fast the compiler's own code runs, never what it computes. compiled-cli.test.ts runs the
 * bin exactly as shipped, without it. Not in NODE_OPTIONS: Node refuses V8 flags there.
 */
export const CLI_NODE_FLAGS = ['--liftoff-only'];

/** `via: 'tsx'` runs the source as the npm scripts do (`tsx src/cli.ts`) rather than the build. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, options: { via?: 'build' | 'tsx' } = {}): CliProcess {
  const argv = [...CLI_NODE_FLAGS, ...cliEntry(options.via ?? 'build'), ...args];
  const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const logs = () => parseLogs(stdout);
  const exited = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr, logs: parseLogs(stdout) });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    logs,
    waitForLog(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = logs().find(match);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`the process exited before the expected log line\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
          }
        };
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)), timeoutMs);
        waiters.push(check);
        check();
      });
    },
    exited,
    waitForExit(timeoutMs = 60_000) {
      return withinDeadline(exited, timeoutMs, () => `the process has not exited within ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
    },
  };
}

/**
 * One command line run to its exit code. `in-process` (the default): the bin's own dispatcher
 * and commands (src/commands/main.ts, all of src/cli.ts but the process's streams and exit)
 * with this environment and captured output, the logs in stdout as the bin writes them. It
 * spares each command a process's start-up, about half a second of CPU, which the suite's
 * hundred-odd commands paid on two cores. `process`: `node dist/cli.js` as a child, for what
 * only a process shows (its exit, output written past our streams, signals: startCli).
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, how: 'in-process' | 'process' = 'in-process'): Promise<CliResult> {
  if (how === 'process') {
    const p = startCli(args, env);
    const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
    return p.exited.finally(() => clearTimeout(timer));
  }
  let stdout = '';
  let stderr = '';
  const capture = (write: (text: string) => void) => ({ write: (text: string) => (write(text), true) });
  const out = capture((t) => (stdout += t));
  const io = { stdout: out, stderr: capture((t) => (stderr += t)), env, logDestination: out };
  const code = await withinDeadline(runCommandLine(args, io), timeoutMs, () => `genesys-sync ${args.join(' ')} did not end within ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  return { code, signal: null, stdout, stderr, logs: parseLogs(stdout) };
}

/** `work`, or a rejection with `late()`'s message (the output so far) when it has not settled within `timeoutMs`. */
function withinDeadline<T>(work: Promise<T>, timeoutMs: number, late: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(late())), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function parseLogs(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line still being written
    }
  }
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` every `everyMs` until it returns true, or fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
