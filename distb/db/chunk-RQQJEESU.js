import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  ABANDONED_AFTER_MS,
  backfillHint,
  describeFailure,
  describeReject,
  findFallbackWindows,
  formatSpan,
  newestCoveredEnd,
  readAttributeDebt,
  readCoverage,
  runScopeKey,
  runSync
} from "./chunk-PIYMWS5V.js";
import {
  cutConnectionsAfterGrace,
  stopSignal
} from "./chunk-QHFLPGZM.js";
import {
  STREAM_MAX_WINDOW_DAYS,
  chooseStreams,
  configuredPersonalData,
  createGenesys,
  openRuntime,
  runDeps,
  streamJobsAvailability
} from "./chunk-FQAQLBJI.js";
import {
  formatDuration,
  formatInterval,
  parseAgentIds,
  resolveInterval,
  resolveRollingInterval
} from "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import {
  LANE_MODES,
  isLaneMode
} from "./chunk-PBIHHMKK.js";
import {
  MINUTE_MS,
  SECOND_MS,
  systemClock
} from "./chunk-CTOUFHIB.js";

// dist/commands/sync.js
import { parseArgs } from "node:util";

// dist/pipeline/stream.js
function onlyStream(streams, name) {
  return { names: [name], open: (run) => streams.open(run).filter((s) => s.name === name) };
}

// dist/pipeline/fallback-retry.js
async function retryFallbacks(deps, options, report) {
  const lanes = options.lanes;
  if (options.kind !== "backfill" || !lanes || lanes.mode === "query" || report.laneFallbacks === 0)
    return [];
  if (report.status === "interrupted" || report.authFailed)
    return [];
  const windows = await findFallbackWindows(deps.db, report.runId);
  deps.logger.info({ windows: windows.length }, `${windows.length} window(s) fell back to the query lane: one more try through jobs`);
  const retries = [];
  for (const window of windows) {
    if (deps.signal?.aborted)
      break;
    retries.push(await runSync({ ...deps, openStreams: onlyStream(deps.openStreams, window.stream) }, { ...options, interval: { start: window.start, end: window.end }, resume: false, catchUpFrom: void 0, lanes: { ...lanes, mode: "jobs" } }));
  }
  return retries;
}

// dist/present/summary.js
var MAX_LISTED_FAILURES = 10;
var MAX_LISTED_REJECTS = 10;
function formatAttributeDebt(debt) {
  if (debt.length === 0)
    return "";
  const days = debt.reduce((n, r) => n + r.days, 0);
  const lines = [`  attributes     ${days} day(s) read without participant attributes (the query lane); the worker's settling re-reads them through jobs, or run:`];
  for (const r of debt.slice(0, MAX_LISTED_FAILURES))
    lines.push(`    - ${r.from} \u2192 ${r.to}: ${r.command}`);
  if (debt.length > MAX_LISTED_FAILURES)
    lines.push(`    \u2026 and ${debt.length - MAX_LISTED_FAILURES} more range(s) (npm run status)`);
  return lines.join("\n");
}
function otherStreams(report) {
  return report.streams.filter((s) => s.stream !== "conversations").map((s) => `  ${s.stream.padEnd(14)} ${s.recordsWritten} written (${s.changed} new or changed${s.stale > 0 ? `, ${s.stale} older than the stored version, skipped` : ""})`);
}
function formatSummary(report) {
  const lines = [
    `${report.kind} ${report.status.toUpperCase()}  run ${report.runId}`,
    `  interval       ${report.interval.start.toISOString()} \u2192 ${report.interval.end.toISOString()}`,
    `  windows        ${report.windowsDone} done, ${report.windowsFailed} failed, ${report.windowsTotal} planned` + (report.windowsResumed > 0 ? ` (${report.windowsResumed} already done by an earlier run, skipped)` : ""),
    `  requests       ${report.requests} (${report.pages} pages, ${report.retries} retries, ${report.rateLimited} rate-limited)`,
    `  conversations  ${report.conversationsWritten} written (${report.conversationsChanged} new or changed` + (report.conversationsStale > 0 ? `, ${report.conversationsStale} older than the stored version, skipped` : "") + (report.recordsRejected > 0 ? `; ${report.recordsRejected} quarantined` : "") + ")",
    ...otherStreams(report),
    `  duration       ${formatDuration(report.durationMs)}`
  ];
  for (const w of report.warnings)
    lines.push(`  warning        ${w}`);
  if (report.recordsDeleted > 0 || report.deletionsWithheld > 0) {
    lines.splice(-1, 0, `  deleted        ${report.recordsDeleted} no longer returned by Genesys (deleted upstream)` + (report.deletionsWithheld > 0 ? `; ${report.deletionsWithheld} window(s) withheld by SYNC_DELETE_MAX_FRACTION` : ""));
  }
  if (report.recordsRejected > 0) {
    lines.push("  quarantined records (in sync_rejects with their raw JSON; a later run that stores them closes them):");
    for (const r of report.rejects.slice(0, MAX_LISTED_REJECTS))
      lines.push(`    - ${describeReject(r)}`);
    if (report.recordsRejected > MAX_LISTED_REJECTS)
      lines.push(`    \u2026 and ${report.recordsRejected - MAX_LISTED_REJECTS} more (npm run status)`);
  }
  if (report.failures.length > 0) {
    lines.push("  failed windows (holes until a run covers them again; npm run status lists them):");
    for (const f of report.failures.slice(0, MAX_LISTED_FAILURES))
      lines.push(`    - ${describeFailure(f)}`);
    if (report.failures.length > MAX_LISTED_FAILURES)
      lines.push(`    \u2026 and ${report.failures.length - MAX_LISTED_FAILURES} more (npm run status)`);
  } else if (report.error && report.recordsRejected === 0) {
    lines.push(`  error          ${report.error}`);
  }
  return lines.join("\n");
}

// dist/present/progress.js
var BAR_WIDTH = 24;
function completedFraction(p) {
  if (p.windowsTotal <= 0)
    return 1;
  return Math.min(1, Math.max(0, (p.windowsDone + p.windowsFailed) / p.windowsTotal));
}
function requestsPerMinute(p) {
  if (p.elapsedMs < SECOND_MS)
    return void 0;
  return p.requests / p.elapsedMs * MINUTE_MS;
}
function estimateRemainingMs(p) {
  const finished = p.windowsDone + p.windowsFailed;
  if (finished <= 0 || p.elapsedMs <= 0)
    return void 0;
  const left = Math.max(0, p.windowsTotal - finished);
  return Math.round(p.elapsedMs / finished * left);
}
function formatBar(fraction, width = BAR_WIDTH) {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}
var integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
function formatProgressLine(p, columns = 120) {
  const rate = requestsPerMinute(p);
  const eta = estimateRemainingMs(p);
  const parts = [
    formatBar(completedFraction(p)),
    `${p.windowsDone}/${p.windowsTotal} windows${p.windowsFailed > 0 ? ` (${p.windowsFailed} failed)` : ""}`,
    `${integer.format(p.conversationsWritten)} conversations`,
    `${rate === void 0 ? "\u2013" : integer.format(rate)} req/min`,
    `ETA ${eta === void 0 ? "\u2013" : formatDuration(eta)}`
  ];
  const line = parts.join("  ");
  return line.length > columns ? line.slice(0, Math.max(0, columns - 1)) : line;
}
function progressFields(p) {
  const rate = requestsPerMinute(p);
  return {
    windowsDone: p.windowsDone,
    windowsFailed: p.windowsFailed,
    windowsTotal: p.windowsTotal,
    percent: Math.round(completedFraction(p) * 1e3) / 10,
    conversations: p.conversationsWritten,
    requests: p.requests,
    requestsPerMinute: rate === void 0 ? void 0 : Math.round(rate),
    elapsedMs: p.elapsedMs,
    etaMs: estimateRemainingMs(p)
  };
}

// dist/present/progress-reporter.js
var DEFAULT_PROGRESS_LOG_INTERVAL_MS = 30 * SECOND_MS;
var TTY_REDRAW_MS = 200;
function terminalColumns(stream) {
  return stream.columns !== void 0 && stream.columns >= 40 ? stream.columns : 120;
}
function createProgressReporter(options) {
  const clock = options.clock ?? systemClock;
  const tty = options.isTTY ?? options.stream.isTTY === true;
  const intervalMs = tty ? TTY_REDRAW_MS : options.intervalMs ?? DEFAULT_PROGRESS_LOG_INTERVAL_MS;
  let last;
  let lastEmitMs;
  let emittedLast = false;
  let emittedAny = false;
  let finished = false;
  const emit = (p) => {
    emittedLast = true;
    emittedAny = true;
    lastEmitMs = clock().getTime();
    if (tty)
      options.stream.write(`\r${formatProgressLine(p, terminalColumns(options.stream) - 1)}\x1B[K`);
    else
      options.logger.info(progressFields(p), "progress");
  };
  return {
    update(p) {
      if (finished)
        return;
      last = p;
      emittedLast = false;
      const nowMs = clock().getTime();
      if (lastEmitMs === void 0 && !tty)
        lastEmitMs = nowMs;
      if (lastEmitMs === void 0 || nowMs - lastEmitMs >= intervalMs)
        emit(p);
    },
    finish() {
      if (finished)
        return;
      finished = true;
      if (!last)
        return;
      if (tty) {
        if (!emittedLast)
          emit(last);
        options.stream.write("\n");
      } else if (emittedAny && !emittedLast) {
        emit(last);
      }
    }
  };
}

// dist/pipeline/rolling.js
async function planRollingRun(db, options) {
  const scopeKey = runScopeKey(options.agentIds);
  const aliveSince = new Date(options.now.getTime() - ABANDONED_AFTER_MS);
  const ends = await Promise.all((options.streams ?? [void 0]).map(async (stream) => {
    const [scope] = await readCoverage(db, { agentIds: options.agentIds, aliveSince, ...stream ? { stream } : {} });
    return scope ? newestCoveredEnd(scope.covered) : void 0;
  }));
  const newest = ends.reduce((oldest, end) => end && (!oldest || end < oldest) ? end : oldest, void 0);
  const resolved = resolveRollingInterval({
    now: options.now,
    lagMs: options.lagMs,
    lookbackMs: options.lookbackMs,
    newestCoveredEnd: newest,
    maxCatchUpMs: options.maxCatchUpMs
  });
  return { ...resolved, scopeKey, newestCoveredEnd: newest, note: describeRollingPlan(resolved, scopeKey, options) };
}
function describeRollingPlan(plan, scopeKey, options) {
  if (!plan.caughtUp)
    return void 0;
  const { start, end } = plan.interval;
  const covering = `covering ${formatSpan(end.getTime() - start.getTime())} (${start.toISOString()} \u2192 ${end.toISOString()})`;
  const reason = `the last coverage of scope ${scopeKey} ended ${plan.catchUpFrom.toISOString()}, before the lookback of ${formatSpan(options.lookbackMs)}`;
  if (!plan.capped)
    return `catching up: ${covering}: ${reason}`;
  const hole = { start: plan.catchUpFrom, end: start };
  return `catch-up cut by SYNC_MAX_CATCH_UP (${formatSpan(options.maxCatchUpMs)}): ${covering}: ${reason}; ${hole.start.toISOString()} \u2192 ${hole.end.toISOString()} stays a hole: ${backfillHint(hole, options.agentIds, { configured: options.configuredAgents })}`;
}

// dist/commands/sync.js
function parseRunArgs(kind, argv, config, now) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        lookback: { type: "string" },
        agents: { type: "string" },
        lane: { type: "string" },
        streams: { type: "string" },
        "dry-run": { type: "boolean", default: false }
      },
      strict: true,
      allowPositionals: false
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (kind === "backfill" && (values.from === void 0 || values.to === void 0)) {
    throw new UsageError("backfill needs --from DATE and --to DATE (e.g. --from 2025-01-01 --to 2025-04-01)");
  }
  if (kind === "backfill" && values.lookback !== void 0)
    throw new UsageError("backfill takes --from/--to, not --lookback");
  if (kind === "sync" && values.lane !== void 0)
    throw new UsageError("--lane is for backfill; the rolling sync reads through the query (and the worker settles days through jobs)");
  const laneText = values.lane?.trim().toLowerCase();
  if (laneText !== void 0 && !isLaneMode(laneText))
    throw new UsageError(`--lane: "${values.lane}" is not one of ${LANE_MODES.join(", ")}`);
  const interval = resolveInterval({
    now,
    lagMs: config.sync.lagMs,
    defaultLookbackMs: config.sync.lookbackMs,
    from: values.from,
    to: values.to,
    lookback: values.lookback
  });
  let agentIds = config.sync.agentIds;
  if (values.agents !== void 0) {
    const parsed = parseAgentIds(values.agents);
    if ("error" in parsed)
      throw new UsageError(`--agents: ${parsed.error}`);
    if (parsed.ids.length === 0)
      throw new UsageError("--agents: the list is empty");
    agentIds = parsed.ids;
  }
  const rolling = kind === "sync" && values.from === void 0 && values.to === void 0 && values.lookback === void 0;
  const lane = kind === "sync" ? "query" : laneText ?? config.lanes.backfillLane;
  let streams;
  try {
    streams = chooseStreams(values.streams, config.sync.streams);
  } catch (error) {
    throw new UsageError(error.message);
  }
  return { interval, agentIds, dryRun: values["dry-run"] ?? false, rolling, lane, streams };
}
function planRolling(db, config, agentIds, now, streams) {
  return planRollingRun(db, {
    now,
    streams,
    lagMs: config.sync.lagMs,
    lookbackMs: config.sync.lookbackMs,
    maxCatchUpMs: config.sync.maxCatchUpMs,
    agentIds,
    configuredAgents: runScopeKey(agentIds) === runScopeKey(config.sync.agentIds)
  });
}
function syncOptions(kind, args, config) {
  return {
    kind,
    interval: args.interval,
    agentIds: args.agentIds,
    agentGroupSize: config.sync.agentGroupSize,
    windowDays: kind === "backfill" ? config.sync.backfillWindowDays : config.sync.windowDays,
    pageSize: config.sync.pageSize,
    windowMaxHits: config.sync.windowMaxHits,
    concurrency: config.sync.concurrency,
    resume: kind === "backfill",
    catchUpFrom: args.catchUpFrom,
    deletes: { mode: config.mirror.deletes, maxFraction: config.mirror.deleteMaxFraction }
  };
}
function exitCodeFor(report) {
  if (report.status === "succeeded")
    return EXIT.OK;
  if (report.authFailed)
    return EXIT.UNAVAILABLE;
  if (report.status === "interrupted")
    return EXIT.INTERRUPTED;
  return EXIT.FAILED;
}
async function runCommand(kind, argv, config, logger) {
  const clock = systemClock;
  const now = clock();
  const parsed = parseRunArgs(kind, argv, config, now);
  const mode = parsed.lane ?? "query";
  const genesys = parsed.dryRun && mode === "query" ? void 0 : createGenesys(config, logger);
  let runtime;
  try {
    runtime = await openRuntime(config, logger);
  } catch (error) {
    genesys?.close();
    throw error;
  }
  const stop = parsed.dryRun ? void 0 : stopSignal(logger, cutConnectionsAfterGrace(logger, config.sync.shutdownTimeoutMs, runtime.database));
  const progress = !parsed.dryRun && kind === "backfill" ? createProgressReporter({ logger, stream: process.stderr }) : void 0;
  try {
    let args = parsed;
    let note;
    if (parsed.rolling) {
      const plan = await planRolling(runtime.database.prisma, config, parsed.agentIds, now, parsed.streams.names);
      args = { ...parsed, interval: plan.interval, catchUpFrom: plan.catchUpFrom };
      note = plan.note;
    }
    if (note)
      logger.info({ interval: formatInterval(args.interval), catchUpFrom: args.catchUpFrom?.toISOString() }, note);
    const options = { ...syncOptions(kind, args, config), ...kind === "backfill" ? { lanes: laneRunOptions(config, mode, void 0) } : {} };
    const header = note ? `${note}
` : "";
    if (parsed.dryRun || !genesys) {
      const [{ buildPlan }, { formatPlan }] = await Promise.all([import("./dry-run-UUXHYV7S.js"), import("./plan-RGFRII7I.js")]);
      const plan = await buildPlan(runtime.database.prisma, { ...options, streams: parsed.streams.names, maxWindowDays: STREAM_MAX_WINDOW_DAYS, ...genesys ? { ownAvailability: streamJobsAvailability(genesys) } : {} }, () => genesys.getDetailsJobsAvailability());
      process.stdout.write(`${header}${formatPlan(plan)}
`);
      return EXIT.OK;
    }
    const deps = runDeps(runtime, genesys, { logger, clock, signal: stop.signal, host: config.hostname, streams: parsed.streams.names, explicitStreams: parsed.streams.explicit, personalData: configuredPersonalData(config) });
    const report = await runSync({ ...deps, ...progress ? { onProgress: (p) => progress.update(p) } : {} }, options);
    progress?.finish();
    process.stdout.write(`${header}${formatSummary(report)}
`);
    if (kind !== "backfill")
      return exitCodeFor(report);
    return await finishBackfill(deps, options, report);
  } finally {
    progress?.finish();
    stop?.dispose();
    genesys?.close();
    await runtime.close();
  }
}
async function finishBackfill(deps, options, report) {
  for (const retry of await retryFallbacks(deps, options, report))
    process.stdout.write(`one more try through jobs:
${formatSummary(retry)}
`);
  const debt = formatAttributeDebt(await readAttributeDebt(deps.db, options.interval, deps.clock()));
  if (debt)
    process.stdout.write(`${debt}
`);
  return exitCodeFor(report);
}
function laneRunOptions(config, mode, availability) {
  const l = config.lanes;
  return {
    mode,
    availability,
    jobWindowDays: l.jobWindowDays,
    jobs: { maxConcurrentJobs: l.maxConcurrentJobs, maxAttempts: l.maxJobAttempts, timeoutMs: l.jobTimeoutMs, pollInitialMs: l.pollInitialMs, pollMaxMs: l.pollMaxMs }
  };
}

export {
  formatSummary,
  parseRunArgs,
  planRolling,
  syncOptions,
  exitCodeFor,
  runCommand,
  laneRunOptions
};
