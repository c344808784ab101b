/**
 * The Genesys simulator in a child process, for benchmarks: its CPU (generating days,
 * filtering, serializing pages) then runs on its own event loop and does not share ours, and
 * its memory does not count in our RSS. `src/sim/main.ts` has no jitter or fixed `now`, so
 * this tiny runner starts `startSimulator` from JSON options and answers a few questions over
 * IPC: stats, ground truth (`expected`) as a digest, and per-agent counts for the naive
 * baseline's work model.
 *
 * Parent side: `startSimProcess(options)`. Child side: this file run directly by `fork`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withAttributes } from '../src/sim/attributes.ts';
import { buildDayIndex, type DayIndex } from '../src/sim/day-index.ts';
import { createGenContext, generateConversation, type GenContext } from '../src/sim/generate.ts';
import { startSimulator, type FaultSettings, type SimStats, type Simulator, type SimulatorOptions } from '../src/sim/index.ts';
import { DAY_MS, HOUR_MS } from '../src/time.ts';

/** JSON-safe simulator options (dates as ISO strings). */
export interface SimProcessOptions {
  seed: number;
  agentCount: number;
  conversationsPerDay: number;
  days: number;
  /** ISO instant; the simulated present (default: today's UTC midnight, so the range is `days` whole days). */
  now?: string;
  latencyMs: number;
  latencyJitterMs: number;
  rateLimitPerMinute: number;
  /**
   * Generated days the simulator keeps (its default keeps ~20,000 conversations). A client that
   * keeps going back to the same days (the naive baseline: every agent re-reads every window)
   * would otherwise make the simulator regenerate evicted days on most requests, a cost the
   * real API does not have; set it to cover the range when that range fits in memory.
   */
  cacheDays?: number;
  /** Simulator fault and job settings (details jobs: lake lag, queue time, limits). */
  faults?: Partial<FaultSettings>;
}

export interface ExpectedSet {
  count: number;
  /** md5 of the sorted ids joined with '\n' (byte order, the same as COLLATE "C"). */
  digest: string;
  ids?: string[];
}

/** One UTC day of the ground truth: how many conversations a sync of all agents must store, and their ids' digest. */
export interface DayDigest {
  /** The day's midnight, ISO. */
  day: string;
  count: number;
  /** As ExpectedSet.digest, over the day's ids. */
  digest: string;
}

interface AgentWindowCounts {
  /** counts[agent][window]: conversations with that agent as a participant, started in the window. */
  counts: number[][];
}

export interface SimProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  range: { start: Date; end: Date };
  /** Every agent of the org (active, inactive and deleted). */
  agentIds: string[];
  pid: number;
  stats(): Promise<SimStats>;
  resetStats(): Promise<void>;
  /** Conversations that started in [from, to) with one of the org's agents: what a sync of all agents must store. */
  expected(query: { from: Date; to: Date; withIds?: boolean }): Promise<ExpectedSet>;
  agentWindowCounts(agentIds: string[], windows: Array<{ from: Date; to: Date }>): Promise<AgentWindowCounts>;
  /** The ground truth day by day (whole UTC days of [from, to)), without holding the range's ids at once. */
  dayDigests(query: { from: Date; to: Date }): Promise<DayDigest[]>;
  /**
   * Every `every`-th conversation of each day of [from, to) that a sync of all agents stores,
   * exactly as a details job serves it (participant attributes included): the content a sample check compares.
   */
  sample(query: { from: Date; to: Date; every: number }): Promise<unknown[]>;
  close(): Promise<void>;
}

type Request = { id: number; cmd: 'stats' | 'resetStats' | 'expected' | 'agentWindowCounts' | 'dayDigests' | 'sample'; args?: unknown };
type Reply = { id: number; result?: unknown; error?: string };
type Ready = { type: 'ready'; url: string; clientId: string; clientSecret: string; start: string; end: string; agentIds: string[] };

function digestIds(sortedIds: readonly string[]): string {
  return createHash('md5').update(sortedIds.join('\n')).digest('hex');
}

export function utcMidnight(ms = Date.now()): Date {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

/** Forks the simulator; resolves once it listens. */
export async function startSimProcess(options: SimProcessOptions): Promise<SimProcess> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`simulator process exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as Ready);
    });
  });
  child.on('message', (m) => {
    const reply = m as Reply;
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.error !== undefined) p.reject(new Error(reply.error));
    else p.resolve(reply.result);
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('simulator process exited'));
    pending.clear();
  });
  const call = <T>(cmd: Request['cmd'], args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args } satisfies Request);
    });
  return {
    url: ready.url,
    clientId: ready.clientId,
    clientSecret: ready.clientSecret,
    range: { start: new Date(ready.start), end: new Date(ready.end) },
    agentIds: ready.agentIds,
    pid: child.pid!,
    stats: () => call<SimStats>('stats'),
    resetStats: () => call<void>('resetStats'),
    expected: (q) => call<ExpectedSet>('expected', { from: q.from.toISOString(), to: q.to.toISOString(), withIds: q.withIds ?? false }),
    agentWindowCounts: (agentIds, windows) =>
      call<AgentWindowCounts>('agentWindowCounts', { agentIds, windows: windows.map((w) => ({ from: w.from.toISOString(), to: w.to.toISOString() })) }),
    dayDigests: (q) => call<DayDigest[]>('dayDigests', { from: q.from.toISOString(), to: q.to.toISOString() }),
    sample: (q) => call<unknown[]>('sample', { from: q.from.toISOString(), to: q.to.toISOString(), every: q.every }),
    close: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/* ----------------------------------------------------------------- child side */

/** The options this child was started with (the truth needs the volume, which the Simulator does not expose). */
let childOptions: SimProcessOptions;

async function childMain(options: SimProcessOptions): Promise<void> {
  childOptions = options;
  const now = options.now ? new Date(options.now) : utcMidnight();
  const simOptions: SimulatorOptions = {
    seed: options.seed,
    org: {
      agentCount: options.agentCount, conversationsPerDay: options.conversationsPerDay, days: options.days, now,
      ...(options.cacheDays !== undefined ? { cacheDays: options.cacheDays } : {}),
    },
    latencyMs: options.latencyMs,
    latencyJitterMs: options.latencyJitterMs,
    rateLimitPerMinute: options.rateLimitPerMinute,
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
  };
  const sim = await startSimulator(simOptions);
  const send = (m: unknown) => process.send!(m);
  process.on('message', (m) => {
    const req = m as Request;
    handle(sim, req)
      .then((result) => send({ id: req.id, result } satisfies Reply))
      .catch((e: unknown) => send({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies Reply));
  });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
  send({
    type: 'ready',
    url: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    start: sim.range.start.toISOString(),
    end: sim.range.end.toISOString(),
    agentIds: sim.org.agents.map((a) => a.id),
  } satisfies Ready);
}

async function handle(sim: Simulator, req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'stats':
      return sim.stats();
    case 'resetStats':
      sim.resetStats();
      return null;
    case 'expected': {
      const a = req.args as { from: string; to: string; withIds: boolean };
      const ids = idsBetween(sim, new Date(a.from), new Date(a.to), undefined);
      ids.sort();
      return { count: ids.length, digest: digestIds(ids), ...(a.withIds ? { ids } : {}) } satisfies ExpectedSet;
    }
    case 'agentWindowCounts': {
      const a = req.args as { agentIds: string[]; windows: Array<{ from: string; to: string }> };
      const index = new Map(a.agentIds.map((id, i) => [id, i]));
      const counts = a.agentIds.map(() => a.windows.map(() => 0));
      a.windows.forEach((w, wi) => {
        forEachConversation(sim, new Date(w.from), new Date(w.to), (agents) => {
          for (const id of agents) {
            const i = index.get(id);
            if (i !== undefined) counts[i]![wi]! += 1;
          }
        });
      });
      return { counts } satisfies AgentWindowCounts;
    }
    case 'dayDigests': {
      const a = req.args as { from: string; to: string };
      const truth = dayTruthOf(sim);
      const digests: DayDigest[] = [];
      for (const { lo, hi } of eachSlice(new Date(a.from), new Date(a.to), DAY_MS)) digests.push(await truth.digest(lo, hi));
      return digests;
    }
    case 'sample': {
      const a = req.args as { from: string; to: string; every: number };
      const truth = dayTruthOf(sim);
      const sampled: unknown[] = [];
      for (const { lo, hi } of eachSlice(new Date(a.from), new Date(a.to), DAY_MS)) sampled.push(...(await truth.sample(lo, hi, a.every)));
      return sampled;
    }
  }
}

/*
 * The ground truth of whole days of a large org, read from the generator itself: what
 * `sim.expected` returns for a day (the conversations started in it with an agent of the org, in
 * API order), without the copies `expected` makes of every record (a day of 50,000 is ~850 MB and
 * minutes of copying over 40 days). Each day is generated once, a record at a time
 * (sim/day-index.ts), for both the digests and the sample. The bench mutates and erases nothing,
 * so generated is what is served.
 */
let dayTruth: DayTruth | undefined;
const dayTruthOf = (sim: Simulator): DayTruth => (dayTruth ??= new DayTruth(sim, childOptions.conversationsPerDay));

class DayTruth {
  private readonly ctx: GenContext;
  private readonly org: ReadonlySet<string>;
  /** Per day (its `lo`): its index, with the conversations a sync of all agents stores marked under STORED. */
  private readonly days = new Map<number, { index: DayIndex; ids: string[] }>();

  constructor(private readonly sim: Simulator, conversationsPerDay: number) {
    // The simulator's own context (sim/index.ts): seed, org, volume and now; explicit nulls are its default.
    this.ctx = createGenContext(sim.seed, sim.org, conversationsPerDay, sim.now.getTime());
    this.org = new Set(sim.org.agents.map((agent) => agent.id));
  }

  async digest(lo: Date, hi: Date): Promise<DayDigest> {
    const { ids } = await this.day(lo, hi);
    const sorted = [...ids].sort();
    return { day: lo.toISOString(), count: sorted.length, digest: digestIds(sorted) };
  }

  /** Every `every`-th stored conversation of the day in API order, as a details job serves it. */
  async sample(lo: Date, hi: Date, every: number): Promise<unknown[]> {
    const { index } = await this.day(lo, hi);
    const stored = index.matches.get(STORED)!;
    const out: unknown[] = [];
    let i = 0;
    for (let k = 0; k < stored.length; k++) {
      if (stored[k] === 1 && i++ % every === 0) out.push(withAttributes(this.sim.seed, generateConversation(this.ctx, dayOf(lo), index.order[k]!)));
    }
    return out;
  }

  private async day(lo: Date, hi: Date): Promise<{ index: DayIndex; ids: string[] }> {
    const known = this.days.get(lo.getTime());
    if (known) return known;
    const from = Math.max(lo.getTime(), this.sim.range.start.getTime());
    const to = Math.min(hi.getTime(), this.sim.range.end.getTime());
    const inRange = (ms: number) => ms >= from && ms < to;
    const ids: string[] = [];
    const index = await buildDayIndex(this.ctx, dayOf(lo), inRange, STORED, (c) => {
      const stored = c.participants.some((p) => p.purpose === 'agent' && p.userId !== undefined && this.org.has(p.userId));
      if (stored && inRange(Date.parse(c.conversationStart))) ids.push(c.conversationId);
      return stored;
    });
    const day = { index, ids };
    this.days.set(lo.getTime(), day);
    return day;
  }
}

const STORED = 'stored by a sync of all agents';
const dayOf = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/**
 * [from, to) in UTC slices of `stepMs` (a day, an hour), each cut to the range. The ground truth
 * walks hours where it copies records: a day of a 50,000-a-day org is ~850 MB of them.
 */
function eachSlice(from: Date, to: Date, stepMs: number): Array<{ lo: Date; hi: Date }> {
  const slices: Array<{ lo: Date; hi: Date }> = [];
  for (let t = Math.floor(from.getTime() / stepMs) * stepMs; t < to.getTime(); t += stepMs) {
    const lo = Math.max(t, from.getTime());
    const hi = Math.min(t + stepMs, to.getTime());
    if (lo < hi) slices.push({ lo: new Date(lo), hi: new Date(hi) });
  }
  return slices;
}

/** Walks the range an hour at a time (never a whole day in memory), calling back with each conversation's distinct agent ids. */
function forEachConversation(sim: Simulator, from: Date, to: Date, visit: (agentIds: Set<string>, conversationId: string) => void): void {
  for (const { lo, hi } of eachSlice(from, to, HOUR_MS)) {
    for (const c of sim.expected({ from: lo, to: hi })) {
      const agents = new Set<string>();
      for (const p of c.participants) if (p.purpose === 'agent' && p.userId !== undefined) agents.add(p.userId);
      visit(agents, c.conversationId);
    }
  }
}

/** Ids of conversations in [from, to) with at least one agent of the org (or of `agentIds`). */
function idsBetween(sim: Simulator, from: Date, to: Date, agentIds: ReadonlySet<string> | undefined): string[] {
  const org = agentIds ?? new Set(sim.org.agents.map((a) => a.id));
  const ids: string[] = [];
  forEachConversation(sim, from, to, (agents, id) => {
    for (const a of agents) {
      if (org.has(a)) {
        ids.push(id);
        return;
      }
    }
  });
  return ids;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly && process.send) {
  childMain(JSON.parse(process.argv[2] ?? '{}') as SimProcessOptions).catch((e: unknown) => {
    process.stderr.write(`simulator process failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
