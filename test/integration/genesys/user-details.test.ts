import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FatalApiError, isJobGone, type GenesysClient } from '../../../src/genesys/index.ts';
import { parseUserDetail } from '../../../src/genesys/schemas.ts';
import { startSimulator, type ActivityDetail, type Simulator } from '../../../src/sim/index.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { simClient } from '../../helpers/harness.ts';

/** The users details API and presence definitions: the real client against the simulator over HTTP. */
const NOW = new Date('2024-06-10T12:00:00.000Z');
const at = (iso: string) => new Date(iso);
let sim: Simulator;
let client: GenesysClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, org: { now: NOW, days: 4, conversationsPerDay: 10, agentCount: 12 }, faults: { jobQueueMs: 20, jobMsPerThousand: 20 } });
  client = simClient(sim, { concurrency: 2, ratePerMinute: 100_000, retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});
afterEach(() => sim.setFaults({ userDetailsForbidden: false, userDetailsTotalHitsBias: 0, lakeLagMs: 24 * HOUR_MS, jobQueueMs: 20 }));

type Status = Record<string, string> & { startTime: string };
interface Read {
  merged: Map<string, { userId: string; kind: string; status: Status }>;
  served: number;
  pages: number[];
  totalHits: Array<number | undefined>;
}

/** Pages a query until a page comes back empty (totalHits is no stop signal) and merges repeats by (user, kind, start). */
async function readAll(interval: { start: Date; end: Date }, pageSize: number, userIds?: string[]): Promise<Read> {
  const read: Read = { merged: new Map(), served: 0, pages: [], totalHits: [] };
  for (let pageNumber = 1; pageNumber < 1000; pageNumber++) {
    const page = await client.queryUserDetailsPage({ interval, userIds, pageNumber, pageSize });
    read.totalHits.push(page.totalHits);
    if (page.records.length === 0) return read;
    let statuses = 0;
    for (const record of page.records) {
      const parsed = parseUserDetail(record);
      if (!parsed.ok) throw new Error(parsed.problem);
      for (const [kind, list] of [['presence', parsed.detail.primaryPresence], ['routing', parsed.detail.routingStatus]] as const) {
        for (const status of (list ?? []) as Status[]) {
          statuses++;
          read.merged.set(`${parsed.detail.userId}|${kind}|${status.startTime}`, { userId: parsed.detail.userId, kind, status });
        }
      }
    }
    read.served += statuses;
    read.pages.push(statuses);
  }
  throw new Error('query never came back empty');
}

function flatten(details: readonly ActivityDetail[]): Map<string, Status> {
  const out = new Map<string, Status>();
  for (const d of details) {
    for (const s of (d.primaryPresence ?? []) as Status[]) out.set(`${d.userId}|presence|${s.startTime}`, s);
    for (const s of (d.routingStatus ?? []) as Status[]) out.set(`${d.userId}|routing|${s.startTime}`, s);
  }
  return out;
}

const asMap = (read: Read) => new Map([...read.merged].map(([k, v]) => [k, v.status]));

describe('users details query', () => {
  it('pages short pages over status entries and, merged, gives exactly the ground truth', async () => {
    // Two days: a status crossing the midnight between them is stored (and paged) for both.
    const interval = { start: at('2024-06-08T00:00:00Z'), end: at('2024-06-10T00:00:00Z') };
    const read = await readAll(interval, 10);
    expect(asMap(read)).toEqual(flatten(sim.expectedActivity({ from: interval.start, to: interval.end })));
    // Statuses spanning midnight are stored twice: the repeat dropped from a page leaves it short,
    // and one straddling a page boundary is served twice.
    expect(read.pages.slice(0, -1).some((n) => n < 10)).toBe(true);
    expect(read.served).toBeGreaterThanOrEqual(read.merged.size);
    expect(read.totalHits[0]).toBeGreaterThan(read.merged.size);
    const users = new Set([...read.merged.values()].map((v) => v.userId));
    expect(read.pages.length).toBeGreaterThan(users.size); // a user's statuses spread over pages
  });

  it('returns a status crossing an interval edge whole, in both intervals', async () => {
    const edge = at('2024-06-09T12:00:00Z');
    const before = asMap(await readAll({ start: at('2024-06-09T00:00:00Z'), end: edge }, 100));
    const after = asMap(await readAll({ start: edge, end: at('2024-06-10T00:00:00Z') }, 100));
    const both = [...before.keys()].filter((k) => after.has(k));
    expect(both.length).toBeGreaterThan(0);
    for (const key of both) {
      const s = before.get(key)!;
      expect(Date.parse(s.startTime)).toBeLessThan(edge.getTime());
      expect(s.endTime === undefined ? Infinity : Date.parse(s.endTime)).toBeGreaterThan(edge.getTime());
      expect(after.get(key)).toEqual(s);
    }
    // Whole, not clipped: the day's first statuses began the day before (overnight OFFLINE).
    expect([...before.values()].some((s) => Date.parse(s.startTime) < Date.parse('2024-06-09T00:00:00Z'))).toBe(true);
  });

  it('serves current statuses open, and deleted users keep their closed history', async () => {
    const read = await readAll({ start: at('2024-06-10T06:00:00Z'), end: NOW }, 100);
    const active = sim.org.agents.filter((a) => a.state === 'active').map((a) => a.id);
    for (const id of active) {
      const open = [...read.merged.values()].filter((v) => v.userId === id && v.status.endTime === undefined);
      expect(open.map((v) => v.kind).sort(), id).toEqual(['presence', 'routing']);
    }
    // A deleted user's history stays readable: closed statuses up to the time they left, then none.
    const deleted = sim.org.agents.find((a) => a.state === 'deleted')!;
    const month = { start: new Date(NOW.getTime() - 31 * 24 * HOUR_MS), end: NOW };
    const history = asMap(await readAll(month, 100, [deleted.id]));
    expect(history.size).toBeGreaterThan(0);
    expect(history).toEqual(flatten(sim.expectedActivity({ from: month.start, to: month.end, userIds: [deleted.id] })));
    expect([...history.values()].every((s) => s.endTime !== undefined)).toBe(true);
  });

  it('reads everything whichever way totalHits lies', async () => {
    const interval = { start: at('2024-06-09T00:00:00Z'), end: at('2024-06-10T00:00:00Z') };
    const truth = flatten(sim.expectedActivity({ from: interval.start, to: interval.end }));
    sim.setFaults({ userDetailsTotalHitsBias: -0.5 });
    const under = await readAll(interval, 50);
    expect(under.totalHits[0]).toBeLessThan(truth.size);
    expect(asMap(under)).toEqual(truth);
    sim.setFaults({ userDetailsTotalHitsBias: 0.5 });
    const over = await readAll(interval, 50);
    expect(over.totalHits[0]).toBeGreaterThan(over.served);
    expect(asMap(over)).toEqual(truth);
  });

  it('answers 403 naming analytics:userDetail:view on the query and the jobs when the knob is on', async () => {
    sim.setFaults({ userDetailsForbidden: true });
    const interval = { start: at('2024-06-09T00:00:00Z'), end: at('2024-06-10T00:00:00Z') };
    for (const call of [() => client.queryUserDetailsPage({ interval, pageNumber: 1, pageSize: 10 }), () => client.createUserDetailsJob({ interval })]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FatalApiError);
      expect((error as FatalApiError).status).toBe(403);
      expect((error as FatalApiError).apiMessage).toContain('analytics:userDetail:view');
    }
  });

  it('refuses intervals over the caps before sending: 7 days without a user filter, 31 with', async () => {
    const start = at('2024-05-01T00:00:00Z');
    const days = (n: number) => new Date(start.getTime() + n * 24 * HOUR_MS);
    await expect(client.queryUserDetailsPage({ interval: { start, end: days(8) }, pageNumber: 1, pageSize: 10 })).rejects.toThrow(/7 days/);
    await expect(client.queryUserDetailsPage({ interval: { start, end: days(32) }, userIds: ['u'], pageNumber: 1, pageSize: 10 })).rejects.toThrow(/31 days/);
    await expect(client.queryUserDetailsPage({ interval: { start, end: days(1) }, pageNumber: 1, pageSize: 101 })).rejects.toThrow(/pageSize/);
    const page = await client.queryUserDetailsPage({ interval: { start, end: days(8) }, userIds: [sim.org.agents[0]!.id], pageNumber: 1, pageSize: 10 });
    expect(page.records).toEqual([]); // before the simulated range: nothing, and no error
  });
});

describe('users details jobs', () => {
  it('runs the job lifecycle, reads results by cursor and, merged, gives the ground truth', async () => {
    sim.setFaults({ lakeLagMs: 0, jobQueueMs: 500 }); // queued long enough to be seen queued
    const userIds = sim.org.agents.slice(0, 4).map((a) => a.id);
    const interval = { start: at('2024-06-08T00:00:00Z'), end: NOW };
    expect((await client.getUserDetailsJobsAvailability()).toISOString()).toBe(NOW.toISOString());
    const jobId = await client.createUserDetailsJob({ interval, userIds });
    let state = (await client.getUserDetailsJob(jobId)).state;
    expect(['QUEUED', 'PENDING']).toContain(state);
    for (let i = 0; i < 500 && (state === 'QUEUED' || state === 'PENDING'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      state = (await client.getUserDetailsJob(jobId)).state;
    }
    expect(state).toBe('FULFILLED');
    const merged = new Map<string, Status>();
    let cursor: string | undefined;
    let pages = 0;
    let served = 0;
    do {
      const page = await client.getUserDetailsJobResults({ jobId, cursor, pageSize: 50 });
      const got = flatten(page.records as ActivityDetail[]);
      served += got.size;
      for (const [k, v] of got) merged.set(k, v);
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(merged).toEqual(flatten(sim.expectedActivity({ from: interval.start, to: interval.end, userIds })));
    expect(served).toBe(merged.size); // jobs serve each status once
    expect(pages).toBe(Math.ceil(merged.size / 50));
    await client.deleteUserDetailsJob(jobId);
    await client.deleteUserDetailsJob(jobId); // twice is fine
    expect(sim.listUserDetailsJobs().find((j) => j.id === jobId)?.state).toBe('CANCELLED');
    expect(isJobGone(await client.getUserDetailsJobResults({ jobId, pageSize: 10 }).catch((e: unknown) => e))).toBe(true);
  });

  it('serves a status still running at the lake horizon as open', async () => {
    const lag = 6 * HOUR_MS;
    sim.setFaults({ lakeLagMs: lag });
    const horizon = NOW.getTime() - lag;
    const userId = sim.org.agents.find((a) => a.state === 'active')!.id;
    const jobId = await client.createUserDetailsJob({ interval: { start: at('2024-06-10T00:00:00Z'), end: NOW }, userIds: [userId] });
    let state = '';
    for (let i = 0; i < 500 && state !== 'FULFILLED'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      state = (await client.getUserDetailsJob(jobId)).state;
    }
    const page = await client.getUserDetailsJobResults({ jobId, pageSize: 1000 });
    const statuses = [...flatten(page.records as ActivityDetail[]).values()];
    expect(statuses.every((s) => Date.parse(s.startTime) < horizon)).toBe(true);
    expect(statuses.filter((s) => s.endTime === undefined)).toHaveLength(2); // one presence, one routing status
  });
});

describe('users details job faults', () => {
  it('ends a scripted job FAILED with its message, through the same lifecycle as conversation jobs', async () => {
    sim.queueUserDetailsJobFaults(['fail']);
    const jobId = await client.createUserDetailsJob({ interval: { start: at('2024-06-09T00:00:00Z'), end: at('2024-06-10T00:00:00Z') } });
    let status = await client.getUserDetailsJob(jobId);
    for (let i = 0; i < 500 && (status.state === 'QUEUED' || status.state === 'PENDING'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = await client.getUserDetailsJob(jobId);
    }
    expect(status.state).toBe('FAILED');
    expect(status.errorMessage).toBeTruthy();
    expect(sim.listJobs().some((j) => j.id === jobId)).toBe(false); // its own job store, not the conversations'
  });
});

describe('presence definitions', () => {
  it('lists every definition through the paged lister, the deactivated one included by default', async () => {
    sim.resetStats();
    const all = await client.listPresenceDefinitions({ pageSize: 3 });
    expect(all.map((p) => p.id).sort()).toEqual(sim.presences.map((p) => p.id).sort());
    expect(sim.stats().requests.userActivity).toBe(Math.ceil(sim.presences.length / 3));
    expect(all.filter((p) => p.deactivated === true)).toHaveLength(1);
    expect(all.filter((p) => p.primary === true)).toHaveLength(10);
    const active = await client.listPresenceDefinitions({ deleted: 'FALSE' });
    expect(active).toHaveLength(sim.presences.length - 1);
    // Every organizationPresenceId of the history names a listed definition.
    const ids = new Set(all.map((p) => p.id));
    const history = sim.expectedActivity({ from: sim.range.start, to: NOW });
    const named = history.flatMap((d) => (d.primaryPresence ?? []).map((s) => s['organizationPresenceId']));
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((id) => id !== undefined && ids.has(id))).toBe(true);
    const retired = all.find((p) => p.deactivated === true)!.id;
    expect(named).toContain(retired);
  });
});
