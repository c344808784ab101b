/**
 * The only module that reads the environment. Each variable is written once, in SETTINGS: its
 * name, its default and its zod parser, in the group of Config it fills; the Config type is
 * derived from that table. `loadConfig` parses them all with one schema and throws a single
 * ConfigError listing every problem, each naming its variable; secret values are never echoed.
 * Variables and defaults are documented in .env.example and the README (a test compares them
 * with VARIABLES).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import dotenv from 'dotenv';
import cron from 'node-cron';
import { z } from 'zod';
import { MAX_TIMER_MS, parseDuration } from './duration.ts';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_DETAILS_INTERVAL_DAYS,
  MAX_DETAILS_PAGE_SIZE,
  MAX_JOB_INTERVAL_DAYS,
  MAX_REACHABLE_HITS,
} from './genesys/limits.ts';
import { KNOWN_REGIONS, regionDomain, resolveHosts } from './genesys/regions.ts';
import { LANE_MODES, type LaneMode } from './decisions/lanes.ts';
import type { DeleteMode } from './db/deletions.ts';
import { redactText, registerSecret } from './redact.ts';
import { MAX_INTERVAL_MS } from './decisions/interval.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './time.ts';

/** Genesys' documented default is 300 requests/minute per OAuth client; keep headroom for other integrations. */
export const DEFAULT_RATE_LIMIT_PER_MIN = 250;

export class ConfigError extends Error {
  readonly code = 'CONFIG';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Parses a comma list of agent (user) ids; returns an error message naming the bad entry. */
export function parseAgentIds(text: string | undefined): { ids: string[] } | { error: string } {
  const ids = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ids.find((id) => !AGENT_ID.test(id));
  if (bad !== undefined) return { error: `"${bad.slice(0, 64)}" is not a Genesys user id (expected letters, digits and dashes)` };
  return { ids: [...new Set(ids)] };
}

const optionalText = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));

/**
 * One environment variable: its name, its default as written in .env.example and the README
 * (undefined: none) and the schema that turns its text into a value. The default is substituted
 * before parsing, so the documented text is exactly what an unset variable means.
 */
interface Variable<S extends z.ZodType = z.ZodType> {
  name: string;
  default: string | undefined;
  schema: S;
}

/** A variable with a default: `parse` always sees text (the value, or the default when unset or empty). */
function withDefault<T>(name: string, fallback: string | number | boolean, parse: z.ZodType<T, string>) {
  const text = String(fallback);
  return { name, default: text, schema: optionalText.transform((v) => v ?? text).pipe(parse) } satisfies Variable;
}

/** A variable without a default: undefined when unset or empty, else what `parse` makes of it. */
function optional<T>(name: string, parse: z.ZodType<T, string>) {
  return { name, default: undefined, schema: optionalText.pipe(parse.optional()) } satisfies Variable;
}

function int(min: number, max: number, what = 'an integer', orElse = '') {
  return z.string().transform((v, ctx) => {
    const n = Number(v);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `must be ${what} from ${min} to ${max}${orElse} (got "${v}")` });
    return z.NEVER;
  });
}

/**
 * A duration in milliseconds, at most `maxMs` (quoted in the error as the largest whole unit: 1h, 7d).
 * `timer`: the value is waited on with setTimeout, so its bound must stay below Node's timer
 * limit (MAX_TIMER_MS); checked here, when the module loads, so no bound can be raised past it.
 */
function duration(maxMs: number, use: 'timer' | 'span', orElse = '') {
  if (use === 'timer' && maxMs > MAX_TIMER_MS) throw new Error(`a timer duration bound (${maxMs} ms) must not exceed Node's timer limit`);
  const max = durationText(maxMs);
  return z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `must be a duration like 7d, 36h, 90m or 45s${orElse} (got "${v}")` });
    else if (ms > maxMs) ctx.addIssue({ code: 'custom', message: `must be at most ${max} (got "${v}")` });
    else return ms;
    return z.NEVER;
  });
}

/** Milliseconds as the duration text a user would write, in the largest unit that divides them. */
function durationText(ms: number): string {
  const units: Array<[string, number]> = [['d', DAY_MS], ['h', HOUR_MS], ['m', MINUTE_MS], ['s', SECOND_MS]];
  const [unit, size] = units.find(([, size]) => ms % size === 0) ?? ['s', SECOND_MS];
  return `${ms / size}${unit}`;
}

const bool = z.string().transform((v, ctx) => {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  ctx.addIssue({ code: 'custom', message: `must be true or false (got "${v}")` });
  return z.NEVER;
});

const fraction = z.string().transform((v, ctx) => {
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1) return n;
  ctx.addIssue({ code: 'custom', message: `must be a fraction from 0 to 1 (got "${v}")` });
  return z.NEVER;
});

function oneOf<const T extends string>(values: readonly T[]) {
  return z.string().transform((v, ctx) => {
    const lower = v.toLowerCase();
    if ((values as readonly string[]).includes(lower)) return lower as T;
    ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')} (got "${v}")` });
    return z.NEVER;
  });
}

/**
 * The Genesys endpoints carry the client secret (login) and bearer tokens (API): https only,
 * except on this machine's loopback (the simulator, a local proxy), where nothing crosses a network.
 */
const genesysUrl = z.string().superRefine((v, ctx) => {
  let url: URL | undefined;
  try {
    url = /^https?:\/\/[^\s]+$/i.test(v) ? new URL(v) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
  else if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({ code: 'custom', message: `must be an https:// URL (plain http is allowed only on loopback: 127.0.0.0/8, localhost, [::1]); got host "${url.hostname}"` });
  }
});

/** 127.0.0.0/8, localhost and [::1]; `hostname` as URL parses it (it normalises 127.1, 0x7f000001, ...). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost') return true;
  if (host === '[::1]') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** What DATABASE_URL asks for: a Postgres server, or the embedded PGlite database by name. */
type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'embedded' };

/** The word that asks for the embedded database in DATABASE_URL (production commands never fall back to it). */
export const EMBEDDED_DATABASE_URL = 'embedded';

const databaseTarget = z.string().transform((v, ctx): DatabaseTarget => {
  if (v.toLowerCase() === EMBEDDED_DATABASE_URL) return { kind: 'embedded' };
  if (/^postgres(ql)?:\/\//.test(v)) return { kind: 'postgres', url: v };
  ctx.addIssue({ code: 'custom', message: `must be a postgresql:// URL, or "${EMBEDDED_DATABASE_URL}" for the embedded PGlite database` });
  return z.NEVER;
});

const agentIds = z.string().transform((v, ctx) => {
  const parsed = parseAgentIds(v);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.ids;
});

const timeZone = z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Berlin' });
const cronExpression = z.string().refine((v) => cron.validate(v), { message: 'must be a cron expression such as "30 2 * * *"' });
/** The shortest PII_HASH_KEY accepted: a short key makes the hashes of phone numbers guessable. */
const MIN_HASH_KEY_LENGTH = 16;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/**
 * Every variable, once: grouped by the part of Config it fills, each with its name, default and
 * parser. The Config type below is derived from this table; .env.example and the README's
 * configuration table document the same names and defaults (a test keeps the three in step).
 */
const SETTINGS = {
  genesysAccess: {
    region: optional('GENESYS_REGION', z.string()),
    apiUrl: optional('GENESYS_API_URL', genesysUrl),
    loginUrl: optional('GENESYS_LOGIN_URL', genesysUrl),
    clientId: optional('GENESYS_CLIENT_ID', z.string()),
    clientSecret: optional('GENESYS_CLIENT_SECRET', z.string()),
  },
  genesysLimits: {
    ratePerMinute: withDefault('GENESYS_RATE_LIMIT_PER_MIN', DEFAULT_RATE_LIMIT_PER_MIN, int(1, 100_000)),
    requestTimeoutMs: withDefault('GENESYS_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, int(1_000, 10 * MINUTE_MS)),
    maxRetries: withDefault('GENESYS_MAX_RETRIES', DEFAULT_MAX_RETRIES, int(0, 20)),
  },
  database: {
    /** Undefined when unset: production commands refuse to start, the demo uses the embedded database (runtime.ts). */
    target: optional('DATABASE_URL', databaseTarget),
    poolSize: withDefault('DATABASE_POOL_SIZE', 4, int(1, 50)),
    embeddedDir: withDefault('EMBEDDED_DB_DIR', '.data/pglite', z.string()),
    embeddedPort: withDefault('EMBEDDED_DB_PORT', 54_329, int(1, 65_535)),
  },
  sync: {
    schedule: withDefault('SYNC_SCHEDULE', '30 2 * * *', cronExpression),
    timezone: withDefault('SYNC_TIMEZONE', 'UTC', timeZone),
    runOnStart: withDefault('SYNC_RUN_ON_START', false, bool),
    lookbackMs: withDefault('SYNC_LOOKBACK', '7d', duration(MAX_INTERVAL_MS, 'span')),
    lagMs: withDefault('SYNC_LAG', '2m', duration(7 * DAY_MS, 'span')),
    /** The longest span one catching-up rolling run covers; undefined = no cap (decisions/interval.ts). */
    maxCatchUpMs: optional('SYNC_MAX_CATCH_UP', duration(MAX_INTERVAL_MS, 'span', ', or empty for no cap')),
    agentIds: withDefault('SYNC_AGENT_IDS', '', agentIds),
    agentGroupSize: withDefault('SYNC_AGENT_GROUP_SIZE', 25, int(1, 100)),
    /** Days a rolling-sync query window may touch (the API allows up to 31 with our filter). */
    windowDays: withDefault('SYNC_WINDOW_DAYS', 7, int(1, MAX_DETAILS_INTERVAL_DAYS)),
    /** Smaller windows for backfills: finer resume points and progress. */
    backfillWindowDays: withDefault('BACKFILL_WINDOW_DAYS', 1, int(1, MAX_DETAILS_INTERVAL_DAYS)),
    concurrency: withDefault('SYNC_CONCURRENCY', 4, int(1, 64)),
    pageSize: withDefault('SYNC_PAGE_SIZE', MAX_DETAILS_PAGE_SIZE, int(1, MAX_DETAILS_PAGE_SIZE)),
    windowMaxHits: withDefault('SYNC_WINDOW_MAX_HITS', 10_000, int(100, MAX_REACHABLE_HITS)),
    /** The streams sync, backfill and the worker read (comma-separated names, src/streams/index.ts); unset: every stream, on by default. */
    streams: optional('SYNC_STREAMS', z.string()),
    shutdownTimeoutMs: withDefault('SYNC_SHUTDOWN_TIMEOUT', '2m', duration(DAY_MS, 'timer')),
  },
  /** The jobs lane and how backfills choose lanes (docs/sync.md "Lanes"). */
  lanes: {
    backfillLane: withDefault('BACKFILL_LANE', 'auto', oneOf<LaneMode>(LANE_MODES)),
    /** One job per window of at most this many days (the jobs API's own maximum is undocumented). */
    jobWindowDays: withDefault('BACKFILL_JOB_WINDOW_DAYS', MAX_JOB_INTERVAL_DAYS, int(1, MAX_JOB_INTERVAL_DAYS)),
    maxConcurrentJobs: withDefault('JOBS_MAX_CONCURRENT', 2, int(1, 20)),
    maxJobAttempts: withDefault('JOBS_MAX_ATTEMPTS', 3, int(1, 10)),
    // A job still unfinished after a day is stuck; polls further apart than an hour only delay it.
    jobTimeoutMs: withDefault('JOBS_TIMEOUT', '1h', duration(DAY_MS, 'timer')),
    pollInitialMs: withDefault('JOBS_POLL_INTERVAL', '1s', duration(HOUR_MS, 'timer')),
    pollMaxMs: withDefault('JOBS_POLL_MAX', '10s', duration(HOUR_MS, 'timer')),
  },
  settle: {
    enabled: withDefault('SETTLE_ENABLED', true, bool),
    daysPerTick: withDefault('SETTLE_DAYS_PER_TICK', 7, int(1, 366)),
  },
  /** Contact fields and participant attributes (docs/schema.md "Personal data"). */
  personalData: {
    mode: withDefault('PII_MODE', 'keep', oneOf(['keep', 'hash', 'drop'] as const)),
    /** The HMAC key of PII_MODE=hash: a secret, registered for redaction, never logged. */
    hashKey: optional('PII_HASH_KEY', z.string().min(MIN_HASH_KEY_LENGTH, { message: `must be at least ${MIN_HASH_KEY_LENGTH} characters` })),
    attributes: withDefault('PII_ATTRIBUTES', 'keep', oneOf(['keep', 'drop'] as const)),
  },
  /** The mirror: deletions upstream and retention (docs/sync.md §18–19). */
  mirror: {
    deletes: withDefault('SYNC_DELETES', 'mark', oneOf<DeleteMode>(['mark', 'purge', 'off'])),
    deleteMaxFraction: withDefault('SYNC_DELETE_MAX_FRACTION', 0.2, fraction),
    retentionDays: optional('RETENTION_DAYS', int(1, 36_500, 'a number of days', ', or empty to keep everything')),
  },
  status: { maxAgeMs: withDefault('STATUS_MAX_AGE', '26h', duration(366 * DAY_MS, 'span')) },
  /** The worker's HTTP server for /metrics, /healthz and /readyz; off when port is undefined. */
  metrics: { port: optional('METRICS_PORT', int(1, 65_535, 'a TCP port', ', or empty for no metrics server')) },
  log: {
    level: withDefault('LOG_LEVEL', 'info', oneOf(LOG_LEVELS)),
    format: withDefault('LOG_FORMAT', 'auto', oneOf(LOG_FORMATS)),
  },
};

const ACCESS = SETTINGS.genesysAccess;

type Settings<G> = { [K in keyof G]: G[K] extends Variable<infer S> ? z.output<S> : never };
type Parsed = { [G in keyof typeof SETTINGS]: Settings<(typeof SETTINGS)[G]> };

const ALL_VARIABLES: readonly Variable[] = Object.values(SETTINGS).flatMap((group) => Object.values(group));
const envSchema = z.object(Object.fromEntries(ALL_VARIABLES.map((v) => [v.name, v.schema])));

/** Every variable the configuration reads with its documented default (undefined: none); a test compares .env.example and the README with it. */
export const VARIABLES: ReadonlyArray<{ name: string; default: string | undefined }> = ALL_VARIABLES.map(({ name, default: d }) => ({ name, default: d }));
/** Every variable the configuration reads. */
export const ENV_VARIABLES: readonly string[] = VARIABLES.map((v) => v.name);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type GenesysConfig = { apiUrl: string; loginUrl: string; clientId: string; clientSecret: string } & Parsed['genesysLimits'];

export type Config = Readonly<
  Omit<Parsed, 'genesysAccess' | 'genesysLimits' | 'status'> & {
    /** Undefined when Genesys is not configured; commands that need it call requireGenesys(). */
    genesys: GenesysConfig | undefined;
    genesysProblems: string[];
    statusMaxAgeMs: number;
    hostname: string;
  }
>;

/** The environment: process.env over the .env file in the working directory (when present). */
function readEnvironment(cwd = process.cwd()): Record<string, string | undefined> {
  const file = `${cwd}/.env`;
  const fromFile = existsSync(file) ? dotenv.parse(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

/** The parsed values regrouped as SETTINGS lays them out (by variable name, so nothing is spelled twice). */
function regroup(values: Record<string, unknown>): Parsed {
  const group = (fields: Record<string, Variable>) => Object.fromEntries(Object.entries(fields).map(([key, v]) => [key, values[v.name]]));
  return Object.fromEntries(Object.entries(SETTINGS).map(([name, fields]) => [name, group(fields)])) as Parsed;
}

/** Parses and validates configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  // Before parsing, so no message built from a value (theirs or zod's) can carry a secret.
  registerSecret(env[ACCESS.clientSecret.name]);
  registerSecret(passwordOf(env[SETTINGS.database.target.name]));
  registerSecret(env[SETTINGS.personalData.hashKey.name]?.trim());
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${redactText(i.message)}`);
  const { hosts, missing, unknownRegion } = resolveGenesysHosts(env);
  // A region typo is a hard error even for commands that do not call Genesys.
  if (unknownRegion) problems.push(unknownRegion);
  problems.push(...personalDataProblems(parsed.success ? parsed.data : undefined));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const { genesysAccess: access, genesysLimits, status, ...rest } = regroup(parsed.data);
  const genesysProblems = missing ? [missing] : [];
  if (!access.clientId) genesysProblems.push(`${ACCESS.clientId.name}: not set`);
  if (!access.clientSecret) genesysProblems.push(`${ACCESS.clientSecret.name}: not set`);
  const genesys =
    genesysProblems.length === 0 && hosts ? { ...hosts, clientId: access.clientId!, clientSecret: access.clientSecret!, ...genesysLimits } : undefined;
  return Object.freeze({ ...rest, genesys, genesysProblems, statusMaxAgeMs: status.maxAgeMs, hostname: hostname() });
}

/** PII_MODE=hash without its key: refused, rather than storing contact values in clear. */
function personalDataProblems(values: Record<string, unknown> | undefined): string[] {
  const { mode, hashKey } = SETTINGS.personalData;
  if (values?.[mode.name] !== 'hash' || values[hashKey.name] !== undefined) return [];
  return [`${hashKey.name}: required when ${mode.name}=hash (a secret of at least ${MIN_HASH_KEY_LENGTH} characters; keep it: the same key makes the same numbers hash alike)`];
}

/** The API and login hosts, or why there are none: not configured, or a region we do not know. */
function resolveGenesysHosts(env: Record<string, string | undefined>): {
  hosts?: { apiUrl: string; loginUrl: string };
  missing?: string;
  unknownRegion?: string;
} {
  const [region, apiUrl, loginUrl] = [ACCESS.region, ACCESS.apiUrl, ACCESS.loginUrl].map((v) => env[v.name]?.trim() || undefined);
  if (!region && !(apiUrl && loginUrl)) {
    return { missing: `${ACCESS.region.name}: not set (or set both ${ACCESS.apiUrl.name} and ${ACCESS.loginUrl.name})` };
  }
  if (region && !regionDomain(region)) {
    const known = Object.values(KNOWN_REGIONS).join(', ');
    return { unknownRegion: `${ACCESS.region.name}: unknown region "${region}"; known regions: ${known}` };
  }
  try {
    return { hosts: resolveHosts({ region, apiUrl, loginUrl }) };
  } catch {
    return {}; // an invalid GENESYS_API_URL / GENESYS_LOGIN_URL: the schema reports it by name
  }
}

/** The Genesys settings, or a ConfigError naming each missing variable. */
export function requireGenesys(config: Config): GenesysConfig {
  if (!config.genesys) throw new ConfigError(config.genesysProblems);
  return config.genesys;
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

