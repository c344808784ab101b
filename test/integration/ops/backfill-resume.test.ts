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
const SLOW = { SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', BACKFILL_WINDOW_DAYS: '1' };

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
    // The killed run could not record its end: it stays `running` until its heartbeat goes stale.
    expect((await handle.prisma.syncRun.findFirstOrThrow()).status).toBe('running');

    sim.setFaults({ latencyMs: 0 });
    sim.resetStats();
    const second = await runCli(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('backfill SUCCEEDED');
    expect(second.stdout).toMatch(new RegExp(`\\(${doneBeforeRestart} already done by an earlier run, skipped\\)`));
    const resumedRequests = sim.stats().requests.detailsQuery;

    sim.resetStats();
    const full = await runCli(args, simEnv(sim, fullDb.url, SLOW));
    expect(full.code, full.stderr).toBe(0);
    const fullRequests = sim.stats().requests.detailsQuery;
    expect(resumedRequests).toBeGreaterThan(0);
    expect(resumedRequests).toBeLessThan(fullRequests);

    const expected = sim.expected(interval).map((c) => c.conversationId).sort();
    expect(expected.length).toBeGreaterThan(200);
    const stored = await handle.prisma.$queryRawUnsafe<Array<{ id: string }>>('SELECT conversation_id AS id FROM conversations ORDER BY 1');
    expect(stored.map((r) => r.id)).toEqual(expected);
    const [dups] = await handle.prisma.$queryRawUnsafe<Array<{ participants: number; distinct_participants: number }>>(
      `SELECT count(*)::int AS participants,
              count(DISTINCT (conversation_id, participant_id))::int AS distinct_participants FROM participants`,
    );
    expect(dups!.participants).toBe(dups!.distinct_participants);

    const runs = await handle.prisma.syncRun.findMany({ orderBy: { startedAt: 'asc' } });
    expect(runs.map((r) => r.status)).toEqual(['running', 'succeeded']);
    expect(runs[0]!.planKey).toBe(runs[1]!.planKey);
    expect(runs[1]!.windowsTotal).toBe(7 - doneBeforeRestart);
  });
});
