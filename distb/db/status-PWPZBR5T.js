import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  formatTable
} from "./chunk-QKHVXYKV.js";
import {
  ABANDONED_AFTER_MS,
  ago,
  backfillHint,
  formatSpan,
  holesOverlapping,
  newestCoveredEnd,
  oneLine,
  readCoverage,
  readPurgedBefore,
  readSettlingStatus,
  runScopeKey,
  shortTime,
  unionRanges
} from "./chunk-PIYMWS5V.js";
import {
  describeMissingColumn,
  readLastSuccessfulSync,
  readNewestConversation,
  readNewestRecordStart,
  readOpenWindows,
  readRecentRuns,
  readReferenceListRefreshes
} from "./chunk-ADWFEMNX.js";
import {
  STREAM_NAMES,
  chooseStreams,
  countOpenRejects,
  listOpenRejects,
  openRuntime,
  readRunningRuns
} from "./chunk-FQAQLBJI.js";
import {
  MAX_INTERVAL_DAYS,
  formatDuration
} from "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import {
  DEFAULT_STREAM,
  isRunStatus
} from "./chunk-KA34AMGA.js";
import {
  MAX_PLANNED_WINDOWS,
  utcDayFloor
} from "./chunk-PBIHHMKK.js";
import {
  DAY_MS,
  systemClock
} from "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/commands/status.js
import { parseArgs } from "node:util";

// dist/db/mirror-status.js
async function readMirrorStatus(db, since) {
  const [markedDeleted, sums, purgedBefore] = await Promise.all([
    db.conversation.count({ where: { deletedAt: { not: null } } }),
    db.syncRun.aggregate({ where: { startedAt: { gte: since } }, _sum: { recordsDeleted: true, deletionsWithheld: true, recordsExpired: true } }),
    readPurgedBefore(db)
  ]);
  return {
    markedDeleted,
    recent: { since, deleted: sums._sum.recordsDeleted ?? 0, withheld: sums._sum.deletionsWithheld ?? 0, expired: sums._sum.recordsExpired ?? 0 },
    purgedBefore: purgedBefore ?? null
  };
}

// dist/pipeline/status.js
var MIRROR_RECENT_MS = 7 * DAY_MS;
var MAX_LISTED_WINDOWS = 30;
var MAX_LISTED_RANGES = 5;
var MAX_LISTED_HOLES = 10;
var MAX_LISTED_SCOPES = 10;
var MAX_LISTED_REJECTS = 20;
async function readStatus(db, options) {
  try {
    return await assembleStatus(db, options);
  } catch (error) {
    throw await describeMissingColumn(error) ?? error;
  }
}
async function assembleStatus(db, options) {
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
    readReferenceListRefreshes(db)
  ]);
  const settling = await readSettlingStatus(db, now);
  const mirror = await readMirrorStatus(db, new Date(now.getTime() - MIRROR_RECENT_MS));
  const freshness = {
    newestConversationStart: newest.conversationStart,
    newestLastSyncedAt: newest.lastSyncedAt,
    lastSuccess: lastSuccess?.finishedAt ? { runId: lastSuccess.runId, kind: lastSuccess.kind, finishedAt: lastSuccess.finishedAt, ageMs: now.getTime() - lastSuccess.finishedAt.getTime() } : null,
    streams: streams.freshness
  };
  const rejects = { open: openRejects, listed: listedRejects };
  const problems = [
    ...assessHealth(runs, freshness, options.maxAgeMs),
    ...assessRejects(rejects),
    ...streams.workerCoverage.flatMap((w) => coverageProblems(w, options.worker.agentIds)),
    ...mirror.recent.withheld > 0 ? [`deletions were withheld by the safety valve in ${mirror.recent.withheld} window(s) in the last 7 days (SYNC_DELETE_MAX_FRACTION): see the runs' errors`] : []
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
    ...options.personalData ? { personalData: { mode: options.personalData.mode, attributes: options.personalData.attributes } } : {}
  };
}
async function readStreamsStatus(db, options) {
  const aliveSince = new Date(options.now.getTime() - ABANDONED_AFTER_MS);
  const workerStreams2 = options.worker.streams ?? [DEFAULT_STREAM];
  const names = [.../* @__PURE__ */ new Set([...options.streams ?? [DEFAULT_STREAM], ...workerStreams2])];
  const perStream = await Promise.all(names.map(async (stream) => {
    const [scopes, newestRecordStart] = await Promise.all([readCoverage(db, { aliveSince, stream }), readNewestRecordStart(db, stream)]);
    return { stream, scopes, newestRecordStart };
  }));
  const out = { coverage: [], scopesNotListed: 0, workerCoverage: [], freshness: [] };
  for (const { stream, scopes, newestRecordStart } of perStream) {
    const worker = assessWorkerCoverage(scopes, options.worker, options.now, stream);
    if (workerStreams2.includes(stream))
      out.workerCoverage.push(worker);
    const listed = scopes.filter((s, i) => i < MAX_LISTED_SCOPES || s.scopeKey === worker.scopeKey);
    out.coverage.push(...listed.map((s) => scopeStatus(s, stream, s.scopeKey === worker.scopeKey)));
    out.scopesNotListed += scopes.length - listed.length;
    const workerScope = scopes.find((s) => s.scopeKey === worker.scopeKey);
    out.freshness.push({ stream, newestRecordStart, newestCoveredEnd: (workerScope && newestCoveredEnd(workerScope.covered)) ?? null });
  }
  return out;
}
function groupRunWarnings(runs) {
  const byText = /* @__PURE__ */ new Map();
  for (const run of runs) {
    for (const warning of run.warnings) {
      const seen = byText.get(warning);
      if (seen)
        seen.runs += 1;
      else
        byText.set(warning, { warning, runs: 1, newestRunId: run.runId, newestStartedAt: run.startedAt });
    }
  }
  return [...byText.values()];
}
async function readRuns(db, limit) {
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
    warnings: r.warnings
  }));
}
function referenceListWarnings(lists) {
  return lists.filter((l) => l.status !== "ok").map((l) => l.status === "forbidden" ? `${l.list} could not be read: the OAuth client lacks the permission ${l.permission}` : `${l.list} could not be read at the last refresh: ${l.error ?? "unknown error"}`);
}
function scopeStatus(s, stream, worker) {
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
    purged: s.purged
  };
}
function assessWorkerCoverage(scopes, worker, now, stream = DEFAULT_STREAM) {
  const scopeKey = runScopeKey(worker.agentIds);
  const scope = scopes.find((s) => s.scopeKey === scopeKey);
  const lookback = { start: new Date(now.getTime() - worker.lagMs - worker.lookbackMs), end: now };
  const checked = unionRanges([lookback, ...scope?.catchUpRanges ?? []]);
  return { stream, scopeKey, checked, holes: scope ? holesOverlapping(scope.holes, checked) : [] };
}
var MAX_LISTED_BACKFILLS = 3;
function planBackfills(hole, agentIds, options = {}) {
  const first = utcDayFloor(hole.start.getTime());
  const last = Math.ceil(hole.end.getTime() / DAY_MS) * DAY_MS;
  const agents = new Set(agentIds).size;
  const byWindows = Math.floor(MAX_PLANNED_WINDOWS / Math.max(1, agents));
  const daysPerRun = Math.max(1, Math.min(MAX_INTERVAL_DAYS, byWindows));
  const step = daysPerRun * DAY_MS;
  const total = Math.ceil((last - first) / step);
  const commands = [];
  for (let i = 0; i < Math.min(total, MAX_LISTED_BACKFILLS); i++) {
    const start = first + i * step;
    commands.push(backfillHint({ start: new Date(start), end: new Date(Math.min(last, start + step)) }, agentIds, options));
  }
  const limit = byWindows < MAX_INTERVAL_DAYS ? `one run plans at most ${MAX_PLANNED_WINDOWS} windows, ${daysPerRun} days for ${agents} agents` : `one run covers at most ${MAX_INTERVAL_DAYS} days`;
  return { commands, total, daysPerRun, limit };
}
function formatBackfills(plan, quote = "") {
  const listed = plan.commands.map((c) => `${quote}${c}${quote}`);
  if (plan.total === 1)
    return listed[0];
  const rest = plan.total - listed.length;
  const more = rest > 0 ? `; and ${rest} more, each the next ${plan.daysPerRun} days` : "";
  return `${plan.total} backfills (${plan.limit}): ${listed.join("; ")}${more}`;
}
function coverageProblems(worker, agentIds) {
  const listed = worker.holes.slice(0, 3).map((h) => `the worker's scope ${worker.scopeKey} has a hole in its lookback or catch-up range: ${shortTime(h.start)} \u2192 ${shortTime(h.end)} (${formatSpan(h.end.getTime() - h.start.getTime())}) of ${worker.stream}; fill it with ${formatBackfills(planBackfills(h, agentIds, { configured: true, stream: worker.stream }), "`")}`);
  if (worker.holes.length > 3)
    listed.push(`\u2026 and ${worker.holes.length - 3} more hole(s) of ${worker.stream} in the worker's scope ${worker.scopeKey}`);
  return listed;
}
function displayStatus(status, dead) {
  if (status === "running" && dead)
    return "abandoned";
  if (isRunStatus(status))
    return status;
  return "failed";
}
function assessHealth(runs, freshness, maxAgeMs) {
  const problems = [];
  const lastFinished = runs.find((r) => r.status !== "running");
  if (lastFinished?.status === "failed") {
    problems.push(`the last run failed (${lastFinished.kind} ${lastFinished.runId}, started ${lastFinished.startedAt.toISOString()})` + (lastFinished.error ? `: ${lastFinished.error}` : ""));
  }
  if (!freshness.lastSuccess) {
    problems.push("no sync run has succeeded yet");
  } else if (freshness.lastSuccess.ageMs > maxAgeMs) {
    problems.push(`the last successful sync finished ${formatDuration(freshness.lastSuccess.ageMs)} ago, older than STATUS_MAX_AGE (${formatDuration(maxAgeMs)})`);
  }
  return problems;
}
function rejectName(r) {
  if (r.stream === DEFAULT_STREAM)
    return `conversation ${r.conversationId ?? "(id unreadable)"}`;
  return `${r.stream} record ${r.rejectKey}`;
}
function assessRejects(rejects) {
  const first = rejects.listed[0];
  if (rejects.open === 0 || !first)
    return [];
  return [`${rejects.open} record(s) quarantined in sync_rejects and not stored since; newest: ${rejectName(first)} (${first.page}): ${first.error}`];
}

// dist/present/status.js
function statusJson(report) {
  return JSON.parse(JSON.stringify(report));
}
function formatStatus(report) {
  const lines = [
    ...formatRuns(report),
    "",
    ...formatWindows(report),
    "",
    ...formatRejects(report),
    "",
    ...formatFreshness(report),
    "",
    ...formatMirror(report),
    "",
    ...formatReferenceLists(report),
    ...formatCoverage(report),
    ""
  ];
  if (report.personalData)
    lines.push(formatPersonalData(report.personalData), "");
  if (report.healthy)
    lines.push(`HEALTHY (last successful sync within STATUS_MAX_AGE ${formatDuration(report.maxAgeMs)})`);
  else
    lines.push("UNHEALTHY", ...report.problems.map((p) => `  - ${oneLine(p, 300)}`));
  return lines.join("\n");
}
function formatPersonalData(p) {
  const what = p.mode === "hash" ? "hashed (HMAC-SHA256)" : p.mode === "drop" ? "dropped (null)" : "kept in clear";
  return `PERSONAL DATA  PII_MODE=${p.mode} (contact fields ${what}), PII_ATTRIBUTES=${p.attributes}; rows stored under another mode: npm run protect`;
}
function formatRuns(report) {
  const { now } = report;
  const lines = ["RECENT RUNS"];
  if (report.runs.length === 0)
    return [...lines, "  (none yet: run `npm run sync` or start the worker)"];
  const header = ["STARTED (UTC)", "KIND", "STATUS", "INTERVAL", "WINDOWS d/f/t", "CONVS", "REQS", "DURATION"];
  const rows = report.runs.map((r) => [
    shortTime(r.startedAt),
    r.kind,
    r.status,
    `${shortTime(r.intervalStart)} \u2192 ${shortTime(r.intervalEnd)}`,
    `${r.windowsDone}/${r.windowsFailed}/${r.windowsTotal}`,
    String(r.conversationsWritten),
    String(r.requests),
    r.durationMs !== null ? formatDuration(r.durationMs) : r.status === "running" ? `${formatDuration(now.getTime() - r.startedAt.getTime())}\u2026` : `heartbeat ${formatDuration(r.heartbeatAgeMs ?? now.getTime() - r.heartbeatAt.getTime())} ago`
  ]);
  lines.push(...formatTable([header, ...rows], { indent: "  " }));
  for (const r of report.runs.filter((x) => x.error && x.status !== "succeeded" || x.deadReason).slice(0, 5)) {
    const why = r.deadReason ? `${r.deadReason}; the next run marks it interrupted` : r.error;
    lines.push(`  ${r.runId.slice(0, 8)} ${r.status}: ${oneLine(why, 200)}`);
  }
  for (const w of report.runWarnings) {
    const runs = w.runs === 1 ? `run ${w.newestRunId.slice(0, 8)}` : `${w.runs} of these runs, newest ${w.newestRunId.slice(0, 8)}`;
    lines.push(`  warning (${runs}, ${ago(w.newestStartedAt, now)}): ${oneLine(w.warning, 300)}`);
  }
  return lines;
}
function formatWindows(report) {
  const lines = ["WINDOWS FAILED OR OPEN IN THESE RUNS"];
  if (report.windows.length === 0)
    lines.push("  none");
  for (const w of report.windows) {
    lines.push(`  ${w.status.padEnd(8)} ${shortTime(w.windowStart)} \u2192 ${shortTime(w.windowEnd)}  ${oneLine(w.scopeKey, 40)}  run ${w.runId.slice(0, 8)}, ${w.attempts} attempt(s)${w.error ? `: ${oneLine(w.error, 160)}` : ""}`);
  }
  if (report.windowsNotListed > 0)
    lines.push(`  \u2026 and ${report.windowsNotListed} more (see the sync_windows table)`);
  return lines;
}
function formatRejects(report) {
  const lines = ["QUARANTINED RECORDS NOT STORED YET (sync_rejects, resolved_at is null)"];
  if (report.rejects.open === 0)
    lines.push("  none");
  for (const r of report.rejects.listed) {
    lines.push(`  ${rejectName(r)}  ${r.page}, run ${r.runId.slice(0, 8)}, seen ${r.timesSeen}x, last ${shortTime(r.lastSeenAt)}: ${oneLine(r.error, 160)}`);
  }
  if (report.rejects.open > report.rejects.listed.length) {
    lines.push(`  \u2026 and ${report.rejects.open - report.rejects.listed.length} more (SELECT * FROM sync_rejects WHERE resolved_at IS NULL)`);
  }
  return lines;
}
function formatFreshness(report) {
  const { now, freshness: f, settling: st } = report;
  return [
    "FRESHNESS",
    `  newest conversation start  ${f.newestConversationStart ? ago(f.newestConversationStart, now) : "no conversations stored"}`,
    `  newest last_synced_at      ${f.newestLastSyncedAt ? ago(f.newestLastSyncedAt, now) : "\u2013"}`,
    `  last successful sync       ${f.lastSuccess ? `${ago(f.lastSuccess.finishedAt, now)} (run ${f.lastSuccess.runId})` : "never"}`,
    `  settling                   ${st.daysAwaiting} query-read day(s) not yet re-read through a job` + (st.oldestAwaiting ? ` (oldest ${st.oldestAwaiting}; the newest wait for the data-availability date)` : "") + `; last settle run ${st.lastRun ? `${st.lastRun.status}, ${ago(st.lastRun.startedAt, now)}` : "never"}`,
    ...f.streams.map((s) => formatStreamFreshness(s, now))
  ];
}
function formatStreamFreshness(s, now) {
  const covered = s.newestCoveredEnd ? `covered up to ${ago(s.newestCoveredEnd, now)}` : "nothing covered yet";
  const newest = s.newestRecordStart ? `newest record start ${ago(s.newestRecordStart, now)}` : "no record stored";
  return `  ${`stream ${s.stream}`.padEnd(27)}${covered} (the worker's scope); ${newest}`;
}
function formatMirror(report) {
  const { mirror: m, settling: st } = report;
  const debtDays = st.attributeDebt.reduce((n, r) => n + r.days, 0);
  const lines = [
    "MIRROR",
    `  attributes   ${debtDays === 0 ? "no day older than two days lacks participant attributes" : `${debtDays} day(s) read without participant attributes (the query lane); the worker's settling re-reads them through jobs (SETTLE_DAYS_PER_TICK a tick), or run:`}`
  ];
  for (const r of st.attributeDebt.slice(0, MAX_LISTED_DEBT))
    lines.push(`    ${r.from} \u2192 ${r.to} (${r.days} day(s))  ${r.command}`);
  if (st.attributeDebt.length > MAX_LISTED_DEBT)
    lines.push(`    \u2026 and ${st.attributeDebt.length - MAX_LISTED_DEBT} more range(s)`);
  lines.push(`  deletions    ${m.markedDeleted} conversation(s) marked deleted upstream (deleted_at); last 7 days: ${m.recent.deleted} deleted, ${m.recent.withheld} window(s) withheld by SYNC_DELETE_MAX_FRACTION`, `  retention    ${m.purgedBefore ? `conversations that started before ${shortTime(m.purgedBefore)} deleted; last 7 days: ${m.recent.expired}` : "nothing purged (RETENTION_DAYS unset, or nothing old enough yet)"}`);
  return lines;
}
var MAX_LISTED_DEBT = 5;
function formatReferenceLists(report) {
  const lines = ["REFERENCE LISTS (names for ids)"];
  if (report.referenceLists.length === 0)
    lines.push("  not refreshed yet");
  if (report.referenceLists.length > 0) {
    const header = ["LIST", "STATUS", "ENTRIES", "REFRESHED (UTC)", "LAST READ (UTC)"];
    const rows = report.referenceLists.map((l) => [
      l.list,
      l.status,
      l.entries === null ? "\u2013" : String(l.entries),
      shortTime(l.refreshedAt),
      l.lastSuccessAt ? shortTime(l.lastSuccessAt) : "never"
    ]);
    lines.push(...formatTable([header, ...rows], { indent: "  " }));
  }
  for (const w of report.warnings)
    lines.push(`  warning: ${oneLine(w, 300)}`);
  return lines;
}
function formatCoverage(report) {
  const lines = ["COVERAGE (time ranges whose windows are all done, per stream and agent scope)"];
  if (report.coverage.length === 0)
    lines.push("  none yet");
  for (const s of report.coverage) {
    const name = s.agentIds.length === 0 ? "all agents" : `${s.agentIds.length} agent(s): ${oneLine(s.agentIds.join(","), 80)}`;
    lines.push(`  ${s.stream}: ${name}${s.worker ? "  (the worker's scope)" : ""}`);
    const covered = s.covered.map(span).join(", ");
    lines.push(`    covered      ${covered || "nothing yet"}${s.coveredNotListed > 0 ? ` (and ${s.coveredNotListed} older range(s))` : ""}`);
    for (const h of s.holes) {
      lines.push(`    hole         ${span(h)}  (${formatSpan(h.end.getTime() - h.start.getTime())})  ${formatBackfills(planBackfills(h, s.agentIds, { configured: s.worker, stream: s.stream }))}`);
    }
    if (s.holesNotListed > 0)
      lines.push(`    \u2026 and ${s.holesNotListed} older hole(s)`);
    for (const r of s.inProgress)
      lines.push(`    in progress  ${span(r)}`);
    for (const r of s.purged)
      lines.push(`    purged       ${span(r)}  (deleted by retention, RETENTION_DAYS: not a hole)`);
  }
  if (report.scopesNotListed > 0)
    lines.push(`  \u2026 and ${report.scopesNotListed} scope(s) whose newest run is older (agent lists of sync_runs)`);
  return lines;
}
function span(r) {
  return `${shortTime(r.start)} \u2192 ${shortTime(r.end)}`;
}

// dist/commands/status.js
var DEFAULT_LIMIT = 10;
var MAX_LIMIT = 500;
function parseStatusArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: "boolean", default: false }, limit: { type: "string" } },
      strict: true,
      allowPositionals: false
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  let limit = DEFAULT_LIMIT;
  if (values.limit !== void 0) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new UsageError(`--limit: must be an integer from 1 to ${MAX_LIMIT} (got "${values.limit}")`);
    }
  }
  return { json: values.json ?? false, limit };
}
function workerStreams(config) {
  try {
    return chooseStreams(void 0, config.sync.streams).names;
  } catch (error) {
    throw new UsageError(error.message);
  }
}
async function statusCommand(argv, config, logger) {
  const args = parseStatusArgs(argv);
  const streams = workerStreams(config);
  const runtime = await openRuntime(config, args.json ? logger.child({}, { level: "error" }) : logger);
  try {
    const report = await readStatus(runtime.database.prisma, {
      now: systemClock(),
      limit: args.limit,
      maxAgeMs: config.statusMaxAgeMs,
      worker: { agentIds: config.sync.agentIds, lookbackMs: config.sync.lookbackMs, lagMs: config.sync.lagMs, streams },
      streams: STREAM_NAMES,
      personalData: { mode: config.personalData.mode, attributes: config.personalData.attributes }
    });
    process.stdout.write(args.json ? `${JSON.stringify(statusJson(report), null, 2)}
` : `${formatStatus(report)}
`);
    return report.healthy ? EXIT.OK : EXIT.FAILED;
  } catch (error) {
    if (error.code === "P2021") {
      process.stderr.write("the sync tables do not exist yet: run `npm run migrate` first\n");
      return EXIT.FAILED;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
export {
  parseStatusArgs,
  statusCommand
};
