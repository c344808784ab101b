import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { formatSpan } from '../../../src/decisions/text.ts';
import { DAY_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { cliEnv, runCli, simEnv, startCli } from './cli-process.ts';

/*
 * Coverage and catch-up through the documented interface: the `sync`, `backfill`, `status`
 * and `worker` commands as real processes against the simulator and a real Postgres. A
 * rolling run catches up after an outage longer than its lookback; a failed window and a
 * catch-up cut by SYNC_MAX_CATCH_UP leave holes that `status` reports (exit 1) until the
 * backfill it names fills them.
 */
const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
/** The UTC date `n` days before today, as the CLI takes it. */
const day = (n: number) => new Date(today - n * DAY_MS).toISOString().slice(0, 10);
const at = (n: number) => new Date(today - n * DAY_MS);
/** Each test runs up to ten CLI processes (a few seconds each on a loaded machine). */
const CLI_HEAVY_MS = 300_000;
// No client-side pacing (the default 250 requests a minute spaces a run's dozen requests over
// seconds) and quick polls of the backfills' jobs (the default starts at 1 s): nothing here is
// about pacing or polling.
const FAST = {
  SYNC_WINDOW_DAYS: '1', BACKFILL_WINDOW_DAYS: '1', GENESYS_MAX_RETRIES: '0',
  GENESYS_RATE_LIMIT_PER_MIN: '100000', JOBS_POLL_INTERVAL: '0.05s', JOBS_POLL_MAX: '0.2s',
};

interface StatusJson {
  healthy: boolean;
  problems: string[];
  coverage: Array<{ scopeKey: string; worker: boolean; covered: Array<{ start: string; end: string }>; holes: Array<{ start: string; end: string }> }>;
  workerCoverage: Array<{ stream: string; scopeKey: string; holes: Array<{ start: string; end: string }> }>;
}

// The tests are independent (each its own database; the one that injects faults its own
// simulator), so they run at once: their time is mostly CLI processes starting and waiting.
describe.concurrent('coverage, catch-up and holes', () => {
  let sim: Simulator;
  const sims: Simulator[] = [];
  const dbs: TestDatabase[] = [];
  const newSim = async () => {
    const s = await startSimulator({ seed: 11, org: { agentCount: 6, days: 16, conversationsPerDay: 12 } });
    sims.push(s);
    return s;
  };

  beforeAll(async () => {
    sim = await newSim();
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await Promise.all(dbs.map((d) => d.drop()));
  });

  async function freshDb() {
    const db = await createTestDatabase();
    dbs.push(db);
    return { db, handle: await db.open() };
  }
  const cli = (db: TestDatabase, args: string[], extra: Record<string, string> = {}, on: Simulator = sim) =>
    runCli(args, simEnv(on, db.url, { ...FAST, ...extra }));
  const status = async (db: TestDatabase, extra: Record<string, string> = {}) => {
    const [human, json] = await Promise.all([
      runCli(['status'], cliEnv({ DATABASE_URL: db.url, ...extra })),
      runCli(['status', '--json'], cliEnv({ DATABASE_URL: db.url, ...extra })),
    ]);
    return { human, json: JSON.parse(json.stdout) as StatusJson, jsonCode: json.code };
  };
  /** The backfill command status suggests for the hole, as argv. */
  const hintedBackfill = (stdout: string) => {
    const match = /npm run backfill -- (--from \S+ --to \S+)/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    return ['backfill', ...match![1]!.split(' ')];
  };

  it('reports a hole left by a failed window, exits 1, and is healthy again once the named backfill fills it', async () => {
    // Its own simulator: the faults below must not reach the other tests, running meanwhile.
    const [{ db }, own] = await Promise.all([freshDb(), newSim()]);
    expect((await cli(db, ['sync', '--from', day(6), '--to', day(5)], {}, own)).code).toBe(0);
    own.setFaults({ serverErrorRate: 1 });
    const failed = await cli(db, ['sync', '--from', day(5), '--to', day(4)], {}, own);
    own.setFaults({ serverErrorRate: 0 });
    expect(failed.code).toBe(1);
    expect((await cli(db, ['sync', '--from', day(4), '--to', day(3)], {}, own)).code).toBe(0);

    const before = await status(db);
    expect(before.human.code).toBe(1);
    const hole = `${day(5)} 00:00 → ${day(4)} 00:00`;
    expect(before.human.stdout).toContain("COVERAGE (time ranges whose windows are all done, per stream and agent scope)\n  conversations: all agents  (the worker's scope)");
    expect(before.human.stdout).toContain(`covered      ${day(6)} 00:00 → ${day(5)} 00:00, ${day(4)} 00:00 → ${day(3)} 00:00`);
    expect(before.human.stdout).toContain(`hole         ${hole}  (1 day)  npm run backfill -- --from ${day(5)} --to ${day(4)}`);
    // The last run succeeded: the hole alone makes status unhealthy.
    expect(before.human.stdout).not.toContain('the last run failed');
    expect(before.human.stdout).toContain(`  - the worker's scope all has a hole in its lookback or catch-up range: ${hole} (1 day) of conversations`);
    expect(before.jsonCode).toBe(1);
    // Agent activity is read by default: the failed run left the same hole in that stream, shown and checked too.
    expect(before.human.stdout).toContain(`hole         ${hole}  (1 day)  npm run backfill -- --from ${day(5)} --to ${day(4)} --streams agent-activity`);
    expect(before.json.workerCoverage.map((w) => [w.stream, w.holes])).toEqual(
      ['conversations', 'agent-activity'].map((stream) => [stream, [{ start: at(5).toISOString(), end: at(4).toISOString() }]]),
    );

    expect((await cli(db, hintedBackfill(before.human.stdout), {}, own)).code).toBe(0);
    const after = await status(db);
    expect(after.human.code, after.human.stdout).toBe(0);
    expect(after.json.coverage[0]).toMatchObject({ scopeKey: 'all', worker: true, holes: [] });
    expect(after.json.coverage[0]!.covered).toEqual([{ start: at(6).toISOString(), end: at(3).toISOString() }]);
  }, CLI_HEAVY_MS);

  it('a rolling sync down for longer than its lookback catches up to where coverage ended, losing no day', async () => {
    const { db, handle } = await freshDb();
    expect((await cli(db, ['sync', '--from', day(14), '--to', day(10)])).code).toBe(0);
    const rolling = await cli(db, ['sync'], { SYNC_LOOKBACK: '3d' });
    expect(rolling.code, rolling.stderr).toBe(0);
    const run = await handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    // Ten days and the hours of today so far: "10.4 days" in the morning, "11 days" late in the day.
    const span = formatSpan(run.intervalEnd.getTime() - run.intervalStart.getTime());
    expect(rolling.stdout).toContain(
      `\ncatching up: covering ${span} (${day(10)}T00:00:00.000Z → ${run.intervalEnd.toISOString()}): the last coverage of scope all ended ${day(10)}T00:00:00.000Z, before the lookback of 3 days\n`,
    );
    expect(run.intervalStart).toEqual(at(10));
    expect(run.catchUpFrom).toEqual(at(10));
    const stored = (await handle.prisma.conversation.findMany({ select: { conversationId: true } })).map((c) => c.conversationId).sort();
    expect(stored).toEqual(idsOf(sim.expected({ from: at(14), to: run.intervalEnd })));

    const report = await status(db, { SYNC_LOOKBACK: '3d' });
    expect(report.human.code, report.human.stdout).toBe(0);
    expect(report.json.coverage[0]!.covered).toEqual([{ start: at(14).toISOString(), end: run.intervalEnd.toISOString() }]);

    // Coverage is fresh now: the next rolling run uses the lookback, and says nothing about catching up.
    const next = await cli(db, ['sync'], { SYNC_LOOKBACK: '3d' });
    expect(next.stdout).not.toContain('catching up');
    const latest = await handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    expect(latest.intervalEnd.getTime() - latest.intervalStart.getTime()).toBe(3 * DAY_MS);
  }, CLI_HEAVY_MS);

  it('SYNC_MAX_CATCH_UP keeps the most recent part; the rest is a hole status reports until a backfill fills it', async () => {
    const { db, handle } = await freshDb();
    expect((await cli(db, ['sync', '--from', day(14), '--to', day(12)])).code).toBe(0);
    const capped = await cli(db, ['sync'], { SYNC_LOOKBACK: '3d', SYNC_MAX_CATCH_UP: '5d' });
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.stdout).toMatch(/^catch-up cut by SYNC_MAX_CATCH_UP \(5 days\): covering 5 days /m);
    const run = await handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    expect(run.intervalEnd.getTime() - run.intervalStart.getTime()).toBe(5 * DAY_MS);
    expect(run.catchUpFrom).toEqual(at(12));
    expect(capped.stdout).toContain(`${at(12).toISOString()} → ${run.intervalStart.toISOString()} stays a hole: npm run backfill -- --from ${day(12)}`);

    const env = { SYNC_LOOKBACK: '3d', SYNC_MAX_CATCH_UP: '5d' };
    const before = await status(db, env);
    expect(before.human.code).toBe(1);
    expect(before.json.workerCoverage[0]).toMatchObject({ stream: 'conversations', holes: [{ start: at(12).toISOString(), end: run.intervalStart.toISOString() }] });
    expect(before.human.stdout).toContain("  - the worker's scope all has a hole in its lookback or catch-up range");

    expect((await cli(db, hintedBackfill(before.human.stdout))).code).toBe(0);
    const after = await status(db, env);
    expect(after.human.code, after.human.stdout).toBe(0);
    expect(after.json.coverage[0]!.holes).toEqual([]);
    const stored = (await handle.prisma.conversation.findMany({ select: { conversationId: true } })).map((c) => c.conversationId).sort();
    expect(stored).toEqual(idsOf(sim.expected({ from: at(14), to: run.intervalEnd })));
  }, CLI_HEAVY_MS);

  it('the worker catches up on its first tick after an outage longer than its lookback', async () => {
    const { db, handle } = await freshDb();
    expect((await cli(db, ['sync', '--from', day(9), '--to', day(8)])).code).toBe(0);
    const worker = startCli(['worker'], simEnv(sim, db.url, { ...FAST, SYNC_LOOKBACK: '2d', SYNC_RUN_ON_START: 'true', SYNC_SCHEDULE: '0 0 1 1 *' }));
    try {
      // Eight days and today's hours so far: "8.4 days" in the morning, "9 days" late in the day.
      const catchingUp = await worker.waitForLog((l) => typeof l.msg === 'string' && /^catching up: covering (8(\.\d)?|9) days/.test(l.msg), 60_000);
      expect(catchingUp.catchUpFrom).toBe(at(8).toISOString());
      const done = await worker.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('run succeeded'), 90_000);
      expect(String(done.msg)).toContain(String(catchingUp.msg));
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    const run = await handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    expect(run).toMatchObject({ status: 'succeeded', intervalStart: at(8), catchUpFrom: at(8) });
  }, CLI_HEAVY_MS);
});
