/**
 * End-to-end benchmark (issue item 2): our sync (`runSync`, all agents, the production client)
 * against a naive SDK-example-style script (bench/naive-baseline.ts), side by side in one run,
 * against the same simulated org with realistic latency and the same 300 requests/minute limit.
 *
 *   npx tsx bench/end-to-end.ts [--agents 100] [--days 14] [--per-day 2000] [--latency-ms 400]
 *       [--jitter-ms 100] [--rate-limit 300] [--concurrency 4] [--seed 1] [--naive-budget-s 240]
 *       [--only ours|naive] [--quick]
 *
 * Latency is "L ± J": every request (token included) waits a uniform [L−J, L+J) ms in the
 * simulator. The simulator runs in a child process (bench/sim-process.ts), each contender
 * gets a fresh migrated database, and the simulator's stats are reset before each one.
 * If the naive script has not finished when its budget runs out it is stopped between two
 * requests and its total is extrapolated from its own measured cost per request and per
 * upsert, times the work it had left (known exactly from the simulator's ground truth).
 */
import { runDeps } from '../src/runtime.ts';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openDatabase } from '../src/db/client.ts';
import { createGenesysClient } from '../src/genesys/index.ts';
import { runSync, type SyncReport } from '../src/pipeline/sync.ts';
import type { SimStats } from '../src/sim/index.ts';
import { createBenchDatabase } from './database.ts';
import { runNaiveBaseline, type NaiveResult } from './naive-baseline.ts';
import { fmtInt, fmtS, numberFlag, runInfo } from './run-info.ts';
import { startSimProcess, type ExpectedSet, type SimProcess } from './sim-process.ts';

const { values: flags } = parseArgs({
  options: {
    agents: { type: 'string' },
    days: { type: 'string' },
    'per-day': { type: 'string' },
    'latency-ms': { type: 'string' },
    'jitter-ms': { type: 'string' },
    'rate-limit': { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
    'page-size': { type: 'string' },
    'naive-budget-s': { type: 'string' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
  strict: true,
});

const quick = flags.quick ?? false;
const cfg = {
  agents: numberFlag(flags.agents, quick ? 20 : 100),
  days: numberFlag(flags.days, 14),
  perDay: numberFlag(flags['per-day'], quick ? 150 : 2000),
  latencyMs: numberFlag(flags['latency-ms'], 400),
  jitterMs: numberFlag(flags['jitter-ms'], 100),
  rateLimit: numberFlag(flags['rate-limit'], 300),
  /** SYNC_CONCURRENCY's default. */
  concurrency: numberFlag(flags.concurrency, 4),
  seed: numberFlag(flags.seed, 1),
  pageSize: numberFlag(flags['page-size'], 100),
  naiveBudgetMs: numberFlag(flags['naive-budget-s'], quick ? 40 : 240) * 1000,
  only: flags.only as 'ours' | 'naive' | undefined,
};
if (cfg.jitterMs > cfg.latencyMs) throw new Error('--jitter-ms must not exceed --latency-ms');

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));

interface Contender {
  name: string;
  conversations: number;
  detailsRequests: number;
  usersRequests: number;
  rateLimited: number;
  /** Requests the simulator accepted (not 429), token requests excluded. */
  acceptedApiRequests: number;
  wallMs: number;
  peakInFlight: number;
  check: string;
  /** For a naive run stopped by its budget. */
  projected?: { wallMs: number; detailsRequests: number; upserts: number };
  /**
   * Naive only: its total if every request cost exactly the modelled latency (no simulator
   * processing, transfer or parsing) plus its measured upserts: the most favourable estimate.
   */
  latencyOnlyMs?: number;
  note?: string;
}

async function main(): Promise<void> {
  const command = `npx tsx bench/end-to-end.ts ${process.argv.slice(2).join(' ')}`.trim();
  process.stdout.write(`${await runInfo(command)}\n`);
  process.stdout.write(
    `org:      ${cfg.agents} agents, ${cfg.days} days, ${cfg.perDay} conversations/day (seed ${cfg.seed}); latency ${cfg.latencyMs} ± ${cfg.jitterMs} ms, ` +
      `limit ${cfg.rateLimit} requests/minute per token; our concurrency ${cfg.concurrency}, page size ${cfg.pageSize}\n`,
  );

  const sim = await startSimProcess({
    seed: cfg.seed,
    agentCount: cfg.agents,
    conversationsPerDay: cfg.perDay,
    days: cfg.days,
    latencyMs: cfg.latencyMs - cfg.jitterMs,
    latencyJitterMs: 2 * cfg.jitterMs,
    rateLimitPerMinute: cfg.rateLimit,
    // The whole range stays generated (~10 KB per conversation in the child), so re-reading a
    // day costs the simulator a filter, not a regeneration.
    cacheDays: cfg.days + 1,
  });
  try {
    const interval = { start: sim.range.start, end: sim.range.end };
    // Ground truth first, so the simulator's own work does not overlap a contender.
    const expected = await sim.expected({ from: interval.start, to: interval.end, withIds: true });
    const naiveWindows = windowsOf(interval, 7);
    const counts = (await sim.agentWindowCounts(sim.agentIds, naiveWindows)).counts;
    const naiveWork = {
      detailsRequests: counts.flat().reduce((a, n) => a + Math.floor(n / cfg.pageSize) + 1, 0),
      upserts: counts.flat().reduce((a, n) => a + n, 0),
    };
    process.stdout.write(
      `range:    ${interval.start.toISOString()} .. ${interval.end.toISOString()}: ${fmtInt(expected.count)} conversations with an agent ` +
        `(naive work: ${fmtInt(naiveWork.detailsRequests)} details requests, ${fmtInt(naiveWork.upserts)} upserts)\n\n`,
    );

    const results: Contender[] = [];
    if (cfg.only !== 'naive') results.push(await runOurs(sim, interval, expected));
    if (cfg.only !== 'ours') results.push(await runNaive(sim, interval, expected, naiveWork));
    report(results, expected.count);
  } finally {
    await sim.close();
  }
}

function windowsOf(interval: { start: Date; end: Date }, days: number): Array<{ from: Date; to: Date }> {
  const out: Array<{ from: Date; to: Date }> = [];
  for (let s = interval.start.getTime(); s < interval.end.getTime(); s += days * 86_400_000) {
    out.push({ from: new Date(s), to: new Date(Math.min(s + days * 86_400_000, interval.end.getTime())) });
  }
  return out;
}

async function storedIds(prisma: Awaited<ReturnType<typeof openDatabase>>['prisma']): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT conversation_id AS id FROM conversations ORDER BY conversation_id COLLATE "C"`);
  return rows.map((r) => r.id);
}

function compare(expected: ExpectedSet, stored: string[], partial: boolean): string {
  const want = new Set(expected.ids);
  const have = new Set(stored);
  const missing = expected.ids!.filter((id) => !have.has(id)).length;
  const extra = stored.filter((id) => !want.has(id)).length;
  if (partial) return extra === 0 ? `OK (partial run: ${fmtInt(stored.length)} stored, all expected)` : `MISMATCH (${extra} not expected)`;
  return missing === 0 && extra === 0 ? 'OK' : `MISMATCH (${missing} missing, ${extra} unexpected)`;
}

function delta(before: SimStats, after: SimStats) {
  const s429 = (after.byStatus[429] ?? 0) - (before.byStatus[429] ?? 0);
  const details = after.requests.detailsQuery - before.requests.detailsQuery;
  const users = after.requests.users - before.requests.users;
  // Reference lists (queues, wrap-up codes, ...): a handful per run, counted so 429s on them are matched.
  const lists = after.requests.referenceLists - before.requests.referenceLists;
  return { details, users, rateLimited: s429, accepted: details + users + lists - s429, peakInFlight: after.peakInFlight };
}

async function runOurs(sim: SimProcess, interval: { start: Date; end: Date }, expected: ExpectedSet): Promise<Contender> {
  process.stdout.write('ours:  runSync, all agents ...\n');
  const db = await createBenchDatabase('e2e_ours');
  const handle = await openDatabase(db.url); // pool of 4: DATABASE_POOL_SIZE's default
  const client = createGenesysClient({
    apiUrl: sim.url,
    loginUrl: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    concurrency: cfg.concurrency,
    ratePerMinute: cfg.rateLimit,
    logger,
  });
  try {
    await sim.resetStats();
    const before = await sim.stats();
    const t0 = performance.now();
    const rep: SyncReport = await runSync(
      runDeps({ database: handle }, client, { logger, clock: () => new Date(), host: 'bench' }),
      {
        kind: 'sync',
        interval,
        agentIds: [],
        agentGroupSize: 25,
        windowDays: 7,
        pageSize: cfg.pageSize,
        windowMaxHits: 10_000,
        concurrency: cfg.concurrency,
        resume: false,
      },
    );
    const wallMs = performance.now() - t0;
    const d = delta(before, await sim.stats());
    const stored = await storedIds(handle.prisma);
    process.stdout.write(
      `       ${rep.status} in ${fmtS(wallMs)}: ${fmtInt(rep.conversationsWritten)} written, ${rep.windowsTotal} windows ` +
        `(${rep.windowsDone} done), client: ${rep.requests} requests, ${rep.retries} retries, ${rep.rateLimited} rate-limited\n`,
    );
    return {
      name: 'ours (runSync)',
      conversations: stored.length,
      detailsRequests: d.details,
      usersRequests: d.users,
      rateLimited: d.rateLimited,
      acceptedApiRequests: d.accepted,
      wallMs,
      peakInFlight: d.peakInFlight,
      check: compare(expected, stored, false),
    };
  } finally {
    client.close();
    await handle.close();
    await db.drop();
  }
}

async function runNaive(
  sim: SimProcess,
  interval: { start: Date; end: Date },
  expected: ExpectedSet,
  work: { detailsRequests: number; upserts: number },
): Promise<Contender> {
  process.stdout.write(`naive: per agent, per 7-day window, page by page, one upsert per conversation (budget ${fmtS(cfg.naiveBudgetMs)}) ...\n`);
  const db = await createBenchDatabase('e2e_naive');
  const handle = await openDatabase(db.url);
  try {
    await sim.resetStats();
    const before = await sim.stats();
    let lastPrint = performance.now();
    const r: NaiveResult = await runNaiveBaseline({
      apiUrl: sim.url,
      loginUrl: sim.url,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      db: handle.prisma,
      interval,
      pageSize: cfg.pageSize,
      windowDays: 7,
      budgetMs: cfg.naiveBudgetMs,
      onProgress: (p) => {
        if (performance.now() - lastPrint < 30_000) return;
        lastPrint = performance.now();
        process.stdout.write(`       ${p.agentsDone}/${p.agents} agents, ${fmtInt(p.requests)} requests, ${fmtInt(p.upserts)} upserts, ${fmtS(p.elapsedMs)}\n`);
      },
    });
    const d = delta(before, await sim.stats());
    const stored = await storedIds(handle.prisma);
    // Cost model from this run: ms per details request (latency + parse) and per upsert.
    const perRequestMs = r.httpMs / (r.detailsRequests + r.usersRequests);
    const perUpsertMs = r.upsertMs / Math.max(1, r.upserts);
    const projectedMs = r.wallMs + (work.detailsRequests - r.detailsRequests) * perRequestMs + (work.upserts - r.upserts) * perUpsertMs;
    const latencyOnlyMs = (1 + r.usersRequests + work.detailsRequests) * cfg.latencyMs + work.upserts * perUpsertMs;
    process.stdout.write(
      `       ${r.stoppedByBudget ? 'stopped by its budget' : 'finished'} after ${fmtS(r.wallMs)}: ${fmtInt(r.detailsRequests)}/${fmtInt(work.detailsRequests)} details requests, ` +
        `${fmtInt(r.upserts)}/${fmtInt(work.upserts)} upserts; ${perRequestMs.toFixed(0)} ms per request, ${perUpsertMs.toFixed(2)} ms per upsert ` +
        `(http ${fmtS(r.httpMs)}, upserts ${fmtS(r.upsertMs)})` +
        (r.stoppedByBudget ? `; projected total ${fmtS(projectedMs)}` : `; the model would have said ${fmtS(projectedMs)}`) +
        '\n',
    );
    return {
      name: r.stoppedByBudget ? 'naive baseline (projected)' : 'naive baseline',
      conversations: stored.length,
      detailsRequests: d.details,
      usersRequests: d.users,
      rateLimited: d.rateLimited,
      acceptedApiRequests: d.accepted,
      wallMs: r.wallMs,
      peakInFlight: d.peakInFlight,
      check: compare(expected, stored, r.stoppedByBudget),
      latencyOnlyMs,
      ...(r.stoppedByBudget ? { projected: { wallMs: projectedMs, detailsRequests: work.detailsRequests, upserts: work.upserts } } : {}),
      ...(r.stoppedByBudget ? { note: `stopped after ${fmtS(r.wallMs)}; totals projected from its measured ${perRequestMs.toFixed(0)} ms/request and ${perUpsertMs.toFixed(2)} ms/upsert` } : {}),
    };
  } finally {
    await handle.close();
    await db.drop();
  }
}

function report(results: Contender[], expectedCount: number): void {
  const floor = 1000 / cfg.pageSize;
  const rows: Array<[string, (c: Contender) => string]> = [
    ['conversations stored', (c) => fmtInt(c.conversations) + (c.projected ? ' (partial)' : '')],
    ['details requests', (c) => fmtInt(c.detailsRequests) + (c.projected ? ` (all: ${fmtInt(c.projected.detailsRequests)})` : '')],
    ['users requests', (c) => fmtInt(c.usersRequests)],
    ['429 responses', (c) => fmtInt(c.rateLimited)],
    ['requests per 1,000 conv.', (c) => {
      const conv = c.projected ? expectedCount : c.conversations;
      const req = c.projected ? c.projected.detailsRequests : c.detailsRequests;
      const per = (req / conv) * 1000;
      return `${per.toFixed(2)} (${per >= floor ? '+' : ''}${(((per - floor) / floor) * 100).toFixed(1)}% vs floor ${floor})`;
    }],
    ['achieved requests/minute', (c) => {
      const rpm = c.acceptedApiRequests / (c.wallMs / 60_000);
      return `${rpm.toFixed(0)} (${((rpm / cfg.rateLimit) * 100).toFixed(1)}% of ${cfg.rateLimit})`;
    }],
    ['peak requests in flight', (c) => String(c.peakInFlight)],
    ['wall time', (c) => (c.projected ? `${fmtS(c.projected.wallMs)} (projected; ran ${fmtS(c.wallMs)})` : fmtS(c.wallMs))],
    ['ids vs expected()', (c) => c.check],
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length)) + 2;
  const cells = rows.map(([k, f]) => [k, ...results.map(f)]);
  const widths = results.map((_, i) => Math.max(results[i]!.name.length, ...cells.map((r) => r[i + 1]!.length)) + 3);
  let out = `\n${''.padEnd(w0)}${results.map((c, i) => c.name.padEnd(widths[i]!)).join('')}\n`;
  for (const r of cells) out += `${r[0]!.padEnd(w0)}${r.slice(1).map((v, i) => v.padEnd(widths[i]!)).join('')}\n`;
  const ours = results.find((c) => c.name.startsWith('ours'));
  const naive = results.find((c) => c.name.startsWith('naive'));
  if (ours) {
    const per = (ours.detailsRequests / ours.conversations) * 1000;
    const rpm = ours.acceptedApiRequests / (ours.wallMs / 60_000);
    out += `\n(a) requests per 1,000 conversations: ${per.toFixed(2)} vs floor ${floor}: ${per <= floor * 1.1 ? 'MET' : 'MISSED'} (target within 10%)\n`;
    out += `(b) achieved rate: ${((rpm / cfg.rateLimit) * 100).toFixed(1)}% of the limit: ${rpm >= cfg.rateLimit * 0.9 ? 'MET' : 'MISSED'} (target >= 90%)\n`;
  }
  if (ours && naive) {
    const naiveMs = naive.projected?.wallMs ?? naive.wallMs;
    const ratio = naiveMs / ours.wallMs;
    out += `(c) wall time naive/ours: ${ratio.toFixed(1)}x${naive.projected ? ' (naive projected)' : ''}: ${ratio >= 5 ? 'MET' : 'MISSED'} (target >= 5x)\n`;
    if (naive.note) out += `    naive ${naive.note}\n`;
    if (naive.latencyOnlyMs !== undefined) {
      const r2 = naive.latencyOnlyMs / ours.wallMs;
      out += `    most favourable to naive (each of its requests costing exactly ${cfg.latencyMs} ms, its measured upserts): ${fmtS(naive.latencyOnlyMs)}, ${r2.toFixed(1)}x: ${r2 >= 5 ? 'MET' : 'MISSED'}\n`;
    }
  }
  out += `\nRESULT ${JSON.stringify({ cfg, results })}\n`;
  process.stdout.write(out);
  if (results.some((c) => c.check.startsWith('MISMATCH'))) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
