import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { startCli, simEnv, type CliProcess } from '../ops/cli-process.ts';
import { inconsistentConversations, msg, storedIds } from './support.ts';

/*
 * Two processes on one database, started at the same moment (a rolling deploy, a second
 * container by mistake, a manual run beside the scheduled one):
 * - two `worker` processes that both run at start: the advisory lock lets exactly one sync,
 *   the other skips and says so;
 * - two one-shot `sync` processes over the same interval: both succeed, and every
 *   conversation is stored once, whole.
 */
const NOW = new Date('2025-06-20T12:00:00Z');

describe('two processes on one database', () => {
  let sim: Simulator;
  /** The worker syncs a rolling interval ending now: this simulator's data follows the wall clock. */
  let liveSim: Simulator;
  const dbs: TestDatabase[] = [];
  const children: CliProcess[] = [];

  beforeAll(async () => {
    [sim, liveSim] = await Promise.all([
      startSimulator({ seed: 51, org: { agentCount: 12, days: 8, conversationsPerDay: 40, now: NOW } }),
      startSimulator({ seed: 52, org: { agentCount: 12, days: 4, conversationsPerDay: 40 } }),
    ]);
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await Promise.all([sim?.close(), liveSim?.close()]);
    await Promise.all(dbs.map((d) => d.drop()));
  });

  async function database() {
    const db = await createTestDatabase();
    dbs.push(db);
    return { db, handle: await db.open() };
  }

  it('two workers started together: exactly one runs the sync, the other skips on the advisory lock', async () => {
    const { db, handle } = await database();
    // A schedule that does not fire during the test (midnight, January 1st); each runs at start.
    // Paced at 300 requests a minute the run lasts several seconds, longer than start-up skew.
    const env = simEnv(liveSim, db.url, {
      SYNC_RUN_ON_START: 'true', SYNC_SCHEDULE: '0 0 1 1 *', SYNC_LOOKBACK: '3d', SYNC_WINDOW_DAYS: '1',
      SYNC_PAGE_SIZE: '10', SYNC_CONCURRENCY: '1', GENESYS_RATE_LIMIT_PER_MIN: '300',
      // The conversation stream alone: pages of 10 paced at 300 a minute size the run for conversations.
      SYNC_STREAMS: 'conversations',
      // The lock is under test, not settling (whose job runs would add ledger rows and whole days).
      SETTLE_ENABLED: 'false',
    });
    const workers = [startCli(['worker'], env), startCli(['worker'], env)];
    children.push(...workers);
    const outcome = (w: CliProcess) =>
      Promise.race([
        w.waitForLog(msg('run succeeded'), 90_000).then(() => 'ran' as const),
        w.waitForLog(msg('another worker holds the run lock'), 90_000).then(() => 'skipped' as const),
      ]);
    const outcomes = await Promise.all(workers.map(outcome));
    expect([...outcomes].sort()).toEqual(['ran', 'skipped']);
    // Idle again (the tick has released the lock and logs when the schedule fires next): stop both.
    await Promise.all(workers.map((w) => w.waitForLog(msg('next run due at'), 30_000)));
    for (const w of workers) w.child.kill('SIGTERM');
    const results = await Promise.all(workers.map((w) => w.exited));
    // Neither had a run in flight when stopped.
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    for (const [i, r] of results.entries()) {
      expect(r.logs.filter(msg('run starting'))).toHaveLength(outcomes[i] === 'ran' ? 1 : 0);
    }

    const runs = await handle.prisma.syncRun.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('succeeded');
    const expected = idsOf(liveSim.expected({ from: runs[0]!.intervalStart, to: runs[0]!.intervalEnd }));
    expect(expected.length).toBeGreaterThan(50);
    expect(await storedIds(handle)).toEqual(expected);
  });

  it('two one-shot syncs over the same interval at once: both exit 0, each conversation stored once and whole', async () => {
    const { db, handle } = await database();
    const args = ['sync', '--from', '2025-06-13', '--to', '2025-06-19'];
    // The conversation stream alone: each conversation stored once and whole is the subject.
    const fast = { GENESYS_RATE_LIMIT_PER_MIN: '100000', SYNC_PAGE_SIZE: '20', SYNC_STREAMS: 'conversations' };
    // Different window sizes, so their pages overlap in different ways.
    const syncs = [startCli(args, simEnv(sim, db.url, { ...fast, SYNC_WINDOW_DAYS: '1' })), startCli(args, simEnv(sim, db.url, { ...fast, SYNC_WINDOW_DAYS: '3' }))];
    children.push(...syncs);
    const results = await Promise.all(syncs.map((s) => s.exited));
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('sync SUCCEEDED');
    }
    const runs = await handle.prisma.syncRun.findMany();
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    // Both wrote every conversation; the runs overlapped in time.
    const expected = sim.expected({ from: new Date('2025-06-13T00:00:00Z'), to: new Date('2025-06-19T00:00:00Z') });
    for (const r of runs) expect(r.conversationsWritten).toBe(idsOf(expected).length);
    const [a, b] = runs.sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime());
    expect(b!.startedAt.getTime()).toBeLessThan(a!.finishedAt!.getTime());
    expect(await storedIds(handle)).toEqual(idsOf(expected));
    expect(await inconsistentConversations(handle)).toEqual([]);
    for (const row of await handle.prisma.conversation.findMany({ select: { conversationId: true, raw: true } })) {
      expect(row.raw).toEqual(expected.find((c) => c.conversationId === row.conversationId));
    }
  });
});
