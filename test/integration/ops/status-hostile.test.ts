import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { cliEnv, runCli, simEnv } from './cli-process.ts';

/*
 * `status` in a hostile environment (docs/reliability.md, "Hostile environment: paging and
 * status"), through the CLI: a hole too long for one backfill (a sync with a typo'd year), and
 * a ledger column dropped by hand.
 */
/** No client-side pacing (the default 250 requests a minute): nothing here is about pacing. */
const NO_PACING = { GENESYS_RATE_LIMIT_PER_MIN: '100000' };

describe('status, hostile', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  const status = (...args: string[]) => runCli(['status', ...args], cliEnv({ DATABASE_URL: db.url }));

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, org: { agentCount: 6, days: 3, conversationsPerDay: 20 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('after a sync with a typo\'d year, suggests only backfills the CLI accepts, and each one runs', async () => {
    const typo = await runCli(['sync', '--from', '2012-06-01', '--to', '2012-06-02'], simEnv(sim, db.url, NO_PACING));
    expect(typo.code, typo.stderr).toBe(0);
    const rolling = await runCli(['sync', '--lookback', '2d'], simEnv(sim, db.url, NO_PACING));
    expect(rolling.code, rolling.stderr).toBe(0);
    const human = await status();
    expect(human.code).toBe(1);
    const hole = /\n {4}hole +2012-06-02 00:00 → .*\n/.exec(human.stdout)?.[0] ?? '';
    // 3660 days from 2012-06-02 is 2022-06-10; the second run ends on the day after the hole.
    // The first hole listed is the conversation stream's; its backfills read that stream alone.
    expect(hole).toMatch(/2 backfills \(one run covers at most 3660 days\): npm run backfill -- --from 2012-06-02 --to 2022-06-10 --streams conversations; npm run backfill -- --from 2022-06-10 --to \d{4}-\d\d-\d\d --streams conversations\n/);
    const commands = [...hole.matchAll(/npm run backfill -- (--from [\d-]+ --to [\d-]+)/g)].map((m) => m[1]!.split(' '));
    expect(commands).toHaveLength(2);
    // Each suggested command is accepted by the CLI (a dry run validates the interval and the plan exactly as the run would)...
    // (the three dry runs are independent: they run at once)
    const [whole, ...dries] = await Promise.all([
      runCli(['backfill', '--from', '2012-06-02', '--to', commands[1]![3]!, '--dry-run'], simEnv(sim, db.url, NO_PACING)),
      ...commands.map((args) => runCli(['backfill', ...args, '--dry-run'], simEnv(sim, db.url, NO_PACING))),
    ]);
    commands.forEach((args, i) => {
      const dry = dries[i]!;
      expect(dry.code, `${args.join(' ')}: ${dry.stderr}`).toBe(0);
    });
    // ...while the single command status used to suggest is refused.
    expect(whole.code).toBe(2);
    expect(whole.stderr).toContain('longer than one run may cover');
  });

  it('names a ledger column dropped by hand, and the fix', async () => {
    await handle.prisma.$executeRawUnsafe('ALTER TABLE sync_windows DROP COLUMN lane');
    const argsList = [[], ['--json']];
    const results = await Promise.all(argsList.map((args) => status(...args)));
    for (const result of results) {
      expect(result.code).toBe(3);
      // No half report, no JSON, no stack: the one log line carries the same message.
      expect(result.stdout).not.toMatch(/RECENT RUNS|"healthy"|"stack"/);
      expect(result.stderr).toMatch(/^error: the ledger has no column sync_windows\.lane \(it is created by migration 20261130041243_quarantine_lanes_fetched_at/);
      expect(result.stderr).toContain('Run `npm run migrate`; if it applies nothing, the column was dropped after its migration ran');
      expect(result.stderr).not.toMatch(/Invalid `db|findMany|\.ts:\d+/);
    }
  });
});
