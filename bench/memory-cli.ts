/**
 * Memory benchmark on the production entry: `node dist/cli.js backfill` as a child process,
 * with the memory settings the container and the systemd unit set (NODE_OPTIONS
 * --max-old-space-size=128, MALLOC_MMAP_THRESHOLD_=131072), against the simulator (its own
 * child process, no latency, no rate limit) and a fresh database. Production defaults, all
 * agents: BACKFILL_LANE auto, so every day before the simulator's data-availability date (one day
 * of lake lag) is read through details jobs (a ramp of 1, 2, 3, 5, 8, … days, then windows of up to 31
 * days; results pages of 1,000 written in batches of 100) and the last day through the query
 * (pages of 100); SYNC_CONCURRENCY 4, a pool of 4.
 *
 *   npm run build && npx tsx bench/memory-cli.ts [--agents 100] [--days 26] [--per-day 8500]
 *       [--checkpoints 50000,200000] [--quick] [--no-settings]
 *
 * The child's RSS is read from /proc/<pid>/status every 250 ms: VmRSS (now) and VmHWM (the
 * kernel's own peak, so nothing between two samples is missed). Conversations written are
 * counted in the database once a second; the peak "through N" is VmHWM when the count first
 * reaches N (up to a second, ~2,000 conversations, late: the figure can only be higher).
 * `--no-settings` runs the child without the two settings, for comparison.
 * For heap snapshots and forced-GC probes (what the process retains), see bench/memory.ts,
 * which runs the same backfill in-process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BACKFILL_FLAG_OPTIONS, backfillConfig, memoryVerdict } from './backfill-flags.ts';
import { createBenchDatabase } from './database.ts';
import { fmtInt, fmtS, mb, runInfo } from './run-info.ts';
import { startSimProcess } from './sim-process.ts';

const { values: flags } = parseArgs({
  options: { ...BACKFILL_FLAG_OPTIONS, 'no-settings': { type: 'boolean', default: false } },
  strict: true,
});
const cfg = backfillConfig(flags);
/** What Dockerfile and deploy/genesys-sync.service set. */
const PRODUCTION_SETTINGS = { NODE_OPTIONS: '--max-old-space-size=128', MALLOC_MMAP_THRESHOLD_: '131072' };
const settings = flags['no-settings'] ? {} : PRODUCTION_SETTINGS;
const SAMPLE_MS = 250;
const COUNT_MS = 1_000;
const ENTRY = 'dist/cli.js';

/** VmRSS and VmHWM of a process, bytes; undefined once it is gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`);
  const env = Object.entries(settings).map(([k, v]) => `${k}=${v} `).join('');
  process.stdout.write(`${await runInfo(`${env}node ${ENTRY} backfill (child of: npx tsx bench/memory-cli.ts ${process.argv.slice(2).join(' ')})`.trim())}\n`);
  process.stdout.write(
    `org:      ${cfg.agents} agents, ${cfg.days} days, ${cfg.perDay} conversations/day (seed ${cfg.seed}); no latency, no rate limit\n` +
      `entry:    node ${ENTRY} backfill, production defaults (lane auto: jobs before the availability date, the query after; concurrency 4, pool of 4); ` +
      `settings: ${Object.keys(settings).length ? JSON.stringify(settings) : 'none (--no-settings)'}\n`,
  );
  const sim = await startSimProcess({
    seed: cfg.seed, agentCount: cfg.agents, conversationsPerDay: cfg.perDay, days: cfg.days,
    latencyMs: 0, latencyJitterMs: 0, rateLimitPerMinute: 0,
  });
  const db = await createBenchDatabase('memory_cli');
  const counter = new pg.Client({ connectionString: db.url });
  await counter.connect();
  try {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...settings,
      DATABASE_URL: db.url,
      GENESYS_API_URL: sim.url,
      GENESYS_LOGIN_URL: sim.url,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      GENESYS_RATE_LIMIT_PER_MIN: '100000',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    };
    if (!('NODE_OPTIONS' in settings)) delete childEnv.NODE_OPTIONS;
    if (!('MALLOC_MMAP_THRESHOLD_' in settings)) delete childEnv.MALLOC_MMAP_THRESHOLD_;
    const t0 = performance.now();
    const child = spawn(process.execPath, [ENTRY, 'backfill', '--from', sim.range.start.toISOString(), '--to', sim.range.end.toISOString()], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

    let last = { rss: 0, hwm: 0 };
    let firstRss: number | undefined;
    const sample = () => {
      const m = memoryOf(child.pid!);
      // An exited child not yet reaped still has /proc/<pid>/status, without the memory lines.
      if (!m || m.rss === 0) return;
      last = { rss: m.rss, hwm: Math.max(last.hwm, m.hwm) };
      firstRss ??= m.rss;
    };
    const sampler = setInterval(sample, SAMPLE_MS);
    const pending = [...cfg.checkpoints];
    const checkpoints: Array<{ at: number; written: number; peak: number; rss: number; elapsedMs: number }> = [];
    let counting = true;
    const countLoop = (async () => {
      while (counting) {
        await new Promise((r) => setTimeout(r, COUNT_MS));
        const { rows } = await counter.query<{ n: string }>('SELECT count(*) AS n FROM conversations');
        const written = Number(rows[0]!.n);
        sample();
        while (pending.length > 0 && written >= pending[0]!) {
          const at = pending.shift()!;
          const elapsedMs = performance.now() - t0;
          checkpoints.push({ at, written, peak: last.hwm, rss: last.rss, elapsedMs });
          process.stdout.write(`  ${fmtInt(at).padStart(8)} conversations (counted ${fmtInt(written)}): peak RSS so far ${mb(last.hwm)} (now ${mb(last.rss)}), ${fmtS(elapsedMs)}\n`);
        }
      }
    })();
    const code = await exited;
    const wallMs = performance.now() - t0;
    counting = false;
    clearInterval(sampler);
    await countLoop;
    if (code !== 0) throw new Error(`the backfill exited with ${code}:\n${output.slice(-4000)}`);

    const expected = await sim.expected({ from: sim.range.start, to: sim.range.end });
    const { rows } = await counter.query<{ n: string; digest: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(conversation_id, E'\\n' ORDER BY conversation_id COLLATE "C")) AS digest FROM conversations`,
    );
    const stored = Number(rows[0]!.n);
    const check = stored === expected.count && rows[0]!.digest === expected.digest ? 'OK' : `MISMATCH (stored ${stored}, expected ${expected.count})`;
    const peak = last.hwm;
    let out = `\nbackfill exit ${code} in ${fmtS(wallMs)}: ${fmtInt(stored)} conversations (${fmtInt(stored / (wallMs / 1000))}/s); ids vs expected(): ${check}\n`;
    out += `RSS at the first sample (~${SAMPLE_MS} ms after spawn): ${mb(firstRss ?? 0)}; peak RSS (VmHWM) over the whole run: ${mb(peak)}\n`;
    out += memoryVerdict(checkpoints, peak, cfg.checkpoints);
    out += `\nRESULT ${JSON.stringify({ cfg, settings, wallMs, stored, firstRss, peak, checkpoints, check })}\n`;
    process.stdout.write(out);
    if (check !== 'OK') process.exitCode = 1;
  } finally {
    await counter.end();
    await db.drop();
    await sim.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
