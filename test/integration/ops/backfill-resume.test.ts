import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { runCli, simEnv, startCli, until } from './cli-process.ts';

/*
 * A backfill killed with SIGKILL part-way (no chance to clean up) and restarted with the same
 * arguments finishes the job: it fetches only the windows the ledger does not show as done,
 * and the database ends up holding exactly the API's conversations, each once.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const FROM = '2025-06-11';
const TO = '2025-06-18';
const interval = { from: new Date(`${FROM}T00:00:00Z`), to: new Date(`${TO}T00:00:00Z`) };
// Small pages, one request at a time and simulated latency make each day-window take about
// two seconds, so the kill lands between windows that are done and windows that are not.
// The query lane throughout (the jobs lane's resume is covered in lanes-backfill.test.ts).
// The conversation stream alone: its resume is what is counted here.
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', BACKFILL_WINDOW_DAYS: '1', BACKFILL_LANE: 'query', SYNC_STREAMS: 'conversations' };
/** The same plan without client-side pacing, for the runs no kill has to land in. */
const FAST = { ...SLOW, GENESYS_RATE_LIMIT_PER_MIN: '100000' };

describe('backfill killed and restarted', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let fullDb: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, org: { agentCount: 20, days: 14, conversationsPerDay: 40, now: NOW } });
    [db, fullDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
    await fullDb?.drop();
  });

  it('resumes from the ledger with fewer requests than a full backfill and stores exactly the expected set', async () => {
    const args = ['backfill', '--from', FROM, '--to', TO];
    const env = simEnv(sim, db.url, SLOW);

    sim.setFaults({ latencyMs: 300 });
    const first = startCli(args, env);
    const doneWindows = () => handle.prisma.syncWindow.count({ where: { status: 'done' } });
    await until(async () => (await doneWindows()) >= 2, 90_000, 'two windows done');
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const doneBeforeRestart = await doneWindows();
    expect(doneBeforeRestart).toBeGreaterThanOrEqual(2);
    expect(doneBeforeRestart).toBeLessThan(7);
    // The killed run could not record its end: it stays `running` until the next run (or status)
    // finds its liveness lease free.
    expect((await handle.prisma.syncRun.findFirstOrThrow()).status).toBe('running');

    sim.setFaults({ latencyMs: 0 });
    sim.resetStats();
    const second = await runCli(args, simEnv(sim, db.url, FAST));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('backfill SUCCEEDED');
    expect(second.stdout).toMatch(new RegExp(`\\(${doneBeforeRestart} already done by an earlier run, skipped\\)`));
    const resumedRequests = sim.stats().requests.detailsQuery;

    sim.resetStats();
    const full = await runCli(args, simEnv(sim, fullDb.url, FAST));
    expect(full.code, full.stderr).toBe(0);
    const fullRequests = sim.stats().requests.detailsQuery;
    expect(resumedRequests).toBeGreaterThan(0);
    expect(resumedRequests).toBeLessThan(fullRequests);

    // The sync covers every agent's conversations (the query filters on purpose = agent):
    // conversations no agent ever joined (abandoned in queue or IVR) are out of its scope.
    const expected = sim
      .expected(interval)
      .filter((c) => c.participants.some((p) => p.purpose === 'agent'))
      .map((c) => c.conversationId)
      .sort();
    expect(expected.length).toBeGreaterThan(200);
    const stored = await handle.prisma.$queryRawUnsafe<Array<{ id: string }>>('SELECT conversation_id AS id FROM conversations ORDER BY 1');
    expect(stored.map((r) => r.id)).toEqual(expected);
    const [dups] = await handle.prisma.$queryRawUnsafe<Array<{ participants: number; distinct_participants: number }>>(
      `SELECT count(*)::int AS participants,
              count(DISTINCT (conversation_id, participant_id))::int AS distinct_participants FROM participants`,
    );
    expect(dups!.participants).toBe(dups!.distinct_participants);

    const runs = await handle.prisma.syncRun.findMany({ orderBy: { startedAt: 'asc' } });
    // The restart found the killed run's lease free and marked it interrupted at once.
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    expect(runs[0]!.planKey).toBe(runs[1]!.planKey);
    expect(runs[1]!.windowsTotal).toBe(7 - doneBeforeRestart);
  });

  it('prints the plan with --dry-run from the ledger alone: no run recorded, no request to Genesys', async () => {
    sim.resetStats();
    const runsBefore = await handle.prisma.syncRun.count();
    const same = await runCli(['backfill', '--from', FROM, '--to', TO, '--dry-run'], simEnv(sim, db.url, SLOW));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('backfill DRY RUN');
    expect(same.stdout).toContain('7 planned, 7 already done by earlier runs with this plan, 0 to fetch');

    // Another plan over the same day-windows: nothing counts as done, but the page counts the
    // backfill recorded for those windows size the estimate.
    const pages = await handle.prisma.syncWindow.aggregate({ _sum: { pages: true }, where: { status: 'done' } });
    const other = await runCli(['sync', '--from', FROM, '--to', TO, '--dry-run'], simEnv(sim, db.url, { ...SLOW, SYNC_WINDOW_DAYS: '1' }));
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toContain('7 planned, 0 already done by earlier runs with this plan');
    expect(other.stdout).toContain(`requests   at least ${pages._sum.pages! + 4} `);
    expect(other.stdout).toMatch(/all +7 windows +0 done +7 to fetch +≥\d+ requests \(7 sized from the ledger\)/);

    expect(await handle.prisma.syncRun.count()).toBe(runsBefore);
    expect(sim.stats().requests).toEqual({ token: 0, users: 0, referenceLists: 0, detailsQuery: 0, detailsJobs: 0, userActivity: 0, other: 0 });
  });
});
