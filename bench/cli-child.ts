/**
 * Runs the compiled CLI's backfill (`node dist/cli.js backfill`) as a child process against a
 * simulator and a bench database, and watches it the way bench/memory-cli.ts and
 * bench/backfill.ts report it: VmRSS and VmHWM (the kernel's own peak) from
 * /proc/<pid>/status every 250 ms, its CPU (user + sys) from /proc/<pid>/stat, and the
 * conversations stored counted once a second (less often as the table grows), with the peak so far when the count first
 * reaches each checkpoint (up to a second late: the figure can only be higher).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { fmtInt, fmtS, mb } from './run-info.ts';
import type { SimProcess } from './sim-process.ts';

const ENTRY = 'dist/cli.js';
/** What Dockerfile and deploy/genesys-sync.service set. */
export const PRODUCTION_SETTINGS: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=4',
  MALLOC_MMAP_THRESHOLD_: '131072',
};
const SAMPLE_MS = 250;
const COUNT_MS = 1_000;
/**
 * count(*) over millions of rows is a scan: the count waits this many times its own last duration,
 * so that counting takes at most ~2 % of Postgres' time on a large run (checkpoints are then
 * later, and their peak can only be higher).
 */
const COUNT_PAUSE_FACTOR = 50;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

interface Checkpoint {
  at: number;
  written: number;
  peak: number;
  rss: number;
  elapsedMs: number;
}

export interface ChildRun {
  code: number | null;
  wallMs: number;
  /** User + system CPU of the backfill process, ms (its last sample, at most 250 ms before it exited). */
  cpuMs: number;
  firstRss: number;
  peak: number;
  checkpoints: Checkpoint[];
  output: string;
}

export interface ChildRunOptions {
  sim: Pick<SimProcess, 'url' | 'clientId' | 'clientSecret'>;
  databaseUrl: string;
  from: Date;
  to: Date;
  /** Extra CLI arguments (e.g. `--lane jobs`). */
  args?: readonly string[];
  /** Environment settings (NODE_OPTIONS, MALLOC_MMAP_THRESHOLD_...); only these of the two are passed on. */
  settings: Readonly<Record<string, string>>;
  /** Options for node itself, before the entry (those NODE_OPTIONS refuses, e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  checkpoints: readonly number[];
}

/** VmRSS and VmHWM, bytes, and user + system CPU, ms; undefined once the process is gone. */
function usageOf(pid: number): { rss: number; hwm: number; cpuMs: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1000;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), cpuMs };
  } catch {
    return undefined;
  }
}

function childEnvironment(o: ChildRunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    GENESYS_API_URL: o.sim.url,
    GENESYS_LOGIN_URL: o.sim.url,
    GENESYS_CLIENT_ID: o.sim.clientId,
    GENESYS_CLIENT_SECRET: o.sim.clientSecret,
    GENESYS_RATE_LIMIT_PER_MIN: '100000',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  delete env.NODE_OPTIONS;
  delete env.MALLOC_MMAP_THRESHOLD_;
  return { ...env, ...o.settings };
}

/** The command line a report prints for the child. */
export function childCommand(settings: Readonly<Record<string, string>>, args: readonly string[] = []): string {
  const env = Object.entries(settings).map(([k, v]) => `${k}=${v.includes(' ') ? JSON.stringify(v) : v} `).join('');
  return `${env}node ${ENTRY} backfill ${args.join(' ')}`.trim();
}

/** Runs the backfill to its end; checkpoints are printed as they are reached. */
export async function runBackfillChild(o: ChildRunOptions): Promise<ChildRun> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`);
  const counter = new pg.Client({ connectionString: o.databaseUrl });
  await counter.connect();
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ENTRY, 'backfill', '--from', o.from.toISOString(), '--to', o.to.toISOString(), ...(o.args ?? [])], {
      env: childEnvironment(o),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const watch = watchChild(child.pid!, counter, o.checkpoints, t0);
    const code = await exited;
    const wallMs = performance.now() - t0;
    const seen = await watch.stop();
    return { code, wallMs, ...seen, output };
  } finally {
    await counter.end();
  }
}

/** Samples the child's memory and CPU, and counts stored conversations for the checkpoints, until stopped. */
function watchChild(pid: number, counter: pg.Client, planned: readonly number[], t0: number) {
  let last = { rss: 0, hwm: 0, cpuMs: 0 };
  let firstRss: number | undefined;
  const sample = () => {
    const m = usageOf(pid);
    // An exited child not yet reaped still has /proc/<pid>/status, without the memory lines.
    if (!m || m.rss === 0) return;
    last = { rss: m.rss, hwm: Math.max(last.hwm, m.hwm), cpuMs: Math.max(last.cpuMs, m.cpuMs) };
    firstRss ??= m.rss;
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const pending = [...planned];
  const checkpoints: Checkpoint[] = [];
  /** Counts the stored conversations once and records the checkpoints reached; returns how long the count took. */
  const countOnce = async (): Promise<number> => {
    const started = performance.now();
    const { rows } = await counter.query<{ n: string }>('SELECT count(*) AS n FROM conversations');
    const written = Number(rows[0]!.n);
    sample();
    while (pending.length > 0 && written >= pending[0]!) {
      const at = pending.shift()!;
      const elapsedMs = performance.now() - t0;
      checkpoints.push({ at, written, peak: last.hwm, rss: last.rss, elapsedMs });
      process.stdout.write(`  ${fmtInt(at).padStart(9)} conversations (counted ${fmtInt(written)}): peak RSS so far ${mb(last.hwm)} (now ${mb(last.rss)}), ${fmtS(elapsedMs)}, CPU ${fmtS(last.cpuMs)}\n`);
    }
    return performance.now() - started;
  };
  let counting = true;
  let wake = () => {};
  const countLoop = (async () => {
    let pauseMs = COUNT_MS;
    while (counting) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, pauseMs);
        wake = () => (clearTimeout(timer), r());
      });
      pauseMs = Math.max(COUNT_MS, (await countOnce()) * COUNT_PAUSE_FACTOR);
    }
  })();
  return {
    async stop() {
      counting = false;
      wake();
      clearInterval(sampler);
      await countLoop;
      await countOnce(); // after the exit: the last checkpoints are reached at the very end
      return { firstRss: firstRss ?? 0, peak: last.hwm, cpuMs: last.cpuMs, checkpoints };
    },
  };
}
