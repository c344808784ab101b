import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  FINISHED_WINDOW_STATUSES,
  SPLIT_WINDOW_STATUS,
  UNFINISHED_WINDOW_STATUSES,
  findDoneWindows,
  readMigrationsList,
  sqlList
} from "./chunk-KA34AMGA.js";
import {
  DatabaseError,
  assertPlanSize,
  planKey,
  planLaneRun,
  planRun,
  subtractCovered
} from "./chunk-PBIHHMKK.js";

// dist/decisions/run-plan.js
function laneModeOf(options) {
  return options.lanes?.mode ?? "query";
}
function planRunWindows(options, done) {
  const whole = windowsOf(options);
  if (!done)
    return { windows: whole, total: whole.length, resumed: 0 };
  const resumed = whole.filter((w) => isWindowDone(w, done)).length;
  return { windows: windowsOf(options, done), total: whole.length, resumed };
}
function windowsOf(options, done) {
  const base = { ...options, ...done ? { done } : {} };
  if (!options.lanes)
    return planRun(base);
  const { mode, availability, jobWindowDays } = options.lanes;
  return planLaneRun({ ...base, mode, availability, queryWindowDays: options.windowDays, jobWindowDays });
}
function isWindowDone(w, done) {
  return subtractCovered(w, done.get(w.scopeKey) ?? []).length === 0;
}

// dist/pipeline/plan-run.js
async function resolveRun(input, availability) {
  assertPlanSize(input);
  const lanes = input.lanes;
  const needsDate = lanes !== void 0 && lanes.mode !== "query" && lanes.availability === void 0;
  const options = needsDate ? { ...input, lanes: { ...lanes, availability: await availability() } } : input;
  return { planKey: planKey({ ...options, laneMode: laneModeOf(options) }), options };
}
async function atOwnAvailability(run, own) {
  const lanes = run.options.lanes;
  if (!own || !lanes || lanes.mode === "query")
    return run;
  return { ...run, options: { ...run.options, lanes: { ...lanes, availability: await own() } } };
}
async function planStream(db, run, stream, maxWindowDays) {
  const done = await findDoneWindows(db, run.planKey, stream);
  return { stream, plan: planRunWindows(capWindowDays(run.options, maxWindowDays), run.options.resume ? done : void 0), done };
}
function capWindowDays(options, maxWindowDays) {
  if (maxWindowDays === void 0)
    return options;
  const lanes = options.lanes;
  return {
    ...options,
    windowDays: Math.min(options.windowDays, maxWindowDays),
    ...lanes ? { lanes: { ...lanes, jobWindowDays: Math.min(lanes.jobWindowDays, maxWindowDays) } } : {}
  };
}

// dist/db/status-queries.js
function readRecentRuns(db, limit) {
  return db.syncRun.findMany({ orderBy: { startedAt: "desc" }, take: Math.max(1, limit) });
}
async function readOpenWindows(db, runIds, limit) {
  if (runIds.length === 0)
    return [];
  return db.$queryRawUnsafe(`SELECT w.run_id::text AS "runId", w.scope_key AS "scopeKey", w.window_start AS "windowStart", w.window_end AS "windowEnd",
            w.status, w.attempts, w.error
       FROM sync_windows w
      WHERE w.run_id = ANY($1::uuid[]) AND w.status IN (${sqlList(UNFINISHED_WINDOW_STATUSES)})
        AND NOT EXISTS (
          SELECT 1 FROM sync_windows d
           WHERE d.scope_key = w.scope_key AND d.status IN (${sqlList(FINISHED_WINDOW_STATUSES)}) AND d.window_id > w.window_id
             AND d.window_start <= w.window_start AND d.window_end >= w.window_end)
      ORDER BY w.window_start, w.window_id
      ${limit === null ? "" : `LIMIT ${Number(limit)}`}`, [...runIds]);
}
async function readNewestConversation(db) {
  const newest = await db.conversation.aggregate({ _max: { conversationStart: true, lastSyncedAt: true } });
  return { conversationStart: newest._max.conversationStart, lastSyncedAt: newest._max.lastSyncedAt };
}
var NEWEST_RECORD_START_SQL = {
  conversations: "SELECT max(conversation_start) AS at FROM conversations",
  "agent-activity": "SELECT greatest((SELECT max(start_time) FROM agent_presence), (SELECT max(start_time) FROM agent_routing_status)) AS at"
};
async function readNewestRecordStart(db, stream) {
  const sql = NEWEST_RECORD_START_SQL[stream];
  if (sql === void 0)
    return null;
  const [row] = await db.$queryRawUnsafe(sql);
  return row?.at ?? null;
}
function readLastSuccessfulSync(db) {
  return db.syncRun.findFirst({
    where: { kind: "sync", status: "succeeded", finishedAt: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { runId: true, kind: true, finishedAt: true }
  });
}
function readLastRun(db, kind) {
  return db.syncRun.findFirst({ where: { kind }, orderBy: { startedAt: "desc" }, select: { runId: true, status: true, startedAt: true, finishedAt: true } });
}
function readReferenceListRefreshes(db) {
  return db.referenceListRefresh.findMany({ orderBy: { list: "asc" } });
}
function readSizedWindows(db, range) {
  return db.syncWindow.findMany({
    where: {
      scopeKey: { in: [...range.scopeKeys] },
      windowStart: { gte: range.from },
      windowEnd: { lte: range.to },
      status: { in: ["done", SPLIT_WINDOW_STATUS] }
    },
    select: { scopeKey: true, windowStart: true, windowEnd: true, status: true, pages: true, totalHits: true },
    orderBy: { windowId: "asc" }
  });
}
function missingColumnOf(error) {
  const e = error;
  const cause = e?.meta?.driverAdapterError?.cause;
  if (typeof cause?.column === "string")
    return cause.column;
  if (e?.code === "P2022" && typeof e.meta?.column === "string")
    return e.meta.column;
  const text = typeof e?.message === "string" ? e.message : "";
  if (e?.code !== "P2022" && cause?.originalCode !== "42703" && !/\b42703\b/.test(text))
    return void 0;
  return /column [`"]?([\w."]+?)[`"]? does not exist/.exec(text)?.[1]?.replaceAll('"', "");
}
async function describeMissingColumn(error) {
  const column = missingColumnOf(error);
  if (column === void 0)
    return void 0;
  const name = column.split(".").at(-1);
  const found = await migrationCreating(name).catch(() => void 0);
  const origin = found ? ` (it is created by migration ${found.migration}, prisma/migrations/${found.migration}/migration.sql)` : "";
  const shown = found?.table ? `${found.table}.${name}` : column;
  return new DatabaseError(`the ledger has no column ${shown}${origin}: the database schema is behind this version or was changed by hand. Run \`npm run migrate\`; if it applies nothing, the column was dropped after its migration ran: restore it as that migration defines it (or restore the database from a backup)`, { cause: error });
}
async function migrationCreating(column) {
  const { migrationDirectories } = await readMigrationsList();
  const quoted = new RegExp(`"${column.replace(/\W/g, "")}"` + String.raw`\s+[A-Z]`);
  for (const d of migrationDirectories) {
    if (d.migrationFile.content.tag !== "ok")
      continue;
    const sql = d.migrationFile.content.value;
    const at = sql.search(quoted);
    if (at < 0)
      continue;
    const tables = [...sql.slice(0, at).matchAll(/(?:ALTER|CREATE) TABLE "(\w+)"/g)];
    return { migration: d.path, table: tables.at(-1)?.[1] };
  }
  return void 0;
}

export {
  laneModeOf,
  planRunWindows,
  isWindowDone,
  resolveRun,
  atOwnAvailability,
  planStream,
  readRecentRuns,
  readOpenWindows,
  readNewestConversation,
  readNewestRecordStart,
  readLastSuccessfulSync,
  readLastRun,
  readReferenceListRefreshes,
  readSizedWindows,
  describeMissingColumn
};
