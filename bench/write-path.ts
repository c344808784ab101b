/**
 * Write-path benchmark: the conversation writer (createConversationWriter, set-based) against the per-row Prisma baseline,
 * side by side in one run, on a fresh database, with realistic pages from the simulator.
 *
 *   npx tsx bench/write-path.ts [--conversations 5000] [--concurrency 3] [--baseline-conversations 500]
 *                               [--rounds 3] [--check]
 *
 * For each writer it measures a first load (empty tables) and a re-sync of the same, unchanged
 * data, once with pages written one at a time and once with `--concurrency` pages in flight
 * on a pool of that size (the sync writes pages concurrently). Each figure is the median of
 * `--rounds` rounds. It also reports the CPU each side spent per 100 conversations (this
 * process, and the Postgres backends when the server is local), which, unlike conversations
 * per second, does not depend on what else the machine is doing.
 * With --check, exits 1 when a target is missed: >= 3,000 conversations/s for first loads and
 * re-syncs, and >= 5x the baseline, both at --concurrency.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { openDatabase, type DatabaseHandle } from '../src/db/client.ts';
import { createConversationWriter } from '../src/db/conversations.ts';
import type { ConversationRecord } from '../src/db/extract.ts';
import { extractConversation } from '../src/db/extract.ts';
import type { StreamRecord } from '../src/db/stream-writer.ts';
import { writeConversationsPerRow } from './baseline.ts';
import { createBenchDatabase, serverVersion } from './database.ts';
import { benchPages } from './fixtures.ts';
import { CONVERSATION_TABLES } from '../src/db/conversation-children.ts';

const TARGET_CONVERSATIONS_PER_S = 3_000;
const TARGET_RATIO = 5;

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '3' },
    'baseline-conversations': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    check: { type: 'boolean', default: false },
  },
});
const positiveInt = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return n;
};
const conversations = positiveInt('conversations', args.conversations);
const concurrency = positiveInt('concurrency', args.concurrency);
const rounds = positiveInt('rounds', args.rounds);
const baselineConversations = Math.min(conversations, positiveInt('baseline-conversations', args['baseline-conversations'] ?? String(Math.min(conversations, 500))));

type Writer = (db: DatabaseHandle, page: ConversationRecord[], syncedAt: Date) => Promise<unknown>;
const BENCH_SOURCE = { stream: 'conversations', runId: '00000000-0000-4000-8000-00000000be4c', windowId: 1n, page: 'bench' };
/** Read at the boundary, as the pipeline does before the writer (its cost is counted with ours). */
const streamRecords = (page: ConversationRecord[]): StreamRecord[] =>
  page.map((raw) => ({ id: raw.conversationId, timeMs: Date.parse(raw.conversationStart), raw }));
const ours: Writer = (h, page, syncedAt) =>
  createConversationWriter(h.prisma).write({
    records: streamRecords(page), rejects: [], source: BENCH_SOURCE, resolveRejects: false, syncedAt, fetchedAt: syncedAt,
  });
const baseline: Writer = (h, page, syncedAt) => writeConversationsPerRow(h.prisma, page, syncedAt);

interface Measure {
  perSecond: number;
  nodeMsPer100: number;
  pgMsPer100: number | undefined;
}

/** CPU time (ms) of the Postgres backends serving `db`, when they run on this machine. */
async function backendCpuMs(h: DatabaseHandle): Promise<number | undefined> {
  try {
    const rows = await h.prisma.$queryRawUnsafe<{ pid: number }[]>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
    );
    let total = 0;
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
    }
    return total;
  } catch {
    return undefined; // remote server, or /proc not readable
  }
}

async function run(h: DatabaseHandle, writer: Writer, pages: ConversationRecord[][], parallel: number, syncedAt: Date): Promise<Measure> {
  const count = pages.reduce((n, p) => n + p.length, 0);
  const limit = pLimit(parallel);
  const pg0 = await backendCpuMs(h);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(pages.map((page) => limit(() => writer(h, page, syncedAt))));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await backendCpuMs(h);
  return {
    perSecond: count / seconds,
    nodeMsPer100: ((cpu.user + cpu.system) / 1000 / count) * 100,
    pgMsPer100: pg0 === undefined || pg1 === undefined ? undefined : ((pg1 - pg0) / count) * 100,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function medianOf(ms: Measure[]): Measure {
  const pg = ms.map((m) => m.pgMsPer100).filter((x): x is number => x !== undefined);
  return {
    perSecond: median(ms.map((m) => m.perSecond)),
    nodeMsPer100: median(ms.map((m) => m.nodeMsPer100)),
    pgMsPer100: pg.length === ms.length ? median(pg) : undefined,
  };
}

async function truncate(h: DatabaseHandle): Promise<void> {
  await h.prisma.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}`);
  await h.prisma.$executeRawUnsafe('CHECKPOINT').catch(() => {}); // needs superuser or pg_checkpoint; optional
}

/** First load then re-sync of `pages`, `rounds` times, at `parallel` pages in flight. */
async function measure(h: DatabaseHandle, writer: Writer, pages: ConversationRecord[][], parallel: number) {
  const first: Measure[] = [];
  const resync: Measure[] = [];
  for (let round = 0; round < rounds; round++) {
    await truncate(h);
    first.push(await run(h, writer, pages, parallel, new Date(Date.UTC(2026, 2, 10, 1, round))));
    resync.push(await run(h, writer, pages, parallel, new Date(Date.UTC(2026, 2, 10, 2, round))));
  }
  return { first: medianOf(first), resync: medianOf(resync) };
}

function dataSummary(pages: ConversationRecord[][]): string {
  let bytes = 0, participants = 0, segments = 0, metrics = 0, n = 0;
  for (const page of pages) {
    for (const record of page) {
      const e = extractConversation(record);
      n++;
      bytes += Buffer.byteLength(e.rawJson);
      participants += e.participants.length;
      segments += e.segments.length;
      metrics += e.sessionMetrics.length;
    }
  }
  return `${n} conversations in ${pages.length} pages of <= 100 (simulator, seed 42): ` +
    `${(bytes / n / 1024).toFixed(1)} KB of JSON, ${(participants / n).toFixed(1)} participants, ` +
    `${(segments / n).toFixed(1)} segments, ${(metrics / n).toFixed(1)} metrics each on average`;
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

async function main(): Promise<void> {
  const pages = benchPages(conversations);
  const baselinePages = benchPages(baselineConversations);
  const database = await createBenchDatabase('bench');
  const h = await openDatabase(database.url, { poolSize: concurrency });
  try {
    const cpus = os.cpus();
    console.log(`machine : ${cpus.length} x ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}`);
    console.log(`runtime : node ${process.version}, ${await serverVersion(database.url)}`);
    console.log(`load    : ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min averages at start; other processes share these cores)`);
    console.log(`data    : ${dataSummary(pages)}`);
    console.log(`settings: --conversations ${conversations} --concurrency ${concurrency} --baseline-conversations ${baselineConversations} --rounds ${rounds} (medians)`);

    // Warm up (JIT, connections, caches) so the first measured phase is not penalised.
    await measure(h, ours, pages.slice(0, 10), concurrency);
    await measure(h, baseline, baselinePages.slice(0, 2), concurrency);

    const results: { writer: string; parallel: number; first: Measure; resync: Measure }[] = [];
    for (const parallel of [...new Set([1, concurrency])]) {
      results.push({ writer: 'writeConversations', parallel, ...(await measure(h, ours, pages, parallel)) });
      results.push({ writer: 'baseline: Prisma upsert per row', parallel, ...(await measure(h, baseline, baselinePages, parallel)) });
    }
    await truncate(h);

    console.log('');
    console.log('writer                            pages in flight  phase        conv/s   CPU ms per 100 conv (node / postgres)');
    for (const r of results) {
      for (const [phase, m] of [['first load', r.first], ['re-sync', r.resync]] as const) {
        console.log(`${r.writer.padEnd(34)}${String(r.parallel).padStart(6)}           ${phase.padEnd(11)}${fmt(m.perSecond).padStart(8)}   ${fmt(m.nodeMsPer100, 1)} / ${fmt(m.pgMsPer100, 1)}`);
      }
    }

    const at = (writer: string, parallel: number) => results.find((r) => r.writer.startsWith(writer) && r.parallel === parallel)!;
    const failures: string[] = [];
    console.log('');
    for (const parallel of [...new Set([1, concurrency])]) {
      const o = at('writeConversations', parallel);
      const b = at('baseline', parallel);
      console.log(`ratio at ${parallel} in flight: first load ${(o.first.perSecond / b.first.perSecond).toFixed(1)}x, re-sync ${(o.resync.perSecond / b.resync.perSecond).toFixed(1)}x`);
    }
    const o = at('writeConversations', concurrency);
    const b = at('baseline', concurrency);
    const check = (label: string, ok: boolean, detail: string) => {
      console.log(`target  : ${label}: ${ok ? 'met' : 'MISSED'} (${detail})`);
      if (!ok) failures.push(label);
    };
    check(`first load >= ${TARGET_CONVERSATIONS_PER_S}/s`, o.first.perSecond >= TARGET_CONVERSATIONS_PER_S, `${fmt(o.first.perSecond)}/s`);
    check(`re-sync >= ${TARGET_CONVERSATIONS_PER_S}/s`, o.resync.perSecond >= TARGET_CONVERSATIONS_PER_S, `${fmt(o.resync.perSecond)}/s`);
    check(`first load >= ${TARGET_RATIO}x baseline`, o.first.perSecond >= TARGET_RATIO * b.first.perSecond, `${(o.first.perSecond / b.first.perSecond).toFixed(1)}x`);
    check(`re-sync >= ${TARGET_RATIO}x baseline`, o.resync.perSecond >= TARGET_RATIO * b.resync.perSecond, `${(o.resync.perSecond / b.resync.perSecond).toFixed(1)}x`);
    if (o.first.pgMsPer100 !== undefined) {
      const cpuPerConv = (o.first.nodeMsPer100 + o.first.pgMsPer100) / 100;
      console.log(`capacity: a first load costs ${cpuPerConv.toFixed(2)} CPU ms per conversation (node + postgres): at most ${fmt((cpus.length * 1000) / cpuPerConv)}/s on ${cpus.length} idle cores`);
    }
    console.log(`load    : ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
    if (args.check && failures.length > 0) process.exitCode = 1;
  } finally {
    await h.close();
    await database.drop();
  }
}

await main();
