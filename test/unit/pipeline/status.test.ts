import { describe, expect, it } from 'vitest';
import type { ScopeCoverageRow } from '../../../src/db/coverage.ts';
import {
  assessHealth,
  assessRejects,
  assessWorkerCoverage,
  coverageProblems,
  displayStatus,
  formatBackfills,
  groupRunWarnings,
  planBackfills,
  referenceListWarnings,
  type Freshness,
  type RunRow,
  type StatusReport,
} from '../../../src/pipeline/status.ts';
import { formatStatus } from '../../../src/present/status.ts';
import { backfillHint } from '../../../src/decisions/text.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../src/time.ts';

const NOW = new Date(Date.UTC(2025, 5, 1, 12, 0));

const run = (over: Partial<RunRow>): RunRow => ({
  runId: '00000000-0000-4000-8000-000000000001',
  kind: 'sync',
  status: 'succeeded',
  intervalStart: new Date(NOW.getTime() - 7 * 24 * HOUR_MS),
  intervalEnd: new Date(NOW.getTime() - 2 * MINUTE_MS),
  startedAt: new Date(NOW.getTime() - HOUR_MS),
  finishedAt: new Date(NOW.getTime() - HOUR_MS + 5 * MINUTE_MS),
  heartbeatAt: new Date(NOW.getTime() - HOUR_MS + 5 * MINUTE_MS),
  durationMs: 5 * MINUTE_MS,
  windowsTotal: 2,
  windowsDone: 2,
  windowsFailed: 0,
  requests: 30,
  rateLimited: 0,
  conversationsWritten: 1400,
  host: 'h',
  error: null,
  deadReason: null,
  heartbeatAgeMs: null,
  warnings: [],
  ...over,
});

const fresh = (ageMs: number | null): Freshness => ({
  newestConversationStart: null,
  newestLastSyncedAt: null,
  lastSuccess: ageMs === null ? null : { runId: 'r', kind: 'sync', finishedAt: new Date(NOW.getTime() - ageMs), ageMs },
  streams: [],
});

describe('displayStatus', () => {
  it('shows a running run whose process is gone as abandoned', () => {
    expect(displayStatus('running', false)).toBe('running');
    expect(displayStatus('running', true)).toBe('abandoned');
    expect(displayStatus('interrupted', true)).toBe('interrupted');
  });
});

describe('assessHealth', () => {
  const maxAge = 26 * HOUR_MS;

  it('is healthy when the last run succeeded recently', () => {
    expect(assessHealth([run({})], fresh(HOUR_MS), maxAge)).toEqual([]);
  });

  it('is unhealthy when the last finished run failed, ignoring a run still going', () => {
    const problems = assessHealth([run({ status: 'running' }), run({ status: 'failed', error: '1 window(s) failed' })], fresh(HOUR_MS), maxAge);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^the last run failed .*: 1 window\(s\) failed$/);
  });

  it('is unhealthy when the last successful sync is older than STATUS_MAX_AGE, or there is none', () => {
    expect(assessHealth([run({})], fresh(27 * HOUR_MS), maxAge)[0]).toContain('older than STATUS_MAX_AGE (26h 00m)');
    expect(assessHealth([], fresh(null), maxAge)).toEqual(['no sync run has succeeded yet']);
  });

  it('does not count an interrupted or abandoned run as a failure', () => {
    expect(assessHealth([run({ status: 'abandoned' }), run({ status: 'interrupted' })], fresh(HOUR_MS), maxAge)).toEqual([]);
  });
});

describe('assessRejects', () => {
  it('is unhealthy while any quarantined record is open, naming the newest', () => {
    const listed = [{ stream: 'conversations', rejectKey: 'c-1', conversationId: 'c-1', runId: 'r', page: 'page 2', error: 'bad', firstSeenAt: NOW, lastSeenAt: NOW, timesSeen: 1 }];
    expect(assessRejects({ open: 0, listed: [] })).toEqual([]);
    expect(assessRejects({ open: 1, listed })[0]).toBe('1 record(s) quarantined in sync_rejects and not stored since; newest: conversation c-1 (page 2): bad');
    const status = { ...listed[0]!, stream: 'agent-activity', rejectKey: 'presence|u-1|2025-05-30T08:00:00.000Z', conversationId: null };
    expect(assessRejects({ open: 1, listed: [status] })[0]).toContain('newest: agent-activity record presence|u-1|2025-05-30T08:00:00.000Z (page 2)');
  });
});

describe('formatStatus', () => {
  it('prints the runs table, open windows and the verdict', () => {
    const report: StatusReport = {
      now: NOW,
      maxAgeMs: 26 * HOUR_MS,
      runs: [run({ status: 'failed', windowsFailed: 1, error: 'boom' })],
      runWarnings: [],
      windows: [
        {
          runId: '00000000-0000-4000-8000-000000000001',
          scopeKey: 'all',
          windowStart: new Date(Date.UTC(2025, 4, 30)),
          windowEnd: new Date(Date.UTC(2025, 4, 31)),
          status: 'failed',
          attempts: 1,
          error: '403 missing permission',
        },
      ],
      windowsNotListed: 0,
      freshness: fresh(HOUR_MS),
      referenceLists: [],
      coverage: [
        {
          stream: 'conversations',
          scopeKey: 'all',
          agentIds: [],
          worker: true,
          newestCoveredEnd: new Date(Date.UTC(2025, 5, 1, 11, 58)),
          covered: [
            { start: new Date(Date.UTC(2025, 4, 25, 12)), end: new Date(Date.UTC(2025, 4, 30)) },
            { start: new Date(Date.UTC(2025, 4, 31)), end: new Date(Date.UTC(2025, 5, 1, 11, 58)) },
          ],
          coveredNotListed: 2,
          holes: [{ start: new Date(Date.UTC(2025, 4, 30)), end: new Date(Date.UTC(2025, 4, 31)) }],
          holesNotListed: 4,
          inProgress: [],
          purged: [{ start: new Date(Date.UTC(2024, 0, 1)), end: new Date(Date.UTC(2024, 5, 1)) }],
        },
      ],
      scopesNotListed: 0,
      workerCoverage: [{ stream: 'conversations', scopeKey: 'all', checked: [], holes: [] }],
      rejects: {
        open: 3,
        listed: [
          {
            stream: 'conversations',
            rejectKey: 'conv-bad',
            conversationId: 'conv-bad',
            runId: '00000000-0000-4000-8000-000000000001',
            page: 'page 4',
            error: 'participants.0.purpose: Invalid input',
            firstSeenAt: new Date(Date.UTC(2025, 4, 30)),
            lastSeenAt: new Date(Date.UTC(2025, 4, 31)),
            timesSeen: 2,
          },
        ],
      },
      settling: { lastRun: { runId: 'r', status: 'succeeded', startedAt: new Date(NOW.getTime() - 2 * HOUR_MS), finishedAt: NOW }, daysAwaiting: 2, oldestAwaiting: '2025-05-30', attributeDebt: [
        { from: '2025-03-02', to: '2025-03-04', days: 2, command: 'npm run backfill -- --lane jobs --from 2025-03-02 --to 2025-03-04' },
      ] },
      mirror: { markedDeleted: 3, recent: { since: NOW, deleted: 2, withheld: 1, expired: 40 }, purgedBefore: new Date(Date.UTC(2024, 5, 1)) },
      healthy: false,
      problems: ['the last run failed'],
      warnings: [],
    };
    const text = formatStatus(report);
    expect(text).toContain('settling                   2 query-read day(s) not yet re-read through a job (oldest 2025-05-30;');
    expect(text).toContain('last settle run succeeded, 2025-06-01T10:00:00.000Z (2h 00m ago)');
    expect(text).toContain('conv-bad  page 4, run 00000000, seen 2x, last 2025-05-31 00:00: participants.0.purpose: Invalid input');
    expect(text).toContain('… and 2 more');
    expect(text).toContain('STARTED (UTC)     KIND  STATUS  INTERVAL');
    expect(text).toContain('2025-06-01 11:00  sync  failed  2025-05-25 12:00 → 2025-06-01 11:58  2/1/2');
    expect(text).toContain('failed   2025-05-30 00:00 → 2025-05-31 00:00  all  run 00000000, 1 attempt(s): 403 missing permission');
    expect(text).toContain(
      [
        'COVERAGE (time ranges whose windows are all done, per stream and agent scope)',
        "  conversations: all agents  (the worker's scope)",
        '    covered      2025-05-25 12:00 → 2025-05-30 00:00, 2025-05-31 00:00 → 2025-06-01 11:58 (and 2 older range(s))',
        '    hole         2025-05-30 00:00 → 2025-05-31 00:00  (1 day)  npm run backfill -- --from 2025-05-30 --to 2025-05-31 --streams conversations',
        '    … and 4 older hole(s)',
        '    purged       2024-01-01 00:00 → 2024-06-01 00:00  (deleted by retention, RETENTION_DAYS: not a hole)',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        'MIRROR',
        "  attributes   2 day(s) read without participant attributes (the query lane); the worker's settling re-reads them through jobs (SETTLE_DAYS_PER_TICK a tick), or run:",
        '    2025-03-02 → 2025-03-04 (2 day(s))  npm run backfill -- --lane jobs --from 2025-03-02 --to 2025-03-04',
        '  deletions    3 conversation(s) marked deleted upstream (deleted_at); last 7 days: 2 deleted, 1 window(s) withheld by SYNC_DELETE_MAX_FRACTION',
        '  retention    conversations that started before 2024-06-01 00:00 deleted; last 7 days: 40',
      ].join('\n'),
    );
    expect(text).toMatch(/UNHEALTHY\n  - the last run failed$/);
  });

  it('lists the reference lists and warns about one that could not be read, without calling it unhealthy', () => {
    const at = new Date(Date.UTC(2025, 5, 1, 11));
    const lists = [
      { list: 'queues', status: 'ok', refreshedAt: at, entries: 7, permission: 'routing:queue:view', error: null, lastSuccessAt: at },
      { list: 'skills', status: 'forbidden', refreshedAt: at, entries: null, permission: 'routing:skill:view', error: 'HTTP 403', lastSuccessAt: null },
    ];
    const warnings = referenceListWarnings(lists);
    expect(warnings).toEqual(['skills could not be read: the OAuth client lacks the permission routing:skill:view']);
    const text = formatStatus({
      now: NOW, maxAgeMs: 26 * HOUR_MS, runs: [run({})], windows: [], windowsNotListed: 0, freshness: fresh(HOUR_MS),
      rejects: { open: 0, listed: [] }, coverage: [], scopesNotListed: 0, workerCoverage: [], runWarnings: [],
      referenceLists: lists, settling: { lastRun: null, daysAwaiting: 0, oldestAwaiting: null, attributeDebt: [] },
      mirror: { markedDeleted: 0, recent: { since: NOW, deleted: 0, withheld: 0, expired: 0 }, purgedBefore: null }, healthy: true, problems: [], warnings,
    });
    expect(text).toContain('queues  ok         7        2025-06-01 11:00  2025-06-01 11:00');
    expect(text).toContain('skills  forbidden  –        2025-06-01 11:00  never');
    expect(text).toContain('  warning: skills could not be read: the OAuth client lacks the permission routing:skill:view');
    expect(text).toMatch(/HEALTHY \(/);
  });
});

describe('run warnings and streams', () => {
  const PERMISSION = 'agent activity not synced: Genesys refused the users details API (403); grant the OAuth client the permission analytics:userDetail:view';
  const runs = [
    run({ runId: '10000000-0000-4000-8000-000000000000', startedAt: new Date(NOW.getTime() - HOUR_MS), warnings: [PERMISSION] }),
    run({ runId: '20000000-0000-4000-8000-000000000000', startedAt: new Date(NOW.getTime() - 2 * HOUR_MS), warnings: [PERMISSION] }),
    run({ runId: '30000000-0000-4000-8000-000000000000', startedAt: new Date(NOW.getTime() - 3 * HOUR_MS), warnings: ['another'] }),
  ];

  it('lists each warning of the listed runs once, with how many runs recorded it and the newest', () => {
    expect(groupRunWarnings(runs)).toEqual([
      { warning: PERMISSION, runs: 2, newestRunId: runs[0]!.runId, newestStartedAt: runs[0]!.startedAt },
      { warning: 'another', runs: 1, newestRunId: runs[2]!.runId, newestStartedAt: runs[2]!.startedAt },
    ]);
  });

  it('prints the warnings under the runs, and per stream its coverage and newest record', () => {
    const covered = new Date(NOW.getTime() - 2 * HOUR_MS);
    const text = formatStatus({
      now: NOW, maxAgeMs: 26 * HOUR_MS, runs, runWarnings: groupRunWarnings(runs), windows: [], windowsNotListed: 0,
      freshness: { ...fresh(HOUR_MS), streams: [
        { stream: 'conversations', newestRecordStart: covered, newestCoveredEnd: covered },
        { stream: 'agent-activity', newestRecordStart: null, newestCoveredEnd: null },
      ] },
      rejects: { open: 0, listed: [] }, coverage: [], scopesNotListed: 0, workerCoverage: [],
      referenceLists: [], settling: { lastRun: null, daysAwaiting: 0, oldestAwaiting: null, attributeDebt: [] },
      mirror: { markedDeleted: 0, recent: { since: NOW, deleted: 0, withheld: 0, expired: 0 }, purgedBefore: null }, healthy: true, problems: [], warnings: [],
    });
    expect(text).toContain(`  warning (2 of these runs, newest 10000000, 2025-06-01T11:00:00.000Z (1h 00m ago)): ${PERMISSION}`);
    expect(text).toContain('  warning (run 30000000, 2025-06-01T09:00:00.000Z (3h 00m ago)): another');
    expect(text).toContain("  stream conversations       covered up to 2025-06-01T10:00:00.000Z (2h 00m ago) (the worker's scope); newest record start 2025-06-01T10:00:00.000Z (2h 00m ago)");
    expect(text).toContain("  stream agent-activity      nothing covered yet (the worker's scope); no record stored");
    expect(text).toMatch(/HEALTHY \(/);
  });
});

describe('worker coverage', () => {
  const at = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
  const scope = (over: Partial<ScopeCoverageRow>): ScopeCoverageRow => ({
    scopeKey: 'all',
    agentIds: [],
    lastRunAt: NOW,
    covered: [],
    holes: [],
    inProgress: [],
    catchUpRanges: [],
    purged: [],
    ...over,
  });
  const worker = { agentIds: [] as string[], lookbackMs: 3 * DAY_MS, lagMs: 2 * MINUTE_MS };

  it('fails on a hole inside the lookback, not on an old one nobody asked the worker for', () => {
    const holes = [{ start: at(40), end: at(39) }, { start: at(2), end: at(1) }];
    const result = assessWorkerCoverage([scope({ holes })], worker, NOW);
    expect(result.holes).toEqual([holes[1]]);
    const [problem] = coverageProblems(result, []);
    expect(problem).toContain("the worker's scope all has a hole in its lookback or catch-up range: 2025-05-30 12:00 → 2025-05-31 12:00 (1 day) of conversations");
    expect(problem).toContain('npm run backfill -- --from 2025-05-30 --to 2025-06-01 --streams conversations');
  });

  it('names the stream of the hole, and the backfill reads that stream alone', () => {
    const holes = [{ start: at(2), end: at(1) }];
    const result = assessWorkerCoverage([scope({ holes })], worker, NOW, 'agent-activity');
    expect(result).toMatchObject({ stream: 'agent-activity', holes });
    const [problem] = coverageProblems(result, []);
    expect(problem).toContain('(1 day) of agent-activity; fill it with `npm run backfill -- --from 2025-05-30 --to 2025-06-01 --streams agent-activity`');
  });

  it('fails on a hole inside the catch-up range of a rolling run (SYNC_MAX_CATCH_UP, a failed catch-up window)', () => {
    const holes = [{ start: at(14), end: at(10) }];
    const result = assessWorkerCoverage([scope({ holes, catchUpRanges: [{ start: at(14), end: NOW }] })], worker, NOW);
    expect(result.holes).toEqual(holes);
  });

  it('checks only the worker\'s own scope', () => {
    const holes = [{ start: at(2), end: at(1) }];
    const other = scope({ scopeKey: 'agents:a,b', agentIds: ['a', 'b'], holes });
    expect(assessWorkerCoverage([other], worker, NOW).holes).toEqual([]);
    const listed = assessWorkerCoverage([other], { ...worker, agentIds: ['b', 'a'] }, NOW);
    expect(listed).toMatchObject({ scopeKey: 'agents:a,b', holes });
    // The worker's scope is SYNC_AGENT_IDS, which the backfill uses by default.
    expect(coverageProblems(listed, ['b', 'a'])[0]).toMatch(/npm run backfill -- --from \S+ --to \S+ --streams conversations`$/);
  });
});

describe('backfillHint', () => {
  const hole = { start: new Date('2025-05-10T06:30:00Z'), end: new Date('2025-05-12T00:00:00Z') };
  it('names whole UTC days around the hole and the scope\'s agents unless they are the configured ones', () => {
    expect(backfillHint(hole, [])).toBe('npm run backfill -- --from 2025-05-10 --to 2025-05-12');
    expect(backfillHint(hole, ['b', 'a'])).toBe('npm run backfill -- --from 2025-05-10 --to 2025-05-12 --agents a,b');
    expect(backfillHint(hole, ['b', 'a'], { configured: true })).toBe('npm run backfill -- --from 2025-05-10 --to 2025-05-12');
    expect(backfillHint(hole, ['1', '2', '3', '4', '5', '6'])).toBe('npm run backfill -- --from 2025-05-10 --to 2025-05-12 --agents <the 6 agents of this scope>');
  });
});

describe('planBackfills: only commands the CLI accepts', () => {
  const hole = { start: new Date('2012-06-02T00:00:00Z'), end: new Date('2026-12-04T20:19:00Z') };

  it('is one command for a hole one run can fill', () => {
    const plan = planBackfills({ start: new Date('2026-11-01T05:00:00Z'), end: new Date('2026-11-03T01:00:00Z') }, []);
    expect(formatBackfills(plan)).toBe('npm run backfill -- --from 2026-11-01 --to 2026-11-04');
  });

  it('cuts a hole longer than MAX_INTERVAL_DAYS into consecutive runs of at most 3660 days, naming the limit', () => {
    const plan = planBackfills(hole, []);
    expect(plan).toMatchObject({ total: 2, daysPerRun: 3660, limit: 'one run covers at most 3660 days' });
    expect(formatBackfills(plan, '`')).toBe(
      '2 backfills (one run covers at most 3660 days): `npm run backfill -- --from 2012-06-02 --to 2022-06-10`; `npm run backfill -- --from 2022-06-10 --to 2026-12-05`',
    );
  });

  it('keeps an agent list within MAX_PLANNED_WINDOWS (one-day windows, at worst one group per agent), and lists only the first few of many', () => {
    const agents = Array.from({ length: 200 }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
    const plan = planBackfills(hole, agents, { configured: true });
    expect(plan.daysPerRun).toBe(500);
    expect(plan.total).toBe(11);
    expect(plan.commands).toHaveLength(3);
    expect(plan.commands[1]).toBe('npm run backfill -- --from 2013-10-15 --to 2015-02-27');
    expect(formatBackfills(plan)).toMatch(/^11 backfills \(one run plans at most 100000 windows, 500 days for 200 agents\): .*; and 8 more, each the next 500 days$/);
  });
});
