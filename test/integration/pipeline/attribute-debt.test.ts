/**
 * The attribute debt (docs/sync.md §15): a day read through the query lane (a jobs window that
 * fell back to it, or a backfill through the query) lacks participant attributes; settling
 * re-reads it through a job however old it is, and `backfill --lane jobs` over a range first read
 * through the query reads it again rather than resuming (the plan key includes the lane). The
 * simulator's lake lags 36 h; its now is 2025-06-20 12:00. Real HTTP, real Postgres.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findDaysWithoutAttributes } from '../../../src/db/lane-ledger.ts';
import { dayNumber } from '../../../src/decisions/settling.ts';
import { settle } from '../../../src/pipeline/settle.ts';
import { runDeps } from '../../../src/runtime.ts';
import { HOUR_MS } from '../../../src/time.ts';
import { idsOf, quietLogger, startHarness, type Harness } from '../../helpers/harness.ts';
import { CONVERSATION_TABLES } from '../../../src/db/conversation-children.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const jobs = { maxConcurrentJobs: 2, maxAttempts: 2, timeoutMs: 10_000, pollInitialMs: 10, pollMaxMs: 40 };
const base = { agentIds: [], agentGroupSize: 25, windowDays: 1, pageSize: 100, windowMaxHits: 10_000, concurrency: 4 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: 23, org: { agentCount: 6, days: 130, conversationsPerDay: 12, now: NOW }, faults: { lakeLagMs: 36 * HOUR_MS, jobQueueMs: 20, jobMsPerThousand: 20 } });
});
afterAll(async () => h?.close());
beforeEach(async () => {
  h.sim.clearJobFaults();
  await h.handle.prisma.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}, sync_runs, sync_windows, sync_rejects CASCADE`);
});

const lanes = (mode: 'auto' | 'jobs' | 'query') => ({ mode, availability: h.sim.availabilityDate(), jobWindowDays: 31, jobs });
const idsBetween = (from: Date, to: Date) => idsOf(h.sim.expected({ from, to }));
/** Of `ids`, those stored with participant attributes. */
async function attributed(ids: string[]): Promise<string[]> {
  const rows = await h.handle.prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT DISTINCT conversation_id AS id FROM participants WHERE attributes IS NOT NULL AND conversation_id = ANY($1::text[]) ORDER BY 1`,
    ids,
  );
  return rows.map((r) => r.id);
}
const withAttributesUpstream = (ids: string[]) => ids.filter((id) => h.sim.attributesOf(id) !== undefined).sort();

describe('attribute debt', () => {
  it('a window that fell back to the query 120 days ago is owed, and settling re-reads it through a job with its attributes', async () => {
    const from = new Date('2025-02-20T00:00:00Z');
    const to = new Date('2025-02-21T00:00:00Z');
    h.sim.queueJobFaults(['fail', 'fail']); // the window's two jobs fail: it falls back
    const backfill = await h.run({ kind: 'backfill', interval: { start: from, end: to }, windowDays: 1, resume: true, lanes: lanes('auto') });
    expect(backfill.status).toBe('succeeded');
    expect(backfill.laneFallbacks).toBe(1);
    const fallen = idsBetween(from, to);
    expect(withAttributesUpstream(fallen).length).toBeGreaterThan(0);
    expect(await attributed(fallen)).toEqual([]);
    expect(await findDaysWithoutAttributes(h.handle.prisma)).toEqual([dayNumber(from.getTime())]);

    const deps = runDeps({ database: h.handle }, h.client(), { logger: quietLogger, clock: () => new Date() });
    const settled = await settle(deps, { base, daysPerTick: 7, jobWindowDays: 31, jobs });
    expect(settled.daysDue).toBe(1);
    expect(settled.reports.map((r) => r.status)).toEqual(['succeeded']);
    expect(await attributed(fallen)).toEqual(withAttributesUpstream(fallen));
    expect(await findDaysWithoutAttributes(h.handle.prisma)).toEqual([]);
    // Nothing owed any more: the next tick settles nothing.
    expect((await settle(deps, { base, daysPerTick: 7, jobWindowDays: 31, jobs })).reports).toEqual([]);
  });

  it('backfill --lane jobs over a range first backfilled through the query reads it again, with attributes', async () => {
    const interval = { start: new Date('2025-05-01T00:00:00Z'), end: new Date('2025-05-04T00:00:00Z') };
    const viaQuery = await h.run({ kind: 'backfill', interval, windowDays: 1, resume: true, lanes: lanes('query') });
    expect(viaQuery.status).toBe('succeeded');
    const ids = idsBetween(interval.start, interval.end);
    expect(await attributed(ids)).toEqual([]);
    expect(await findDaysWithoutAttributes(h.handle.prisma)).toHaveLength(3);

    const viaJobs = await h.run({ kind: 'backfill', interval, windowDays: 1, resume: true, lanes: lanes('jobs') });
    expect(viaJobs.status).toBe('succeeded');
    expect(viaJobs.windowsResumed).toBe(0);
    expect(viaJobs.windowsDone).toBeGreaterThan(0);
    expect(await attributed(ids)).toEqual(withAttributesUpstream(ids));
    expect(await findDaysWithoutAttributes(h.handle.prisma)).toEqual([]);
    // The same jobs backfill again resumes: nothing left to read.
    expect((await h.run({ kind: 'backfill', interval, windowDays: 1, resume: true, lanes: lanes('jobs') })).windowsTotal).toBe(0);
  });
});
