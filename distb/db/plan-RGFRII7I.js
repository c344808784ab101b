import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  JOB_MIN_REQUESTS,
  RUN_OVERHEAD_REQUESTS
} from "./chunk-ZESAREJF.js";
import "./chunk-ADWFEMNX.js";
import "./chunk-KA34AMGA.js";
import "./chunk-PBIHHMKK.js";
import "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/present/plan.js
var LISTED_WINDOWS = 100;
function formatPlan(plan) {
  const lines = [
    `${plan.kind} DRY RUN  plan ${plan.planKey}  (nothing written, ${plan.availability ? "Genesys asked only for the data-availability date" : "Genesys not called"})`,
    `  interval   ${plan.interval.start.toISOString()} \u2192 ${plan.interval.end.toISOString()}`,
    ...plan.availability ? [`  lanes      jobs before ${plan.availability.toISOString()} (data-availability date), the query after`] : [],
    `  windows    ${plan.totalWindows} planned, ${plan.alreadyDone} already done by earlier runs with this plan` + (plan.resume ? `, ${plan.toFetch} to fetch` : ` (a ${plan.kind} run fetches them again: ${plan.toFetch} to fetch)`),
    `  requests   at least ${plan.requests} (one per query window, pages where earlier runs recorded them, ${JOB_MIN_REQUESTS} per job, plus ${RUN_OVERHEAD_REQUESTS} for the token and the agent list)`,
    "  by scope:"
  ];
  const width = Math.min(60, Math.max(8, ...plan.scopes.map((s) => s.scopeKey.length)));
  for (const s of plan.scopes) {
    const name = s.scopeKey.length > width ? `${s.scopeKey.slice(0, width - 1)}\u2026` : s.scopeKey.padEnd(width);
    lines.push(`    ${name}  ${String(s.windows).padStart(5)} windows  ${String(s.alreadyDone).padStart(5)} done  ${String(s.toFetch).padStart(5)} to fetch  \u2265${s.requests} requests` + (s.sizedFromLedger > 0 ? ` (${s.sizedFromLedger} sized from the ledger)` : ""));
  }
  if (plan.windows.length > 0) {
    lines.push("  windows to fetch (lane, start \u2192 end, scope):");
    for (const w of plan.windows.slice(0, LISTED_WINDOWS)) {
      lines.push(`    ${w.lane.padEnd(5)}  ${w.start.toISOString()} \u2192 ${w.end.toISOString()}  ${w.scopeKey}`);
    }
    if (plan.windows.length > LISTED_WINDOWS)
      lines.push(`    \u2026 and ${plan.windows.length - LISTED_WINDOWS} more`);
  }
  return lines.join("\n");
}
export {
  formatPlan
};
