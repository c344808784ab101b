/**
 * `npm run status`: what the ledger and the data say about the sync's health. Recent runs,
 * windows that failed or are still open in those runs (with their error text), and
 * freshness (the newest data stored, the last successful sync and how long ago). Reading
 * only; "now" is passed in, and the health verdict is a pure function of what was read, so
 * scripts and monitors can rely on the exit code. The reads are in src/db/status-queries.ts,
 * the screen in src/present/status.ts.
 */
import type { Db } from '../db/client.ts';
import { readCoverage, type ScopeCoverageRow } from '../db/coverage.ts';
import { DEFAULT_STREAM } from '../db/ledger.ts';
import { readRunningRuns } from '../db/run-liveness.ts';
import { formatDuration } from '../duration.ts';
import { holesOverlapping, newestCoveredEnd, runScopeKey, unionRanges, type Range } from '../decisions/coverage.ts';
import { countOpenRejects, listOpenRejects, type OpenReject } from '../db/rejects.ts';
import { readSettlingStatus, type SettlingStatus } from './settle-status.ts';
import { readMirrorStatus, type MirrorStatus } from '../db/mirror-status.ts';

/** The window over which status sums what runs deleted, withheld and expired. */
const MIRROR_RECENT_MS = 7 * DAY_MS;
import { ABANDONED_AFTER_MS } from './sync.ts';
import { isRunStatus, type DisplayStatus } from '../decisions/states.ts';
import {
  describeMissingColumn,
  readLastSuccessfulSync,
  readNewestConversation,
  readNewestRecordStart,
  readOpenWindows,
  readRecentRuns,
  readReferenceListRefreshes,
  type ReferenceListRow,
  type WindowRow,
} from '../db/status-queries.ts';
import { backfillHint, formatSpan, shortTime, type BackfillHintOptions } from '../decisions/text.ts';
import { MAX_INTERVAL_DAYS } from '../decisions/interval.ts';
import { MAX_PLANNED_WINDOWS } from '../decisions/plan.ts';
import { utcDayFloor } from '../decisions/windows.ts';
import { DAY_MS } from '../time.ts';

/** Open or failed windows listed at most; status is a screen, the ledger has the rest. */
const MAX_LISTED_WINDOWS = 30;
/** Per scope, the newest covered ranges and holes listed (the rest are counted). */
const MAX_LISTED_RANGES = 5;
const MAX_LISTED_HOLES = 10;
/** Scopes listed (the newest first; the worker's scope always). */
const MAX_LISTED_SCOPES = 10;
/** Open quarantined records listed at most (sync_rejects has them all). */
const MAX_LISTED_REJECTS = 20;

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
  /** What the run recorded without failing (sync_runs.warnings): a stream on by default it left out, and why. */
  warnings: string[];
}

/** One warning of the listed runs, once however many runs recorded it (a worker repeats it every tick). */
export interface RunWarning {
  warning: string;
  /** How many of the listed runs recorded it. */
  runs: number;
  newestRunId: string;
  newestStartedAt: Date;
}

export interface Freshness {
  newestConversationStart: Date | null;
  newestLastSyncedAt: Date | null;
  lastSuccess: { runId: string; kind: string; finishedAt: Date; ageMs: number } | null;
  /** Per stream: how far its data reaches (a stream left out of the runs stops moving here). */
  streams: StreamFreshness[];
}

export interface StreamFreshness {
  stream: string;
  /** The newest record stored (its start); null with none. */
  newestRecordStart: Date | null;
  /** The end of the worker scope's newest covered range of this stream; null with none. */
  newestCoveredEnd: Date | null;
}

/** A scope's coverage as status shows it: merged ranges, the newest ones listed, the rest counted. */
interface ScopeStatus {
  /** The stream whose windows these are (sync_windows.stream). */
  stream: string;
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
  /** Synced, then deleted by retention (RETENTION_DAYS): not holes. */
  purged: Range[];
}

/** What decides the exit code about coverage: the worker's scope has no hole in the ranges it answers for. */
export interface WorkerCoverage {
  stream: string;
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
  /** The warnings of the listed runs, each once, newest first. */
  runWarnings: RunWarning[];
  windows: WindowRow[];
  /** Open or failed windows beyond those listed. */
  windowsNotListed: number;
  freshness: Freshness;
  /** Per stream (in StatusOptions.streams order), per scope. */
  coverage: ScopeStatus[];
  scopesNotListed: number;
  /** One per stream the worker reads. */
  workerCoverage: WorkerCoverage[];
  /** Records quarantined in sync_rejects and not stored since (resolved_at null). */
  rejects: { open: number; listed: OpenReject[] };
  /** Query-read days not yet re-read through a details job, and the last settle run (docs/sync.md §15). */
  settling: SettlingStatus;
  /** Deletions upstream and retention (docs/sync.md §18–19). */
  mirror: MirrorStatus;
  /** Reference lists by name; a list never refreshed yet is absent. */
  referenceLists: ReferenceListRow[];
  healthy: boolean;
  problems: string[];
  /** Worth fixing, but not unhealthy: reference lists that could not be read (ids stay unnamed). */
  warnings: string[];
  /** PII_MODE and PII_ATTRIBUTES in force for this process (docs/schema.md "Personal data"); absent when not given. */
  personalData?: PersonalDataInForce;
}

/** The personal-data settings status shows (never the hash key). */
interface PersonalDataInForce {
  mode: string;
  attributes: string;
}

export interface StatusOptions {
  now: Date;
  /** Recent runs listed. */
  limit: number;
  /** The last successful sync may be at most this old (STATUS_MAX_AGE). */
  maxAgeMs: number;
  /** The worker's configuration: its scope (SYNC_AGENT_IDS), SYNC_LOOKBACK, SYNC_LAG and the streams it reads (SYNC_STREAMS, else the default ones). */
  worker: { agentIds: readonly string[]; lookbackMs: number; lagMs: number; streams?: readonly string[] };
  /** The streams whose coverage and freshness are shown, in this order (every registered one); default: conversations. */
  streams?: readonly string[];
  /** PII_MODE and PII_ATTRIBUTES, shown as they are. */
  personalData?: PersonalDataInForce;
}

export async function readStatus(db: Db, options: StatusOptions): Promise<StatusReport> {
  try {
    return await assembleStatus(db, options);
  } catch (error) {
    // A ledger column dropped by hand (or a schema behind the code) would otherwise print a raw driver error.
    throw (await describeMissingColumn(error)) ?? error;
  }
}

async function assembleStatus(db: Db, options: StatusOptions): Promise<StatusReport> {
  const { now } = options;
  const runs = await readRuns(db, options.limit);
  const runIds = runs.map((r) => r.runId);
  const [windowRows, openCount, newest, lastSuccess, streams, openRejects, listedRejects, referenceLists] = await Promise.all([
    readOpenWindows(db, runIds, MAX_LISTED_WINDOWS),
    readOpenWindows(db, runIds, null).then((rows) => rows.length),
    readNewestConversation(db),
    // Freshness is about the scheduled rolling sync: a backfill of last year says nothing about today.
    readLastSuccessfulSync(db),
    readStreamsStatus(db, options),
    countOpenRejects(db),
    listOpenRejects(db, MAX_LISTED_REJECTS),
    readReferenceListRefreshes(db),
  ]);
  const settling = await readSettlingStatus(db, now);
  const mirror = await readMirrorStatus(db, new Date(now.getTime() - MIRROR_RECENT_MS));
  const freshness: Freshness = {
    newestConversationStart: newest.conversationStart,
    newestLastSyncedAt: newest.lastSyncedAt,
    lastSuccess: lastSuccess?.finishedAt
      ? { runId: lastSuccess.runId, kind: lastSuccess.kind, finishedAt: lastSuccess.finishedAt, ageMs: now.getTime() - lastSuccess.finishedAt.getTime() }
      : null,
    streams: streams.freshness,
  };
  const rejects = { open: openRejects, listed: listedRejects };
  const problems = [
    ...assessHealth(runs, freshness, options.maxAgeMs),
    ...assessRejects(rejects),
    ...streams.workerCoverage.flatMap((w) => coverageProblems(w, options.worker.agentIds)),
    ...(mirror.recent.withheld > 0 ? [`deletions were withheld by the safety valve in ${mirror.recent.withheld} window(s) in the last 7 days (SYNC_DELETE_MAX_FRACTION): see the runs' errors`] : []),
  ];
  return {
    now,
    maxAgeMs: options.maxAgeMs,
    runs,
    runWarnings: groupRunWarnings(runs),
    windows: windowRows,
    windowsNotListed: Math.max(0, openCount - windowRows.length),
    freshness,
    coverage: streams.coverage,
    scopesNotListed: streams.scopesNotListed,
    workerCoverage: streams.workerCoverage,
    rejects,
    settling,
    mirror,
    referenceLists,
    healthy: problems.length === 0,
    problems,
    warnings: referenceListWarnings(referenceLists),
    ...(options.personalData ? { personalData: { mode: options.personalData.mode, attributes: options.personalData.attributes } } : {}),
  };
}

/** Each stream's coverage (its own windows), the worker's holes in those it reads, and how far its data reaches. */
interface StreamsStatus {
  coverage: ScopeStatus[];
  scopesNotListed: number;
  workerCoverage: WorkerCoverage[];
  freshness: StreamFreshness[];
}

async function readStreamsStatus(db: Db, options: StatusOptions): Promise<StreamsStatus> {
  const aliveSince = new Date(options.now.getTime() - ABANDONED_AFTER_MS);
  const workerStreams = options.worker.streams ?? [DEFAULT_STREAM];
  const names = [...new Set([...(options.streams ?? [DEFAULT_STREAM]), ...workerStreams])];
  const perStream = await Promise.all(
    names.map(async (stream) => {
      const [scopes, newestRecordStart] = await Promise.all([readCoverage(db, { aliveSince, stream }), readNewestRecordStart(db, stream)]);
      return { stream, scopes, newestRecordStart };
    }),
  );
  const out: StreamsStatus = { coverage: [], scopesNotListed: 0, workerCoverage: [], freshness: [] };
  for (const { stream, scopes, newestRecordStart } of perStream) {
    const worker = assessWorkerCoverage(scopes, options.worker, options.now, stream);
    if (workerStreams.includes(stream)) out.workerCoverage.push(worker);
    const listed = scopes.filter((s, i) => i < MAX_LISTED_SCOPES || s.scopeKey === worker.scopeKey);
    out.coverage.push(...listed.map((s) => scopeStatus(s, stream, s.scopeKey === worker.scopeKey)));
    out.scopesNotListed += scopes.length - listed.length;
    const workerScope = scopes.find((s) => s.scopeKey === worker.scopeKey);
    out.freshness.push({ stream, newestRecordStart, newestCoveredEnd: (workerScope && newestCoveredEnd(workerScope.covered)) ?? null });
  }
  return out;
}

/** The listed runs' warnings, each once with how many runs recorded it; newest first (runs are newest first). */
export function groupRunWarnings(runs: readonly RunRow[]): RunWarning[] {
  const byText = new Map<string, RunWarning>();
  for (const run of runs) {
    for (const warning of run.warnings) {
      const seen = byText.get(warning);
      if (seen) seen.runs += 1;
      else byText.set(warning, { warning, runs: 1, newestRunId: run.runId, newestStartedAt: run.startedAt });
    }
  }
  return [...byText.values()];
}

/** The newest runs, each with its liveness: a `running` row whose process is gone shows as abandoned. */
async function readRuns(db: Db, limit: number): Promise<RunRow[]> {
  const [runRows, running] = await Promise.all([readRecentRuns(db, limit), readRunningRuns(db, { heartbeatStaleMs: ABANDONED_AFTER_MS })]);
  const deadReasons = new Map(running.filter((r) => r.dead).map((r) => [r.runId, r.deadReason]));
  const heartbeatAges = new Map(running.map((r) => [r.runId, r.heartbeatAgeMs]));
  return runRows.map((r) => ({
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
    warnings: r.warnings,
  }));
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

function scopeStatus(s: ScopeCoverageRow, stream: string, worker: boolean): ScopeStatus {
  return {
    stream,
    scopeKey: s.scopeKey,
    agentIds: s.agentIds,
    worker,
    newestCoveredEnd: newestCoveredEnd(s.covered) ?? null,
    covered: s.covered.slice(-MAX_LISTED_RANGES),
    coveredNotListed: Math.max(0, s.covered.length - MAX_LISTED_RANGES),
    holes: s.holes.slice(-MAX_LISTED_HOLES),
    holesNotListed: Math.max(0, s.holes.length - MAX_LISTED_HOLES),
    inProgress: s.inProgress,
    purged: s.purged,
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
  stream: string = DEFAULT_STREAM,
): WorkerCoverage {
  const scopeKey = runScopeKey(worker.agentIds);
  const scope = scopes.find((s) => s.scopeKey === scopeKey);
  const lookback = { start: new Date(now.getTime() - worker.lagMs - worker.lookbackMs), end: now };
  const checked = unionRanges([lookback, ...(scope?.catchUpRanges ?? [])]);
  return { stream, scopeKey, checked, holes: scope ? holesOverlapping(scope.holes, checked) : [] };
}

/** Backfill commands spelled out for one hole; the rest are described (each the next `daysPerRun` days). */
const MAX_LISTED_BACKFILLS = 3;

/** The backfills that fill a hole: the first few commands, how many in all, and the limit that cut it. */
export interface BackfillPlan {
  commands: string[];
  total: number;
  daysPerRun: number;
  /** Why one run cannot fill it, when it takes several: the CLI limit, named. */
  limit: string;
}

/**
 * The backfills that fill a hole, each one the CLI accepts: at most MAX_INTERVAL_DAYS
 * (src/decisions/interval.ts), and at most MAX_PLANNED_WINDOWS (scope × window) pairs
 * (src/decisions/plan.ts). A backfill plans windows of at least one day for each agent group, and
 * there are never more groups than agents, so `MAX_PLANNED_WINDOWS / agents` days always fit.
 * A longer hole (a sync with a mistyped year leaves one of decades) is cut into consecutive
 * whole-day parts; suggesting one command the CLI refuses would leave the operator stuck.
 */
export function planBackfills(hole: Range, agentIds: readonly string[], options: BackfillHintOptions = {}): BackfillPlan {
  const first = utcDayFloor(hole.start.getTime());
  const last = Math.ceil(hole.end.getTime() / DAY_MS) * DAY_MS;
  const agents = new Set(agentIds).size;
  const byWindows = Math.floor(MAX_PLANNED_WINDOWS / Math.max(1, agents));
  const daysPerRun = Math.max(1, Math.min(MAX_INTERVAL_DAYS, byWindows));
  const step = daysPerRun * DAY_MS;
  const total = Math.ceil((last - first) / step);
  const commands: string[] = [];
  for (let i = 0; i < Math.min(total, MAX_LISTED_BACKFILLS); i++) {
    const start = first + i * step;
    commands.push(backfillHint({ start: new Date(start), end: new Date(Math.min(last, start + step)) }, agentIds, options));
  }
  const limit =
    byWindows < MAX_INTERVAL_DAYS
      ? `one run plans at most ${MAX_PLANNED_WINDOWS} windows, ${daysPerRun} days for ${agents} agents`
      : `one run covers at most ${MAX_INTERVAL_DAYS} days`;
  return { commands, total, daysPerRun, limit };
}

/**
 * One command, or "N backfills (the limit): a; b; and N − 2 more, each the next D days". Commands
 * are separated by "; " (not a comma, which a copy would take into `--to`): two listed in full
 * also run as one shell line.
 */
export function formatBackfills(plan: BackfillPlan, quote = ''): string {
  const listed = plan.commands.map((c) => `${quote}${c}${quote}`);
  if (plan.total === 1) return listed[0]!;
  const rest = plan.total - listed.length;
  const more = rest > 0 ? `; and ${rest} more, each the next ${plan.daysPerRun} days` : '';
  return `${plan.total} backfills (${plan.limit}): ${listed.join('; ')}${more}`;
}

/** One problem per hole (the oldest few), each naming its stream and the backfill that fills it. */
export function coverageProblems(worker: WorkerCoverage, agentIds: readonly string[]): string[] {
  const listed = worker.holes.slice(0, 3).map(
    (h) =>
      `the worker's scope ${worker.scopeKey} has a hole in its lookback or catch-up range: ${shortTime(h.start)} → ${shortTime(h.end)} ` +
      `(${formatSpan(h.end.getTime() - h.start.getTime())}) of ${worker.stream}; fill it with ${formatBackfills(planBackfills(h, agentIds, { configured: true, stream: worker.stream }), '`')}`,
  );
  if (worker.holes.length > 3) listed.push(`… and ${worker.holes.length - 3} more hole(s) of ${worker.stream} in the worker's scope ${worker.scopeKey}`);
  return listed;
}

/**
 * A `running` row whose process is gone shows as abandoned: its liveness lease is free, or
 * (embedded database) its heartbeat is older than ABANDONED_AFTER_MS; readRunningRuns decides.
 */
export function displayStatus(status: string, dead: boolean): DisplayStatus {
  if (status === 'running' && dead) return 'abandoned';
  if (isRunStatus(status)) return status;
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

/** How a reject is named: a conversation by its id; another stream's record by its stream and key. */
export function rejectName(r: Pick<OpenReject, 'stream' | 'rejectKey' | 'conversationId'>): string {
  if (r.stream === DEFAULT_STREAM) return `conversation ${r.conversationId ?? '(id unreadable)'}`;
  return `${r.stream} record ${r.rejectKey}`;
}

/** Open rejects keep the sync unhealthy: each is a record Genesys has and the tables do not. */
export function assessRejects(rejects: StatusReport['rejects']): string[] {
  const first = rejects.listed[0];
  if (rejects.open === 0 || !first) return [];
  return [`${rejects.open} record(s) quarantined in sync_rejects and not stored since; newest: ${rejectName(first)} (${first.page}): ${first.error}`];
}
