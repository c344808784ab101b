/**
 * Memory benchmark on the production entry: `node dist/cli.js backfill` as a child process,
 * with the memory settings the container and the systemd unit set (NODE_OPTIONS
 * --max-old-space-size=128 --max-semi-space-size=4, MALLOC_MMAP_THRESHOLD_=131072), against the simulator (its own
 * child process, no latency, no rate limit) and a fresh database. Production defaults, all
 * agents: BACKFILL_LANE auto, so every day before the simulator's data-availability date (one day
 * of lake lag) is read through details jobs (a ramp of 1, 2, 3, 5, 8, … days, then windows of up to 31
 * days; results pages of 1,000 written in batches of 100) and the last day through the query
 * (pages of 100); SYNC_CONCURRENCY 4, a pool of 4.
 *
 *   npm run build && npx tsx bench/memory-cli.ts [--agents 100] [--days 26] [--per-day 8500]
 *       [--checkpoints 50000,200000] [--conversations N] [--quick] [--no-settings] [--node-options=…]
 *
 * `--conversations N` plans the days that store N and checkpoints the curve up to N (100,000,
 * 250,000, 500,000, 1,000,000); `--node-options=…` replaces NODE_OPTIONS for an experiment.
 *
 * The child's RSS is read from /proc/<pid>/status every 250 ms: VmRSS (now) and VmHWM (the
 * kernel's own peak, so nothing between two samples is missed). Conversations written are
 * counted in the database once a second; the peak "through N" is VmHWM when the count first
 * reaches N (up to a second, ~2,000 conversations, late: the figure can only be higher).
 * `--no-settings` runs the child without the two settings, for comparison.
 * For heap snapshots and forced-GC probes (what the process retains), see bench/memory.ts,
 * which runs the same backfill in-process.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BACKFILL_FLAG_OPTIONS, backfillConfig, memoryVerdict } from './backfill-flags.ts';
import { childCommand, PRODUCTION_SETTINGS, runBackfillChild } from './cli-child.ts';
import { createBenchDatabase } from './database.ts';
import { fmtInt, fmtS, mb, runInfo } from './run-info.ts';
import { startSimProcess } from './sim-process.ts';

const { values: flags } = parseArgs({
  options: {
    ...BACKFILL_FLAG_OPTIONS,
    'no-settings': { type: 'boolean', default: false },
    'node-options': { type: 'string' },
  },
  strict: true,
});
const cfg = backfillConfig(flags);
/** The production settings, without them (--no-settings), or with other Node options (--node-options, for experiments). */
const settings: Record<string, string> = flags['no-settings'] ? {} : { ...PRODUCTION_SETTINGS };
if (flags['node-options'] !== undefined) settings['NODE_OPTIONS'] = flags['node-options'];

async function main(): Promise<void> {
  process.stdout.write(`${await runInfo(`${childCommand(settings)} (child of: npx tsx bench/memory-cli.ts ${process.argv.slice(2).join(' ')})`)}\n`);
  process.stdout.write(
    `org:      ${cfg.agents} agents, ${cfg.days} days, ${cfg.perDay} conversations/day (seed ${cfg.seed}); no latency, no rate limit\n` +
      `entry:    node dist/cli.js backfill, production defaults (lane auto: jobs before the availability date, the query after; concurrency 4, pool of 4); ` +
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
    const run = await runBackfillChild({ sim, databaseUrl: db.url, from: sim.range.start, to: sim.range.end, settings, checkpoints: cfg.checkpoints });
    if (run.code !== 0) throw new Error(`the backfill exited with ${run.code}:\n${run.output.slice(-4000)}`);
    const expected = await sim.expected({ from: sim.range.start, to: sim.range.end });
    const { rows } = await counter.query<{ n: string; digest: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(conversation_id, E'\\n' ORDER BY conversation_id COLLATE "C")) AS digest FROM conversations`,
    );
    const stored = Number(rows[0]!.n);
    const check = stored === expected.count && rows[0]!.digest === expected.digest ? 'OK' : `MISMATCH (stored ${stored}, expected ${expected.count})`;
    const { wallMs, cpuMs, firstRss, peak, checkpoints } = run;
    let out = `\nbackfill exit ${run.code} in ${fmtS(wallMs)}: ${fmtInt(stored)} conversations (${fmtInt(stored / (wallMs / 1000))}/s); ids vs expected(): ${check}\n`;
    out += `CPU of the backfill process (user + sys): ${fmtS(cpuMs)}, ${(cpuMs / stored).toFixed(3)} ms per conversation\n`;
    out += `RSS at the first sample (~250 ms after spawn): ${mb(firstRss)}; peak RSS (VmHWM) over the whole run: ${mb(peak)}\n`;
    out += memoryVerdict(checkpoints, peak, cfg.checkpoints);
    out += `\nRESULT ${JSON.stringify({ cfg, settings, wallMs, cpuMs, stored, firstRss, peak, checkpoints, check })}\n`;
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
