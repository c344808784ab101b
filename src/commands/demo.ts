/**
 * `npm run demo`: the real job end to end with nothing to configure. A seeded Genesys
 * simulator stands in for the org (about 20 agents, the last 10 days), the embedded database
 * stands in for Postgres (DATABASE_URL is used when set; unset means the embedded one here, unlike
 * every other command), and the sync runs through the same code as production: migrations,
 * createGenesysClient over HTTP, runSync with the ledger.
 * Both streams are read (conversations and agents' presence and routing status), as by default.
 * Then it shows analyst queries and how to connect with psql, and keeps the database up
 * until Ctrl-C (`--once` exits after printing instead, for a script that only wants the run).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_RATE_LIMIT_PER_MIN, type Config, type GenesysConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { EXIT } from '../exit-codes.ts';
import { DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT_MS } from '../genesys/index.ts';
import { formatSummary } from '../present/summary.ts';
import { runSync } from '../pipeline/sync.ts';
import type { Logger } from '../logger.ts';
import { formatTable } from '../present/table.ts';
import type { CommandIo } from './io.ts';
import { redactUrlPasswords } from '../redact.ts';
import { configuredPersonalData, createGenesys, openRuntime, runDeps, type Runtime } from '../runtime.ts';
import { startSimulator, type Simulator } from '../sim/index.ts';
import { resolveInterval } from '../decisions/interval.ts';
import { UsageError } from './usage-error.ts';
import { DAY_MS, systemClock, untilAborted } from '../time.ts';
import { stopSignal } from './signals.ts';
import { exitCodeFor, syncOptions } from './sync.ts';

/** The simulated org: fixed seed, so every demo shows the same people and numbers. */
const DEMO_SEED = 42;
const DEMO_AGENTS = 20;
const DEMO_SIM_DAYS = 10;
const DEMO_SYNC_LOOKBACK_MS = 7 * DAY_MS;

export async function demoCommand(argv: string[], config: Config, logger: Logger, io: CommandIo): Promise<number> {
  const once = parseDemoArgs(argv);
  const clock = systemClock;
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const sim = await startSimulator({ seed: DEMO_SEED, org: { agentCount: DEMO_AGENTS, days: DEMO_SIM_DAYS } });
  let runtime: Runtime | undefined;
  // The simulator stands in for the org: the same client and runtime as production, pointed at it.
  const genesys = createGenesys(config, logger, undefined, simulatorTarget(sim));
  const stop = stopSignal(logger);
  try {
    out(`Genesys simulator: ${sim.org.agents.length} agents, conversations since ${sim.range.start.toISOString()} (${sim.url})`);
    // The demo migrates a configured DATABASE_URL too (it is a trial run), and is the one command
    // that uses the embedded database when DATABASE_URL is unset.
    runtime = await openRuntime(config, logger, { migrate: true, embeddedByDefault: true });
    const { database, embedded, url } = runtime;
    out(`Database: ${embedded ? `embedded (PGlite, folder ${config.database.embeddedDir})` : 'DATABASE_URL'}`);
    const applied = runtime.migrationsApplied;
    out(`Migrations: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);

    const interval = resolveInterval({ now: clock(), lagMs: config.sync.lagMs, defaultLookbackMs: DEMO_SYNC_LOOKBACK_MS });
    const configured = syncOptions('sync', { interval, agentIds: [], dryRun: false }, config);
    // The embedded database serves one connection at a time: with two streams' windows writing at
    // once, connections waited past their timeout on a busy machine. One window at a time there.
    const options = embedded ? { ...configured, concurrency: 1 } : configured;
    out(`Syncing the last 7 days…\n`);
    const report = await runSync(
      runDeps({ database }, genesys, { logger, clock, signal: stop.signal, host: config.hostname, personalData: configuredPersonalData(config) }),
      options,
    );
    out(formatSummary(report));
    if (report.status !== 'succeeded') return exitCodeFor(report);

    out(await exploration(database.prisma, url));
    if (once) return EXIT.OK;
    out('\nThe database stays up until you press Ctrl-C.');
    await untilAborted(stop.signal);
    return EXIT.OK;
  } finally {
    stop.dispose();
    genesys.close();
    await runtime?.close();
    await sim.close();
  }
}

/** `--once` (exit after printing), the demo's only flag. */
function parseDemoArgs(argv: string[]): boolean {
  try {
    return parseArgs({ args: argv, options: { once: { type: 'boolean', default: false } }, strict: true }).values.once ?? false;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (demo takes only --once)`);
  }
}

/**
 * The demo's own simulator enforces no rate limit, so pacing the demo at Genesys' real budget
 * (GENESYS_RATE_LIMIT_PER_MIN's default) only made it wait: the same production gate paces it at
 * this rate instead, which still spaces requests out and keeps a laptop responsive.
 */
const DEMO_RATE_PER_MIN = 60 * DEFAULT_RATE_LIMIT_PER_MIN;

/** The Genesys settings that point the production client at the simulator. */
function simulatorTarget(sim: Simulator): GenesysConfig {
  return {
    apiUrl: sim.url,
    loginUrl: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    ratePerMinute: DEMO_RATE_PER_MIN,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    maxRetries: DEFAULT_MAX_RETRIES,
  };
}

/** The example queries and how to connect with psql, each block after a blank line. */
async function exploration(db: Db, url: string): Promise<string> {
  return [
    '',
    await handleTimePerAgent(db),
    '',
    await conversationsPerMediaPerDay(db),
    '',
    await handleTimePerQueue(db),
    '',
    await qualityPerAgent(db),
    '',
    await occupancyPerAgent(db),
    '',
    'Connect and explore (tables: conversations, participants, sessions, segments, session_metrics, agents,',
    'evaluations, surveys, resolutions, flow_outcomes, media_endpoint_stats, queues, wrap_up_codes, divisions, skills, languages,',
    'agent_presence, agent_routing_status, presence_definitions;',
    'views: agent_interactions, agent_quality, agent_status_time; ledger: sync_runs, sync_windows, sync_rejects):',
    `  psql "${redactUrlPasswords(url)}"`,
  ].join('\n');
}

/** Example query 1: handle time per agent, from the agent_interactions view (times in ms). */
export async function handleTimePerAgent(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ agent: string | null; interactions: bigint; avg_handle_s: string | null; total_handle_h: string | null }>>(`
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
    ['agent', 'interactions', 'avg handle (s)', 'total handle (h)'],
    ...rows.map((r) => [r.agent ?? '(unknown)', String(r.interactions), r.avg_handle_s ?? '', r.total_handle_h ?? '']),
  ];
  return [
    'Handle time per agent (top 10):',
    '  SELECT agent_name, count(*), avg(handle_ms), sum(handle_ms) FROM agent_interactions GROUP BY agent_name;',
    ...formatTable(table, { numeric: [false, true, true, true], indent: '  ' }),
  ].join('\n');
}

/** Example query 2: conversations per media type per UTC day, pivoted with one column per media type. */
export async function conversationsPerMediaPerDay(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ day: string; media_type: string; conversations: bigint }>>(`
    SELECT to_char(date_trunc('day', conversation_start AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
           media_type,
           count(*) AS conversations
      FROM conversations, unnest(media_types) AS media_type
     GROUP BY 1, 2
     ORDER BY 1, 2`);
  const media = [...new Set(rows.map((r) => r.media_type))].sort();
  const days = [...new Set(rows.map((r) => r.day))];
  const count = new Map(rows.map((r) => [`${r.day}|${r.media_type}`, Number(r.conversations)]));
  const table = [['day (UTC)', ...media], ...days.map((d) => [d, ...media.map((m) => String(count.get(`${d}|${m}`) ?? 0))])];
  return [
    'Conversations per media type per day:',
    '  SELECT date_trunc(\'day\', conversation_start), unnest(media_types), count(*) FROM conversations GROUP BY 1, 2;',
    ...formatTable(table, { numeric: [false, ...media.map(() => true)], indent: '  ' }),
  ].join('\n');
}

/**
 * Example query 3: handle time per queue with its most used wrap-up, by name (the reference
 * tables name the ids; a queue or code deleted in Genesys keeps its name there).
 */
export async function handleTimePerQueue(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ queue: string | null; interactions: bigint; avg_handle_s: string | null; top_wrap_up: string | null }>>(`
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
    ['queue', 'interactions', 'avg handle (s)', 'most used wrap-up'],
    ...rows.map((r) => [r.queue ?? '', String(r.interactions), r.avg_handle_s ?? '', r.top_wrap_up ?? '']),
  ];
  return [
    'Handle time per queue, with its most used wrap-up code:',
    '  SELECT queue_name, count(*), avg(handle_ms), mode() WITHIN GROUP (ORDER BY wrap_up_name) FROM agent_interactions GROUP BY queue_name;',
    ...formatTable(table, { numeric: [false, true, true, false], indent: '  ' }),
  ].join('\n');
}

/** Example query 4: evaluations, average score and NPS per agent over the synced period, from the agent_quality view. */
export async function qualityPerAgent(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ agent: string; evaluations: bigint; avg_score: string | null; answered: bigint; nps: string | null }>>(`
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
    ['agent', 'evaluations', 'avg score', 'surveys answered', 'NPS'],
    ...rows.map((r) => [r.agent, String(r.evaluations), r.avg_score ?? '', String(r.answered), r.nps ?? '']),
  ];
  return [
    'Quality per agent: evaluations, average score, surveys and NPS:',
    '  SELECT agent_name, day, evaluations, average_score, surveys_answered, nps FROM agent_quality;',
    ...formatTable(table, { numeric: [false, true, true, true, true], indent: '  ' }),
  ].join('\n');
}

/**
 * Example query 5 (the agent-activity stream): occupancy, the time interacting ÷ the time on
 * queue, per agent and UTC day of the newest two full days, from the agent_status_time view
 * (docs/schema.md, "Occupancy"); agents by name.
 */
export async function occupancyPerAgent(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ agent: string; day: string; on_queue_h: string; interacting_h: string; occupancy: string | null }>>(`
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
    ['agent', 'day (UTC)', 'on queue (h)', 'interacting (h)', 'occupancy %'],
    ...rows.map((r) => [r.agent, r.day, r.on_queue_h, r.interacting_h, r.occupancy ?? '']),
  ];
  return [
    'Occupancy per agent and day (interacting ÷ on-queue time, from agents\' presence and routing status):',
    "  SELECT agent_name, day, sum(seconds) FILTER (WHERE status = 'INTERACTING') / sum(seconds) FILTER (WHERE status = 'ON_QUEUE') FROM agent_status_time GROUP BY 1, 2;",
    ...formatTable(table, { numeric: [false, false, true, true, true], indent: '  ' }),
  ].join('\n');
}
