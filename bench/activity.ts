/**
 * Agent-activity benchmark (issue 17): requests per 1,000 status records on each lane of the
 * agent-activity stream, and which window lengths and user groupings cost the fewest.
 *
 *   npm run bench:activity [-- --agents 50] [--days 28] [--seed 1] [--max-hits 10000]
 *       [--time-scale 0.1] [--quick]
 *
 * The stream's own lanes (src/streams/agent-activity/: the users details query, pages of 100;
 * users details jobs, results pages of 1,000) read the same range of a simulated org (in-process
 * simulator over HTTP, no latency) window by window, for each contender: the query without a
 * user filter in windows of 1, 2, 3 and 7 days (the API's cap without a filter), the query with
 * a user filter per group of agents (10, 25, all) in windows of 7, 14 and 31 days (the cap with
 * a filter), and jobs in windows of 1, 3, 7 and 31 days. A window the query lane answers
 * 'too-many' (more than --max-hits announced entries, SYNC_WINDOW_MAX_HITS) is read again day by
 * day, as the window runner's first split does. Nothing is written: each contender's distinct
 * statuses are checked against the simulator's ground truth (exit 1 on a difference), so a cheap
 * contender cannot be one that missed statuses.
 *
 * Counted: the lane's calls to the Genesys client (each an HTTP request; no faults, so no
 * retries), per kind. Job polls depend on time: the simulator's job model (QUEUED 2 s, then
 * PENDING 0.5 s per 1,000 statuses, as bench/lanes.ts) and the production poll schedule (JOBS_POLL_INTERVAL 1 s
 * doubling to JOBS_POLL_MAX 10 s) both run --time-scale times faster, which keeps the number of
 * polls and shortens the wait. Requests per 1,000 = requests ÷ distinct statuses × 1,000.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createGenesysClient, type GenesysClient, type QueryScope } from '../src/genesys/index.ts';
import { MAX_REACHABLE_HITS, MAX_USER_DETAILS_PAGE_SIZE } from '../src/genesys/index.ts';
import type { Lane, LaneReadRequest } from '../src/pipeline/lanes/lane.ts';
import { startSimulator, type Simulator } from '../src/sim/index.ts';
import { createUserJobsLane } from '../src/streams/agent-activity/jobs-lane.ts';
import { createUserQueryLane } from '../src/streams/agent-activity/query-lane.ts';
import { DAY_MS, HOUR_MS } from '../src/time.ts';
import { fmtInt, numberFlag, runInfo } from './run-info.ts';

type LaneKind = 'query' | 'jobs';

interface Contender {
  lane: LaneKind;
  windowDays: number;
  /** Agents per user filter; undefined: no filter (every agent in one query). */
  groupSize?: number;
}

interface Tally {
  calls: Record<string, number>;
  ids: Set<string>;
  windows: number;
  splits: number;
}

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const NOW = new Date('2025-07-01T12:00:00Z');

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      agents: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' },
      'max-hits': { type: 'string' }, 'time-scale': { type: 'string' }, quick: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = flags.quick ?? false;
  const cfg = {
    agents: numberFlag(flags.agents, quick ? 20 : 50),
    days: numberFlag(flags.days, quick ? 14 : 28),
    seed: numberFlag(flags.seed, 1),
    maxHits: numberFlag(flags['max-hits'], 10_000),
    timeScale: numberFlag(flags['time-scale'], 0.1),
  };
  process.stdout.write(`${await runInfo(`npm run bench:activity -- ${process.argv.slice(2).join(' ')}`.trim())}\n`);
  // The lake lags a day: the range ends before its horizon, so jobs and queries see the same statuses.
  const end = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate()) - DAY_MS);
  const start = new Date(end.getTime() - cfg.days * DAY_MS);
  const sim = await startSimulator({
    seed: cfg.seed,
    org: { agentCount: cfg.agents, days: cfg.days + 2, conversationsPerDay: 10, now: NOW },
    faults: { lakeLagMs: 24 * HOUR_MS, jobQueueMs: 2000 * cfg.timeScale, jobMsPerThousand: 500 * cfg.timeScale },
  });
  const client = createGenesysClient({ apiUrl: sim.url, loginUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, logger, concurrency: 4, ratePerMinute: 1_000_000 });
  try {
    const truth = truthKeys(sim, start, end);
    process.stdout.write(
      `org:      ${cfg.agents} agents (${sim.org.agents.length} listed), ${cfg.days} days ${start.toISOString().slice(0, 10)} → ${end.toISOString().slice(0, 10)} (seed ${cfg.seed}): ` +
        `${fmtInt(truth.size)} statuses; split above ${fmtInt(cfg.maxHits)} announced entries; job times ×${cfg.timeScale}\n\n`,
    );
    const rows: string[][] = [];
    for (const c of contenders(cfg.agents)) {
      const t = await measure(client, sim, c, { start, end }, cfg);
      const missing = [...truth].filter((k) => !t.ids.has(k)).length;
      const extra = [...t.ids].filter((k) => !truth.has(k)).length;
      if (missing + extra > 0) throw new Error(`${describe(c)}: ${missing} statuses missing, ${extra} not in the ground truth`);
      rows.push(row(c, t, truth.size));
      process.stderr.write(`measured: ${describe(c)}\n`);
    }
    printTable(rows);
  } finally {
    client.close();
    await sim.close();
  }
}

function contenders(agents: number): Contender[] {
  const groups = [...new Set([10, 25, agents])].filter((g) => g <= agents);
  return [
    ...[1, 2, 3, 7].map((windowDays): Contender => ({ lane: 'query', windowDays })),
    ...groups.flatMap((groupSize) => [7, 14, 31].map((windowDays): Contender => ({ lane: 'query', windowDays, groupSize }))),
    ...[1, 3, 7, 31].map((windowDays): Contender => ({ lane: 'jobs', windowDays })),
  ];
}

const describe = (c: Contender) => `${c.lane} ${c.windowDays}-day windows, ${c.groupSize ? `user filter of ${c.groupSize} agents` : 'no user filter'}`;

/** Every status the simulator serves overlapping [start, end), by the stream's record key. */
function truthKeys(sim: Simulator, start: Date, end: Date): Set<string> {
  const keys = new Set<string>();
  for (const d of sim.expectedActivity({ from: start, to: end })) {
    for (const p of d.primaryPresence ?? []) keys.add(`presence|${d.userId}|${p['startTime']}`);
    for (const r of d.routingStatus ?? []) keys.add(`routing|${d.userId}|${r['startTime']}`);
  }
  return keys;
}

/** Reads the range window by window (four at once) through one contender's lane, counting its calls. */
async function measure(client: GenesysClient, sim: Simulator, c: Contender, range: { start: Date; end: Date }, cfg: { maxHits: number; timeScale: number }): Promise<Tally> {
  const tally: Tally = { calls: {}, ids: new Set(), windows: 0, splits: 0 };
  const lane = buildLane(counting(client, tally), c, cfg);
  const scopes = scopesOf(sim, c.groupSize);
  const work = scopes.flatMap((scope) => cut(range, c.windowDays).map((window) => () => readWindow(lane, scope, window, tally)));
  const next = () => work.shift();
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let job = next(); job; job = next()) await job();
  }));
  return tally;
}

function buildLane(client: GenesysClient, c: Contender, cfg: { maxHits: number; timeScale: number }): Lane {
  const query = createUserQueryLane({ client, pageSize: MAX_USER_DETAILS_PAGE_SIZE, maxHits: cfg.maxHits, maxReachableHits: MAX_REACHABLE_HITS, pageConcurrency: 4, logger });
  if (c.lane === 'query') return query;
  return createUserJobsLane({
    client, fallback: query, logger, nowMs: Date.now,
    maxConcurrentJobs: 2, maxAttempts: 3, timeoutMs: HOUR_MS, pollInitialMs: 1000 * cfg.timeScale, pollMaxMs: 10_000 * cfg.timeScale,
  });
}

/** The client with each users details call counted by kind (the lanes' only requests). */
function counting(client: GenesysClient, tally: Tally): GenesysClient {
  const count = <A extends unknown[], R>(kind: string, f: (...a: A) => Promise<R>) => (...a: A) => {
    tally.calls[kind] = (tally.calls[kind] ?? 0) + 1;
    return f(...a);
  };
  return {
    ...client,
    queryUserDetailsPage: count('query page', client.queryUserDetailsPage),
    createUserDetailsJob: count('job create', client.createUserDetailsJob),
    getUserDetailsJob: count('job poll', client.getUserDetailsJob),
    getUserDetailsJobResults: count('job results', client.getUserDetailsJobResults),
    deleteUserDetailsJob: count('job delete', client.deleteUserDetailsJob),
    getUserDetailsJobsAvailability: count('availability', client.getUserDetailsJobsAvailability),
  };
}

function scopesOf(sim: Simulator, groupSize: number | undefined): QueryScope[] {
  if (groupSize === undefined) return [{ kind: 'all' }];
  const ids = sim.org.agents.map((a) => a.id).sort();
  const scopes: QueryScope[] = [];
  for (let i = 0; i < ids.length; i += groupSize) scopes.push({ kind: 'agents', userIds: ids.slice(i, i + groupSize) });
  return scopes;
}

function cut(range: { start: Date; end: Date }, days: number): Array<{ start: Date; end: Date }> {
  const out: Array<{ start: Date; end: Date }> = [];
  for (let s = range.start.getTime(); s < range.end.getTime(); s += days * DAY_MS) out.push({ start: new Date(s), end: new Date(Math.min(s + days * DAY_MS, range.end.getTime())) });
  return out;
}

/** One window; 'too-many' is read again day by day (the runner's first split), a single day paged through. */
async function readWindow(lane: Lane, scope: QueryScope, window: { start: Date; end: Date }, tally: Tally): Promise<void> {
  tally.windows++;
  const oneDay = window.end.getTime() - window.start.getTime() <= DAY_MS;
  const request: LaneReadRequest = {
    scope, window, unsplittable: oneDay, signal: new AbortController().signal,
    onPage: async (page) => {
      for (const r of page.records) if (r.timeMs >= window.start.getTime() && r.timeMs < window.end.getTime()) tally.ids.add(r.id);
    },
  };
  const result = await lane.read(request);
  if (result.kind === 'done') return;
  tally.splits++;
  for (const day of cut(window, 1)) await readWindow(lane, scope, day, tally);
}

function row(c: Contender, t: Tally, statuses: number): string[] {
  const requests = Object.entries(t.calls).filter(([kind]) => kind !== 'availability').reduce((n, [, v]) => n + v, 0);
  const kinds = Object.entries(t.calls).filter(([kind]) => kind !== 'availability').map(([kind, n]) => `${kind} ${fmtInt(n)}`).join(', ');
  return [c.lane, `${c.windowDays}`, c.groupSize ? `${c.groupSize}` : 'none', fmtInt(t.windows), fmtInt(t.splits), fmtInt(requests), ((requests / statuses) * 1000).toFixed(2), kinds];
}

function printTable(rows: string[][]): void {
  const head = ['lane', 'days', 'user filter', 'windows', 'split', 'requests', 'per 1,000', 'by kind'];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  for (const r of all) process.stdout.write(`${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
  const per = (lane: LaneKind) => rows.filter((r) => r[0] === lane).map((r) => ({ r, v: Number(r[6]) })).sort((a, b) => a.v - b.v)[0]!;
  const q = per('query');
  const j = per('jobs');
  process.stdout.write(
    `\ncheapest query: ${q.r[1]}-day windows, user filter ${q.r[2]}: ${q.r[6]} requests per 1,000 statuses\n` +
      `cheapest jobs:  ${j.r[1]}-day windows: ${j.r[6]} requests per 1,000 statuses\n` +
      `query ÷ jobs:   ${(q.v / j.v).toFixed(1)}×\n`,
  );
}
