/**
 * A Genesys that lies about its counts and cursors (docs/reliability.md, "Hostile environment:
 * paging and status"): the simulator's totalHitsLie, strayForDropped and jobResultsEnd knobs,
 * real HTTP, real Postgres. Whatever the lie, no window is `done` while a conversation of it is
 * missing, and an honest re-run (or a backfill resumed with the same arguments) reads what was missed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readStatus } from '../../../src/pipeline/status.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';
import { CONVERSATION_TABLES } from '../../../src/db/conversation-children.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const at = (day: number) => new Date(Date.UTC(2025, 5, day));
const WORKER = { agentIds: [], lookbackMs: 7 * 86_400_000, lagMs: 120_000 };

// About 145 conversations a day, read in pages of 25 by the query (six pages a day) and of 200 by
// the jobs (a day fits one results page, longer windows take several): the paging of a busy org
// at a fraction of its records.
const QUERY_PAGE_SIZE = 25;
const RESULTS_PAGE_SIZE = 200;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: 23, org: { agentCount: 10, days: 12, conversationsPerDay: 150, now: NOW }, faults: { lakeLagMs: 24 * HOUR_MS, jobQueueMs: 20, jobMsPerThousand: 20 } });
});
afterAll(async () => h?.close());
beforeEach(async () => {
  h.sim.setFaults({ totalHitsLie: 'honest', strayForDropped: false, jobResultsEnd: 'honest' });
  await h.handle.prisma.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}, sync_runs, sync_windows, sync_rejects CASCADE`);
});

const expectedIds = (from: Date, to: Date) => idsOf(h.sim.expected({ from, to })).sort();

/** The promise itself: every window marked done holds every conversation the API has for it. */
async function everyDoneWindowIsWhole(runId: string): Promise<number> {
  const stored = new Set(await h.storedIds());
  const done = await h.handle.prisma.syncWindow.findMany({ where: { runId, status: { in: ['done', 'done_with_rejects'] } } });
  for (const w of done) {
    const missing = expectedIds(w.windowStart, w.windowEnd).filter((id) => !stored.has(id));
    expect(missing, `window ${w.windowStart.toISOString()} is done without ${missing.length} conversation(s)`).toEqual([]);
  }
  return done.length;
}

describe('the details query lies about totalHits', () => {
  const interval = { start: at(10), end: at(13) };

  for (const lie of ['zero', 'too-low'] as const) {
    it(`${lie}: reads on past the count to the API's end of data, stores every conversation, and records the contradiction`, async () => {
      h.sim.setFaults({ totalHitsLie: lie });
      const report = await h.run({ interval, windowDays: 1, pageSize: QUERY_PAGE_SIZE });
      expect(report.status).toBe('succeeded');
      expect(await h.storedIds()).toEqual(expectedIds(interval.start, interval.end));
      expect(await everyDoneWindowIsWhole(report.runId)).toBe(3);
      const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId } });
      // The ledger keeps both witnesses: what was announced, what arrived.
      for (const w of windows) expect(w.totalHits!).toBeLessThan(w.idsReceived!);
    });
  }

  it('too-low and a page cut short in the middle: a short page alone does not end the window; a second read must end in the same place', async () => {
    const day = { start: at(12), end: at(13) };
    h.sim.setFaults({ totalHitsLie: 'too-low' });
    // Page 2 comes back one record short, as if that record had moved to page 1: with a count of a
    // tenth, the first read ends there with a fraction of the day.
    h.sim.queuePageAnomaly({ kind: 'shift', pageNumber: 2 });
    const report = await h.run({ interval: day, windowDays: 1, pageSize: QUERY_PAGE_SIZE });
    expect(report.status).toBe('succeeded');
    expect(await h.storedIds()).toEqual(expectedIds(day.start, day.end));
    expect(await everyDoneWindowIsWhole(report.runId)).toBe(1);
  });

  it('too-high: never marks a window done on a count the pages cannot reach; the windows fail naming both counts, status says so, and an honest re-run completes them', async () => {
    h.sim.setFaults({ totalHitsLie: 'too-high' });
    const lied = await h.run({ interval, windowDays: 1, pageSize: QUERY_PAGE_SIZE });
    expect(lied.status).toBe('failed');
    expect(lied.failures).toHaveLength(3);
    expect(lied.failures[0]!.error).toMatch(/paging incomplete: the API announced \d+ conversations but \d+ distinct ids arrived after 3 pass/);
    expect(await everyDoneWindowIsWhole(lied.runId)).toBe(0);
    const status = await readStatus(h.handle.prisma, { now: new Date(), limit: 10, maxAgeMs: 86_400_000, worker: WORKER });
    expect(status.healthy).toBe(false);
    expect(status.windows.filter((w) => w.status === 'failed')).toHaveLength(3);

    h.sim.setFaults({ totalHitsLie: 'honest' });
    const honest = await h.run({ interval, windowDays: 1, pageSize: QUERY_PAGE_SIZE });
    expect(honest.status).toBe('succeeded');
    expect(await h.storedIds()).toEqual(expectedIds(interval.start, interval.end));
  });

  it('one record dropped and one stray from another day: the count matches, but the proof counts only the queried days, so the window fails; the backfill resumed honestly reads the missing conversation', async () => {
    const day = { start: at(11), end: at(12) };
    const truth = expectedIds(day.start, day.end);
    h.sim.setFaults({ strayForDropped: true });
    const lied = await h.run({ interval: day, windowDays: 1, pageSize: QUERY_PAGE_SIZE, kind: 'backfill', resume: true });
    expect(lied.status).toBe('failed');
    expect(lied.failures[0]!.error).toMatch(/announced \d+ conversations but \d+ distinct ids arrived after 3 pass/);
    const stored = await h.storedIds();
    expect(stored).toHaveLength(truth.length - 1);
    expect(await everyDoneWindowIsWhole(lied.runId)).toBe(0);

    h.sim.setFaults({ strayForDropped: false });
    // The same backfill again: it fetches the windows not done, and the failed one is not done.
    const honest = await h.run({ interval: day, windowDays: 1, pageSize: QUERY_PAGE_SIZE, kind: 'backfill', resume: true });
    expect(honest.status).toBe('succeeded');
    expect(honest.windowsDone).toBe(1);
    expect(await h.storedIds()).toEqual(truth);
  });
});

describe('a details job whose results end early', () => {
  const interval = { start: at(12), end: at(19) };
  const lanes = () => ({
    mode: 'jobs' as const,
    availability: h.sim.availabilityDate(),
    jobWindowDays: 31,
    jobs: { maxConcurrentJobs: 2, maxAttempts: 2, timeoutMs: 10_000, pollInitialMs: 10, pollMaxMs: 40, resultsPageSize: RESULTS_PAGE_SIZE },
  });

  for (const end of ['cursor', 'results'] as const) {
    it(`${end}: the job is not taken; the window is read again (the next job, then the query) and is done only whole, saying which lane read it`, async () => {
      h.sim.setFaults({ jobResultsEnd: end });
      const report = await h.run({ interval, windowDays: 1, kind: 'backfill', lanes: lanes() });
      expect(report.status).toBe('succeeded');
      expect(await h.storedIds()).toEqual(expectedIds(interval.start, interval.end));
      expect(await everyDoneWindowIsWhole(report.runId)).toBeGreaterThan(0);
      const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId } });
      // A job that fits one results page ends honestly even under 'cursor'; every other one fell back.
      const fellBack = windows.filter((w) => w.lane === 'query');
      expect(fellBack.length).toBeGreaterThan(0);
      expect(fellBack.every((w) => /results ended after \d+ conversations but the details query counts/.test(w.laneNote ?? ''))).toBe(true);
      expect(windows.filter((w) => w.lane === 'jobs').every((w) => w.totalHits === w.idsReceived && w.idsReceived! <= RESULTS_PAGE_SIZE)).toBe(true);
    });
  }

  it('honest: the job is checked against the query count of the same days and kept', async () => {
    const report = await h.run({ interval, windowDays: 1, kind: 'backfill', lanes: lanes() });
    expect(report.status).toBe('succeeded');
    const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId } });
    expect(windows.every((w) => w.lane === 'jobs' && w.totalHits === w.idsReceived)).toBe(true);
    expect(await h.storedIds()).toEqual(expectedIds(interval.start, interval.end));
  });
});
