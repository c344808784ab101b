/**
 * A backfill of a large org through the jobs lane, end to end on this machine (issue 20): the
 * compiled CLI (`node dist/cli.js backfill --lane jobs`, production settings and defaults) against
 * the simulator in its own process (no latency, no rate limit: what bounds the run is our CPU and
 * Postgres', not the API), into a fresh database; then the stored rows are checked against the
 * simulator's ground truth:
 *
 * - every UTC day: the number of conversations and the md5 of their sorted ids, computed in SQL
 *   and by the simulator, day by day (a lost, extra or misdated conversation shows on its day);
 * - content: a sample (every `--sample-every`-th conversation of each day, ~1,000 by default)
 *   compared as jsonb with what a details job serves (participant attributes included), and each
 *   sampled conversation's participants rows against its record.
 *
 * It prints the wall time, conversations per second, the CLI's CPU, its peak RSS through
 * 100,000 / 250,000 / 500,000 / 1,000,000 / 2,000,000, and the projection for a year of a
 * 1,000-agent org (~50,000 conversations a day, ~18 million a year) at the measured rate.
 *
 *   npm run build && npm run bench:backfill                          # 2,000,000 conversations
 *   npm run build && npm run bench:backfill -- --conversations 150000  # validation size
 *
 * Flags: --conversations (2,000,000) --agents (1,000) --per-day (50,000) --seed (1)
 * --sample-every (chosen for ~1,000) --checkpoints (the curve up to --conversations)
 * --streams (SYNC_STREAMS: e.g. `conversations` alone; unset: all) --job-ms-per-thousand (0: the simulated Genesys processes a job at once, after its 2 s queue)
 * --node-options (instead of the production --max-old-space-size=128) --node-args (node's own
 * command line, e.g. `--node-args=--cpu-prof --cpu-prof-dir=/tmp/prof`). Exits 1 on any mismatch.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { backfillConfig, memoryVerdict } from './backfill-flags.ts';
import { childCommand, PRODUCTION_SETTINGS, runBackfillChild, type ChildRun } from './cli-child.ts';
import { createBenchDatabase } from './database.ts';
import { fmtInt, fmtS, mb, runInfo } from './run-info.ts';
import { startSimProcess, type DayDigest, type SimProcess } from './sim-process.ts';

const { values: flags } = parseArgs({
  options: {
    conversations: { type: 'string', default: '2000000' },
    agents: { type: 'string', default: '1000' },
    'per-day': { type: 'string', default: '50000' },
    seed: { type: 'string' },
    checkpoints: { type: 'string' },
    'sample-every': { type: 'string' },
    'node-options': { type: 'string' },
    'job-ms-per-thousand': { type: 'string' },
    /** SYNC_STREAMS for the CLI (e.g. `conversations`); unset: every stream, as in production. */
    streams: { type: 'string' },
    /** Options for node on its command line (space-separated), e.g. `--node-args=--cpu-prof --cpu-prof-dir=/tmp/prof`. */
    'node-args': { type: 'string' },
  },
  strict: true,
});
const cfg = backfillConfig(flags);
const settings: Record<string, string> = { ...PRODUCTION_SETTINGS };
if (flags['node-options'] !== undefined) settings['NODE_OPTIONS'] = flags['node-options'];
if (flags.streams !== undefined) settings['SYNC_STREAMS'] = flags.streams;
const nodeArgs = flags['node-args']?.split(' ').filter(Boolean) ?? [];
const DAY_MS = 86_400_000;
const SAMPLE_SIZE = 1_000;
/** The org the projection is for: 1,000 agents, ~50,000 conversations a day. */
const YEAR_OF_LARGE_ORG = 50_000 * 365;
/** Simulated job processing per 1,000 matches (--job-ms-per-thousand): none, so the run measures our side alone. */
const JOB_MS_PER_THOUSAND = Number(flags['job-ms-per-thousand'] ?? 0);

async function main(): Promise<void> {
  const sim = await startSimProcess({
    seed: cfg.seed, agentCount: cfg.agents, conversationsPerDay: cfg.perDay, days: cfg.days,
    latencyMs: 0, latencyJitterMs: 0, rateLimitPerMinute: 0,
    // Genesys' own processing time of a job (the simulator's default: 500 ms per 1,000 matches)
    // is API time, like latency: a 31-day window of this org would wait 12 minutes doing nothing.
    faults: { jobMsPerThousand: JOB_MS_PER_THOUSAND },
  });
  // The lake lags a day (the simulator's default): every day before the last is complete in it.
  const range = { from: sim.range.start, to: new Date(sim.range.end.getTime() - DAY_MS) };
  const args = ['--lane', 'jobs'];
  process.stdout.write(`${await runInfo(`${childCommand(settings, args)} (child of: npx tsx bench/backfill.ts ${process.argv.slice(2).join(' ')})`)}\n`);
  process.stdout.write(
    `org:      ${fmtInt(cfg.agents)} agents, ${cfg.days} days × ${fmtInt(cfg.perDay)} conversations/day (seed ${cfg.seed}); no latency, no rate limit\n` +
      `range:    ${range.from.toISOString()} .. ${range.to.toISOString()} (${(range.to.getTime() - range.from.getTime()) / DAY_MS} days, the jobs lane; the last day waits for the lake)\n` +
      `settings: ${JSON.stringify(settings)}; production defaults otherwise (${settings['SYNC_STREAMS'] === undefined ? 'all streams, ' : ''}SYNC_CONCURRENCY 4, pool of 4)\n`,
  );
  const db = await createBenchDatabase('backfill');
  try {
    const run = await runBackfillChild({ sim, databaseUrl: db.url, from: range.from, to: range.to, args, settings, nodeArgs, checkpoints: cfg.checkpoints });
    if (run.code !== 0) throw new Error(`the backfill exited with ${run.code}:\n${run.output.slice(-4000)}`);
    const verdict = await checkAgainstTruth(sim, db.url, range);
    process.stdout.write(report(run, verdict));
    if (!verdict.ok) process.exitCode = 1;
  } finally {
    await db.drop();
    await sim.close();
  }
}

interface Verdict {
  ok: boolean;
  stored: number;
  lines: string[];
}

/** Days (count and ids' digest) and a content sample, against the simulator's ground truth. */
async function checkAgainstTruth(sim: SimProcess, url: string, range: { from: Date; to: Date }): Promise<Verdict> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const truth = await sim.dayDigests(range);
    const days = await checkDays(client, truth);
    const expectedTotal = truth.reduce((n, d) => n + d.count, 0);
    const every = Number(flags['sample-every'] ?? Math.max(1, Math.floor(expectedTotal / SAMPLE_SIZE)));
    const content = await checkSample(client, await sim.sample({ ...range, every }));
    return { ok: days.ok && content.ok, stored: days.stored, lines: [...days.lines, ...content.lines] };
  } finally {
    await client.end();
  }
}

async function checkDays(client: pg.Client, truth: readonly DayDigest[]): Promise<Verdict> {
  const { rows } = await client.query<{ day: Date; n: string; digest: string }>(
    `SELECT date_trunc('day', conversation_start, 'UTC') AS day, count(*) AS n,
            md5(string_agg(conversation_id, E'\\n' ORDER BY conversation_id COLLATE "C")) AS digest
       FROM conversations GROUP BY 1 ORDER BY 1`,
  );
  const stored = new Map(rows.map((r) => [r.day.toISOString(), r]));
  const wrong: string[] = [];
  for (const d of truth) {
    const s = stored.get(d.day);
    stored.delete(d.day);
    if (Number(s?.n ?? 0) !== d.count || (d.count > 0 && s?.digest !== d.digest)) {
      wrong.push(`${d.day.slice(0, 10)}: stored ${s?.n ?? 0}, expected ${d.count}${s && Number(s.n) === d.count ? ' (other ids)' : ''}`);
    }
  }
  for (const [day, s] of stored) wrong.push(`${day.slice(0, 10)}: stored ${s.n}, expected none (outside the range)`);
  const total = rows.reduce((n, r) => n + Number(r.n), 0);
  const expected = truth.reduce((n, d) => n + d.count, 0);
  const head = `days: ${truth.length} checked (count and ids' md5 per UTC day): ${wrong.length === 0 ? 'OK' : `${wrong.length} WRONG`}; stored ${fmtInt(total)}, expected ${fmtInt(expected)}`;
  return { ok: wrong.length === 0, stored: total, lines: [head, ...wrong.slice(0, 10).map((w) => `  ${w}`)] };
}

/** Each sampled record: `raw` equal (as jsonb) to what the job served, and one participants row per participant. */
async function checkSample(client: pg.Client, sample: readonly unknown[]): Promise<Verdict> {
  const { rows } = await client.query<{ sampled: string; missing: string; differs: string; participants_off: string }>(
    `WITH s AS (SELECT doc, doc->>'conversationId' AS id FROM jsonb_array_elements($1::jsonb) AS doc),
          p AS (SELECT conversation_id, count(*) AS n FROM participants WHERE conversation_id IN (SELECT id FROM s) GROUP BY 1)
     SELECT count(*) AS sampled,
            count(*) FILTER (WHERE c.conversation_id IS NULL) AS missing,
            count(*) FILTER (WHERE c.raw <> s.doc) AS differs,
            count(*) FILTER (WHERE c.conversation_id IS NOT NULL AND coalesce(p.n, 0) <> jsonb_array_length(s.doc->'participants')) AS participants_off
       FROM s LEFT JOIN conversations c ON c.conversation_id = s.id LEFT JOIN p ON p.conversation_id = s.id`,
    [JSON.stringify(sample)],
  );
  const r = rows[0]!;
  const bad = Number(r.missing) + Number(r.differs) + Number(r.participants_off);
  return {
    ok: bad === 0 && Number(r.sampled) > 0,
    stored: 0,
    lines: [`content: ${r.sampled} sampled conversations: ${bad === 0 ? 'OK' : 'WRONG'} (missing ${r.missing}, raw differs ${r.differs}, participants rows off ${r.participants_off})`],
  };
}

function report(run: ChildRun, verdict: Verdict): string {
  const perS = verdict.stored / (run.wallMs / 1000);
  const yearS = YEAR_OF_LARGE_ORG / perS;
  let out = `\nbackfill exit ${run.code} in ${fmtS(run.wallMs)}: ${fmtInt(verdict.stored)} conversations, ${fmtInt(perS)}/s\n`;
  out += `CPU of the backfill process (user + sys): ${fmtS(run.cpuMs)}, ${(run.cpuMs / verdict.stored).toFixed(3)} ms per conversation\n`;
  out += `${verdict.lines.join('\n')}\n`;
  out += `peak RSS (VmHWM) over the whole run: ${mb(run.peak)}\n${memoryVerdict(run.checkpoints, run.peak, cfg.checkpoints)}`;
  out += `projection: a year of a 1,000-agent org (${fmtInt(YEAR_OF_LARGE_ORG)} conversations) at ${fmtInt(perS)}/s: ${(yearS / 3600).toFixed(1)} h\n`;
  out += `\nRESULT ${JSON.stringify({ cfg, settings, wallMs: run.wallMs, cpuMs: run.cpuMs, stored: verdict.stored, perS, peak: run.peak, checkpoints: run.checkpoints, ok: verdict.ok, projectionHours: yearS / 3600 })}\n`;
  return out;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
