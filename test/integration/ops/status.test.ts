import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { HOUR_MS, MINUTE_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { cliEnv, runCli, simEnv } from './cli-process.ts';

/*
 * `status` as a health check: its output (human and --json) and exit codes for a database
 * with no runs, after a real sync (healthy), after a failed run, and when the last
 * successful sync is too old; a run whose process died shows as abandoned.
 */
/** No client-side pacing (the default 250 requests a minute): nothing here is about pacing. */
const NO_PACING = { GENESYS_RATE_LIMIT_PER_MIN: '100000' };

describe('status', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  const status = (...args: string[]) => runCli(['status', ...args], cliEnv({ DATABASE_URL: db.url }));

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, org: { agentCount: 10, days: 3, conversationsPerDay: 30 } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('is unhealthy before any sync has succeeded', async () => {
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('(none yet');
    expect(result.stdout).toContain('UNHEALTHY\n  - no sync run has succeeded yet');
  });

  it('is healthy after a successful sync, with runs and freshness', async () => {
    const sync = await runCli(['sync', '--lookback', '2d'], simEnv(sim, db.url, NO_PACING));
    expect(sync.code, sync.stderr).toBe(0);

    const human = await status();
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/RECENT RUNS\n  STARTED \(UTC\) +KIND +STATUS +INTERVAL/);
    expect(human.stdout).toMatch(/ sync +succeeded /);
    expect(human.stdout).toContain('WINDOWS FAILED OR OPEN IN THESE RUNS\n  none');
    expect(human.stdout).toMatch(/newest conversation start +20\d\d-/);
    expect(human.stdout).toMatch(/REFERENCE LISTS \(names for ids\)\n  LIST +STATUS +ENTRIES[\s\S]*\n  queues +ok +6 /);
    // Both streams are read by default: each has its coverage and freshness.
    expect(human.stdout).toMatch(/\n  stream agent-activity +covered up to 20\d\d-.*; newest record start 20\d\d-/);
    expect(human.stdout).toContain("\n  agent-activity: all agents  (the worker's scope)\n    covered      20");
    expect(human.stdout).toContain('HEALTHY');

    const json = await status('--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      healthy: boolean;
      problems: string[];
      warnings: string[];
      referenceLists: Array<{ list: string; status: string }>;
      runs: Array<{ kind: string; status: string; conversationsWritten: number }>;
      freshness: { newestConversationStart: string; newestLastSyncedAt: string; lastSuccess: { ageMs: number }; streams: Array<{ stream: string; newestRecordStart: string | null }> };
      runWarnings: unknown[];
    };
    expect(report.healthy).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.referenceLists.map((l) => `${l.list}:${l.status}`)).toEqual(
      ['divisions:ok', 'languages:ok', 'presence_definitions:ok', 'queues:ok', 'skills:ok', 'wrap_up_codes:ok'],
    );
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0]).toMatchObject({ kind: 'sync', status: 'succeeded' });
    expect(report.runs[0]!.conversationsWritten).toBeGreaterThan(0);
    expect(Date.parse(report.freshness.newestConversationStart)).toBeGreaterThan(Date.now() - 3 * 24 * HOUR_MS);
    expect(report.freshness.lastSuccess.ageMs).toBeLessThan(10 * MINUTE_MS);
    expect(report.freshness.streams.map((f) => [f.stream, f.newestRecordStart !== null])).toEqual([['conversations', true], ['agent-activity', true]]);
    expect(report.runWarnings).toEqual([]);
  });

  it('exits 1 when the last run failed, listing its failed windows with their error', async () => {
    const runId = randomUUID();
    const startedAt = new Date();
    await handle.prisma.syncRun.create({
      data: {
        runId, kind: 'sync', status: 'failed', intervalStart: new Date(startedAt.getTime() - 48 * HOUR_MS), intervalEnd: startedAt,
        agentIds: [], planKey: 'test', startedAt, heartbeatAt: startedAt, finishedAt: startedAt, durationMs: 1000,
        windowsTotal: 2, windowsDone: 1, windowsFailed: 1, error: '1 window(s) failed; first: all …: 403 missing.permissions',
        windows: {
          create: [
            { scopeKey: 'all', scopeAgentIds: [], windowStart: new Date('2025-01-01T00:00:00Z'), windowEnd: new Date('2025-01-02T00:00:00Z'), status: 'failed', attempts: 1, error: 'HTTP 403 missing.permissions: analytics:conversationDetail:view' },
          ],
        },
      },
    });
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/failed +2025-01-01 00:00 → 2025-01-02 00:00 +all +run \w{8}, 1 attempt\(s\): HTTP 403 missing.permissions: analytics:conversationDetail:view/);
    expect(result.stdout).toContain(`UNHEALTHY\n  - the last run failed (sync ${runId}`);
    const json = JSON.parse((await status('--json')).stdout) as { healthy: boolean; windows: Array<{ error: string }> };
    expect(json.healthy).toBe(false);
    expect(json.windows[0]!.error).toContain('403');
    await handle.prisma.syncRun.delete({ where: { runId } });
  });

  it('exits 1 when the last successful sync is older than STATUS_MAX_AGE', async () => {
    expect((await status()).code).toBe(0);
    const old = new Date(Date.now() - 30 * HOUR_MS);
    await handle.prisma.syncRun.updateMany({ data: { startedAt: old, finishedAt: old, heartbeatAt: old } });
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/the last successful sync finished 30h 0\dm ago, older than STATUS_MAX_AGE \(26h 00m\)/);
    // A larger allowance makes the same data healthy.
    const relaxed = await runCli(['status'], cliEnv({ DATABASE_URL: db.url, STATUS_MAX_AGE: '2d' }));
    expect(relaxed.code).toBe(0);
  });

  it('shows a run whose process died as abandoned, and honours --limit', async () => {
    const stale = new Date(Date.now() - HOUR_MS);
    await handle.prisma.syncRun.create({
      data: { runId: randomUUID(), kind: 'backfill', status: 'running', intervalStart: new Date('2025-01-01T00:00:00Z'), intervalEnd: new Date('2025-02-01T00:00:00Z'), agentIds: [], planKey: 'x', startedAt: stale, heartbeatAt: stale },
    });
    const result = await status('--limit', '1');
    expect(result.stdout).toMatch(/ backfill +abandoned +2025-01-01 00:00 → 2025-02-01 00:00 +0\/0\/0 +0 +0 +heartbeat 1h 00m ago/);
    expect(result.stdout).not.toMatch(/ sync +succeeded /);
    expect((await runCli(['status', '--limit', 'x'], cliEnv({ DATABASE_URL: db.url }))).code).toBe(2);
  });

  it('stays healthy when a reference list is forbidden, and names the missing permission', async () => {
    sim.setFaults({ forbiddenLists: ['wrap_up_codes'] });
    try {
      const sync = await runCli(['sync', '--lookback', '1d'], simEnv(sim, db.url, NO_PACING));
      expect(sync.code, sync.stderr).toBe(0);
    } finally {
      sim.setFaults({ forbiddenLists: [] });
    }
    const human = await status('--limit', '1');
    expect(human.code, human.stdout).toBe(0);
    expect(human.stdout).toMatch(/\n  wrap_up_codes +forbidden +– +/);
    expect(human.stdout).toContain('  warning: wrap_up_codes could not be read: the OAuth client lacks the permission routing:wrapupCode:view');
    const json = JSON.parse((await status('--json')).stdout) as { healthy: boolean; warnings: string[] };
    expect(json.healthy).toBe(true);
    expect(json.warnings).toEqual(['wrap_up_codes could not be read: the OAuth client lacks the permission routing:wrapupCode:view']);
  });
});
