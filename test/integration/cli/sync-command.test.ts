/**
 * `npm run sync` through its documented interface: a child process, configured by the
 * environment, judged by its exit code, its summary and the database. The sync of an interval
 * runs the source through tsx, as the npm script does; the other cases run the build, as the
 * other CLI tests do (a tsx start costs about twice the CPU, and the refusals are the same code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../src/db/migrate.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { runCli, simEnv, startCli } from '../ops/cli-process.ts';

const NOW = new Date('2025-03-20T12:00:00Z');
const TSX = { via: 'tsx' } as const;
/** No client-side pacing (the default 250 requests a minute): nothing here is about pacing. */
const NO_PACING = { GENESYS_RATE_LIMIT_PER_MIN: '100000' };

describe('npm run sync', () => {
  let sim: Simulator;
  let db: TestDatabase;
  beforeAll(async () => {
    [sim, db] = await Promise.all([
      startSimulator({ seed: 3, org: { agentCount: 8, days: 12, conversationsPerDay: 40, now: NOW } }),
      createTestDatabase({ migrate: false }),
    ]);
  });
  afterAll(async () => Promise.all([sim?.close(), db?.drop()]));

  /** `npm run sync` as a process (its exit code, `tsx src/cli.ts`); the refusals and the quarantine run in-process (runCli). */
  const run = (args: string[], options: { via?: 'tsx' } = {}) => startCli(['sync', ...args], simEnv(sim, db.url, NO_PACING), options).exited;
  const runInProcess = (command: string, args: readonly string[], extra: Record<string, string> = {}) => runCli([command, ...args], simEnv(sim, db.url, { ...NO_PACING, ...extra }));

  it('refuses an unmigrated database with a clear message and exit code 3', async () => {
    const result = await run(['--from', '2025-03-10', '--to', '2025-03-12']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/missing \d+ migration\(s\).*npm run migrate/);
    await applyMigrations(db.url);
  });

  it('rejects a bad interval or agent list before any request, with exit code 2', async () => {
    sim.resetStats();
    // Independent refusals: they run at once.
    const bad = [['--from', '2025-03-12', '--to', '2025-03-10'], ['--from', 'last tuesday'], ['--agents', 'ok,not ok']];
    const badResults = await Promise.all(bad.map((args) => runInProcess('sync', args)));
    bad.forEach((args, i) => {
      const result = badResults[i]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/--from|--agents/);
    });
    // Huge intervals: a usage error naming the bound, never "Invalid time value" nor millions of windows planned.
    const huge = [
      ['sync', ['--lookback', '100000000d'], /--lookback: "100000000d" is longer than one run may cover/],
      ['backfill', ['--from', '0001-01-01', '--to', '2025-01-01'], /longer than one run may cover \(at most 3660 days/],
      ['backfill', ['--from', '0001-01-01', '--to', '2025-01-01', '--dry-run'], /longer than one run may cover/],
      ['backfill', ['--from', '2016-01-01', '--to', '2025-01-01', '--agents', Array.from({ length: 400 }, (_, i) => `a${i}`).join(',')], /would plan \d+ query windows \(at most 100000\)/],
    ] as const;
    const hugeResults = await Promise.all(
      huge.map(([command, args]) => runInProcess(command, args, { SYNC_AGENT_GROUP_SIZE: '1' })),
    );
    huge.forEach(([, args, message], i) => {
      const result = hugeResults[i]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/Invalid time value/);
    });
    expect(sim.stats().requests.token + sim.stats().requests.detailsQuery).toBe(0);
  });

  it('syncs an interval, prints the summary and exits 0', async () => {
    const result = await run(['--from', '2025-03-10', '--to', '2025-03-15'], TSX);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sync SUCCEEDED/);
    expect(result.stdout).toMatch(/conversations\s+\d+ written/);
    const { openDatabase } = await import('../../../src/db/client.ts');
    const handle = await openDatabase(db.url);
    try {
      const stored = await handle.prisma.conversation.findMany({ select: { conversationId: true } });
      const expected = idsOf(sim.expected({ from: new Date('2025-03-10T00:00:00Z'), to: new Date('2025-03-15T00:00:00Z') }));
      expect(stored.map((r) => r.conversationId).sort()).toEqual(expected);
    } finally {
      await handle.close();
    }
  });

  it('exits 1 naming the quarantined conversation and its page when a record is malformed', async () => {
    const victim = idsOf(sim.expected({ from: new Date('2025-03-16T00:00:00Z'), to: new Date('2025-03-17T00:00:00Z') }))[0]!;
    sim.corrupt(victim, 'badConversationStart');
    const result = await runInProcess('sync', ['--from', '2025-03-16', '--to', '2025-03-18']);
    sim.clearCorruption();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/sync FAILED/);
    expect(result.stdout).toMatch(/quarantined records/);
    expect(result.stdout).toMatch(new RegExp(`conversation ${victim} \\(page \\d+\\): conversationStart`));
  });

  it('exits 3 and names the client id when Genesys rejects the credentials', async () => {
    const result = await startCli(['sync', '--lookback', '1d'], simEnv({ ...sim, clientSecret: 'wrong-secret-value' }, db.url, NO_PACING)).exited;
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toContain(sim.clientId);
    expect(result.stdout + result.stderr).not.toContain('wrong-secret-value');
  });
});
