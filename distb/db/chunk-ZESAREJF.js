import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  atOwnAvailability,
  isWindowDone,
  planRunWindows,
  planStream,
  readSizedWindows,
  resolveRun
} from "./chunk-ADWFEMNX.js";

// dist/pipeline/dry-run.js
var RUN_OVERHEAD_REQUESTS = 4;
var JOB_MIN_REQUESTS = 3;
async function buildPlan(db, asked, availability) {
  const run = await resolveRun(asked, availability);
  const { options } = run;
  const byScope = /* @__PURE__ */ new Map();
  const windows = [];
  for (const stream of options.streams) {
    const planned = await planStream(db, await atOwnAvailability(run, options.ownAvailability?.[stream]), stream, options.maxWindowDays?.[stream]);
    const label = (scopeKey) => options.streams.length > 1 ? `${stream} ${scopeKey}` : scopeKey;
    await tallyStream(db, options, planned, label, byScope);
    windows.push(...planned.plan.windows.map((w) => ({ scopeKey: label(w.scopeKey), start: w.start, end: w.end, lane: w.lane })));
  }
  const scopes = [...byScope.values()];
  const sum = (f) => scopes.reduce((n, s) => n + f(s), 0);
  return {
    planKey: run.planKey,
    kind: options.kind,
    interval: options.interval,
    resume: options.resume,
    ...options.lanes?.availability ? { availability: options.lanes.availability } : {},
    windows,
    scopes,
    totalWindows: sum((s) => s.windows),
    alreadyDone: sum((s) => s.alreadyDone),
    toFetch: sum((s) => s.toFetch),
    requests: sum((s) => s.requests) + (scopes.length > 0 ? RUN_OVERHEAD_REQUESTS : 0)
  };
}
async function tallyStream(db, options, planned, label, byScope) {
  const remaining = planned.plan.windows;
  const full = options.resume ? planRunWindows(options).windows : remaining;
  const sizes = await knownSizes(db, remaining.filter((w) => w.lane === "query"), options.pageSize);
  for (const w of full) {
    const s = scopeEntry(byScope, label(w.scopeKey));
    s.windows += 1;
    if (isWindowDone(w, planned.done))
      s.alreadyDone += 1;
  }
  for (const w of remaining) {
    const s = scopeEntry(byScope, label(w.scopeKey));
    s.toFetch += 1;
    if (w.lane === "jobs") {
      s.requests += JOB_MIN_REQUESTS;
      continue;
    }
    const known = sizes.get(sizeKey(w));
    s.requests += Math.max(1, known?.pages ?? 1);
    if (known)
      s.sizedFromLedger += 1;
  }
}
function scopeEntry(map, scopeKey) {
  let s = map.get(scopeKey);
  if (!s) {
    s = { scopeKey, windows: 0, alreadyDone: 0, toFetch: 0, requests: 0, sizedFromLedger: 0 };
    map.set(scopeKey, s);
  }
  return s;
}
function sizeKey(w) {
  return `${w.scopeKey}|${w.start.getTime()}|${w.end.getTime()}`;
}
async function knownSizes(db, windows, pageSize) {
  const out = /* @__PURE__ */ new Map();
  if (windows.length === 0)
    return out;
  const wanted = new Set(windows.map(sizeKey));
  const rows = await readSizedWindows(db, {
    scopeKeys: [...new Set(windows.map((w) => w.scopeKey))],
    from: new Date(Math.min(...windows.map((w) => w.start.getTime()))),
    to: new Date(Math.max(...windows.map((w) => w.end.getTime())))
  });
  for (const row of rows) {
    const key = sizeKey({ scopeKey: row.scopeKey, start: row.windowStart, end: row.windowEnd });
    if (!wanted.has(key))
      continue;
    if (row.status === "done")
      out.set(key, { pages: Math.max(1, row.pages), estimated: false });
    else if (row.totalHits !== null && !out.get(key)) {
      out.set(key, { pages: 1 + Math.ceil(row.totalHits / Math.max(1, pageSize)), estimated: true });
    }
  }
  return out;
}

export {
  RUN_OVERHEAD_REQUESTS,
  JOB_MIN_REQUESTS,
  buildPlan
};
