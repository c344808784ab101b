/**
 * `npm run status`: what the ledger and the data say about the sync's health. Recent runs,
 * windows that failed or are still open in those runs (with their error text), and
 * freshness (the newest data stored, the last successful sync and how long ago). Reading
 * only; "now" is passed in, and the health verdict is a pure function of what was read, so
 * scripts and monitors can rely on the exit code.
 */
import type { Db } from '../db/client.ts';
import { readCoverage, type ScopeCoverageRow } from '../db/coverage.ts';
import { readRunningRuns } from '../db/run-liveness.ts';
import { formatDuration } from '../duration.ts';
import { holesOverlapping, newestCoveredEnd, runScopeKey, unionRanges, type Range } from '../sync/coverage.ts';
import { backfillHint, formatSpan } from './rolling.ts';
import { countOpenRejects, listOpenRejects, type OpenReject } from '../db/rejects.ts';
import { ABANDONED_AFTER_MS } from './sync.ts';

/** Open or failed windows listed at most; status is a screen, the ledger has the rest. */
export const MAX_LISTED_WINDOWS = 30;
/** Per scope, the newest covered ranges and holes listed (the rest are counted). */
export const MAX_LISTED_RANGES = 5;
export const MAX_LISTED_HOLES = 10;
/** Scopes listed (the newest first; the worker's scope always). */
export const MAX_LISTED_SCOPES = 10;
/** Open quarantined records listed at most (sync_rejects has them all). */
export const MAX_LISTED_REJECTS = 20;

export type DisplayStatus = 'running' | 'abandoned' | 'succeeded' | 'failed' | 'interrupted';

export interface RunRow {
  runId: string;
  kind: string;
  /** `abandoned`: left `running` by a process that is gone (killed, crashed): run-liveness.ts. */
  status: DisplayStatus;
  /** Why an abandoned run is taken for dead (null otherwise). */
  deadReason: string | null;
  /** For `running` rows: ms since the last heartbeat, on the database's clock (null otherwise). */
  heartbeatAgeMs: number | null;
  intervalStart: Date;
  intervalEnd: Date;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  durationMs: number | null;
  windowsTotal: number;
  windowsDone: number;
  windowsFailed: number;
  requests: number;
  rateLimited: number;
  conversationsWritten: number;
  host: string | null;
  error: string | null;
}

export interface WindowRow {
  runId: string;
  scopeKey: string;
  windowStart: Date;
  windowEnd: Date;
  status: string;
  attempts: number;
  error: string | null;
}

export interface Freshness {
  newestConversationStart: Date | null;
  newestLastSyncedAt: Date | null;
  lastSuccess: { runId: string; kind: string; finishedAt: Date; ageMs: number } | null;
}

/** The last refresh of one reference list (queues, wrap-up codes, ...). */
export interface ReferenceListRow {
  list: string;
  /** ok | forbidden (the OAuth client lacks `permission`) | failed */
  status: string;
  refreshedAt: Date;
  entries: number | null;
  permission: string;
  error: string | null;
  lastSuccessAt: Date | null;
}

/** A scope's coverage as status shows it: merged ranges, the newest ones listed, the rest counted. */
export interface ScopeStatus {
  scopeKey: string;
  /** Empty for 'all'. */
  agentIds: string[];
  /** The scope the worker syncs (SYNC_AGENT_IDS, or every agent). */
  worker: boolean;
  newestCoveredEnd: Date | null;
  covered: Range[];
  coveredNotListed: number;
  /** Gaps between covered ranges (failed or unfinished windows, a capped catch-up): a backfill fills them. */
  holes: Range[];
  holesNotListed: number;
  /** Ranges a live run is still working on. */
  inProgress: Range[];
}

/** What decides the exit code about coverage: the worker's scope has no hole in the ranges it answers for. */
export interface WorkerCoverage {
  scopeKey: string;
  /** Its lookback `[now − lag − SYNC_LOOKBACK, now)` and the catch-up ranges of its rolling runs. */
  checked: Range[];
  /** Holes of the worker's scope overlapping `checked` (listed whole). */
  holes: Range[];
}

export interface StatusReport {
  now: Date;
  maxAgeMs: number;
  runs: RunRow[];
  windows: WindowRow[];
  /** Open or failed windows beyond those listed. */
  windowsNotListed: number;
  freshness: Freshness;
  coverage: ScopeStatus[];
  scopesNotListed: number;
  workerCoverage: WorkerCoverage;
  /** Records quarantined in sync_rejects and not stored since (resolved_at null). */
  rejects: { open: number; listed: OpenReject[] };
  /** Reference lists by name; a list never refreshed yet is absent. */
  referenceLists: ReferenceListRow[];
  healthy: boolean;
  problems: string[];
  /** Worth fixing, but not unhealthy: reference lists that could not be read (ids stay unnamed). */
  warnings: string[];
}

export interface StatusOptions {
  now: Date;
  /** Recent runs listed. */
  limit: number;
  /** The last successful sync may be at most this old (STATUS_MAX_AGE). */
  maxAgeMs: number;
  /** The worker's configuration: its scope (SYNC_AGENT_IDS), SYNC_LOOKBACK and SYNC_LAG. */
  worker: { agentIds: readonly string[]; lookbackMs: number; lagMs: number };
}

export async function readStatus(db: Db, options: StatusOptions): Promise<StatusReport> {
  const { now } = options;
  const [runRows, running] = await Promise.all([
    db.syncRun.findMany({ orderBy: { startedAt: 'desc' }, take: Math.max(1, options.limit) }),
    readRunningRuns(db, { heartbeatStaleMs: ABANDONED_AFTER_MS }),
  ]);
  const deadReasons = new Map(running.filter((r) => r.dead).map((r) => [r.runId, r.deadReason]));
  const heartbeatAges = new Map(running.map((r) => [r.runId, r.heartbeatAgeMs]));
  const runs: RunRow[] = runRows.map((r) => ({
    runId: r.runId,
    kind: r.kind,
    status: displayStatus(r.status, deadReasons.has(r.runId)),
    deadReason: deadReasons.get(r.runId) ?? null,
    heartbeatAgeMs: heartbeatAges.get(r.runId) ?? null,
    intervalStart: r.intervalStart,
    intervalEnd: r.intervalEnd,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    heartbeatAt: r.heartbeatAt,
    durationMs: r.durationMs,
    windowsTotal: r.windowsTotal,
    windowsDone: r.windowsDone,
    windowsFailed: r.windowsFailed,
    requests: r.requests,
    rateLimited: r.rateLimited,
    conversationsWritten: r.conversationsWritten,
    host: r.host,
    error: r.error,
  }));
  const runIds = runs.map((r) => r.runId);
  const [windowRows, openCount, newest, lastSuccess, scopes, openRejects, listedRejects, referenceLists] = await Promise.all([
    openWindows(db, runIds, MAX_LISTED_WINDOWS),
    openWindows(db, runIds, null).then((rows) => rows.length),
    db.conversation.aggregate({ _max: { conversationStart: true, lastSyncedAt: true } }),
    // Freshness is about the scheduled rolling sync: a backfill of last year says nothing about today.
    db.syncRun.findFirst({
      where: { kind: 'sync', status: 'succeeded', finishedAt: { not: null } },
      orderBy: { finishedAt: 'desc' },
      select: { runId: true, kind: true, finishedAt: true },
    }),
    readCoverage(db, { aliveSince: new Date(now.getTime() - ABANDONED_AFTER_MS) }),
    countOpenRejects(db),
    listOpenRejects(db, MAX_LISTED_REJECTS),
    db.referenceListRefresh.findMany({ orderBy: { list: 'asc' } }),
  ]);
  const freshness: Freshness = {
    newestConversationStart: newest._max.conversationStart,
    newestLastSyncedAt: newest._max.lastSyncedAt,
    lastSuccess: lastSuccess?.finishedAt
      ? { runId: lastSuccess.runId, kind: lastSuccess.kind, finishedAt: lastSuccess.finishedAt, ageMs: now.getTime() - lastSuccess.finishedAt.getTime() }
      : null,
  };
  const workerCoverage = assessWorkerCoverage(scopes, options.worker, now);
  const rejects = { open: openRejects, listed: listedRejects };
  const problems = [
    ...assessHealth(runs, freshness, options.maxAgeMs),
    ...assessRejects(rejects),
    ...coverageProblems(workerCoverage, options.worker.agentIds),
  ];
  const listed = scopes.filter((s, i) => i < MAX_LISTED_SCOPES || s.scopeKey === workerCoverage.scopeKey);
  return {
    now,
    maxAgeMs: options.maxAgeMs,
    runs,
    windows: windowRows,
    windowsNotListed: Math.max(0, openCount - windowRows.length),
    freshness,
    coverage: listed.map((s) => scopeStatus(s, s.scopeKey === workerCoverage.scopeKey)),
    scopesNotListed: scopes.length - listed.length,
    workerCoverage,
    rejects,
    referenceLists,
    healthy: problems.length === 0,
    problems,
    warnings: referenceListWarnings(referenceLists),
  };
}

/** One line per reference list whose last refresh did not read it, naming the fix. */
export function referenceListWarnings(lists: readonly ReferenceListRow[]): string[] {
  return lists
    .filter((l) => l.status !== 'ok')
    .map((l) =>
      l.status === 'forbidden'
        ? `${l.list} could not be read: the OAuth client lacks the permission ${l.permission}`
        : `${l.list} could not be read at the last refresh: ${l.error ?? 'unknown error'}`,
    );
}

function scopeStatus(s: ScopeCoverageRow, worker: boolean): ScopeStatus {
  return {
    scopeKey: s.scopeKey,
    agentIds: s.agentIds,
    worker,
    newestCoveredEnd: newestCoveredEnd(s.covered) ?? null,
    covered: s.covered.slice(-MAX_LISTED_RANGES),
    coveredNotListed: Math.max(0, s.covered.length - MAX_LISTED_RANGES),
    holes: s.holes.slice(-MAX_LISTED_HOLES),
    holesNotListed: Math.max(0, s.holes.length - MAX_LISTED_HOLES),
    inProgress: s.inProgress,
  };
}

/**
 * The holes the worker answers for: those of its scope overlapping its lookback or the
 * catch-up range of any of its rolling runs (sync_runs.catch_up_from → interval_end). Older
 * holes elsewhere (between two backfills, say) are listed but do not fail the check: nobody
 * asked the worker for them.
 */
export function assessWorkerCoverage(
  scopes: readonly ScopeCoverageRow[],
  worker: StatusOptions['worker'],
  now: Date,
): WorkerCoverage {
  const scopeKey = runScopeKey(worker.agentIds);
  const scope = scopes.find((s) => s.scopeKey === scopeKey);
  const lookback = { start: new Date(now.getTime() - worker.lagMs - worker.lookbackMs), end: now };
  const checked = unionRanges([lookback, ...(scope?.catchUpRanges ?? [])]);
  return { scopeKey, checked, holes: scope ? holesOverlapping(scope.holes, checked) : [] };
}

/** One problem per hole (the oldest few), each with the backfill that fills it. */
export function coverageProblems(worker: WorkerCoverage, agentIds: readonly string[]): string[] {
  const listed = worker.holes.slice(0, 3).map(
    (h) =>
      `the worker's scope ${worker.scopeKey} has a hole in its lookback or catch-up range: ${shortTime(h.start)} → ${shortTime(h.end)} ` +
      `(${formatSpan(h.end.getTime() - h.start.getTime())}); fill it with \`${backfillHint(h, agentIds, { configured: true })}\``,
  );
  if (worker.holes.length > 3) listed.push(`… and ${worker.holes.length - 3} more hole(s) in the worker's scope ${worker.scopeKey}`);
  return listed;
}

/**
 * Windows of recent runs that are not done (failed, pending, or left running by a killed run),
 * leaving out those a later window of the same scope has since covered and finished: an
 * operator should see the gaps that remain, not the history of gaps already repaired.
 */
async function openWindows(db: Db, runIds: string[], limit: number | null) {
  if (runIds.length === 0) return [];
  return db.$queryRawUnsafe<
    Array<{ runId: string; scopeKey: string; windowStart: Date; windowEnd: Date; status: string; attempts: number; error: string | null }>
  >(
    `SELECT w.run_id::text AS "runId", w.scope_key AS "scopeKey", w.window_start AS "windowStart", w.window_end AS "windowEnd",
            w.status, w.attempts, w.error
       FROM sync_windows w
      WHERE w.run_id = ANY($1::uuid[]) AND w.status IN ('failed', 'pending', 'running')
        AND NOT EXISTS (
          SELECT 1 FROM sync_windows d
           WHERE d.scope_key = w.scope_key AND d.status IN ('done', 'done_with_rejects') AND d.window_id > w.window_id
             AND d.window_start <= w.window_start AND d.window_end >= w.window_end)
      ORDER BY w.window_start, w.window_id
      ${limit === null ? '' : `LIMIT ${Number(limit)}`}`,
    runIds,
  );
}

/**
 * A `running` row whose process is gone shows as abandoned: its liveness lease is free, or
 * (embedded database) its heartbeat is older than ABANDONED_AFTER_MS; readRunningRuns decides.
 */
export function displayStatus(status: string, dead: boolean): DisplayStatus {
  if (status === 'running' && dead) return 'abandoned';
  if (status === 'running' || status === 'succeeded' || status === 'failed' || status === 'interrupted') return status;
  return 'failed';
}

/**
 * Why the sync is unhealthy (empty when healthy): the latest finished run (of any kind)
 * failed, or no rolling sync succeeded within `maxAgeMs`. Runs still going are skipped: a
 * long run in progress is not a failure. `runs` are newest first.
 */
export function assessHealth(runs: readonly RunRow[], freshness: Freshness, maxAgeMs: number): string[] {
  const problems: string[] = [];
  const lastFinished = runs.find((r) => r.status !== 'running');
  if (lastFinished?.status === 'failed') {
    problems.push(
      `the last run failed (${lastFinished.kind} ${lastFinished.runId}, started ${lastFinished.startedAt.toISOString()})` +
        (lastFinished.error ? `: ${lastFinished.error}` : ''),
    );
  }
  if (!freshness.lastSuccess) {
    problems.push('no sync run has succeeded yet');
  } else if (freshness.lastSuccess.ageMs > maxAgeMs) {
    problems.push(
      `the last successful sync finished ${formatDuration(freshness.lastSuccess.ageMs)} ago, ` +
        `older than STATUS_MAX_AGE (${formatDuration(maxAgeMs)})`,
    );
  }
  return problems;
}

/** Open rejects keep the sync unhealthy: each is a conversation Genesys has and the tables do not. */
export function assessRejects(rejects: StatusReport['rejects']): string[] {
  const first = rejects.listed[0];
  if (rejects.open === 0 || !first) return [];
  return [
    `${rejects.open} record(s) quarantined in sync_rejects and not stored since; newest: conversation ` +
      `${first.conversationId ?? '(id unreadable)'} (${first.page}): ${first.error}`,
  ];
}

/** The report for scripts: ISO dates, stable field names. */
export function statusJson(report: StatusReport): unknown {
  return JSON.parse(JSON.stringify(report));
}

/** The report for people: a table of runs, the windows needing attention, freshness, the verdict. */
export function formatStatus(report: StatusReport): string {
  const { now } = report;
  const lines: string[] = [];
  lines.push('RECENT RUNS');
  if (report.runs.length === 0) {
    lines.push('  (none yet: run `npm run sync` or start the worker)');
  } else {
    const header = ['STARTED (UTC)', 'KIND', 'STATUS', 'INTERVAL', 'WINDOWS d/f/t', 'CONVS', 'REQS', 'DURATION'];
    const rows = report.runs.map((r) => [
      shortTime(r.startedAt),
      r.kind,
      r.status,
      `${shortTime(r.intervalStart)} → ${shortTime(r.intervalEnd)}`,
      `${r.windowsDone}/${r.windowsFailed}/${r.windowsTotal}`,
      String(r.conversationsWritten),
      String(r.requests),
      r.durationMs !== null
        ? formatDuration(r.durationMs)
        : r.status === 'running'
          ? `${formatDuration(now.getTime() - r.startedAt.getTime())}…`
          : `heartbeat ${formatDuration(r.heartbeatAgeMs ?? now.getTime() - r.heartbeatAt.getTime())} ago`,
    ]);
    lines.push(...table([header, ...rows]).map((l) => `  ${l}`));
    for (const r of report.runs.filter((x) => (x.error && x.status !== 'succeeded') || x.deadReason).slice(0, 5)) {
      const why = r.deadReason ? `${r.deadReason}; the next run marks it interrupted` : r.error!;
      lines.push(`  ${r.runId.slice(0, 8)} ${r.status}: ${oneLine(why, 200)}`);
    }
  }
  lines.push('');
  lines.push('WINDOWS FAILED OR OPEN IN THESE RUNS');
  if (report.windows.length === 0) lines.push('  none');
  for (const w of report.windows) {
    lines.push(
      `  ${w.status.padEnd(8)} ${shortTime(w.windowStart)} → ${shortTime(w.windowEnd)}  ${oneLine(w.scopeKey, 40)}` +
        `  run ${w.runId.slice(0, 8)}, ${w.attempts} attempt(s)${w.error ? `: ${oneLine(w.error, 160)}` : ''}`,
    );
  }
  if (report.windowsNotListed > 0) lines.push(`  … and ${report.windowsNotListed} more (see the sync_windows table)`);
  lines.push('');
  lines.push('QUARANTINED RECORDS NOT STORED YET (sync_rejects, resolved_at is null)');
  if (report.rejects.open === 0) lines.push('  none');
  for (const r of report.rejects.listed) {
    lines.push(
      `  ${r.conversationId ?? '(id unreadable)'}  ${r.page}, run ${r.runId.slice(0, 8)}, seen ${r.timesSeen}x, ` +
        `last ${shortTime(r.lastSeenAt)}: ${oneLine(r.error, 160)}`,
    );
  }
  if (report.rejects.open > report.rejects.listed.length) {
    lines.push(`  … and ${report.rejects.open - report.rejects.listed.length} more (SELECT * FROM sync_rejects WHERE resolved_at IS NULL)`);
  }
  lines.push('');
  const f = report.freshness;
  lines.push('FRESHNESS');
  lines.push(`  newest conversation start  ${f.newestConversationStart ? ago(f.newestConversationStart, now) : 'no conversations stored'}`);
  lines.push(`  newest last_synced_at      ${f.newestLastSyncedAt ? ago(f.newestLastSyncedAt, now) : '–'}`);
  lines.push(`  last successful sync       ${f.lastSuccess ? `${ago(f.lastSuccess.finishedAt, now)} (run ${f.lastSuccess.runId})` : 'never'}`);
  lines.push('');
  lines.push('REFERENCE LISTS (names for ids)');
  if (report.referenceLists.length === 0) lines.push('  not refreshed yet');
  if (report.referenceLists.length > 0) {
    const header = ['LIST', 'STATUS', 'ENTRIES', 'REFRESHED (UTC)', 'LAST READ (UTC)'];
    const rows = report.referenceLists.map((l) => [
      l.list, l.status, l.entries === null ? '–' : String(l.entries), shortTime(l.refreshedAt), l.lastSuccessAt ? shortTime(l.lastSuccessAt) : 'never',
    ]);
    lines.push(...table([header, ...rows]).map((l) => `  ${l}`));
  }
  for (const w of report.warnings) lines.push(`  warning: ${oneLine(w, 300)}`);
  lines.push(...formatCoverage(report));
  lines.push('');
  if (report.healthy) lines.push(`HEALTHY (last successful sync within STATUS_MAX_AGE ${formatDuration(report.maxAgeMs)})`);
  else lines.push('UNHEALTHY', ...report.problems.map((p) => `  - ${oneLine(p, 300)}`));
  return lines.join('\n');
}

/** Per scope: covered ranges and holes, merged, the newest listed and the rest counted. */
function formatCoverage(report: StatusReport): string[] {
  const lines = ['COVERAGE (time ranges whose windows are all done, per agent scope)'];
  if (report.coverage.length === 0) lines.push('  none yet');
  for (const s of report.coverage) {
    const name = s.agentIds.length === 0 ? 'all agents' : `${s.agentIds.length} agent(s): ${oneLine(s.agentIds.join(','), 80)}`;
    lines.push(`  ${name}${s.worker ? '  (the worker\'s scope)' : ''}`);
    const covered = s.covered.map(span).join(', ');
    lines.push(`    covered      ${covered || 'nothing yet'}${s.coveredNotListed > 0 ? ` (and ${s.coveredNotListed} older range(s))` : ''}`);
    for (const h of s.holes) {
      lines.push(`    hole         ${span(h)}  (${formatSpan(h.end.getTime() - h.start.getTime())})  ${backfillHint(h, s.agentIds, { configured: s.worker })}`);
    }
    if (s.holesNotListed > 0) lines.push(`    … and ${s.holesNotListed} older hole(s)`);
    for (const r of s.inProgress) lines.push(`    in progress  ${span(r)}`);
  }
  if (report.scopesNotListed > 0) lines.push(`  … and ${report.scopesNotListed} scope(s) whose newest run is older (agent lists of sync_runs)`);
  return lines;
}

function span(r: Range): string {
  return `${shortTime(r.start)} → ${shortTime(r.end)}`;
}

function shortTime(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

function ago(d: Date, now: Date): string {
  const ms = now.getTime() - d.getTime();
  return `${d.toISOString()} (${ms >= 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(-ms)}`})`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}
