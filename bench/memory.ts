/**
 * Memory benchmark (issue item 3): a backfill (`runSync` kind 'backfill', all agents, the
 * production defaults: 1-day windows, concurrency 4, pages of 100) of 200,000+ conversations
 * from the simulator (child process, no latency, no rate limit) into a fresh database, with
 * this process's RSS sampled every 250 ms. Prints the peak RSS up to 50,000 and up to 200,000
 * conversations written and their ratio (target: < 250 MB and flat).
 *
 *   node --expose-gc --import tsx bench/memory.ts [--agents 100] [--days 26] [--per-day 8500]
 *       [--concurrency 4] [--seed 1] [--checkpoints 50000,200000] [--quick]
 *
 * With --expose-gc it also forces a full GC every 25,000 conversations and prints the heap
 * that survives it (what the process retains, as opposed to garbage not yet collected), so
 * growth with volume can be told apart from a lazy collector. The forced GCs are rare (a
 * few per run) and only lower the sampled peaks slightly.
 */
import { runDeps } from '../src/runtime.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openDatabase } from '../src/db/client.ts';
import { createGenesysClient } from '../src/genesys/index.ts';
import { runSync, type SyncProgress } from '../src/pipeline/sync.ts';
import { BACKFILL_FLAG_OPTIONS, backfillConfig, memoryVerdict } from './backfill-flags.ts';
import { createBenchDatabase } from './database.ts';
import { fmtInt, fmtS, mb, runInfo } from './run-info.ts';
import { startSimProcess } from './sim-process.ts';

const { values: flags } = parseArgs({
  options: { ...BACKFILL_FLAG_OPTIONS, concurrency: { type: 'string' } },
  strict: true,
});
const cfg = { ...backfillConfig(flags), concurrency: flags.concurrency === undefined ? 4 : Number.parseInt(flags.concurrency, 10) };
const { quick } = cfg;
const SAMPLE_MS = 250;
const GC_EVERY = quick ? 5_000 : 25_000;
const gc = (globalThis as { gc?: () => void }).gc;

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));

interface Checkpoint {
  at: number;
  written: number;
  elapsedMs: number;
  peakRss: number;
  rss: number;
}

interface Probe extends Checkpoint {
  /** Peak RSS sampled since the previous probe. */
  segmentPeak: number;
  heapTotalBeforeGc: number;
  heapUsedBeforeGc: number;
  heapUsedAfterGc: number;
  heapTotalAfterGc: number;
  rssAfterGc: number;
  externalAfterGc: number;
  /** RssFile from /proc/self/status: the node binary and libraries mapped from disk. */
  rssFileAfterGc: number;
}

/** RssFile (bytes) from /proc/self/status, 0 where unavailable. */
function rssFile(): number {
  try {
    const m = /^RssFile:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const env = Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_') || k === 'NODE_OPTIONS').map(([k, v]) => `${k}=${v} `).join('');
  const command = `${env}node ${process.execArgv.join(' ')} bench/memory.ts ${process.argv.slice(2).join(' ')}`.trim();
  process.stdout.write(`${await runInfo(command)}\n`);
  process.stdout.write(
    `org:      ${cfg.agents} agents, ${cfg.days} days, ${cfg.perDay} conversations/day (seed ${cfg.seed}); no latency, no rate limit; ` +
      `backfill: 1-day windows, concurrency ${cfg.concurrency}, pages of 100; forced GC probes: ${gc ? `every ${fmtInt(GC_EVERY)}` : 'off (run with --expose-gc)'}\n`,
  );
  const sim = await startSimProcess({
    seed: cfg.seed, agentCount: cfg.agents, conversationsPerDay: cfg.perDay, days: cfg.days,
    latencyMs: 0, latencyJitterMs: 0, rateLimitPerMinute: 0,
  });
  const db = await createBenchDatabase('memory');
  const handle = await openDatabase(db.url);
  const client = createGenesysClient({
    apiUrl: sim.url, loginUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret,
    concurrency: cfg.concurrency, ratePerMinute: 1_000_000, logger,
  });
  try {
    gc?.();
    const startRss = process.memoryUsage().rss;
    process.stdout.write(`range:    ${sim.range.start.toISOString()} .. ${sim.range.end.toISOString()}; RSS before the run: ${mb(startRss)}\n\n`);

    let peak = startRss;
    let segmentPeak = startRss;
    const sample = () => {
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
      if (rss > segmentPeak) segmentPeak = rss;
    };
    const timer = setInterval(sample, SAMPLE_MS);
    const checkpoints: Checkpoint[] = [];
    const probes: Probe[] = [];
    const pendingCheckpoints = [...cfg.checkpoints].sort((a, b) => a - b);
    let nextProbe = GC_EVERY;
    const t0 = performance.now();

    const onProgress = (p: SyncProgress) => {
      sample();
      const elapsedMs = performance.now() - t0;
      while (pendingCheckpoints.length > 0 && p.conversationsWritten >= pendingCheckpoints[0]!) {
        const at = pendingCheckpoints.shift()!;
        checkpoints.push({ at, written: p.conversationsWritten, elapsedMs, peakRss: peak, rss: process.memoryUsage().rss });
        process.stdout.write(`  ${fmtInt(at).padStart(8)} conversations: peak RSS so far ${mb(peak)} (now ${mb(process.memoryUsage().rss)}), ${fmtS(elapsedMs)}\n`);
      }
      if (gc && p.conversationsWritten >= nextProbe) {
        while (p.conversationsWritten >= nextProbe) nextProbe += GC_EVERY;
        const before = process.memoryUsage();
        gc();
        const m = process.memoryUsage();
        probes.push({
          at: p.conversationsWritten, written: p.conversationsWritten, elapsedMs, peakRss: peak, rss: before.rss, segmentPeak,
          heapTotalBeforeGc: before.heapTotal, heapUsedBeforeGc: before.heapUsed,
          heapUsedAfterGc: m.heapUsed, heapTotalAfterGc: m.heapTotal, rssAfterGc: m.rss, externalAfterGc: m.external, rssFileAfterGc: rssFile(),
        });
        segmentPeak = 0;
      }
    };

    const report = await runSync(
      { ...runDeps({ database: handle }, client, { logger, clock: () => new Date(), host: 'bench' }), onProgress },
      {
        kind: 'backfill', interval: { start: sim.range.start, end: sim.range.end }, agentIds: [], agentGroupSize: 25,
        windowDays: 1, pageSize: 100, windowMaxHits: 10_000, concurrency: cfg.concurrency, resume: true,
      },
    );
    const wallMs = performance.now() - t0;
    clearInterval(timer);
    sample();

    const expected = await sim.expected({ from: sim.range.start, to: sim.range.end });
    const [stored] = await handle.prisma.$queryRawUnsafe<{ n: bigint; digest: string | null }[]>(
      `SELECT count(*) AS n, md5(string_agg(conversation_id, E'\\n' ORDER BY conversation_id COLLATE "C")) AS digest FROM conversations`,
    );
    const check = Number(stored!.n) === expected.count && stored!.digest === expected.digest ? 'OK' : `MISMATCH (stored ${stored!.n}, expected ${expected.count})`;

    let out = `\nbackfill ${report.status} in ${fmtS(wallMs)}: ${fmtInt(report.conversationsWritten)} conversations written ` +
      `(${fmtInt(report.conversationsWritten / (wallMs / 1000))}/s), ${report.requests} requests, ${report.windowsTotal} windows; ids vs expected(): ${check}\n`;
    if (probes.length > 0) {
      out += `\nprobes (a forced full GC every ${fmtInt(GC_EVERY)} conversations; "after GC" is what the process retains):\n`;
      out += `   written | peak RSS since last | before GC: heap used/total |  after GC: heap used/total   external   RSS   (file-backed, rest)\n`;
      for (const p of probes) {
        out += `  ${fmtInt(p.at).padStart(8)} | ${mb(p.segmentPeak).padStart(18)} | ${mb(p.heapUsedBeforeGc).padStart(13)} / ${mb(p.heapTotalBeforeGc).padStart(7)}  | ` +
          `${mb(p.heapUsedAfterGc).padStart(12)} / ${mb(p.heapTotalAfterGc).padStart(7)} ${mb(p.externalAfterGc).padStart(9)} ${mb(p.rssAfterGc).padStart(7)}   (${mb(p.rssFileAfterGc)}, ${mb(p.rssAfterGc - p.rssFileAfterGc - p.heapTotalAfterGc - p.externalAfterGc)} native)\n`;
      }
      const first = probes[0]!;
      const last = probes[probes.length - 1]!;
      if (last.at > first.at) {
        const perConversation = (last.heapUsedAfterGc - first.heapUsedAfterGc) / (last.at - first.at);
        out += `  retained heap: ${mb(first.heapUsedAfterGc)} at ${fmtInt(first.at)} -> ${mb(last.heapUsedAfterGc)} at ${fmtInt(last.at)}: ` +
          `${perConversation.toFixed(0)} bytes per conversation (${mb(perConversation * 100_000)} per 100,000)\n`;
      }
    }
    out += `\nRSS before the run: ${mb(startRss)}; peak RSS over the whole run: ${mb(peak)}\n`;
    out += memoryVerdict(checkpoints.map((c) => ({ at: c.at, peak: c.peakRss })), peak, cfg.checkpoints);
    out += `\nRESULT ${JSON.stringify({ cfg, wallMs, written: report.conversationsWritten, startRss, peak, checkpoints, probes, check })}\n`;
    process.stdout.write(out);
    if (check !== 'OK') process.exitCode = 1;
  } finally {
    client.close();
    await handle.close();
    await db.drop();
    await sim.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
