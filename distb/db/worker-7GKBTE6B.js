import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  formatSummary,
  laneRunOptions,
  planRolling,
  syncOptions
} from "./chunk-RQQJEESU.js";
import {
  ABANDONED_AFTER_MS,
  findDaysWithoutAttributes,
  newestCoveredEnd,
  purgeExpired,
  readCoverage,
  recordExpired,
  runSync
} from "./chunk-PIYMWS5V.js";
import {
  readLastSuccessfulSync
} from "./chunk-ADWFEMNX.js";
import {
  cutConnectionsAfterGrace,
  stopSignal
} from "./chunk-QHFLPGZM.js";
import {
  RUN_LOCK_KEY,
  STREAM_NAMES,
  chooseStreams,
  configuredPersonalData,
  countOpenRejects,
  createGenesys,
  describeError,
  openRuntime,
  runDeps,
  tryHoldAdvisoryLock
} from "./chunk-FQAQLBJI.js";
import {
  formatDuration,
  formatInterval
} from "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import {
  RUN_KINDS
} from "./chunk-KA34AMGA.js";
import "./chunk-PBIHHMKK.js";
import {
  DAY_MS,
  HOUR_MS,
  systemClock,
  untilAborted
} from "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/commands/worker.js
import { Registry } from "prom-client";

// dist/pipeline/worker.js
import cron from "node-cron";
function createWorker(deps, options) {
  const { logger } = deps;
  const delay = deps.delay ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  let handle;
  let stopping = false;
  let inFlight;
  const logNext = () => {
    const next = handle?.nextRun();
    if (!next || stopping)
      return;
    const inMs = Math.max(0, next.getTime() - deps.clock().getTime());
    logger.info({ nextRunAt: next.toISOString(), inMs }, `next run due at ${next.toISOString()} (in ${formatDuration(inMs)})`);
  };
  const worker = {
    get running() {
      return inFlight !== void 0;
    },
    start() {
      handle = deps.scheduler.schedule(options.schedule, options.timezone, () => void worker.tick("schedule"));
      logger.info({ schedule: options.schedule, timezone: options.timezone }, "worker started");
      if (options.runOnStart)
        void worker.tick("start");
      else
        logNext();
    },
    async tick(reason) {
      if (stopping)
        return "skipped-stopping";
      if (inFlight) {
        logger.warn({ reason }, "the previous run is still going; skipping this tick");
        return "skipped-busy";
      }
      const controller = new AbortController();
      const done = runGuarded(deps, reason, controller);
      inFlight = { controller, done };
      try {
        return await done;
      } finally {
        inFlight = void 0;
        logNext();
      }
    },
    async stop(reason = "stop requested") {
      stopping = true;
      handle?.stop();
      handle = void 0;
      return stopInFlight(inFlight, reason, options.shutdownTimeoutMs, delay, logger);
    }
  };
  return worker;
}
async function runGuarded(deps, reason, controller) {
  const { logger } = deps;
  let lease;
  try {
    lease = await deps.lock.tryAcquire();
  } catch (error) {
    logger.error({ err: error, reason }, "could not take the run lock; skipping this run");
    return "error";
  }
  if (!lease) {
    logger.warn({ reason }, "another worker holds the run lock (a run is going elsewhere); skipping this run");
    return "skipped-locked";
  }
  const unwatch = watchLock(lease, reason, controller, logger);
  try {
    if (controller.signal.aborted)
      return "skipped-stopping";
    const startedAt = deps.clock();
    logger.info({ reason }, "run starting");
    const outcome = await deps.runOnce(controller.signal);
    const fields = { ...outcome.fields, status: outcome.status, durationMs: deps.clock().getTime() - startedAt.getTime() };
    if (outcome.status === "succeeded")
      logger.info(fields, `run succeeded
${outcome.summary}`);
    else if (outcome.status === "interrupted")
      logger.warn(fields, `run interrupted
${outcome.summary}`);
    else
      logger.error(fields, `run failed; the worker keeps its schedule
${outcome.summary}`);
    return outcome.status === "succeeded" ? "ran" : outcome.status;
  } catch (error) {
    logger.error({ err: error, reason }, "run failed with an error; the worker keeps its schedule");
    return "error";
  } finally {
    unwatch?.();
    await lease.release().catch((error) => logger.warn({ err: error }, "could not release the run lock"));
  }
}
function watchLock(lease, reason, controller, logger) {
  return lease.on?.((event) => {
    if (event.type === "lost")
      logger.warn({ err: event.error, reason }, "the run lock connection was lost; taking the lock again");
    else if (event.type === "reacquired")
      logger.info({ reason }, "the run lock is held again");
    else {
      logger.error({ reason }, "another worker took the run lock while our connection was down; stopping this run");
      controller.abort(new Error("another worker took the run lock while our connection was down"));
    }
  });
}
async function stopInFlight(current, reason, timeoutMs, delay, logger) {
  if (!current) {
    logger.info({ reason }, "worker stopped (no run in flight)");
    return { interruptedRun: false, timedOut: false };
  }
  logger.warn({ reason, timeoutMs }, `stopping: aborting the run in flight and waiting up to ${formatDuration(timeoutMs)} for it`);
  current.controller.abort(new Error(reason));
  const outcome = await Promise.race([current.done, delay(timeoutMs).then(() => "timeout")]);
  if (outcome === "timeout")
    logger.error({ timeoutMs }, "the run did not stop within SYNC_SHUTDOWN_TIMEOUT; exiting anyway");
  else
    logger.info("worker stopped");
  return { interruptedRun: outcome === "timeout" || outcome === "interrupted", timedOut: outcome === "timeout" };
}
var nodeCronScheduler = {
  schedule(expression, timezone, onTick) {
    const task = cron.schedule(expression, () => onTick(), { timezone, name: "genesys-sync" });
    return {
      stop: () => void task.stop(),
      nextRun: () => task.getNextRun()
    };
  }
};
function postgresRunLock(connectionString, key = RUN_LOCK_KEY) {
  return { tryAcquire: () => tryHoldAdvisoryLock(connectionString, { key }) };
}

// dist/pipeline/retention.js
async function applyRetention(db, logger, settings, at) {
  const before = new Date(at.now.getTime() - settings.days * DAY_MS);
  try {
    const result = await purgeExpired(db, { before, batchSize: settings.batchSize ?? 1e3, maxBatches: settings.maxBatches ?? 20 });
    if (result.deleted > 0)
      await recordExpired(db, at.runId, result.deleted);
    if (result.deleted > 0 || result.more) {
      logger.info({ deleted: result.deleted, purgedBefore: result.purgedBefore.toISOString(), more: result.more }, `retention deleted ${result.deleted} conversation(s) that started before ${before.toISOString()}`);
    }
    return result.deleted;
  } catch (error) {
    logger.error({ err: error }, "retention failed; it is tried again next tick");
    return 0;
  }
}

// dist/decisions/settling.js
var dayNumber = (ms) => Math.floor(ms / DAY_MS);
function planSettling(input) {
  const lastSettleable = dayNumber(input.availability.getTime()) - 1;
  const due = [...new Set(input.queryReadDays)].filter((d) => d <= lastSettleable && !input.settledDays.has(d)).sort((a, b) => b - a).slice(0, Math.max(0, input.maxDays)).sort((a, b) => a - b);
  const windows = [];
  let runStart;
  let prev;
  const close = () => {
    if (runStart !== void 0 && prev !== void 0)
      windows.push({ start: new Date(runStart * DAY_MS), end: new Date((prev + 1) * DAY_MS) });
  };
  for (const d of due) {
    const extends_ = prev !== void 0 && d === prev + 1 && runStart !== void 0 && d - runStart < input.maxWindowDays;
    if (!extends_) {
      close();
      runStart = d;
    }
    prev = d;
  }
  close();
  return windows;
}

// dist/pipeline/settle.js
async function settle(deps, options) {
  const logger = deps.logger.child({ component: "settle" });
  let availability;
  try {
    availability = await deps.genesys.getDetailsJobsAvailability(deps.signal);
  } catch (error) {
    logger.error({ err: error }, "could not read the data-availability date; settling skipped this tick");
    return { daysDue: 0, windows: [], reports: [], error: `could not read the data-availability date: ${describeError(error)}` };
  }
  const queryReadDays = await findDaysWithoutAttributes(deps.db);
  const input = { queryReadDays, settledDays: /* @__PURE__ */ new Set(), availability, maxWindowDays: options.jobWindowDays };
  const daysDue = planSettling({ ...input, maxDays: Number.MAX_SAFE_INTEGER }).reduce((n, w) => n + (w.end.getTime() - w.start.getTime()) / DAY_MS, 0);
  const windows = planSettling({ ...input, maxDays: options.daysPerTick });
  logger.info({ availability: availability.toISOString(), daysDue, windows: windows.length }, daysDue === 0 ? "no day to settle" : `settling ${windows.length} window(s)`);
  const reports = [];
  for (const window of windows) {
    if (deps.signal?.aborted)
      break;
    reports.push(await runSync(deps, {
      ...options.base,
      kind: "settle",
      interval: window,
      resume: false,
      lanes: { mode: "jobs", availability, jobWindowDays: options.jobWindowDays, jobs: options.jobs }
    }));
  }
  return { availability, daysDue, windows, reports };
}

// dist/pipeline/worker-tick.js
function createWorkerTick(deps) {
  const { clock, logger } = deps.sync;
  const observe = (r, recordsExpired = 0) => deps.metrics?.observeRun({
    kind: r.kind,
    status: r.status,
    finishedAt: clock(),
    durationSeconds: r.durationMs / 1e3,
    conversationsWritten: r.conversationsWritten,
    windowsFailed: r.windowsFailed,
    streams: r.streams,
    recordsDeleted: r.recordsDeleted,
    deletionsWithheld: r.deletionsWithheld,
    recordsExpired
  });
  return async (signal) => {
    deps.retryCredentials();
    const startedAt = clock();
    const syncDeps = { ...deps.sync, signal };
    let plan;
    let options;
    let report;
    try {
      plan = await deps.planRolling(startedAt);
      if (plan.note)
        logger.info({ interval: formatInterval(plan.interval), catchUpFrom: plan.catchUpFrom.toISOString() }, plan.note);
      options = deps.syncOptions(plan);
      report = await runSync(syncDeps, options);
    } catch (error) {
      deps.onStatus?.("error");
      const finishedAt = clock();
      deps.metrics?.observeRun({
        kind: "sync",
        status: "error",
        finishedAt,
        durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1e3,
        conversationsWritten: 0,
        windowsFailed: 0
      });
      throw error;
    }
    const expired = deps.retention && !report.authFailed && !signal.aborted ? await applyRetention(deps.sync.db, logger, deps.retention, { now: startedAt, runId: report.runId }) : 0;
    observe(report, expired);
    deps.onStatus?.(report.status);
    const outcome = outcomeOf(report, plan.note, deps.summarize, expired);
    if (!deps.settle || report.status === "interrupted" || report.authFailed)
      return outcome;
    const settled = await settle(syncDeps, { ...deps.settle, base: options });
    settled.reports.forEach((r) => observe(r));
    const combined = combineSettle(outcome, settled, deps.summarize);
    deps.onStatus?.(combined.status);
    return combined;
  };
}
function outcomeOf(report, note, summarize, expired = 0) {
  return {
    status: report.status,
    summary: `${note ? `${note}
` : ""}${summarize(report)}${expired > 0 ? `
  retention      ${expired} conversation(s) older than RETENTION_DAYS deleted` : ""}`,
    fields: { runId: report.runId, windowsFailed: report.windowsFailed, conversationsWritten: report.conversationsWritten }
  };
}
function combineSettle(outcome, settled, summarize) {
  const rank = { succeeded: 0, interrupted: 1, failed: 2 };
  let status = outcome.status;
  for (const r of settled.reports)
    if (rank[r.status] > rank[status])
      status = r.status;
  if (settled.error && status === "succeeded")
    status = "failed";
  const head = settled.error ? `settling: ${settled.error}` : `settling: ${settled.daysDue} day(s) due before ${settled.availability?.toISOString() ?? "?"}; ${settled.windows.length} job window(s) this tick`;
  return {
    status,
    summary: [outcome.summary, head, ...settled.reports.map(summarize)].join("\n"),
    fields: { ...outcome.fields, settleDaysDue: settled.daysDue, settleRuns: settled.reports.map((r) => r.runId) }
  };
}

// dist/metrics/health.js
import { monitorEventLoopDelay } from "node:perf_hooks";
function nodeLoopDelaySource() {
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  return {
    takeMaxMs() {
      const maxMs = histogram.max / 1e6;
      histogram.reset();
      return Number.isFinite(maxMs) ? maxMs : 0;
    },
    stop: () => histogram.disable()
  };
}
var MAX_LOOP_STALL_MS = 1e4;
function liveness(loop, maxStallMs = MAX_LOOP_STALL_MS) {
  return () => {
    const stallMs = Math.round(loop.takeMaxMs());
    return stallMs > maxStallMs ? { ok: false, detail: `the event loop stalled for ${stallMs} ms since the last check (limit ${maxStallMs} ms)` } : { ok: true, detail: `ok: longest event-loop stall since the last check ${stallMs} ms` };
  };
}
function readiness(deps) {
  const timeoutMs = deps.timeoutMs ?? 5e3;
  return async () => {
    try {
      await withTimeout(deps.pingDatabase(), timeoutMs);
    } catch (error) {
      return { ok: false, detail: `the database does not answer: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
    }
    const last = deps.lastRunStatus();
    if (last === "failed" || last === "error")
      return { ok: false, detail: `the last run ${last === "failed" ? "failed" : "ended with an error"} (see the log and \`status\`)` };
    return { ok: true, detail: `ok: the database answers; last run: ${last ?? "none yet"}` };
  };
}
function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// dist/metrics/metrics.js
import { collectDefaultMetrics, Counter, Gauge, Histogram } from "prom-client";
var METRIC_PREFIX = "genesys_sync_";
var RUN_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 21600];
function createSyncMetrics(registry, options = {}) {
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry });
  const runs = runMetrics([registry], options.streams ?? []);
  return { registry, requestObserver: requestMetrics([registry]), observeRun: runs.observe, seedLastSuccess: runs.success };
}
function requestMetrics(registers) {
  const counter = (name, help, labelNames) => new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
  const requests = counter("requests_total", "HTTP attempts to Genesys (token requests included), by route template and status class (network = no response).", ["endpoint", "status_class"]);
  const rateLimited = counter("rate_limited_total", "429 responses from Genesys.", ["endpoint"]);
  const retries = counter("retries_total", "Genesys requests repeated after a 429, 5xx/408, network error or 401.", ["endpoint"]);
  return {
    request: (endpoint, statusClass) => requests.inc({ endpoint, status_class: statusClass }),
    retry: (endpoint) => retries.inc({ endpoint }),
    rateLimited: (endpoint) => rateLimited.inc({ endpoint })
  };
}
function runMetrics(registers, streams) {
  const lastSuccess = new Gauge({ name: `${METRIC_PREFIX}last_success_timestamp_seconds`, help: "End of the last successful rolling sync (kind sync; Unix seconds); 0 until one succeeded.", registers });
  const runDuration = new Histogram({ name: `${METRIC_PREFIX}run_duration_seconds`, help: "Duration of finished runs, by run kind and how they ended.", labelNames: ["kind", "status"], buckets: RUN_DURATION_BUCKETS, registers });
  const conversationsWritten = new Counter({ name: `${METRIC_PREFIX}conversations_written_total`, help: "Conversations written (new, changed or re-confirmed unchanged) by finished runs.", labelNames: ["kind"], registers });
  const recordsWritten = new Counter({ name: `${METRIC_PREFIX}records_written_total`, help: "Records written by finished runs, by stream (conversations, ...) and run kind.", labelNames: ["stream", "kind"], registers });
  const windowsFailed = new Counter({ name: `${METRIC_PREFIX}windows_failed_total`, help: "Windows that failed in finished runs, by stream and run kind (the next run covers them again).", labelNames: ["stream", "kind"], registers });
  const mirror = mirrorMetrics(registers);
  let lastSuccessSeconds = 0;
  const success = (at) => {
    lastSuccessSeconds = Math.max(lastSuccessSeconds, at.getTime() / 1e3);
    lastSuccess.set(lastSuccessSeconds);
  };
  for (const kind of RUN_KINDS) {
    conversationsWritten.inc({ kind }, 0);
    for (const stream of streams) {
      recordsWritten.inc({ stream, kind }, 0);
      windowsFailed.inc({ stream, kind }, 0);
    }
  }
  const observe = (run) => {
    runDuration.observe({ kind: run.kind, status: run.status }, run.durationSeconds);
    conversationsWritten.inc({ kind: run.kind }, run.conversationsWritten);
    mirror.observe(run);
    for (const s of run.streams ?? []) {
      recordsWritten.inc({ stream: s.stream, kind: run.kind }, s.recordsWritten);
      windowsFailed.inc({ stream: s.stream, kind: run.kind }, s.windowsFailed);
    }
    if (run.status === "succeeded" && run.kind === "sync")
      success(run.finishedAt);
  };
  return { observe, success };
}
function mirrorMetrics(registers) {
  const labelNames = ["kind"];
  const deleted = new Counter({ name: `${METRIC_PREFIX}records_deleted_total`, help: "Records a complete read no longer returned (deleted upstream), marked deleted_at or purged (SYNC_DELETES), by run kind.", labelNames, registers });
  const withheld = new Counter({ name: `${METRIC_PREFIX}deletions_withheld_total`, help: "Windows whose deletions the safety valve withheld (SYNC_DELETE_MAX_FRACTION), by run kind.", labelNames, registers });
  const expired = new Counter({ name: `${METRIC_PREFIX}records_expired_total`, help: "Records deleted by retention (RETENTION_DAYS).", registers });
  for (const kind of RUN_KINDS) {
    deleted.inc({ kind }, 0);
    withheld.inc({ kind }, 0);
  }
  return {
    observe(run) {
      deleted.inc({ kind: run.kind }, run.recordsDeleted ?? 0);
      withheld.inc({ kind: run.kind }, run.deletionsWithheld ?? 0);
      expired.inc(run.recordsExpired ?? 0);
    }
  };
}
var MAX_COVERAGE_SCOPES = 20;
var COVERAGE_READ_REUSE_MS = 1e3;
function registerLedgerGauges(registry, source) {
  const registers = [registry];
  let lastRead;
  const coverage = () => {
    const now = source.nowMs();
    if (!lastRead || now - lastRead.atMs > COVERAGE_READ_REUSE_MS) {
      lastRead = { atMs: now, rows: source.newestCovered().then((rows) => rows.slice(0, MAX_COVERAGE_SCOPES)) };
    }
    return lastRead.rows;
  };
  new Gauge({
    name: `${METRIC_PREFIX}open_rejects`,
    help: "Records in quarantine (sync_rejects) not resolved yet.",
    registers,
    async collect() {
      this.reset();
      try {
        this.set(await source.openRejects());
      } catch (error) {
        source.onError(error);
      }
    }
  });
  new Gauge({
    name: `${METRIC_PREFIX}covered_until_timestamp_seconds`,
    help: "End of the newest range the ledger shows as covered, per agent scope (Unix seconds).",
    labelNames: ["scope"],
    registers,
    async collect() {
      this.reset();
      try {
        for (const { scope, end } of await coverage())
          if (end)
            this.set({ scope }, end.getTime() / 1e3);
      } catch (error) {
        source.onError(error);
      }
    }
  });
  new Gauge({
    name: `${METRIC_PREFIX}coverage_lag_seconds`,
    help: "How far the newest covered instant lags behind now, per agent scope (seconds).",
    labelNames: ["scope"],
    registers,
    async collect() {
      this.reset();
      try {
        const now = source.nowMs();
        for (const { scope, end } of await coverage())
          if (end)
            this.set({ scope }, (now - end.getTime()) / 1e3);
      } catch (error) {
        source.onError(error);
      }
    }
  });
}

// dist/metrics/server.js
import http from "node:http";
async function startMetricsServer(options) {
  const { registry, logger } = options;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("method not allowed\n");
      return;
    }
    const text = (status, body) => res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(`${body}
`);
    const answer = (a) => text(a.ok ? 200 : 503, a.detail);
    switch (path) {
      case "/metrics":
        registry.metrics().then((body) => res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(body), (error) => {
          logger.warn({ err: error }, "collecting metrics failed");
          text(500, "collecting metrics failed");
        });
        return;
      case "/healthz":
        answer(options.live());
        return;
      case "/readyz":
        options.ready().then(answer, (error) => text(503, `readiness check failed: ${String(error)}`));
        return;
      default:
        text(404, "not found: try /metrics, /healthz or /readyz");
    }
  });
  server.keepAliveTimeout = 5e3;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => logger.error({ err: error }, "metrics server error"));
  const port = server.address().port;
  logger.info({ port }, `serving /metrics, /healthz and /readyz on port ${port}`);
  return {
    port,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  };
}

// dist/commands/worker.js
async function workerCommand(_argv, config, logger) {
  const clock = systemClock;
  const metrics = config.metrics.port === void 0 ? void 0 : createSyncMetrics(new Registry(), { streams: STREAM_NAMES });
  const genesys = createGenesys(config, logger, metrics?.requestObserver);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger, cutConnectionsAfterGrace(logger, config.sync.shutdownTimeoutMs, runtime.database));
  const log = logger.child({ component: "worker" });
  let lastRunStatus;
  let server;
  try {
    if (metrics)
      server = await serveMetrics(metrics, config.metrics.port, runtime.database, () => lastRunStatus, clock, log);
    const worker = buildWorker(config, { runtime, genesys, logger, log, clock, metrics, onStatus: (s) => lastRunStatus = s });
    worker.start();
    const keepAlive = setInterval(() => {
    }, HOUR_MS);
    await untilAborted(stop.signal);
    clearInterval(keepAlive);
    const result = await worker.stop(String(stop.signal.reason?.message ?? "stop signal"));
    return result.interruptedRun ? EXIT.INTERRUPTED : EXIT.OK;
  } finally {
    stop.dispose();
    await server?.close();
    genesys.close();
    await runtime.close();
    log.info("worker exiting");
  }
}
function buildWorker(config, parts) {
  const { runtime, genesys, logger, log, clock } = parts;
  const db = runtime.database.prisma;
  const agentIds = config.sync.agentIds;
  const streams = streamsOf(config);
  const runOnce = createWorkerTick({
    // SYNC_STREAMS names the streams (a refusal then fails the run); unset: the default ones.
    sync: runDeps(runtime, genesys, { logger, clock, host: config.hostname, ...streams, personalData: configuredPersonalData(config) }),
    summarize: formatSummary,
    planRolling: (now) => planRolling(db, config, agentIds, now, streams.streams),
    syncOptions: (plan) => syncOptions("sync", { interval: plan.interval, catchUpFrom: plan.catchUpFrom, agentIds, dryRun: false }, config),
    settle: config.settle.enabled ? { daysPerTick: config.settle.daysPerTick, jobWindowDays: config.lanes.jobWindowDays, jobs: laneRunOptions(config, "jobs", void 0).jobs } : void 0,
    retention: config.mirror.retentionDays === void 0 ? void 0 : { days: config.mirror.retentionDays },
    retryCredentials: () => genesys.retryCredentials(),
    metrics: parts.metrics,
    onStatus: parts.onStatus
  });
  return createWorker({ runOnce, scheduler: nodeCronScheduler, lock: postgresRunLock(runtime.database.url), logger: log, clock }, {
    schedule: config.sync.schedule,
    timezone: config.sync.timezone,
    runOnStart: config.sync.runOnStart,
    shutdownTimeoutMs: config.sync.shutdownTimeoutMs
  });
}
async function serveMetrics(metrics, port, database, lastRunStatus, clock, logger) {
  const last = await readLastSuccessfulSync(database.prisma);
  if (last?.finishedAt)
    metrics.seedLastSuccess(last.finishedAt);
  const db = database.prisma;
  registerLedgerGauges(metrics.registry, {
    openRejects: () => countOpenRejects(db),
    newestCovered: async () => {
      const scopes = await readCoverage(db, { aliveSince: new Date(clock().getTime() - ABANDONED_AFTER_MS) });
      return scopes.map((s) => ({ scope: s.scopeKey, end: newestCoveredEnd(s.covered) }));
    },
    nowMs: () => clock().getTime(),
    onError: (error) => logger.warn({ err: error }, "reading the ledger for metrics failed")
  });
  const loop = nodeLoopDelaySource();
  try {
    const server = await startMetricsServer({
      port,
      registry: metrics.registry,
      live: liveness(loop),
      ready: readiness({ pingDatabase: async () => void await database.prisma.$queryRawUnsafe("SELECT 1"), lastRunStatus }),
      logger
    });
    return {
      port: server.port,
      close: async () => {
        loop.stop();
        await server.close();
      }
    };
  } catch (error) {
    loop.stop();
    throw new Error(`METRICS_PORT: cannot serve metrics on port ${port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
function streamsOf(config) {
  try {
    const { names, explicit } = chooseStreams(void 0, config.sync.streams);
    return { streams: names, explicitStreams: explicit };
  } catch (error) {
    throw new UsageError(error.message);
  }
}
export {
  workerCommand
};
