import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  startSimulator
} from "./chunk-YYWZFDAS.js";
import {
  exitCodeFor,
  formatSummary,
  syncOptions
} from "./chunk-RQQJEESU.js";
import {
  formatTable
} from "./chunk-QKHVXYKV.js";
import {
  runSync
} from "./chunk-PIYMWS5V.js";
import "./chunk-ADWFEMNX.js";
import {
  stopSignal
} from "./chunk-QHFLPGZM.js";
import {
  configuredPersonalData,
  createGenesys,
  openRuntime,
  runDeps
} from "./chunk-FQAQLBJI.js";
import {
  DEFAULT_RATE_LIMIT_PER_MIN,
  resolveInterval
} from "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import "./chunk-KA34AMGA.js";
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  redactUrlPasswords
} from "./chunk-PBIHHMKK.js";
import {
  DAY_MS,
  systemClock,
  untilAborted
} from "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/commands/demo.js
import { parseArgs } from "node:util";
var DEMO_SEED = 42;
var DEMO_AGENTS = 20;
var DEMO_SIM_DAYS = 10;
var DEMO_SYNC_LOOKBACK_MS = 7 * DAY_MS;
async function demoCommand(argv, config, logger) {
  const once = parseDemoArgs(argv);
  const clock = systemClock;
  const out = (text) => process.stdout.write(`${text}
`);
  const sim = await startSimulator({ seed: DEMO_SEED, org: { agentCount: DEMO_AGENTS, days: DEMO_SIM_DAYS } });
  let runtime;
  const genesys = createGenesys(config, logger, void 0, simulatorTarget(sim));
  const stop = stopSignal(logger);
  try {
    out(`Genesys simulator: ${sim.org.agents.length} agents, conversations since ${sim.range.start.toISOString()} (${sim.url})`);
    runtime = await openRuntime(config, logger, { migrate: true, embeddedByDefault: true });
    const { database, embedded, url } = runtime;
    out(`Database: ${embedded ? `embedded (PGlite, folder ${config.database.embeddedDir})` : "DATABASE_URL"}`);
    const applied = runtime.migrationsApplied;
    out(`Migrations: ${applied.length === 0 ? "up to date" : `applied ${applied.join(", ")}`}`);
    const interval = resolveInterval({ now: clock(), lagMs: config.sync.lagMs, defaultLookbackMs: DEMO_SYNC_LOOKBACK_MS });
    const configured = syncOptions("sync", { interval, agentIds: [], dryRun: false }, config);
    const options = embedded ? { ...configured, concurrency: 1 } : configured;
    out(`Syncing the last 7 days\u2026
`);
    const report = await runSync(runDeps({ database }, genesys, { logger, clock, signal: stop.signal, host: config.hostname, personalData: configuredPersonalData(config) }), options);
    out(formatSummary(report));
    if (report.status !== "succeeded")
      return exitCodeFor(report);
    out(await exploration(database.prisma, url));
    if (once)
      return EXIT.OK;
    out("\nThe database stays up until you press Ctrl-C.");
    await untilAborted(stop.signal);
    return EXIT.OK;
  } finally {
    stop.dispose();
    genesys.close();
    await runtime?.close();
    await sim.close();
  }
}
function parseDemoArgs(argv) {
  try {
    return parseArgs({ args: argv, options: { once: { type: "boolean", default: false } }, strict: true }).values.once ?? false;
  } catch (error) {
    throw new UsageError(`${error.message} (demo takes only --once)`);
  }
}
var DEMO_RATE_PER_MIN = 60 * DEFAULT_RATE_LIMIT_PER_MIN;
function simulatorTarget(sim) {
  return {
    apiUrl: sim.url,
    loginUrl: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    ratePerMinute: DEMO_RATE_PER_MIN,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    maxRetries: DEFAULT_MAX_RETRIES
  };
}
async function exploration(db, url) {
  return [
    "",
    await handleTimePerAgent(db),
    "",
    await conversationsPerMediaPerDay(db),
    "",
    await handleTimePerQueue(db),
    "",
    await qualityPerAgent(db),
    "",
    await occupancyPerAgent(db),
    "",
    "Connect and explore (tables: conversations, participants, sessions, segments, session_metrics, agents,",
    "evaluations, surveys, resolutions, flow_outcomes, media_endpoint_stats, queues, wrap_up_codes, divisions, skills, languages,",
    "agent_presence, agent_routing_status, presence_definitions;",
    "views: agent_interactions, agent_quality, agent_status_time; ledger: sync_runs, sync_windows, sync_rejects):",
    `  psql "${redactUrlPasswords(url)}"`
  ].join("\n");
}
async function handleTimePerAgent(db) {
  const rows = await db.$queryRawUnsafe(`
    SELECT agent_name AS agent,
           count(*) AS interactions,
           round(avg(handle_ms) / 1000.0, 1)::text AS avg_handle_s,
           round(sum(handle_ms) / 3600000.0, 2)::text AS total_handle_h
      FROM agent_interactions
     WHERE handle_ms IS NOT NULL
     GROUP BY agent_name
     ORDER BY sum(handle_ms) DESC
     LIMIT 10`);
  const table = [
    ["agent", "interactions", "avg handle (s)", "total handle (h)"],
    ...rows.map((r) => [r.agent ?? "(unknown)", String(r.interactions), r.avg_handle_s ?? "", r.total_handle_h ?? ""])
  ];
  return [
    "Handle time per agent (top 10):",
    "  SELECT agent_name, count(*), avg(handle_ms), sum(handle_ms) FROM agent_interactions GROUP BY agent_name;",
    ...formatTable(table, { numeric: [false, true, true, true], indent: "  " })
  ].join("\n");
}
async function conversationsPerMediaPerDay(db) {
  const rows = await db.$queryRawUnsafe(`
    SELECT to_char(date_trunc('day', conversation_start AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
           media_type,
           count(*) AS conversations
      FROM conversations, unnest(media_types) AS media_type
     GROUP BY 1, 2
     ORDER BY 1, 2`);
  const media = [...new Set(rows.map((r) => r.media_type))].sort();
  const days = [...new Set(rows.map((r) => r.day))];
  const count = new Map(rows.map((r) => [`${r.day}|${r.media_type}`, Number(r.conversations)]));
  const table = [["day (UTC)", ...media], ...days.map((d) => [d, ...media.map((m) => String(count.get(`${d}|${m}`) ?? 0))])];
  return [
    "Conversations per media type per day:",
    "  SELECT date_trunc('day', conversation_start), unnest(media_types), count(*) FROM conversations GROUP BY 1, 2;",
    ...formatTable(table, { numeric: [false, ...media.map(() => true)], indent: "  " })
  ].join("\n");
}
async function handleTimePerQueue(db) {
  const rows = await db.$queryRawUnsafe(`
    -- A queue deleted before the first sync was never listed: no name to show, so say so.
    SELECT coalesce(queue_name, queue_id || ' (not listed)') AS queue,
           count(*) AS interactions,
           round(avg(handle_ms) / 1000.0, 1)::text AS avg_handle_s,
           mode() WITHIN GROUP (ORDER BY coalesce(wrap_up_name, wrap_up_code)) AS top_wrap_up
      FROM agent_interactions
     WHERE handle_ms IS NOT NULL AND queue_id IS NOT NULL
     GROUP BY 1
     ORDER BY count(*) DESC
     LIMIT 10`);
  const table = [
    ["queue", "interactions", "avg handle (s)", "most used wrap-up"],
    ...rows.map((r) => [r.queue ?? "", String(r.interactions), r.avg_handle_s ?? "", r.top_wrap_up ?? ""])
  ];
  return [
    "Handle time per queue, with its most used wrap-up code:",
    "  SELECT queue_name, count(*), avg(handle_ms), mode() WITHIN GROUP (ORDER BY wrap_up_name) FROM agent_interactions GROUP BY queue_name;",
    ...formatTable(table, { numeric: [false, true, true, false], indent: "  " })
  ].join("\n");
}
async function qualityPerAgent(db) {
  const rows = await db.$queryRawUnsafe(`
    SELECT coalesce(max(agent_name), agent_user_id) AS agent,
           sum(evaluations)::bigint AS evaluations,
           round((sum(average_score * evaluations) / nullif(sum(evaluations), 0))::numeric, 1)::text AS avg_score,
           sum(surveys_answered)::bigint AS answered,
           round(sum(nps * surveys_answered) / nullif(sum(surveys_answered), 0), 0)::text AS nps
      FROM agent_quality
     GROUP BY agent_user_id
     ORDER BY sum(evaluations) DESC, agent
     LIMIT 10`);
  const table = [
    ["agent", "evaluations", "avg score", "surveys answered", "NPS"],
    ...rows.map((r) => [r.agent, String(r.evaluations), r.avg_score ?? "", String(r.answered), r.nps ?? ""])
  ];
  return [
    "Quality per agent: evaluations, average score, surveys and NPS:",
    "  SELECT agent_name, day, evaluations, average_score, surveys_answered, nps FROM agent_quality;",
    ...formatTable(table, { numeric: [false, true, true, true, true], indent: "  " })
  ].join("\n");
}
async function occupancyPerAgent(db) {
  const rows = await db.$queryRawUnsafe(`
    SELECT coalesce(max(agent_name), user_id) AS agent, to_char(day, 'YYYY-MM-DD') AS day,
           round((sum(seconds) FILTER (WHERE kind = 'presence' AND status = 'ON_QUEUE') / 3600)::numeric, 1)::text AS on_queue_h,
           round((coalesce(sum(seconds) FILTER (WHERE kind = 'routing' AND status = 'INTERACTING'), 0) / 3600)::numeric, 1)::text AS interacting_h,
           round((100 * coalesce(sum(seconds) FILTER (WHERE kind = 'routing' AND status = 'INTERACTING'), 0)
                 / sum(seconds) FILTER (WHERE kind = 'presence' AND status = 'ON_QUEUE'))::numeric, 1)::text AS occupancy
      FROM agent_status_time
     WHERE day < (now() AT TIME ZONE 'UTC')::date AND day >= (now() AT TIME ZONE 'UTC')::date - 2
     GROUP BY user_id, day
    HAVING sum(seconds) FILTER (WHERE kind = 'presence' AND status = 'ON_QUEUE') > 0
     ORDER BY day DESC, sum(seconds) FILTER (WHERE kind = 'routing' AND status = 'INTERACTING') DESC NULLS LAST, agent
     LIMIT 10`);
  const table = [
    ["agent", "day (UTC)", "on queue (h)", "interacting (h)", "occupancy %"],
    ...rows.map((r) => [r.agent, r.day, r.on_queue_h, r.interacting_h, r.occupancy ?? ""])
  ];
  return [
    "Occupancy per agent and day (interacting \xF7 on-queue time, from agents' presence and routing status):",
    "  SELECT agent_name, day, sum(seconds) FILTER (WHERE status = 'INTERACTING') / sum(seconds) FILTER (WHERE status = 'ON_QUEUE') FROM agent_status_time GROUP BY 1, 2;",
    ...formatTable(table, { numeric: [false, false, true, true, true], indent: "  " })
  ].join("\n");
}
export {
  conversationsPerMediaPerDay,
  demoCommand,
  handleTimePerAgent,
  handleTimePerQueue,
  occupancyPerAgent,
  qualityPerAgent
};
