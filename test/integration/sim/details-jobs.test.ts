import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { startSimulator, type Conversation, type Simulator } from '../../../src/sim/index.ts';
import { agentFilter, detailsQuery, getToken, queryAll } from './client.ts';

const NOW = new Date('2024-06-10T12:00:00.000Z');
const JOBS = '/api/v2/analytics/conversations/details/jobs';
let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 11,
    org: { now: NOW, days: 6, conversationsPerDay: 120 },
    faults: { lakeLagMs: 36 * HOUR_MS, jobQueueMs: 150, jobMsPerThousand: 100, jobRetentionMs: 60_000 },
  });
  token = await getToken(sim);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.clearJobFaults();
  for (const job of sim.listJobs()) if (job.state === 'QUEUED' || job.state === 'PENDING') sim.cancelJob(job.id);
  sim.setFaults({ jobConcurrencyLimit: 0, jobCreatesPerMinute: 0, jobRetentionMs: 60_000, lakeLagMs: 36 * HOUR_MS });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

async function createJob(body: Record<string, unknown>): Promise<string> {
  const r = await call('POST', JOBS, body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.jobId as string;
}

async function waitFor(jobId: string, states: readonly string[] = ['FULFILLED', 'FAILED', 'EXPIRED', 'CANCELLED']): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const r = await call('GET', `${JOBS}/${jobId}`);
    expect(r.status).toBe(200);
    if (states.includes(r.body.state)) return r.body;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`job ${jobId} never reached ${states.join('/')}`);
}

async function allResults(jobId: string, pageSize = 1000): Promise<{ conversations: Conversation[]; pages: number; availability: string[] }> {
  const conversations: Conversation[] = [];
  const availability: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const qs = new URLSearchParams({ pageSize: String(pageSize), ...(cursor ? { cursor } : {}) });
    const r = await call('GET', `${JOBS}/${jobId}/results?${qs}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    conversations.push(...r.body.conversations);
    availability.push(r.body.dataAvailabilityDate);
    cursor = r.body.cursor;
    pages++;
  } while (cursor);
  return { conversations, pages, availability };
}

const ids = (cs: readonly Conversation[]) => cs.map((c) => c.conversationId);
const day = (n: number) => new Date(Date.UTC(2024, 5, n));
const interval = (from: Date, to: Date) => `${from.toISOString()}/${to.toISOString()}`;

describe('details jobs lifecycle', () => {
  it('goes QUEUED → PENDING → FULFILLED and serves results by cursor', async () => {
    const jobId = await createJob({ interval: interval(day(5), day(8)), startOfDayIntervalMatching: true });
    const first = await call('GET', `${JOBS}/${jobId}`);
    expect(first.body.state).toBe('QUEUED');
    expect(first.body.submissionDate).toMatch(/Z$/);
    expect(first.body.expirationDate).toMatch(/Z$/);
    const early = await call('GET', `${JOBS}/${jobId}/results`);
    expect(early.status).toBe(400);
    const done = await waitFor(jobId);
    expect(done.state).toBe('FULFILLED');
    expect(done.completionDate).toMatch(/Z$/);
    const { conversations, pages } = await allResults(jobId, 100);
    expect(pages).toBe(Math.ceil(conversations.length / 100));
    expect(new Set(ids(conversations)).size).toBe(conversations.length);
  });

  it('refuses pageSize above 1,000, bad cursors and unknown jobs', async () => {
    const jobId = await createJob({ interval: interval(day(6), day(7)), startOfDayIntervalMatching: true });
    await waitFor(jobId);
    expect((await call('GET', `${JOBS}/${jobId}/results?pageSize=1001`)).status).toBe(400);
    expect((await call('GET', `${JOBS}/${jobId}/results?cursor=bogus`)).status).toBe(400);
    expect((await call('GET', `${JOBS}/not-a-job`)).status).toBe(404);
    expect((await call('GET', `${JOBS}/not-a-job/results`)).status).toBe(404);
  });

  it('refuses paging, a reversed interval, and intervals over the configured maximum', async () => {
    expect((await call('POST', JOBS, { interval: interval(day(5), day(6)), paging: { pageSize: 10 } })).status).toBe(400);
    expect((await call('POST', JOBS, { interval: interval(day(6), day(5)) })).status).toBe(400);
    sim.setFaults({ maxJobIntervalDays: 2 });
    try {
      expect((await call('POST', JOBS, { interval: interval(day(5), day(8)) })).body.message).toContain('maximum of 2 days');
    } finally {
      sim.setFaults({ maxJobIntervalDays: 31 });
    }
  });

  it('cancels with DELETE: state CANCELLED, results 404', async () => {
    const jobId = await createJob({ interval: interval(day(5), day(6)) });
    expect((await call('DELETE', `${JOBS}/${jobId}`)).status).toBe(204);
    expect((await call('GET', `${JOBS}/${jobId}`)).body.state).toBe('CANCELLED');
    expect((await call('GET', `${JOBS}/${jobId}/results`)).status).toBe(404);
  });
});

describe('what a job returns', () => {
  it('with startOfDayIntervalMatching: the query result of the same days (conversations started on or after the start day), plus attributes', async () => {
    const from = day(6);
    const to = day(8);
    const jobId = await createJob({ interval: interval(from, to), startOfDayIntervalMatching: true, segmentFilters: agentFilter([sim.org.agents[0]!.id]) });
    await waitFor(jobId);
    const job = (await allResults(jobId)).conversations;
    const query = await queryAll(sim, token, { interval: interval(from, to), segmentFilters: agentFilter([sim.org.agents[0]!.id]) });
    expect(job.length).toBeGreaterThan(0);
    expect(ids(job)).toEqual(ids(query));
    let withAttributes = 0;
    for (const [i, c] of job.entries()) {
      const stripped = { ...c, participants: c.participants.map(({ attributes: _a, ...p }) => p) };
      expect(stripped).toEqual(query[i]); // identical apart from attributes
      const carriers = c.participants.filter((p) => p['attributes'] !== undefined);
      if (carriers.length > 0) {
        withAttributes++;
        expect(carriers[0]!['attributes']).toEqual(sim.attributesOf(c.conversationId));
        for (const value of Object.values(carriers[0]!['attributes'] as Record<string, unknown>)) expect(typeof value).toBe('string');
      }
    }
    expect(withAttributes).toBeGreaterThan(job.length / 2);
    expect(query.every((c) => c.participants.every((p) => p['attributes'] === undefined))).toBe(true);
  });

  it('without it: every conversation with activity in the interval, including one that started the day before', async () => {
    const midnight = day(7);
    const crossing = sim.expected({ from: day(6), to: midnight }).find((c) => c.conversationEnd !== undefined && c.conversationEnd > midnight.toISOString());
    expect(crossing).toBeDefined();
    const overlap = await createJob({ interval: interval(midnight, new Date(midnight.getTime() + HOUR_MS)) });
    const startOfDay = await createJob({ interval: interval(midnight, new Date(midnight.getTime() + HOUR_MS)), startOfDayIntervalMatching: true });
    await waitFor(overlap);
    await waitFor(startOfDay);
    const o = (await allResults(overlap)).conversations;
    const s = (await allResults(startOfDay)).conversations;
    expect(ids(o)).toContain(crossing!.conversationId);
    expect(ids(s)).not.toContain(crossing!.conversationId);
    // Neither returns a conversation that starts after the interval ends (no activity in it).
    for (const c of [...o, ...s]) expect(c.conversationStart < new Date(midnight.getTime() + HOUR_MS).toISOString()).toBe(true);
    // Every overlap match was active in the hour.
    for (const c of o) expect(c.conversationEnd === undefined || c.conversationEnd > midnight.toISOString()).toBe(true);
  });

  it('never returns a conversation newer than the availability date, which follows the lake lag', async () => {
    const avail = await call('GET', `${JOBS}/availability`);
    expect(avail.status).toBe(200);
    expect(avail.body.dataAvailabilityDate).toBe(new Date(NOW.getTime() - 36 * HOUR_MS).toISOString());
    const jobId = await createJob({ interval: interval(day(8), day(11)), startOfDayIntervalMatching: true });
    await waitFor(jobId);
    const { conversations, availability } = await allResults(jobId, 50);
    expect(new Set(availability)).toEqual(new Set([avail.body.dataAvailabilityDate]));
    expect(conversations.length).toBeGreaterThan(0);
    expect(conversations.every((c) => c.conversationStart < avail.body.dataAvailabilityDate)).toBe(true);
    const truth = sim.expected({ from: day(8), to: new Date(avail.body.dataAvailabilityDate) });
    expect(ids(conversations)).toEqual(ids(truth));
    sim.setFaults({ lakeLagMs: 12 * HOUR_MS });
    expect((await call('GET', `${JOBS}/availability`)).body.dataAvailabilityDate).toBe(new Date(NOW.getTime() - 12 * HOUR_MS).toISOString());
  });

  it('the query never carries attributes, a job always carries the same ones', async () => {
    const res = await detailsQuery(sim, token, { interval: interval(day(6), day(7)), paging: { pageSize: 100, pageNumber: 1 } });
    const page = (await res.json()) as { conversations: Conversation[] };
    expect(page.conversations.every((c) => c.participants.every((p) => !('attributes' in p)))).toBe(true);
  });
});

describe('job faults and limits', () => {
  it('injects FAILED, EXPIRED, stuck and expire-after-first-page jobs', async () => {
    sim.queueJobFaults(['fail', 'expire', 'stuck', 'expire-after-first-page']);
    const failed = await createJob({ interval: interval(day(6), day(7)) });
    const expired = await createJob({ interval: interval(day(6), day(7)) });
    const stuck = await createJob({ interval: interval(day(6), day(7)) });
    const midway = await createJob({ interval: interval(day(6), day(7)) });
    const f = await waitFor(failed);
    expect(f.state).toBe('FAILED');
    expect(f.errorMessage).toBeTruthy();
    expect((await waitFor(expired)).state).toBe('EXPIRED');
    expect((await call('GET', `${JOBS}/${expired}/results`)).status).toBe(410);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call('GET', `${JOBS}/${stuck}`)).body.state).toBe('PENDING');
    await waitFor(midway);
    expect((await call('GET', `${JOBS}/${midway}/results?pageSize=10`)).status).toBe(200);
    expect((await call('GET', `${JOBS}/${midway}`)).body.state).toBe('EXPIRED');
    expect((await call('GET', `${JOBS}/${midway}/results?pageSize=10`)).status).toBe(410);
  });

  it('expires results after the retention', async () => {
    sim.setFaults({ jobRetentionMs: 50 });
    const jobId = await createJob({ interval: interval(day(6), day(7)) });
    await waitFor(jobId);
    await new Promise((r) => setTimeout(r, 80));
    expect((await call('GET', `${JOBS}/${jobId}`)).body.state).toBe('EXPIRED');
    expect((await call('GET', `${JOBS}/${jobId}/results`)).status).toBe(410);
  });

  it('answers 429 with Retry-After over the concurrent-job and create-rate limits', async () => {
    sim.setFaults({ jobConcurrencyLimit: 1 });
    sim.queueJobFaults(['stuck']);
    const stuck = await createJob({ interval: interval(day(6), day(7)) });
    const over = await call('POST', JOBS, { interval: interval(day(6), day(7)) });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(over.body.message).toMatch(/\[\d+\] seconds/);
    await call('DELETE', `${JOBS}/${stuck}`);
    sim.setFaults({ jobConcurrencyLimit: 0, jobCreatesPerMinute: 2 });
    await createJob({ interval: interval(day(6), day(7)) });
    await createJob({ interval: interval(day(6), day(7)) });
    expect((await call('POST', JOBS, { interval: interval(day(6), day(7)) })).status).toBe(429);
  });

  it('counts job requests apart from the query', async () => {
    sim.resetStats();
    await call('GET', `${JOBS}/availability`);
    expect(sim.stats().requests.detailsJobs).toBe(1);
    expect(sim.stats().requests.detailsQuery).toBe(0);
    void DAY_MS;
  });
});
