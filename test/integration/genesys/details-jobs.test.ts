import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGenesysClient, FatalApiError, isJobGone, InvalidResponseError, type GenesysClient } from '../../../src/genesys/index.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { simClient } from '../../helpers/harness.ts';
import { startFakeGenesys } from './fake-genesys.ts';

const NOW = new Date('2024-06-10T12:00:00.000Z');
const day = (n: number) => new Date(Date.UTC(2024, 5, n));
let sim: Simulator;
let client: GenesysClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, org: { now: NOW, days: 4, conversationsPerDay: 300 }, faults: { lakeLagMs: 24 * HOUR_MS, jobQueueMs: 20, jobMsPerThousand: 50 } });
  client = simClient(sim, { concurrency: 4, ratePerMinute: 6000, retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => sim.setFaults({ jobConcurrencyLimit: 0 }));

async function untilDone(jobId: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const s = await client.getDetailsJob(jobId);
    if (s.state !== 'QUEUED' && s.state !== 'PENDING') return s.state;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('job did not finish');
}

describe('details jobs client against the simulator', () => {
  it('creates, polls, reads every page by cursor with original records, and cancels', async () => {
    const availability = await client.getDetailsJobsAvailability();
    expect(availability.toISOString()).toBe(new Date(NOW.getTime() - 24 * HOUR_MS).toISOString());
    // Queued long enough that its first status is read before it runs, even on a loaded machine.
    sim.setFaults({ jobQueueMs: 1_000 });
    const jobId = await client.createDetailsJob({ interval: { start: day(7), end: day(9) }, scope: { kind: 'all' }, startOfDayIntervalMatching: true });
    const status = await client.getDetailsJob(jobId);
    sim.setFaults({ jobQueueMs: 20 });
    expect(['QUEUED', 'PENDING']).toContain(status.state);
    expect(status.submissionDate).toBeInstanceOf(Date);
    expect(await untilDone(jobId)).toBe('FULFILLED');
    const seen: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.getDetailsJobResults({ jobId, cursor, pageSize: 250 });
      expect(page.dataAvailabilityDate?.toISOString()).toBe(availability.toISOString());
      seen.push(...page.records);
      cursor = page.cursor;
      pages++;
    } while (cursor);
    const truth = sim.expected({ from: day(7), to: day(9), agentIds: sim.org.agents.map((a) => a.id) });
    expect(seen.length).toBe(truth.length);
    expect(pages).toBe(Math.ceil(truth.length / 250));
    // Records are handed on as the API sent them: attributes included, nothing added or reordered.
    const first = seen[0] as { conversationId: string; participants: Array<Record<string, unknown>> };
    expect(Object.keys(first)).toEqual(Object.keys(sim.getConversation(first.conversationId)!));
    await client.deleteDetailsJob(jobId);
    await client.deleteDetailsJob(jobId); // deleting twice is fine
    expect(sim.listJobs().find((j) => j.id === jobId)?.state).toBe('CANCELLED');
    const gone = await client.getDetailsJobResults({ jobId, pageSize: 10 }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(FatalApiError);
    expect(isJobGone(gone)).toBe(true);
  });

  it('waits out a 429 from the concurrent-job limit through the gate', async () => {
    sim.setFaults({ jobConcurrencyLimit: 1 });
    sim.queueJobFaults(['stuck']);
    const before = client.stats().rateLimited;
    const a = await client.createDetailsJob({ interval: { start: day(7), end: day(8) }, scope: { kind: 'all' }, startOfDayIntervalMatching: true });
    setTimeout(() => sim.cancelJob(a), 300);
    const b = await client.createDetailsJob({ interval: { start: day(7), end: day(8) }, scope: { kind: 'all' }, startOfDayIntervalMatching: true });
    expect(a).not.toBe(b);
    expect(client.stats().rateLimited).toBeGreaterThan(before);
  });

  it('refuses a results page size over 1,000 and intervals over 31 days before sending', async () => {
    await expect(client.getDetailsJobResults({ jobId: 'x', pageSize: 1001 })).rejects.toThrow(/pageSize/);
    await expect(client.createDetailsJob({ interval: { start: day(1), end: new Date(day(1).getTime() + 32 * 86_400_000) }, scope: { kind: 'all' }, startOfDayIntervalMatching: true })).rejects.toThrow(/31 days/);
  });
});

describe('details jobs envelopes', () => {
  it('names the path of a broken envelope', async () => {
    const fake = await startFakeGenesys();
    fake.api = () => ({ status: 200, json: { state: 42 } });
    const c = createGenesysClient({ apiUrl: fake.url, loginUrl: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, concurrency: 1, ratePerMinute: 6000, logger: pino({ level: 'silent' }) });
    try {
      const err = await c.getDetailsJob('job-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidResponseError);
      expect((err as Error).message).toContain('/api/v2/analytics/conversations/details/jobs/job-1');
      expect((err as Error).message).toContain('state');
    } finally {
      c.close();
      await fake.close();
    }
  });
});
