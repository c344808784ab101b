/**
 * The agent-activity jobs lane alone, against the simulator over HTTP: how it proves the end of a
 * users details job's results. A last page that is full without a cursor is no end; the lane
 * reads the snapshot again in pages one smaller, whose last page is short, instead of failing
 * the job (seen in the 2,000,000-conversation backfill: a week of 1,000 agents made exactly
 * 149,000 statuses, 149 full pages, and three jobs failed before the query lane read the week).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenesysClient } from '../../../src/genesys/index.ts';
import type { LanePage } from '../../../src/pipeline/lanes/lane.ts';
import { createUserJobsLane } from '../../../src/streams/agent-activity/jobs-lane.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { simClient } from '../../helpers/harness.ts';
import { countingFallback, freshSeen, recordingRequest, type Seen } from '../../helpers/lane-request.ts';

const NOW = new Date('2025-03-10T12:00:00Z');
const WINDOW = { start: new Date('2025-03-07T00:00:00Z'), end: new Date('2025-03-08T00:00:00Z') };
let sim: Simulator;
let client: GenesysClient;
const fallback = countingFallback();

const lane = (resultsPageSize: number) =>
  createUserJobsLane({
    client, fallback: fallback.lane, logger: pino({ level: 'silent' }), nowMs: Date.now, resultsPageSize,
    maxConcurrentJobs: 1, maxAttempts: 2, timeoutMs: 5_000, pollInitialMs: 10, pollMaxMs: 40,
  });

const request = (userIds: string[], seen: Seen) => recordingRequest(WINDOW, seen, { kind: 'agents', userIds });
const statusIds = (pages: LanePage[]) => pages.flatMap((p) => p.records.map((r) => r.id));

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, org: { agentCount: 6, days: 5, conversationsPerDay: 10, now: NOW }, faults: { lakeLagMs: 24 * HOUR_MS, jobQueueMs: 10, jobMsPerThousand: 10 } });
  client = simClient(sim, { concurrency: 2, ratePerMinute: 60_000, retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
});
afterAll(async () => {
  client.close();
  await sim.close();
});
beforeEach(() => {
  fallback.reset();
  sim.setFaults({ jobResultsEnd: 'honest' });
});

describe('agent-activity jobs lane: the end of the results', () => {
  it('results that end on a full page without a cursor are read again in pages one smaller, whose short last page proves the end', async () => {
    const agents = sim.org.agents.slice(0, 3).map((a) => a.id);
    // The statuses of the window, read in one page of 1,000: fewer than that, so their count is known.
    const first = freshSeen();
    const whole = await lane(1_000).read(request(agents, first));
    const truth = statusIds(first.pages);
    expect(whole).toMatchObject({ kind: 'done', lane: 'jobs', idsReceived: truth.length, pages: 1 });
    expect(truth.length).toBeGreaterThan(20);
    expect(new Set(truth).size).toBe(truth.length);

    // A page size of exactly that count: the one page is full and carries no cursor.
    const seen = freshSeen();
    const jobsBefore = sim.listUserDetailsJobs().length;
    const result = await lane(truth.length).read(request(agents, seen));
    expect(result).toMatchObject({ kind: 'done', lane: 'jobs', idsReceived: truth.length, pages: 2 });
    expect(result).not.toHaveProperty('fallbackReason');
    expect(fallback.reads()).toBe(0);
    // One job, read twice: once in one full page, then (after the restart) in pages of n-1 and 1.
    expect(sim.listUserDetailsJobs()).toHaveLength(jobsBefore + 1);
    expect(seen.restarts).toEqual([1]);
    expect(seen.pages.map((p) => p.records.length)).toEqual([truth.length, truth.length - 1, 1]);
    expect(statusIds(seen.pages.slice(1)).sort()).toEqual([...truth].sort());
  });

  it('when the second read ends full too, the job counts as failed and the window goes to the fallback lane', async () => {
    // Every job's first results page comes full and without a cursor although more results exist.
    sim.setFaults({ jobResultsEnd: 'cursor' });
    const agents = sim.org.agents.map((a) => a.id);
    const seen = freshSeen();
    const jobsBefore = sim.listUserDetailsJobs().length;
    const result = await lane(50).read(request(agents, seen));
    expect(result).toMatchObject({ kind: 'done', lane: 'query', fallbackReason: expect.stringMatching(/failed 2 time\(s\).*full page after 49 statuses, read in pages of 50 and again of 49/) });
    expect(fallback.reads()).toBe(1);
    // Two jobs, each read twice (50, then 49), each restart announced before the pages came again.
    expect(sim.listUserDetailsJobs().slice(jobsBefore).map((j) => j.deleted)).toEqual([true, true]);
    expect(seen.pages.map((p) => p.records.length)).toEqual([50, 49, 50, 49]);
    expect(seen.restarts).toEqual([1, 2, 3, 4]);
  });
});
