import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  DAY_MS,
  SECOND_MS
} from "./chunk-CTOUFHIB.js";

// dist/genesys/limits.js
var MAX_DETAILS_INTERVAL_DAYS = 31;
var MAX_DETAILS_PAGE_SIZE = 100;
var MAX_REACHABLE_HITS = 1e5;
var MAX_JOB_INTERVAL_DAYS = MAX_DETAILS_INTERVAL_DAYS;
var MAX_JOB_RESULTS_PAGE_SIZE = 1e3;
var MAX_USER_DETAILS_INTERVAL_DAYS = 31;
var MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS = 7;
var MAX_USER_DETAILS_PAGE_SIZE = 100;
var DEFAULT_PRESENCE_DEFINITIONS_PAGE_SIZE = 100;
var DEFAULT_USERS_PAGE_SIZE = 500;
var DEFAULT_REFERENCE_PAGE_SIZE = 100;
var DEFAULT_REQUEST_TIMEOUT_MS = 60 * SECOND_MS;
var DEFAULT_MAX_RETRIES = 5;

// dist/decisions/errors.js
var InvalidRequestError = class extends Error {
  code = "INVALID_REQUEST";
  constructor(message) {
    super(message);
    this.name = "InvalidRequestError";
  }
};

// dist/decisions/plan.js
import { createHash } from "node:crypto";

// dist/decisions/scopes.js
function scopeKey(scope) {
  return scope.kind === "all" ? "all" : `agents:${[...scope.userIds].sort().join(",")}`;
}
function planScopes(agentIds, groupSize) {
  if (agentIds.length === 0)
    return [{ scope: { kind: "all" }, key: "all" }];
  const sorted = [...new Set(agentIds)].sort();
  const groups = [];
  const groupCount = Math.ceil(sorted.length / Math.max(1, groupSize));
  const perGroup = Math.ceil(sorted.length / groupCount);
  for (let i = 0; i < sorted.length; i += perGroup)
    groups.push(sorted.slice(i, i + perGroup));
  return groups.map((userIds) => {
    const scope = { kind: "agents", userIds };
    return { scope, key: scopeKey(scope) };
  });
}
function splitScope(scope) {
  if (scope.kind !== "agents" || scope.userIds.length < 2)
    return void 0;
  const mid = Math.ceil(scope.userIds.length / 2);
  return [
    { kind: "agents", userIds: scope.userIds.slice(0, mid) },
    { kind: "agents", userIds: scope.userIds.slice(mid) }
  ];
}

// dist/decisions/windows.js
function utcDayFloor(ms) {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
function utcDayCeil(ms) {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}
function daysTouched(window) {
  return (utcDayCeil(window.end.getTime()) - utcDayFloor(window.start.getTime())) / DAY_MS;
}
function planWindows(interval, maxDays) {
  const days = Math.max(1, Math.min(maxDays, MAX_DETAILS_INTERVAL_DAYS));
  const windows = [];
  const end = interval.end.getTime();
  let cursor = interval.start.getTime();
  while (cursor < end) {
    const next = Math.min(end, utcDayFloor(cursor) + days * DAY_MS);
    windows.push({ start: new Date(cursor), end: new Date(next) });
    cursor = next;
  }
  return windows;
}
function splitWindow(window) {
  const days = daysTouched(window);
  if (days < 2)
    return void 0;
  const mid = utcDayFloor(window.start.getTime()) + Math.floor(days / 2) * DAY_MS;
  return [
    { start: window.start, end: new Date(mid) },
    { start: new Date(mid), end: window.end }
  ];
}
function isInWindow(startMs, window) {
  return startMs >= window.start.getTime() && startMs < window.end.getTime();
}
function subtractCovered(window, covered) {
  let pieces = [window];
  for (const c of covered) {
    const cs = c.start.getTime();
    const ce = c.end.getTime();
    pieces = pieces.flatMap((p) => {
      const ps = p.start.getTime();
      const pe = p.end.getTime();
      if (ce <= ps || cs >= pe)
        return [p];
      const out = [];
      if (cs > ps)
        out.push({ start: p.start, end: new Date(cs) });
      if (ce < pe)
        out.push({ start: new Date(ce), end: p.end });
      return out;
    });
  }
  return pieces;
}

// dist/decisions/plan.js
var MAX_PLANNED_WINDOWS = 1e5;
function planRun(options) {
  const planned = [];
  const scopes = planScopes(options.agentIds, options.agentGroupSize);
  for (const window of options.windows ?? planWindows(options.interval, options.windowDays)) {
    for (const { scope, key } of scopes) {
      for (const piece of subtractCovered(window, options.done?.get(key) ?? [])) {
        planned.push({ scope, scopeKey: key, start: piece.start, end: piece.end, lane: "query" });
      }
    }
  }
  return planned;
}
function planKey(input) {
  const set = (values) => [...new Set(values)].sort().join(",");
  const text = [input.kind, input.interval.start.toISOString(), input.interval.end.toISOString(), set(input.agentIds), input.laneMode, set(input.streams)].join("|");
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}
function countPlannedWindows(options) {
  const { start, end } = options.interval;
  if (!(end.getTime() > start.getTime()))
    return 0;
  const days = Math.max(1, Math.min(options.windowDays, MAX_DETAILS_INTERVAL_DAYS));
  const windows = Math.ceil((end.getTime() - utcDayFloor(start.getTime())) / (days * DAY_MS));
  return windows * planScopes(options.agentIds, options.agentGroupSize).length;
}
function assertPlanSize(options) {
  const count = countPlannedWindows(options);
  if (count > MAX_PLANNED_WINDOWS) {
    throw new InvalidRequestError(`this run would plan ${count} query windows (at most ${MAX_PLANNED_WINDOWS}): split the interval into several runs, or use fewer agent groups or longer windows`);
  }
}

// dist/decisions/lanes.js
var LANE_MODES = ["auto", "jobs", "query"];
function isLaneMode(text) {
  return LANE_MODES.includes(text);
}
function splitByLane(interval, mode, availability) {
  if (mode === "query")
    return [{ lane: "query", interval }];
  if (availability === void 0)
    throw new Error(`lane mode ${mode} needs the data-availability date`);
  const startMs = interval.start.getTime();
  const endMs = interval.end.getTime();
  if (mode === "jobs") {
    if (endMs > availability.getTime()) {
      throw new InvalidRequestError(`--lane jobs: the range ends at ${interval.end.toISOString()}, after the jobs API's data-availability date ${availability.toISOString()}; conversations after that date are not complete in job results yet. End the range by then, or use --lane auto (jobs before that date, the query after it).`);
    }
    return [{ lane: "jobs", interval }];
  }
  const cut = Math.min(endMs, Math.floor(availability.getTime() / DAY_MS) * DAY_MS);
  if (cut <= startMs)
    return [{ lane: "query", interval }];
  const spans = [{ lane: "jobs", interval: { start: interval.start, end: new Date(cut) } }];
  if (cut < endMs)
    spans.push({ lane: "query", interval: { start: new Date(cut), end: interval.end } });
  return spans;
}
function planLaneRun(options) {
  const { mode, availability, queryWindowDays, jobWindowDays, ...rest } = options;
  return splitByLane(options.interval, mode, availability).flatMap((span) => planRun({
    ...rest,
    interval: span.interval,
    ...span.lane === "jobs" ? { windowDays: jobWindowDays, windows: planJobWindows(leftToDo(span.interval, rest), jobWindowDays) } : { windowDays: queryWindowDays }
  }).map((w) => ({ ...w, lane: span.lane })));
}
function leftToDo(interval, plan) {
  if (!plan.done)
    return interval;
  const firsts = planScopes(plan.agentIds, plan.agentGroupSize).map(({ key }) => subtractCovered(interval, plan.done?.get(key) ?? [])[0]?.start.getTime() ?? interval.end.getTime());
  return { start: new Date(Math.min(...firsts)), end: interval.end };
}
var RAMP_GROWTH = 1.5;
function planJobWindows(interval, maxDays) {
  const endMs = interval.end.getTime();
  const windows = [];
  let cursor = interval.start.getTime();
  for (let days = 1; days < maxDays && cursor < endMs; days = Math.ceil(days * RAMP_GROWTH)) {
    const next = Math.min(endMs, utcDayFloor(cursor) + days * DAY_MS);
    windows.push({ start: new Date(cursor), end: new Date(next) });
    cursor = next;
  }
  if (cursor >= endMs)
    return windows;
  const rest = { start: new Date(cursor), end: interval.end };
  return [...windows, ...planWindows(rest, evenJobWindowDays(rest, maxDays))];
}
function evenJobWindowDays(interval, maxDays) {
  const days = Math.ceil((Math.ceil(interval.end.getTime() / DAY_MS) * DAY_MS - Math.floor(interval.start.getTime() / DAY_MS) * DAY_MS) / DAY_MS);
  const windows = Math.max(1, Math.ceil(days / Math.max(1, maxDays)));
  return Math.max(1, Math.min(maxDays, Math.ceil(days / windows)));
}

// dist/redact.js
var URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/?#\s]+)(@)/gi;
var BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
var TOKEN_FIELD = /("?(?:access_token|client_secret|password|authorization|pii_hash_key|hash_?key)"?\s*[:=]\s*"?)(?!not set\b)([^"&,\s}]+)/gi;
var REDACTED = "[REDACTED]";
var SECRET_KEY = /secret|password|token|authorization|hash_?key/i;
function redactUrlPasswords(text) {
  return text.replace(URL_PASSWORD, `$1${REDACTED}$3`);
}
function redactText(text, secrets = registeredSecrets) {
  let out = redactUrlPasswords(text).replace(BEARER, `$1 ${REDACTED}`).replace(TOKEN_FIELD, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (secret.length >= 4)
      out = out.split(secret).join(REDACTED);
  }
  return out;
}
var registeredSecrets = [];
function registerSecret(secret) {
  if (secret && secret.length >= 4 && !registeredSecrets.includes(secret)) {
    registeredSecrets.push(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret)
      registeredSecrets.push(encoded);
  }
}
function redactDeep(value, depth = 0) {
  if (typeof value === "string")
    return redactText(value);
  if (depth > 8 || value === null || typeof value !== "object")
    return value;
  if (value instanceof Error)
    return redactError(value, depth);
  if (Array.isArray(value))
    return value.map((v) => redactDeep(v, depth + 1));
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && typeof v === "string" ? REDACTED : redactDeep(v, depth + 1);
  }
  return out;
}
function redactError(error, depth = 0) {
  const out = { type: error.name, message: redactText(error.message) };
  const code = error.code;
  if (code !== void 0)
    out.code = redactDeep(code, depth + 1);
  if (error.stack)
    out.stack = redactText(error.stack);
  for (const [key, v] of Object.entries(error)) {
    if (key in out || key === "cause")
      continue;
    out[key] = SECRET_KEY.test(key) && typeof v === "string" ? REDACTED : redactDeep(v, depth + 1);
  }
  if (error.cause !== void 0 && depth < 8)
    out.cause = redactDeep(error.cause, depth + 1);
  if (error instanceof AggregateError && depth < 8)
    out.errors = error.errors.map((e) => redactDeep(e, depth + 1));
  return out;
}

// dist/db/errors.js
var DatabaseError = class extends Error {
  code = "DATABASE";
  constructor(message, options) {
    super(message, options);
    this.name = "DatabaseError";
  }
};
function rawMessage(error) {
  if (error instanceof Error) {
    const parts = [error.message];
    const code = error.code;
    if (typeof code === "string" && !error.message.includes(code))
      parts.push(`(${code})`);
    if (error instanceof AggregateError)
      parts.push(...error.errors.map(rawMessage));
    return parts.filter(Boolean).join(" ");
  }
  if (typeof error === "object" && error !== null)
    return JSON.stringify(error);
  return String(error);
}
function describeTarget(connectionString) {
  try {
    const url = new URL(connectionString);
    const host = url.hostname || url.searchParams.get("host") || "local socket";
    return `${host}${url.port ? `:${url.port}` : ""}${url.pathname}`;
  } catch {
    return "the database in DATABASE_URL";
  }
}
function describeDatabaseError(error, connectionString) {
  if (error instanceof DatabaseError)
    return error;
  let message = rawMessage(error).split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|Can't reach|\bconnect\b|Connection terminated|trying to connect/i.test(message)) {
    message = `cannot connect to ${describeTarget(connectionString)}: ${message}`;
  } else {
    message = `database error on ${describeTarget(connectionString)}: ${message}`;
  }
  return new DatabaseError(redactText(message.slice(0, 600)), { cause: error });
}

export {
  MAX_DETAILS_INTERVAL_DAYS,
  MAX_DETAILS_PAGE_SIZE,
  MAX_REACHABLE_HITS,
  MAX_JOB_INTERVAL_DAYS,
  MAX_JOB_RESULTS_PAGE_SIZE,
  MAX_USER_DETAILS_INTERVAL_DAYS,
  MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS,
  MAX_USER_DETAILS_PAGE_SIZE,
  DEFAULT_PRESENCE_DEFINITIONS_PAGE_SIZE,
  DEFAULT_USERS_PAGE_SIZE,
  DEFAULT_REFERENCE_PAGE_SIZE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  InvalidRequestError,
  scopeKey,
  splitScope,
  utcDayFloor,
  splitWindow,
  isInWindow,
  subtractCovered,
  MAX_PLANNED_WINDOWS,
  planRun,
  planKey,
  assertPlanSize,
  LANE_MODES,
  isLaneMode,
  planLaneRun,
  redactUrlPasswords,
  redactText,
  registerSecret,
  redactDeep,
  DatabaseError,
  describeTarget,
  describeDatabaseError
};
