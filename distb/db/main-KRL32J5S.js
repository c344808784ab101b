import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  SIM_REFERENCE_LISTS,
  startSimulator
} from "./chunk-YYWZFDAS.js";
import "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/sim/main.js
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
var USAGE = `Usage: simulator [--port N] [--host H] [--seed N] [--agents N] [--days N] [--per-day N]
                 [--latency-ms N] [--rate-limit-per-minute N] [--client-id S] [--client-secret S]
                 [--lake-lag-ms N] [--job-queue-ms N] [--job-ms-per-thousand N]
                 [--no-explicit-nulls]     never send absent optional fields as explicit nulls
                 [--forbid-list LIST]...   answer 403 for a reference list (${Object.keys(SIM_REFERENCE_LISTS).join(", ")})`;
function int(value, name) {
  if (value === void 0)
    return void 0;
  if (!/^\d+$/.test(value))
    throw new Error(`--${name} must be a non-negative integer, got '${value}'
${USAGE}`);
  return Number(value);
}
function untilStopped(signal) {
  if (signal)
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
async function runSimulatorCli(argv, io = { write: (t) => process.stdout.write(t) }) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      agents: { type: "string" },
      days: { type: "string" },
      "per-day": { type: "string" },
      "latency-ms": { type: "string" },
      "rate-limit-per-minute": { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "lake-lag-ms": { type: "string" },
      "job-queue-ms": { type: "string" },
      "job-ms-per-thousand": { type: "string" },
      "forbid-list": { type: "string", multiple: true },
      "no-explicit-nulls": { type: "boolean" },
      help: { type: "boolean" }
    },
    strict: true
  });
  if (values.help) {
    io.write(`${USAGE}
`);
    return;
  }
  const agentCount = int(values.agents, "agents");
  const days = int(values.days, "days");
  const conversationsPerDay = int(values["per-day"], "per-day");
  const latencyMs = int(values["latency-ms"], "latency-ms");
  const rateLimitPerMinute = int(values["rate-limit-per-minute"], "rate-limit-per-minute");
  const lakeLagMs = int(values["lake-lag-ms"], "lake-lag-ms");
  const jobQueueMs = int(values["job-queue-ms"], "job-queue-ms");
  const jobMsPerThousand = int(values["job-ms-per-thousand"], "job-ms-per-thousand");
  const forbiddenLists = values["forbid-list"] ?? [];
  for (const list of forbiddenLists) {
    if (!(list in SIM_REFERENCE_LISTS))
      throw new Error(`--forbid-list: unknown list '${list}'
${USAGE}`);
  }
  const sim = await startSimulator({
    port: int(values.port, "port") ?? 0,
    ...values.host !== void 0 ? { host: values.host } : {},
    seed: int(values.seed, "seed") ?? 1,
    org: {
      ...agentCount !== void 0 ? { agentCount } : {},
      ...days !== void 0 ? { days } : {},
      ...conversationsPerDay !== void 0 ? { conversationsPerDay } : {},
      ...values["no-explicit-nulls"] ? { explicitNulls: false } : {}
    },
    ...latencyMs !== void 0 ? { latencyMs } : {},
    ...rateLimitPerMinute !== void 0 ? { rateLimitPerMinute } : {},
    ...values["client-id"] !== void 0 ? { clientId: values["client-id"] } : {},
    ...values["client-secret"] !== void 0 ? { clientSecret: values["client-secret"] } : {},
    faults: {
      ...lakeLagMs !== void 0 ? { lakeLagMs } : {},
      ...jobQueueMs !== void 0 ? { jobQueueMs } : {},
      ...jobMsPerThousand !== void 0 ? { jobMsPerThousand } : {},
      ...forbiddenLists.length > 0 ? { forbiddenLists } : {}
    }
  });
  io.onStarted?.(sim);
  io.write([
    `Genesys simulator listening on ${sim.url}`,
    `  conversations from ${sim.range.start.toISOString()} to ${sim.range.end.toISOString()}, ${sim.org.agents.length} agents`,
    `  details jobs: data available before ${sim.availabilityDate().toISOString()}`,
    "Point the tool at it with:",
    `GENESYS_API_URL=${sim.url} GENESYS_LOGIN_URL=${sim.url} GENESYS_CLIENT_ID=${sim.clientId} GENESYS_CLIENT_SECRET=${sim.clientSecret}`,
    "Press Ctrl+C to stop.",
    ""
  ].join("\n"));
  await untilStopped(io.signal);
  await sim.close();
}
var invokedDirectly = process.argv[1] !== void 0 && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runSimulatorCli(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}
`);
    process.exitCode = 1;
  });
}
export {
  runSimulatorCli
};
