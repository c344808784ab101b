/**
 * The only module that reads the environment. `loadConfig` parses every variable once with
 * one zod schema and throws a single ConfigError listing every problem, each naming its
 * variable; secret values are never echoed. Variables and defaults are documented in
 * .env.example and the README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import dotenv from 'dotenv';
import cron from 'node-cron';
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_DETAILS_INTERVAL_DAYS,
  MAX_DETAILS_PAGE_SIZE,
  MAX_JOB_INTERVAL_DAYS,
  MAX_REACHABLE_HITS,
} from './genesys/limits.ts';
import { KNOWN_REGIONS, regionDomain, resolveHosts } from './genesys/regions.ts';
import { isLaneMode, LANE_MODES, type LaneMode } from './decisions/lanes.ts';
import { redactText, registerSecret } from './redact.ts';
import { MAX_INTERVAL_DAYS, MAX_INTERVAL_MS } from './decisions/interval.ts';
import { DAY_MS, MINUTE_MS } from './time.ts';

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

function intVar(min: number, max: number, fallback: number) {
  return optionalText.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max} (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });
}

function durationVar(fallback: string, max?: { ms: number; label: string }) {
  return optionalText.transform((v, ctx) => {
    const ms = parseDuration(v ?? fallback);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 7d, 36h or 90m (got "${v}")` });
      return z.NEVER;
    }
    if (max && ms > max.ms) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${max.label} (got "${v}")` });
      return z.NEVER;
    }
    return ms;
  });
}

/** A duration that may be unset (undefined: the feature it bounds is unbounded). */
const optionalDurationVar = optionalText.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a duration like 30d, 36h or 90m, or unset for no cap (got "${v}")` });
    return z.NEVER;
  }
  return ms;
});

function boolVar(fallback: boolean) {
  return optionalText.transform((v, ctx) => {
    if (v === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false (got "${v}")` });
    return z.NEVER;
  });
}

/**
 * The Genesys endpoints carry the client secret (login) and bearer tokens (API): https only,
 * except on this machine's loopback (the simulator, a local proxy), where nothing crosses a network.
 */
const urlVar = optionalText.superRefine((v, ctx) => {
  if (v === undefined) return;
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

const envSchema = z.object({
  GENESYS_REGION: optionalText,
  GENESYS_API_URL: urlVar,
  GENESYS_LOGIN_URL: urlVar,
  GENESYS_CLIENT_ID: optionalText,
  GENESYS_CLIENT_SECRET: optionalText,
  GENESYS_RATE_LIMIT_PER_MIN: intVar(1, 100_000, DEFAULT_RATE_LIMIT_PER_MIN),
  GENESYS_REQUEST_TIMEOUT_MS: intVar(1_000, 10 * MINUTE_MS, DEFAULT_REQUEST_TIMEOUT_MS),
  GENESYS_MAX_RETRIES: intVar(0, 20, DEFAULT_MAX_RETRIES),
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgresql:// URL',
  }),
  DATABASE_POOL_SIZE: intVar(1, 50, 4),
  EMBEDDED_DB_DIR: optionalText.transform((v) => v ?? '.data/pglite'),
  EMBEDDED_DB_PORT: intVar(1, 65_535, 54_329),
  SYNC_SCHEDULE: optionalText.transform((v) => v ?? '30 2 * * *').refine((v) => cron.validate(v), {
    message: 'must be a cron expression such as "30 2 * * *"',
  }),
  SYNC_TIMEZONE: optionalText.transform((v) => v ?? 'UTC').refine(isTimeZone, {
    message: 'must be an IANA time zone such as UTC or Europe/Berlin',
  }),
  SYNC_RUN_ON_START: boolVar(false),
  SYNC_LOOKBACK: durationVar('7d', { ms: MAX_INTERVAL_MS, label: `${MAX_INTERVAL_DAYS}d, the longest interval one run may cover` }),
  SYNC_LAG: durationVar('2m', { ms: 7 * DAY_MS, label: '7d' }),
  SYNC_MAX_CATCH_UP: optionalDurationVar,
  SYNC_AGENT_IDS: optionalText.transform((v, ctx) => {
    const parsed = parseAgentIds(v);
    if ('error' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed.ids;
  }),
  SYNC_AGENT_GROUP_SIZE: intVar(1, 100, 25),
  SYNC_WINDOW_DAYS: intVar(1, MAX_DETAILS_INTERVAL_DAYS, 7),
  BACKFILL_WINDOW_DAYS: intVar(1, MAX_DETAILS_INTERVAL_DAYS, 1),
  SYNC_CONCURRENCY: intVar(1, 64, 4),
  SYNC_PAGE_SIZE: intVar(1, MAX_DETAILS_PAGE_SIZE, MAX_DETAILS_PAGE_SIZE),
  SYNC_WINDOW_MAX_HITS: intVar(100, MAX_REACHABLE_HITS, 10_000),
  // Node's timers overflow past ~24.8 days (and then fire at once): a day is plenty.
  SYNC_SHUTDOWN_TIMEOUT: durationVar('2m', { ms: DAY_MS, label: '1d' }),
  BACKFILL_LANE: optionalText.transform((v, ctx) => {
    const mode = (v ?? 'auto').toLowerCase();
    if (!isLaneMode(mode)) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${LANE_MODES.join(', ')} (got "${v}")` });
      return z.NEVER;
    }
    return mode;
  }),
  BACKFILL_JOB_WINDOW_DAYS: intVar(1, MAX_JOB_INTERVAL_DAYS, MAX_JOB_INTERVAL_DAYS),
  JOBS_MAX_CONCURRENT: intVar(1, 20, 2),
  JOBS_MAX_ATTEMPTS: intVar(1, 10, 3),
  JOBS_TIMEOUT: durationVar('1h'),
  JOBS_POLL_INTERVAL: durationVar('1s'),
  JOBS_POLL_MAX: durationVar('10s'),
  SETTLE_ENABLED: boolVar(true),
  SETTLE_DAYS_PER_TICK: intVar(1, 366, 7),
  STATUS_MAX_AGE: durationVar('26h'),
  METRICS_PORT: optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65_535) {
      ctx.addIssue({ code: 'custom', message: `must be a TCP port from 1 to 65535, or empty for no metrics server (got "${v}")` });
      return z.NEVER;
    }
    return n;
  }),
  LOG_LEVEL: optionalText
    .transform((v) => (v ?? 'info').toLowerCase())
    .refine((v) => ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v), {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  LOG_FORMAT: optionalText
    .transform((v) => (v ?? 'auto').toLowerCase())
    .refine((v) => ['auto', 'json', 'pretty'].includes(v), { message: 'must be auto, json or pretty' }),
});

/** Every variable the configuration reads (documented in .env.example; a test keeps them in step). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface GenesysConfig {
  apiUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  ratePerMinute: number;
  requestTimeoutMs: number;
  maxRetries: number;
}

interface SyncConfig {
  schedule: string;
  timezone: string;
  runOnStart: boolean;
  lookbackMs: number;
  lagMs: number;
  /**
   * The longest span one rolling run may cover when it catches up (SYNC_MAX_CATCH_UP);
   * undefined = no cap. See src/decisions/interval.ts, resolveRollingInterval.
   */
  maxCatchUpMs: number | undefined;
  agentIds: string[];
  agentGroupSize: number;
  /** Days a rolling-sync query window may touch (the API allows up to 31 with our filter). */
  windowDays: number;
  /** Smaller windows for backfills: finer resume points and progress. */
  backfillWindowDays: number;
  concurrency: number;
  pageSize: number;
  windowMaxHits: number;
  shutdownTimeoutMs: number;
}

/** The jobs lane and how backfills choose lanes (docs/sync.md "Lanes"). */
interface LanesConfig {
  backfillLane: LaneMode;
  /** One job per window of at most this many days (the jobs API's own maximum is undocumented). */
  jobWindowDays: number;
  maxConcurrentJobs: number;
  maxJobAttempts: number;
  jobTimeoutMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
}

export interface Config {
  /** Undefined when Genesys is not configured; commands that need it call requireGenesys(). */
  genesys: GenesysConfig | undefined;
  genesysProblems: string[];
  database: { url: string | undefined; poolSize: number; embeddedDir: string; embeddedPort: number };
  sync: SyncConfig;
  lanes: LanesConfig;
  settle: { enabled: boolean; daysPerTick: number };
  statusMaxAgeMs: number;
  /** The worker's HTTP server for /metrics, /healthz and /readyz; off when port is undefined. */
  metrics: { port: number | undefined };
  log: { level: string; format: 'auto' | 'json' | 'pretty' };
  hostname: string;
}

/** The environment: process.env over the .env file in the working directory (when present). */
function readEnvironment(cwd = process.cwd()): Record<string, string | undefined> {
  const file = `${cwd}/.env`;
  const fromFile = existsSync(file) ? dotenv.parse(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

/** Parses and validates configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  registerSecret(env.GENESYS_CLIENT_SECRET);
  if (env.DATABASE_URL) registerSecret(passwordOf(env.DATABASE_URL));
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${redactText(i.message)}`);
  const { hosts, missing, unknownRegion } = resolveGenesysHosts(env);
  // A region typo is a hard error even for commands that do not call Genesys.
  if (unknownRegion) problems.push(unknownRegion);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const genesysProblems = missing ? [missing] : [];
  if (!e.GENESYS_CLIENT_ID) genesysProblems.push('GENESYS_CLIENT_ID: not set');
  if (!e.GENESYS_CLIENT_SECRET) genesysProblems.push('GENESYS_CLIENT_SECRET: not set');
  const genesys: GenesysConfig | undefined =
    genesysProblems.length === 0 && hosts
      ? {
          ...hosts,
          clientId: e.GENESYS_CLIENT_ID!,
          clientSecret: e.GENESYS_CLIENT_SECRET!,
          ratePerMinute: e.GENESYS_RATE_LIMIT_PER_MIN,
          requestTimeoutMs: e.GENESYS_REQUEST_TIMEOUT_MS,
          maxRetries: e.GENESYS_MAX_RETRIES,
        }
      : undefined;
  return Object.freeze({
    genesys,
    genesysProblems,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      embeddedDir: e.EMBEDDED_DB_DIR,
      embeddedPort: e.EMBEDDED_DB_PORT,
    },
    sync: {
      schedule: e.SYNC_SCHEDULE,
      timezone: e.SYNC_TIMEZONE,
      runOnStart: e.SYNC_RUN_ON_START,
      lookbackMs: e.SYNC_LOOKBACK,
      lagMs: e.SYNC_LAG,
      maxCatchUpMs: e.SYNC_MAX_CATCH_UP,
      agentIds: e.SYNC_AGENT_IDS,
      agentGroupSize: e.SYNC_AGENT_GROUP_SIZE,
      windowDays: e.SYNC_WINDOW_DAYS,
      backfillWindowDays: e.BACKFILL_WINDOW_DAYS,
      concurrency: e.SYNC_CONCURRENCY,
      pageSize: e.SYNC_PAGE_SIZE,
      windowMaxHits: e.SYNC_WINDOW_MAX_HITS,
      shutdownTimeoutMs: e.SYNC_SHUTDOWN_TIMEOUT,
    },
    lanes: {
      backfillLane: e.BACKFILL_LANE,
      jobWindowDays: e.BACKFILL_JOB_WINDOW_DAYS,
      maxConcurrentJobs: e.JOBS_MAX_CONCURRENT,
      maxJobAttempts: e.JOBS_MAX_ATTEMPTS,
      jobTimeoutMs: e.JOBS_TIMEOUT,
      pollInitialMs: e.JOBS_POLL_INTERVAL,
      pollMaxMs: e.JOBS_POLL_MAX,
    },
    settle: { enabled: e.SETTLE_ENABLED, daysPerTick: e.SETTLE_DAYS_PER_TICK },
    statusMaxAgeMs: e.STATUS_MAX_AGE,
    metrics: { port: e.METRICS_PORT },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT as 'auto' | 'json' | 'pretty' },
    hostname: hostname(),
  });
}

/** The API and login hosts, or why there are none: not configured, or a region we do not know. */
function resolveGenesysHosts(env: Record<string, string | undefined>): {
  hosts?: { apiUrl: string; loginUrl: string };
  missing?: string;
  unknownRegion?: string;
} {
  const region = env.GENESYS_REGION?.trim() || undefined;
  const apiUrl = env.GENESYS_API_URL?.trim() || undefined;
  const loginUrl = env.GENESYS_LOGIN_URL?.trim() || undefined;
  if (!region && !(apiUrl && loginUrl)) {
    return { missing: 'GENESYS_REGION: not set (or set both GENESYS_API_URL and GENESYS_LOGIN_URL)' };
  }
  if (region && !regionDomain(region)) {
    const known = Object.values(KNOWN_REGIONS).join(', ');
    return { unknownRegion: `GENESYS_REGION: unknown region "${region}"; known regions: ${known}` };
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

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

