import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/db/migrations-dir.js
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
var PRISMA_DIR = fileURLToPath(new URL("../../prisma/", import.meta.url));
var MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
var SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
async function readMigrationsList(baseDir = MIGRATIONS_DIR) {
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const entries = existsSync(baseDir) ? await readdir(baseDir, { withFileTypes: true }) : [];
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrationDirectories = await Promise.all(dirs.map(async (dir) => {
    const file = path.join(baseDir, dir, "migration.sql");
    const content = await readFile(file, "utf8").then((value) => ({ tag: "ok", value }), (error) => ({ tag: "error", value: error.message }));
    return { path: dir, migrationFile: { path: "migration.sql", content } };
  }));
  return {
    baseDir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null
    },
    shadowDbInitScript: "",
    migrationDirectories
  };
}

// dist/decisions/states.js
var RUN_KINDS = ["sync", "backfill", "settle"];
var FINAL_RUN_STATUSES = ["succeeded", "failed", "interrupted"];
var RUN_STATUSES = ["running", ...FINAL_RUN_STATUSES];
var DISPLAY_RUN_STATUSES = [...RUN_STATUSES, "abandoned"];
var FINISHED_WINDOW_STATUSES = ["done", "done_with_rejects"];
var SPLIT_WINDOW_STATUS = "split";
var UNFINISHED_WINDOW_STATUSES = ["pending", "running", "failed"];
var WINDOW_STATUSES = [...UNFINISHED_WINDOW_STATUSES, ...FINISHED_WINDOW_STATUSES, SPLIT_WINDOW_STATUS];
function byName(values) {
  return Object.fromEntries(values.map((v) => [v, v]));
}
var RUN_KIND = byName(RUN_KINDS);
var RUN_STATUS = byName(RUN_STATUSES);
var WINDOW_STATUS = byName(WINDOW_STATUSES);
function isRunStatus(value) {
  return RUN_STATUSES.includes(value);
}
function sqlList(values) {
  return values.map((v) => `'${v}'`).join(", ");
}

// dist/db/ledger.js
var DEFAULT_STREAM = "conversations";
async function createRun(db, run) {
  await db.syncRun.create({ data: { ...run, status: RUN_STATUS.running } });
}
async function recordRunWarnings(db, runId, warnings) {
  await db.syncRun.update({ where: { runId }, data: { warnings: { push: [...warnings] } } });
}
async function heartbeatRun(db, runId, counts) {
  await db.$transaction([
    db.syncRun.update({ where: { runId }, data: counts }),
    db.$executeRaw`UPDATE sync_runs SET heartbeat_at = clock_timestamp() WHERE run_id = ${runId}::uuid`
  ]);
}
async function finishRun(db, runId, outcome) {
  await db.syncRun.update({
    where: { runId },
    data: {
      ...outcome.counts,
      status: outcome.status,
      error: outcome.error ?? null,
      finishedAt: outcome.finishedAt,
      heartbeatAt: outcome.finishedAt,
      durationMs: outcome.durationMs
    }
  });
}
async function insertWindows(db, runId, windows) {
  const rows = await db.syncWindow.createManyAndReturn({
    data: windows.map((w) => ({
      runId,
      stream: w.stream,
      scopeKey: w.scopeKey,
      scopeAgentIds: w.scopeAgentIds,
      windowStart: w.start,
      windowEnd: w.end,
      status: WINDOW_STATUS.pending,
      lane: w.lane,
      parentWindowId: w.parentWindowId ?? null
    })),
    select: { windowId: true }
  });
  return rows.map((r) => r.windowId);
}
async function markWindowRunning(db, windowId, at) {
  await db.syncWindow.update({
    where: { windowId },
    data: { status: WINDOW_STATUS.running, attempts: { increment: 1 }, startedAt: at, error: null }
  });
}
async function setWindowJob(db, windowId, jobId) {
  await db.syncWindow.update({ where: { windowId }, data: { jobId } });
}
async function markWindowDone(db, windowId, result) {
  await db.syncWindow.update({
    where: { windowId },
    data: {
      status: result.status,
      lane: result.lane,
      laneNote: result.laneNote ?? null,
      totalHits: result.totalHits,
      idsReceived: result.idsReceived,
      pages: result.pages,
      conversationsWritten: result.conversationsWritten,
      recordsRejected: result.recordsRejected,
      finishedAt: result.at,
      error: null
    }
  });
}
async function markWindowFailed(db, windowId, result) {
  await db.syncWindow.update({
    where: { windowId },
    data: {
      status: WINDOW_STATUS.failed,
      error: result.error.slice(0, 4e3),
      pages: result.pages,
      conversationsWritten: result.conversationsWritten,
      recordsRejected: result.recordsRejected,
      finishedAt: result.at
    }
  });
}
async function markWindowSplit(db, windowId, totalHits, at) {
  await db.syncWindow.update({ where: { windowId }, data: { status: WINDOW_STATUS.split, totalHits, finishedAt: at } });
}
async function findDoneWindows(db, planKey, stream) {
  const rows = await db.syncWindow.findMany({
    where: { stream, status: { in: [...FINISHED_WINDOW_STATUSES] }, run: { planKey } },
    select: { scopeKey: true, windowStart: true, windowEnd: true },
    orderBy: { windowStart: "asc" }
  });
  const byScope = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const list = byScope.get(row.scopeKey) ?? [];
    list.push({ start: row.windowStart, end: row.windowEnd });
    byScope.set(row.scopeKey, list);
  }
  return byScope;
}

export {
  readMigrationsList,
  RUN_KINDS,
  FINISHED_WINDOW_STATUSES,
  SPLIT_WINDOW_STATUS,
  UNFINISHED_WINDOW_STATUSES,
  RUN_STATUS,
  WINDOW_STATUS,
  isRunStatus,
  sqlList,
  DEFAULT_STREAM,
  createRun,
  recordRunWarnings,
  heartbeatRun,
  finishRun,
  insertWindows,
  markWindowRunning,
  setWindowJob,
  markWindowDone,
  markWindowFailed,
  markWindowSplit,
  findDoneWindows
};
