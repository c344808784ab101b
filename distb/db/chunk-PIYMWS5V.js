import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  atOwnAvailability,
  laneModeOf,
  planStream,
  readLastRun,
  resolveRun
} from "./chunk-ADWFEMNX.js";
import {
  ColumnLiterals,
  agentIdsOf,
  col,
  countOpenRejects,
  decideRunOutcome,
  defineTable,
  deleteChildrenCtes,
  describeError,
  findUnstorableCharacter,
  markDeadRuns,
  runWindows
} from "./chunk-FQAQLBJI.js";
import {
  AuthError,
  GenesysApiError,
  REFERENCE_LISTS,
  REFERENCE_LIST_NAMES,
  formatDuration,
  formatInterval,
  retry
} from "./chunk-THCJX753.js";
import {
  DEFAULT_STREAM,
  FINISHED_WINDOW_STATUSES,
  RUN_STATUS,
  SPLIT_WINDOW_STATUS,
  WINDOW_STATUS,
  createRun,
  finishRun,
  heartbeatRun,
  insertWindows,
  markWindowDone,
  markWindowFailed,
  markWindowRunning,
  markWindowSplit,
  recordRunWarnings,
  setWindowJob
} from "./chunk-KA34AMGA.js";
import {
  scopeKey,
  utcDayFloor
} from "./chunk-PBIHHMKK.js";
import {
  DAY_MS,
  SECOND_MS,
  onAbort,
  sleep
} from "./chunk-CTOUFHIB.js";

// dist/pipeline/run-lifecycle.js
var HEARTBEAT_MS = 15 * SECOND_MS;
var ABANDONED_AFTER_MS = 4 * HEARTBEAT_MS;
var FINISH_ATTEMPTS = 12;
var FINISH_RETRY_MS = 2500;
async function openRun(deps, row) {
  const { db, logger } = deps;
  const lease = await deps.runLease(row.runId);
  lease.on((e) => e.type === "lost" ? logger.warn({ err: e.error }, "run liveness lease lost; taking it again") : logger.info(`run liveness lease ${e.type}`));
  await createRun(db, row).catch(async (error) => {
    await lease.release();
    throw error;
  });
  let heartbeat;
  return {
    beat(counts, tick) {
      heartbeat = setInterval(() => {
        heartbeatRun(db, row.runId, counts()).catch((error) => logger.warn({ err: error }, "could not save run progress"));
        tick();
      }, HEARTBEAT_MS);
      heartbeat.unref();
    },
    async finish(outcome) {
      clearInterval(heartbeat);
      await retry(() => finishRun(db, row.runId, outcome), {
        attempts: FINISH_ATTEMPTS,
        delayMs: () => FINISH_RETRY_MS,
        sleep: deps.sleep ?? sleep,
        onRetry: (error, attempt) => logger.warn({ err: error, attempt }, "could not record the run outcome; retrying")
      }).finally(() => lease.release());
    }
  };
}

// dist/pipeline/sync.js
import { randomUUID } from "node:crypto";

// dist/db/window-ledger.js
function createWindowLedger(db) {
  return {
    insertWindows: (runId, windows) => insertWindows(db, runId, windows),
    markWindowRunning: (windowId, at) => markWindowRunning(db, windowId, at),
    setWindowJob: (windowId, jobId) => setWindowJob(db, windowId, jobId),
    markWindowDone: (windowId, result) => markWindowDone(db, windowId, result),
    markWindowFailed: (windowId, result) => markWindowFailed(db, windowId, result),
    markWindowSplit: (windowId, totalHits, at) => markWindowSplit(db, windowId, totalHits, at)
  };
}

// dist/db/lane-ledger.js
var FINISHED = [...FINISHED_WINDOW_STATUSES];
async function findAbandonedJobs(db) {
  const rows = await db.syncWindow.findMany({
    where: { jobId: { not: null }, run: { status: { not: RUN_STATUS.running } } },
    select: { windowId: true, stream: true, jobId: true },
    orderBy: { windowId: "asc" }
  });
  return rows.map((r) => ({ windowId: r.windowId, stream: r.stream, jobId: r.jobId }));
}
async function clearWindowJob(db, windowId) {
  await db.syncWindow.update({ where: { windowId }, data: { jobId: null } });
}
async function findDaysWithoutAttributes(db, stream = DEFAULT_STREAM) {
  const rows = await db.$queryRawUnsafe(`SELECT d FROM sync_windows w,
            generate_series(floor(extract(epoch FROM w.window_start) / 86400)::int, ceil(extract(epoch FROM w.window_end) / 86400)::int - 1) AS d
      WHERE w.stream = $1 AND w.lane = 'query' AND w.status = ANY($2::text[])
     EXCEPT
     SELECT d FROM sync_windows w,
            generate_series(ceil(extract(epoch FROM w.window_start) / 86400)::int, floor(extract(epoch FROM w.window_end) / 86400)::int - 1) AS d
      WHERE w.stream = $1 AND w.lane = 'jobs' AND w.status = ANY($2::text[])
     ORDER BY d`, stream, FINISHED);
  return rows.map((r) => Number(r.d));
}
async function findFallbackWindows(db, runId) {
  const rows = await db.syncWindow.findMany({
    where: { runId, lane: "query", laneNote: { not: null }, status: { in: FINISHED } },
    select: { stream: true, windowStart: true, windowEnd: true },
    orderBy: [{ windowStart: "asc" }, { stream: "asc" }]
  });
  return rows.map((r) => ({ stream: r.stream, start: r.windowStart, end: r.windowEnd }));
}

// dist/pipeline/abandoned-jobs.js
async function cancelAbandonedJobs(db, cancellers, logger, signal) {
  const result = { cancelled: 0, failed: 0, left: 0 };
  for (const { windowId, stream, jobId } of await findAbandonedJobs(db)) {
    signal?.throwIfAborted();
    const cancel = cancellers.get(stream);
    if (!cancel) {
      result.left++;
      continue;
    }
    const about = { jobId, stream, windowId: String(windowId) };
    try {
      await cancel(jobId, signal);
      await clearWindowJob(db, windowId);
      result.cancelled++;
      logger.info(about, "cancelled an async job left behind by a run that stopped");
    } catch (error) {
      result.failed++;
      logger.warn({ ...about, error: describeError(error) }, "could not cancel an abandoned async job; will try again next run");
    }
  }
  return result;
}

// dist/db/agents.js
var USERS_PER_STATEMENT = 1e3;
var InvalidAgentError = class extends Error {
  userId;
  problem;
  name = "InvalidAgentError";
  code = "INVALID_AGENT";
  constructor(userId, problem) {
    super(`user ${userId ?? "(no id)"}: ${problem}`);
    this.userId = userId;
    this.problem = problem;
  }
};
var AGENTS = defineTable("agents", {
  userId: col.text("user_id"),
  name: col.text("name").orNull,
  username: col.text("username").orNull,
  email: col.text("email").orNull,
  state: col.text("state").orNull,
  divisionId: col.text("division_id").orNull,
  divisionName: col.text("division_name").orNull,
  department: col.text("department").orNull,
  title: col.text("title").orNull,
  managerId: col.text("manager_id").orNull
});
var text = (value) => typeof value === "string" ? value : null;
var child = (value) => typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
function agentRow(user) {
  const division = child(user.division);
  return {
    userId: user.id,
    name: text(user.name),
    username: text(user.username),
    email: text(user.email),
    state: text(user.state),
    divisionId: text(division.id),
    divisionName: text(division.name),
    department: text(user.department),
    title: text(user.title),
    managerId: text(child(user.manager).id)
  };
}
var COLUMN_COUNT = AGENTS.names.length;
var UPSERT_AGENTS_SQL = `INSERT INTO agents AS a (${AGENTS.names.join(", ")}, raw, synced_at)
   SELECT ${AGENTS.selectList("u")}, r.raw, to_timestamp($${COLUMN_COUNT + 2}::float8 / 1000)
     FROM unnest(${AGENTS.unnestParams(1)}) WITH ORDINALITY AS u(${AGENTS.names.join(", ")}, ord)
     JOIN jsonb_array_elements($${COLUMN_COUNT + 1}::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
    ORDER BY u.ord
   ON CONFLICT (user_id) DO UPDATE SET
     ${AGENTS.names.filter((n) => n !== "user_id").map((n) => `${n} = EXCLUDED.${n}`).join(", ")},
     raw = EXCLUDED.raw, synced_at = EXCLUDED.synced_at`;
async function upsertAgents(db, users, syncedAt) {
  const byId = /* @__PURE__ */ new Map();
  for (const user of users) {
    const id = user?.id;
    if (typeof id !== "string" || id === "")
      throw new InvalidAgentError(void 0, "id is required");
    const rawJson = JSON.stringify(user);
    const unstorable = findUnstorableCharacter(rawJson);
    if (unstorable)
      throw new InvalidAgentError(id, unstorable);
    byId.set(id, { user, rawJson });
  }
  if (byId.size === 0)
    return 0;
  const ids = [...byId.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  await db.$transaction(async (tx) => {
    for (let start = 0; start < ids.length; start += USERS_PER_STATEMENT) {
      const chunk = ids.slice(start, start + USERS_PER_STATEMENT).map((id) => byId.get(id));
      await tx.$executeRawUnsafe(UPSERT_AGENTS_SQL, ...AGENTS.literals(chunk.map(({ user }) => agentRow(user))), `[${chunk.map((c) => c.rawJson).join(",")}]`, syncedAt.getTime());
    }
  }, { maxWait: 6e4, timeout: 12e4 });
  return ids.length;
}

// dist/pipeline/agents.js
var STATES = ["active", "inactive", "deleted"];
async function refreshAgents(db, genesys, at, logger, options = {}) {
  const { signal } = options;
  const byId = /* @__PURE__ */ new Map();
  const listings = await Promise.all(STATES.map((state) => genesys.listUsers({ state, signal })));
  for (const user of listings.flat())
    byId.set(user.id, user);
  const agents = await upsertAgents(db, [...byId.values()], at);
  logger.debug({ agents }, "agents refreshed");
  const unknownAgentIds = (options.agentIds ?? []).filter((id) => !byId.has(id));
  if (unknownAgentIds.length > 0) {
    logger.warn({ unknownAgentIds }, `${unknownAgentIds.length} agent id(s) of --agents/SYNC_AGENT_IDS belong to no user (active, inactive or deleted): ${unknownAgentIds.join(", ")}; no conversation of theirs can be found`);
  }
  return { agents, unknownAgentIds };
}

// dist/db/reference-lists.js
var text2 = (value) => typeof value === "string" ? value : null;
var divisionId = (entry) => {
  const division = entry["division"];
  return typeof division === "object" && division !== null ? text2(division["id"]) : null;
};
var TABLES = {
  queues: {
    idColumn: "queue_id",
    columns: [
      { name: "name", read: (e) => text2(e["name"]) },
      { name: "division_id", read: divisionId },
      { name: "description", read: (e) => text2(e["description"]) }
    ]
  },
  wrap_up_codes: {
    idColumn: "wrap_up_code_id",
    columns: [
      { name: "name", read: (e) => text2(e["name"]) },
      { name: "division_id", read: divisionId }
    ]
  },
  divisions: {
    idColumn: "division_id",
    columns: [
      { name: "name", read: (e) => text2(e["name"]) },
      { name: "description", read: (e) => text2(e["description"]) }
    ]
  },
  skills: { idColumn: "skill_id", columns: [{ name: "name", read: (e) => text2(e["name"]) }, { name: "state", read: (e) => text2(e["state"]) }] },
  languages: { idColumn: "language_id", columns: [{ name: "name", read: (e) => text2(e["name"]) }, { name: "state", read: (e) => text2(e["state"]) }] },
  // The org's presences (agent_presence.organization_presence_id), listed with deleted=all.
  presence_definitions: {
    idColumn: "presence_id",
    columns: [
      { name: "system_presence", read: (e) => text2(e["systemPresence"]) },
      { name: "label", read: (e) => text2(e["name"]) ?? labelOf(e) },
      { name: "deactivated", read: (e) => typeof e["deactivated"] === "boolean" ? String(e["deactivated"]) : null, sqlType: "boolean" }
    ]
  }
};
function labelOf(entry) {
  const labels = entry["languageLabels"];
  if (typeof labels !== "object" || labels === null)
    return null;
  return text2(Object.values(labels)[0]);
}
var ENTRIES_PER_STATEMENT = 1e3;
var InvalidReferenceEntryError = class extends Error {
  table;
  entryId;
  problem;
  name = "InvalidReferenceEntryError";
  code = "INVALID_REFERENCE_ENTRY";
  constructor(table, entryId, problem) {
    super(`${table} entry ${entryId ?? "(no id)"}: ${problem}`);
    this.table = table;
    this.entryId = entryId;
    this.problem = problem;
  }
};
async function replaceReferenceList(db, table, entries, at) {
  const spec = TABLES[table];
  const byId = /* @__PURE__ */ new Map();
  for (const entry of entries) {
    const id = entry?.id;
    if (typeof id !== "string" || id === "")
      throw new InvalidReferenceEntryError(table, void 0, "id is required");
    const rawJson = JSON.stringify(entry);
    const unstorable = findUnstorableCharacter(rawJson);
    if (unstorable)
      throw new InvalidReferenceEntryError(table, id, unstorable);
    byId.set(id, { entry, rawJson });
  }
  const ids = [...byId.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  const names = spec.columns.map((c) => c.name);
  const n = names.length;
  const arrays = Array.from({ length: n + 1 }, (_, i) => `$${i + 1}::text[]`).join(", ");
  const sql = `INSERT INTO ${table} AS t (${spec.idColumn}, ${names.join(", ")}, raw, first_seen_at, last_seen_at, active)
     SELECT u.id, ${spec.columns.map((c) => c.sqlType ? `u.${c.name}::${c.sqlType}` : `u.${c.name}`).join(", ")}, r.raw, to_timestamp($${n + 3}::float8 / 1000), to_timestamp($${n + 3}::float8 / 1000), true
       FROM unnest(${arrays}) WITH ORDINALITY AS u(id, ${names.join(", ")}, ord)
       JOIN jsonb_array_elements($${n + 2}::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
      ORDER BY u.ord
     ON CONFLICT (${spec.idColumn}) DO UPDATE SET
       ${names.map((c) => `${c} = EXCLUDED.${c}`).join(", ")},
       raw = EXCLUDED.raw, last_seen_at = EXCLUDED.last_seen_at, active = true`;
  return db.$transaction(async (tx) => {
    for (let start = 0; start < ids.length; start += ENTRIES_PER_STATEMENT) {
      const chunk = ids.slice(start, start + ENTRIES_PER_STATEMENT).map((id) => byId.get(id));
      const cols = new ColumnLiterals(n + 1);
      for (const { entry } of chunk)
        cols.row([entry.id, ...spec.columns.map((c) => c.read(entry))]);
      await tx.$executeRawUnsafe(sql, ...cols.literals(), `[${chunk.map((c) => c.rawJson).join(",")}]`, at.getTime());
    }
    const deactivated = await tx.$executeRawUnsafe(`UPDATE ${table} SET active = false WHERE active AND NOT (${spec.idColumn} = ANY($1::text[]))`, ids);
    return { listed: ids.length, deactivated };
  }, { maxWait: 6e4, timeout: 12e4 });
}
async function recordReferenceRefresh(db, outcome, at) {
  await db.$executeRawUnsafe(`INSERT INTO reference_list_refreshes (list, status, refreshed_at, entries, permission, error, last_success_at)
     VALUES ($1::text, $2::text, to_timestamp($3::float8 / 1000), $4::int, $5::text, $6::text, CASE WHEN $2::text = 'ok' THEN to_timestamp($3::float8 / 1000) END)
     ON CONFLICT (list) DO UPDATE SET
       status = EXCLUDED.status, refreshed_at = EXCLUDED.refreshed_at, entries = EXCLUDED.entries,
       permission = EXCLUDED.permission, error = EXCLUDED.error,
       last_success_at = COALESCE(EXCLUDED.last_success_at, reference_list_refreshes.last_success_at)`, outcome.list, outcome.status, at.getTime(), outcome.entries ?? null, outcome.permission, outcome.error ?? null);
}

// dist/pipeline/reference-lists.js
async function refreshReferenceLists(db, genesys, at, logger, signal) {
  const outcomes = await Promise.all(REFERENCE_LIST_NAMES.map((list) => refreshOne(db, genesys, list, at, logger, signal)));
  signal?.throwIfAborted();
  const presences = await refreshPresenceDefinitions(db, genesys, at, logger, signal);
  signal?.throwIfAborted();
  outcomes.push(presences);
  const auth = outcomes.find((o) => o instanceof AuthError);
  if (auth)
    throw auth;
  return outcomes;
}
async function refreshOne(db, genesys, list, at, logger, signal) {
  const { permission, path } = REFERENCE_LISTS[list];
  let outcome;
  try {
    const entries = await genesys.listReferenceEntities(list, { signal });
    const { listed, deactivated } = await replaceReferenceList(db, list, entries, at);
    outcome = { list, status: "ok", permission, entries: listed };
    logger.debug({ list, listed, deactivated }, "reference list refreshed");
  } catch (error) {
    if (error instanceof AuthError)
      return error;
    if (signal?.aborted)
      return void 0;
    if (error instanceof GenesysApiError && error.status === 403) {
      outcome = { list, status: "forbidden", permission, error: describeError(error) };
      logger.warn({ list, permission }, `cannot read ${list} (GET ${path}): the OAuth client lacks the permission ${permission}; ids stay unnamed`);
    } else {
      outcome = { list, status: "failed", permission, error: describeError(error) };
      logger.error({ err: error, list }, `${list} refresh failed; conversations are still synced`);
    }
  }
  try {
    await recordReferenceRefresh(db, outcome, at);
  } catch (error) {
    logger.warn({ err: error, list }, "could not record the reference list refresh");
  }
  return outcome;
}
async function refreshPresenceDefinitions(db, genesys, at, logger, signal) {
  let outcome;
  try {
    const entries = await genesys.listPresenceDefinitions({ signal });
    const { listed, deactivated } = await replaceReferenceList(db, "presence_definitions", entries, at);
    outcome = { list: "presence_definitions", status: "ok", permission: PRESENCE_DEFINITIONS_PERMISSION, entries: listed };
    logger.debug({ listed, deactivated }, "presence definitions refreshed");
  } catch (error) {
    if (error instanceof AuthError)
      return error;
    if (signal?.aborted)
      return void 0;
    const forbidden = error instanceof GenesysApiError && error.status === 403;
    outcome = { list: "presence_definitions", status: forbidden ? "forbidden" : "failed", permission: PRESENCE_DEFINITIONS_PERMISSION, error: describeError(error) };
    logger.warn({ err: error }, "presence definitions refresh failed; presence ids stay unnamed");
  }
  await recordReferenceRefresh(db, outcome, at).catch((e) => logger.warn({ err: e }, "could not record the presence definitions refresh"));
  return outcome;
}
var PRESENCE_DEFINITIONS_PERMISSION = "(none)";

// dist/pipeline/refresh-names.js
function refreshNames(deps, run, agentIds) {
  const { db, genesys, clock, logger } = deps;
  const { signal } = run;
  const settled = (async () => {
    let runError;
    try {
      await refreshAgents(db, genesys, clock(), logger, { signal, agentIds });
    } catch (error) {
      if (error instanceof AuthError || signal.aborted)
        throw error;
      runError = `agents refresh failed: ${describeError(error)}`;
      logger.error({ err: error }, "agents refresh failed; conversations are still synced");
    }
    await refreshReferenceLists(db, genesys, clock(), logger, signal);
    return runError;
  })();
  settled.catch((error) => {
    if (error instanceof AuthError && !run.signal.aborted)
      run.abort(error);
  });
  return { settled };
}

// dist/pipeline/seen-records.js
var dayOf = (c) => Math.floor(c.timeMs / DAY_MS);
function daysOf(w) {
  const days = [];
  for (let d = Math.floor(w.start.getTime() / DAY_MS); d * DAY_MS < w.end.getTime(); d++)
    days.push(d);
  return days;
}
var SeenRecords = class {
  idsByDay = /* @__PURE__ */ new Map();
  openWindowsByDay = /* @__PURE__ */ new Map();
  /** A window that may still deliver records (call for each planned window and split part). */
  open(window) {
    for (const d of daysOf(window))
      this.openWindowsByDay.set(d, (this.openWindowsByDay.get(d) ?? 0) + 1);
  }
  /** The window will deliver nothing more (done, failed or split). */
  close(window) {
    for (const d of daysOf(window)) {
      const left = (this.openWindowsByDay.get(d) ?? 1) - 1;
      if (left > 0) {
        this.openWindowsByDay.set(d, left);
      } else {
        this.openWindowsByDay.delete(d);
        this.idsByDay.delete(d);
      }
    }
  }
  has(c) {
    return this.idsByDay.get(dayOf(c))?.has(c.id) ?? false;
  }
  add(c) {
    const d = dayOf(c);
    let ids = this.idsByDay.get(d);
    if (!ids)
      this.idsByDay.set(d, ids = /* @__PURE__ */ new Set());
    ids.add(c.id);
  }
  /** Forgets records whose write failed, so another window may still write them. */
  delete(c) {
    this.idsByDay.get(dayOf(c))?.delete(c.id);
  }
  /** Ids held now (for tests and memory checks). */
  get size() {
    let n = 0;
    for (const ids of this.idsByDay.values())
      n += ids.size;
    return n;
  }
};

// dist/pipeline/run-state.js
var MAX_REMEMBERED_REJECTS = 20;
var RunState = class {
  statsAtStart;
  windowsTotal = 0;
  windowsDone = 0;
  windowsFailed = 0;
  pages = 0;
  /** Records stored, over every stream (byStream has each stream's share). */
  recordsWritten = 0;
  byStream = /* @__PURE__ */ new Map();
  recordsRejected = 0;
  /** Windows a jobs lane handed to the query lane. */
  laneFallbacks = 0;
  /** Records a complete read no longer returned: marked deleted or purged (SYNC_DELETES). */
  recordsDeleted = 0;
  /** Why each window's deletions were withheld by the safety valve. */
  deletionsWithheld = [];
  seen = new SeenRecords();
  failures = [];
  rejects = [];
  /** Window failures the database refused to record; retried once the run's outcome is recorded. */
  unrecordedFailures = [];
  constructor(statsAtStart) {
    this.statsAtStart = statsAtStart;
  }
  /** Records stored (or taken back, negative) by a window of `stream`. */
  noteWritten(stream, delta) {
    this.recordsWritten += delta;
    this.countsOf(stream).recordsWritten += delta;
  }
  /** Records of a page of `stream` that were new or changed, and those skipped as stale. */
  noteChanged(stream, changed, stale) {
    const counts = this.countsOf(stream);
    counts.changed += changed;
    counts.stale += stale;
  }
  noteWindowFailed(failure) {
    this.windowsFailed += 1;
    this.failures.push(failure);
    this.countsOf(failure.stream).windowsFailed += 1;
  }
  countsOf(stream) {
    let counts = this.byStream.get(stream);
    if (!counts)
      this.byStream.set(stream, counts = { stream, recordsWritten: 0, changed: 0, stale: 0, windowsFailed: 0 });
    return counts;
  }
  noteDeletionsWithheld(message) {
    this.deletionsWithheld.push(message);
  }
  noteRejects(notices) {
    this.recordsRejected += notices.length;
    for (const n of notices)
      if (this.rejects.length < MAX_REMEMBERED_REJECTS)
        this.rejects.push(n);
  }
  counts(now) {
    return {
      windowsTotal: this.windowsTotal,
      windowsDone: this.windowsDone,
      windowsFailed: this.windowsFailed,
      requests: now.requests - this.statsAtStart.requests,
      retries: now.retries - this.statsAtStart.retries,
      rateLimited: now.rateLimited - this.statsAtStart.rateLimited,
      pages: this.pages,
      // The ledger's and the metrics' `conversations_written` is the conversation stream's: another
      // stream's records (agent statuses) are counted per stream (byStream, sync_windows).
      conversationsWritten: this.byStream.get(DEFAULT_STREAM)?.recordsWritten ?? 0,
      recordsDeleted: this.recordsDeleted,
      deletionsWithheld: this.deletionsWithheld.length
    };
  }
  progress(now, elapsedMs) {
    const c = this.counts(now);
    return { windowsTotal: c.windowsTotal, windowsDone: c.windowsDone, windowsFailed: c.windowsFailed, conversationsWritten: c.conversationsWritten, requests: c.requests, elapsedMs };
  }
};
function describeReject(r) {
  return `${r.noun} ${r.recordId ?? "(id unreadable)"} (${r.page}): ${r.problem}`;
}

// dist/pipeline/sync.js
async function runSync(deps, options) {
  const planned = await planSyncRun(deps, options);
  const { logger, runId } = planned;
  await markDeadRuns(deps.db, { heartbeatStaleMs: ABANDONED_AFTER_MS });
  if (laneModeOf(options) !== "query") {
    await cancelAbandonedJobs(deps.db, jobCancellers(planned), logger, deps.signal).catch((error2) => logger.warn({ err: error2 }, "could not look for abandoned async jobs"));
  }
  const run = await openRun({ ...deps, logger }, {
    runId,
    kind: options.kind,
    intervalStart: options.interval.start,
    intervalEnd: options.interval.end,
    agentIds: options.agentIds,
    planKey: planned.planKey,
    catchUpFrom: options.catchUpFrom,
    host: deps.host ?? "unknown",
    pid: process.pid,
    startedAt: planned.startedAt
  });
  if (planned.warnings.length > 0)
    await recordRunWarnings(deps.db, runId, planned.warnings);
  const state = new RunState(deps.genesys.stats());
  const progress = () => deps.onProgress?.(state.progress(deps.genesys.stats(), deps.clock().getTime() - planned.startedAt.getTime()));
  run.beat(() => state.counts(deps.genesys.stats()), progress);
  const ended = await executeRun(deps, options, planned, state, progress);
  const finishedAt = deps.clock();
  const durationMs = finishedAt.getTime() - planned.startedAt.getTime();
  const { status, error } = decideRunOutcome({
    windowFailures: state.failures.length,
    firstWindowFailure: state.failures[0] && describeFailure(state.failures[0]),
    recordsRejected: state.recordsRejected,
    firstReject: state.rejects[0] && describeReject(state.rejects[0]),
    runError: ended.runError,
    interrupted: ended.interrupted,
    deletionsWithheld: state.deletionsWithheld.length,
    firstDeletionsWithheld: state.deletionsWithheld[0]
  });
  const counts = state.counts(deps.genesys.stats());
  await run.finish({ status, counts, error, finishedAt, durationMs });
  for (const record of state.unrecordedFailures) {
    await record().catch((e) => logger.error({ err: e }, "could not record a window failure"));
  }
  deps.onProgress?.(state.progress(deps.genesys.stats(), durationMs));
  return report(planned, options, state, { status, counts, error, durationMs, authFailed: ended.authFailed });
}
function jobCancellers(planned) {
  const cancellers = /* @__PURE__ */ new Map();
  for (const { stream } of planned.streams)
    if (stream.cancelJob)
      cancellers.set(stream.name, stream.cancelJob);
  return cancellers;
}
async function planSyncRun(deps, asked) {
  const startedAt = deps.clock();
  const runId = randomUUID();
  const logger = deps.logger.child({ runId, kind: asked.kind });
  const names = deps.openStreams.names;
  const run = await resolveRun({ ...asked, streams: names }, () => deps.genesys.getDetailsJobsAvailability(deps.signal));
  const { options, planKey } = run;
  const streams = [];
  const warnings = [];
  for (const stream of deps.openStreams.open({ logger, settings: options })) {
    const warning = await stream.probe?.(deps.signal);
    if (warning) {
      warnings.push(warning);
      logger.warn({ stream: stream.name }, warning);
      continue;
    }
    const own = await withOwnAvailability(run, stream, logger, deps.signal);
    streams.push({ stream, plan: (await planStream(deps.db, own, stream.name, stream.maxWindowDays)).plan });
  }
  const windows = streams.reduce((n, p) => n + p.plan.windows.length, 0);
  const resumed = streams.reduce((n, p) => n + p.plan.resumed, 0);
  logger.info({ interval: formatInterval(options.interval), streams: names, windows, resumed }, `${options.kind} run started`);
  return { runId, startedAt, logger, planKey, streams, warnings };
}
async function withOwnAvailability(run, stream, logger, signal) {
  const own = stream.jobsAvailability;
  try {
    return await atOwnAvailability(run, own && (() => own(signal)));
  } catch (error) {
    logger.warn({ err: error, stream: stream.name }, "could not read the stream's own jobs data-availability date; its lanes are cut at the run's");
    return run;
  }
}
async function executeRun(deps, options, planned, state, progress) {
  const { logger } = planned;
  const abort = new AbortController();
  const unfollow = onAbort(deps.signal, () => abort.abort(deps.signal?.reason));
  const names = refreshNames({ ...deps, logger }, abort, options.agentIds);
  let runError;
  try {
    const windowLedger = createWindowLedger(deps.db);
    const jobs = await insertWindows2(windowLedger, planned, state);
    await runWindows({
      runId: planned.runId,
      ledger: windowLedger,
      clock: deps.clock,
      logger,
      state,
      signal: abort.signal,
      abortRun: (reason) => abort.abort(reason),
      onProgress: progress,
      rejectsMayBeOpen: { value: await countOpenRejects(deps.db) > 0 },
      scopesOverlap: new Set(jobs.map((j) => scopeKey(j.scope))).size > 1,
      readStartedAt: planned.startedAt
    }, jobs, options.concurrency);
    runError = await names.settled;
  } catch (error) {
    await names.settled.catch(() => {
    });
    runError = describeError(error);
    if (error instanceof AuthError && !abort.signal.aborted)
      abort.abort(error);
    logger.error({ err: error }, `${options.kind} run aborted`);
  } finally {
    unfollow();
  }
  const authFailed = abort.signal.reason instanceof AuthError;
  return { runError, interrupted: abort.signal.aborted && !authFailed, authFailed };
}
async function insertWindows2(windowLedger, planned, state) {
  const jobs = [];
  for (const { stream, plan } of planned.streams) {
    const ids = await windowLedger.insertWindows(planned.runId, plan.windows.map((w) => ({ stream: stream.name, scopeKey: w.scopeKey, scopeAgentIds: agentIdsOf(w.scope), start: w.start, end: w.end, lane: w.lane })));
    plan.windows.forEach((w, i) => jobs.push({ windowId: ids[i], stream, scope: w.scope, window: w, lane: w.lane }));
  }
  state.windowsTotal = jobs.length;
  for (const job of jobs)
    state.seen.open(job.window);
  return jobs;
}
function report(planned, options, state, end) {
  return {
    runId: planned.runId,
    kind: options.kind,
    status: end.status,
    interval: options.interval,
    ...end.counts,
    windowsResumed: planned.streams.reduce((n, p) => n + p.plan.resumed, 0),
    conversationsChanged: state.countsOf(DEFAULT_STREAM).changed,
    conversationsStale: state.countsOf(DEFAULT_STREAM).stale,
    recordsRejected: state.recordsRejected,
    rejects: state.rejects,
    laneFallbacks: state.laneFallbacks,
    durationMs: end.durationMs,
    failures: state.failures,
    streams: planned.streams.map((p) => state.countsOf(p.stream.name)),
    warnings: planned.warnings,
    ...end.error ? { error: end.error } : {},
    authFailed: end.authFailed
  };
}
function describeFailure(f) {
  return `${f.scopeKey} ${formatInterval(f)}: ${f.error}`;
}

// dist/pipeline/settle-status.js
var RECENT_DAYS = 2;
async function readSettlingStatus(db, now) {
  const [last, awaiting] = await Promise.all([readLastRun(db, "settle"), findDaysWithoutAttributes(db)]);
  const recentFrom = Math.floor(now.getTime() / DAY_MS) - RECENT_DAYS;
  return {
    lastRun: last ?? null,
    daysAwaiting: awaiting.length,
    oldestAwaiting: awaiting.length > 0 ? isoDay(awaiting[0]) : null,
    attributeDebt: debtRanges(awaiting.filter((d) => d < recentFrom))
  };
}
async function readAttributeDebt(db, interval, now) {
  const first = Math.floor(interval.start.getTime() / DAY_MS);
  const last = Math.min(Math.ceil(interval.end.getTime() / DAY_MS), Math.floor(now.getTime() / DAY_MS) - RECENT_DAYS);
  return debtRanges((await findDaysWithoutAttributes(db)).filter((d) => d >= first && d < last));
}
var isoDay = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
function debtRanges(days) {
  const ranges = [];
  let i = 0;
  while (i < days.length) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1)
      j++;
    const from = isoDay(days[i]);
    const to = isoDay(days[j] + 1);
    ranges.push({ from, to, days: j - i + 1, command: `npm run backfill -- --lane jobs --from ${from} --to ${to}` });
    i = j + 1;
  }
  return ranges;
}

// dist/decisions/coverage.js
function unionRanges(ranges) {
  const sorted = ranges.filter((r) => r.end.getTime() > r.start.getTime()).map((r) => ({ s: r.start.getTime(), e: r.end.getTime() })).sort((a, b) => a.s - b.s || a.e - b.e);
  const out = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.s <= last.e)
      last.e = Math.max(last.e, r.e);
    else
      out.push({ ...r });
  }
  return out.map(toRange);
}
function subtractRanges(from, minus) {
  const cuts = unionRanges(minus);
  const out = [];
  for (const piece of unionRanges(from)) {
    let cursor = piece.start.getTime();
    const end = piece.end.getTime();
    for (const c of cuts) {
      const cs = c.start.getTime();
      const ce = c.end.getTime();
      if (ce <= cursor || cs >= end)
        continue;
      if (cs > cursor)
        out.push(toRange({ s: cursor, e: cs }));
      cursor = Math.max(cursor, ce);
      if (cursor >= end)
        break;
    }
    if (cursor < end)
      out.push(toRange({ s: cursor, e: end }));
  }
  return out;
}
function intersectRanges(a, b) {
  return subtractRanges(a, subtractRanges(a, b));
}
function holesBetween(covered) {
  const merged = unionRanges(covered);
  const holes = [];
  for (let i = 1; i < merged.length; i++)
    holes.push({ start: merged[i - 1].end, end: merged[i].start });
  return holes;
}
function runCoverage(interval, windows) {
  const planned = intersectRanges(unionRanges(windows.filter((w) => w.topLevel)), [interval]);
  return subtractRanges(planned, windows.filter((w) => w.hole));
}
function runScopeKey(agentIds) {
  if (!agentIds || agentIds.length === 0)
    return "all";
  return `agents:${[...new Set(agentIds)].sort().join(",")}`;
}
function scopeCoverage(runs, purgedBefore) {
  const synced = unionRanges(runs.flatMap((run) => runCoverage(run.interval, run.windows)));
  const gone = purgedBefore && synced[0] && synced[0].start < purgedBefore ? [{ start: synced[0].start, end: purgedBefore }] : [];
  const covered = subtractRanges(synced, gone);
  const inProgress = subtractRanges(unionRanges(runs.flatMap((run) => run.inProgress)), synced);
  return {
    covered,
    purged: gone,
    holes: subtractRanges(holesBetween(synced), [...inProgress, ...gone]),
    inProgress,
    catchUpRanges: unionRanges(runs.flatMap((run) => run.catchUpFrom ? [{ start: run.catchUpFrom, end: run.interval.end }] : []))
  };
}
function holesOverlapping(holes, ranges) {
  return holes.filter((hole) => intersectRanges([hole], ranges).length > 0);
}
function newestCoveredEnd(covered) {
  const merged = unionRanges(covered);
  return merged[merged.length - 1]?.end;
}
function toRange(r) {
  return { start: new Date(r.s), end: new Date(r.e) };
}

// dist/db/retention.js
async function purgeExpired(db, options) {
  let deleted = 0;
  let more = true;
  for (let batch = 0; batch < options.maxBatches && more; batch++) {
    const n = await purgeBatch(db, options.before, options.batchSize);
    deleted += n;
    more = n === options.batchSize;
  }
  const oldest = await db.$queryRawUnsafe(`SELECT min(conversation_start) AS start FROM conversations WHERE conversation_start < $1`, options.before);
  const left = oldest[0]?.start ?? null;
  const purgedBefore = left ?? options.before;
  await recordPurge(db, purgedBefore, deleted);
  return { deleted, purgedBefore, more: left !== null };
}
async function purgeBatch(db, before, size) {
  const [, rows] = await db.$transaction([
    db.$executeRawUnsafe(`DELETE FROM sync_rejects WHERE stream = $2 AND conversation_id IN (
         SELECT conversation_id FROM conversations WHERE conversation_start < $1 ORDER BY conversation_start LIMIT $3)`, before, DEFAULT_STREAM, size),
    db.$queryRawUnsafe(`WITH gone AS (DELETE FROM conversations WHERE conversation_id IN (
         SELECT conversation_id FROM conversations WHERE conversation_start < $1 ORDER BY conversation_start LIMIT $2)
         RETURNING conversation_id),
       ${deleteChildrenCtes("conversation_id IN (SELECT conversation_id FROM gone)").join(",\n       ")}
       SELECT count(*)::int AS n FROM gone`, before, size)
  ]);
  return rows[0]?.n ?? 0;
}
async function recordPurge(db, purgedBefore, deleted) {
  await db.$transaction([
    db.$executeRawUnsafe(`INSERT INTO retention_purges AS p (stream, purged_before, records_purged, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (stream) DO UPDATE SET purged_before = GREATEST(p.purged_before, EXCLUDED.purged_before),
         records_purged = p.records_purged + EXCLUDED.records_purged, updated_at = now()`, DEFAULT_STREAM, purgedBefore, deleted),
    db.$executeRawUnsafe(`DELETE FROM sync_rejects r USING sync_windows w
        WHERE r.window_id = w.window_id AND r.stream = $1 AND w.window_start < $2
          AND (w.window_end <= $2
               OR substring(r.raw_json FROM '"conversationStart":\\s*"(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)"')::timestamptz < $2)`, DEFAULT_STREAM, purgedBefore)
  ]);
}
async function readPurgedBefore(db, stream = DEFAULT_STREAM) {
  const row = await db.retentionPurge.findUnique({ where: { stream }, select: { purgedBefore: true } });
  return row?.purgedBefore;
}
async function recordExpired(db, runId, deleted) {
  await db.syncRun.update({ where: { runId }, data: { recordsExpired: { increment: deleted } } });
}

// dist/db/coverage.js
async function readCoverage(db, options) {
  const rows = await db.$queryRawUnsafe(`WITH parents AS (SELECT DISTINCT parent_window_id FROM sync_windows WHERE parent_window_id IS NOT NULL)
     SELECT r.run_id::text AS "runId", r.agent_ids AS "agentIds", r.interval_start AS "intervalStart",
            r.interval_end AS "intervalEnd", r.catch_up_from AS "catchUpFrom", r.started_at AS "startedAt",
            (r.status = $5 AND r.heartbeat_at >= $2) AS alive,
            w.window_start AS "windowStart", w.window_end AS "windowEnd", w.status AS "windowStatus",
            (w.parent_window_id IS NULL) AS "topLevel", w.hole
       FROM sync_runs r
       LEFT JOIN LATERAL (
         SELECT sw.window_start, sw.window_end, sw.status, sw.parent_window_id,
                (sw.status <> ALL($1::text[]) AND (sw.status <> $3 OR p.parent_window_id IS NULL)) AS hole
           FROM sync_windows sw
           LEFT JOIN parents p ON p.parent_window_id = sw.window_id
          WHERE sw.run_id = r.run_id AND sw.stream = $6
       ) w ON w.parent_window_id IS NULL OR w.hole
      WHERE $4::text[] IS NULL
         OR (cardinality($4::text[]) = 0 AND coalesce(cardinality(r.agent_ids), 0) = 0)
         OR (r.agent_ids @> $4::text[] AND r.agent_ids <@ $4::text[])
      ORDER BY r.started_at, r.run_id`, [...FINISHED_WINDOW_STATUSES], options.aliveSince, SPLIT_WINDOW_STATUS, options.agentIds === void 0 ? null : [...options.agentIds], RUN_STATUS.running, options.stream ?? DEFAULT_STREAM);
  const only = options.agentIds === void 0 ? void 0 : runScopeKey(options.agentIds);
  const runs = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const scopeKey2 = runScopeKey(row.agentIds);
    if (only !== void 0 && scopeKey2 !== only)
      continue;
    let entry = runs.get(row.runId);
    if (!entry) {
      entry = {
        scopeKey: scopeKey2,
        agentIds: [...new Set(row.agentIds ?? [])].sort(),
        startedAt: row.startedAt,
        run: { interval: { start: row.intervalStart, end: row.intervalEnd }, catchUpFrom: row.catchUpFrom, windows: [], inProgress: [] }
      };
      runs.set(row.runId, entry);
    }
    if (row.windowStart === null || row.windowEnd === null)
      continue;
    const window = { start: row.windowStart, end: row.windowEnd };
    entry.run.windows.push({ ...window, topLevel: row.topLevel === true, hole: row.hole === true });
    if (row.alive && row.hole && (row.windowStatus === WINDOW_STATUS.pending || row.windowStatus === WINDOW_STATUS.running))
      entry.run.inProgress.push(window);
  }
  const purgedBefore = await readPurgedBefore(db, options.stream ?? DEFAULT_STREAM);
  const byScope = /* @__PURE__ */ new Map();
  for (const { scopeKey: scopeKey2, agentIds, startedAt, run } of runs.values()) {
    const scope = byScope.get(scopeKey2) ?? { agentIds, lastRunAt: startedAt, runs: [] };
    scope.runs.push(run);
    if (startedAt > scope.lastRunAt)
      scope.lastRunAt = startedAt;
    byScope.set(scopeKey2, scope);
  }
  return [...byScope.entries()].map(([scopeKey2, s]) => ({ scopeKey: scopeKey2, agentIds: s.agentIds, lastRunAt: s.lastRunAt, ...scopeCoverage(s.runs, purgedBefore) })).sort((a, b) => b.lastRunAt.getTime() - a.lastRunAt.getTime() || a.scopeKey.localeCompare(b.scopeKey));
}

// dist/decisions/text.js
function shortTime(d) {
  return d.toISOString().slice(0, 16).replace("T", " ");
}
function ago(d, now) {
  const ms = now.getTime() - d.getTime();
  return `${d.toISOString()} (${ms >= 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(-ms)}`})`;
}
function oneLine(text3, max) {
  const flat = text3.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}\u2026` : flat;
}
function formatSpan(ms) {
  if (ms < DAY_MS)
    return formatDuration(ms);
  const days = Math.round(ms / DAY_MS * 10) / 10;
  return `${days} day${days === 1 ? "" : "s"}`;
}
var MAX_HINTED_AGENTS = 5;
function backfillHint(hole, agentIds, options = {}) {
  const from = new Date(utcDayFloor(hole.start.getTime())).toISOString().slice(0, 10);
  const to = new Date(Math.ceil(hole.end.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const ids = [...new Set(agentIds)].sort();
  let agents = "";
  if (ids.length > 0 && !options.configured) {
    agents = ids.length <= MAX_HINTED_AGENTS ? ` --agents ${ids.join(",")}` : ` --agents <the ${ids.length} agents of this scope>`;
  }
  const streams = options.stream === void 0 ? "" : ` --streams ${options.stream}`;
  return `npm run backfill -- --from ${from} --to ${to}${agents}${streams}`;
}

export {
  findDaysWithoutAttributes,
  findFallbackWindows,
  ABANDONED_AFTER_MS,
  describeReject,
  runSync,
  describeFailure,
  readSettlingStatus,
  readAttributeDebt,
  purgeExpired,
  readPurgedBefore,
  recordExpired,
  unionRanges,
  runScopeKey,
  holesOverlapping,
  newestCoveredEnd,
  readCoverage,
  shortTime,
  ago,
  oneLine,
  formatSpan,
  backfillHint
};
