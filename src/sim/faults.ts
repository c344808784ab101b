import { MINUTE_MS, SECOND_MS } from '../time.ts';
import { Random } from './prng.ts';

/**
 * What the next API request should suffer:
 * - '429': normalized 429 (Retry-After header, inin-ratelimit-reset header, message with [N]).
 * - '429-reset-only': 429 with only the inin-ratelimit-reset header and a message without seconds.
 * - '429-message-only': 429 with neither header; only the message text says "[N] seconds".
 * - '429-legacy': pre-2021 body, code too.many.requests, no Retry-After.
 * - '500' | '502' | '503' | '504': server errors with Genesys codes.
 * - '401': the token is refused (as if revoked) although it is valid.
 * - 'drop': the socket is destroyed without a response.
 * - 'hang': no response until the client gives up or the simulator closes (client timeouts).
 * - 'ok': served normally (lets a script interleave successes).
 */
export type FaultKind =
  | 'ok' | 'drop' | 'hang' | '401'
  | '429' | '429-reset-only' | '429-message-only' | '429-legacy'
  | '500' | '502' | '503' | '504';

export type RateLimitStyle = 'normal' | 'reset-only' | 'message-only' | 'legacy';

/**
 * What the details query announces as `totalHits` (the records served are not changed):
 * 'honest'; 'too-low' a tenth of the truth (the hardening issue: 100 stored of 1,096);
 * 'too-high' a tenth more than the truth, plus one; 'zero' 0 beside the records.
 */
export type TotalHitsLie = 'honest' | 'too-low' | 'too-high' | 'zero';

/**
 * How a details job's results end: 'honest' (the cursor is absent on the last page);
 * 'cursor' the first page comes without a cursor although more results exist (a cursor that
 * ends early, on a full page); 'results' the results end after nine tenths of the matches, on a
 * short page without a cursor (the job "ends while more were counted": only a count from
 * elsewhere can tell, since the jobs API announces none).
 */
type JobResultsEnd = 'honest' | 'cursor' | 'results';

export interface FaultSettings {
  /** Chance (0..1) that an API request gets a 429. */
  rateLimitRate: number;
  /** Seconds announced by 429s (Retry-After, inin-ratelimit-reset, message). */
  retryAfterSeconds: number;
  /** Which 429 variant random rate limiting sends. */
  rateLimitStyle: RateLimitStyle;
  /** Chance (0..1) of a 5xx; the status is drawn from `serverErrorStatuses`. */
  serverErrorRate: number;
  serverErrorStatuses: number[];
  /** Chance (0..1) that the socket is destroyed without a response. */
  dropRate: number;
  /** Added to every request (token requests included), plus uniform jitter in [0, latencyJitterMs). */
  latencyMs: number;
  latencyJitterMs: number;
  /** Lifetime of newly issued tokens (Genesys default: 24 h). */
  tokenLifetimeSeconds: number;
  /** Per-token sliding 60 s limit (Genesys default for client credentials: 300); 0 = unlimited. */
  rateLimitPerMinute: number;
  /** Largest accepted request body (413 above); 0 = unlimited. */
  maxBodyBytes: number;
  /** Whether random faults also hit POST /oauth/token. */
  faultTokenRequests: boolean;
  /** Details jobs (sim/jobs.ts): how far the data lake lags the simulated now (availability = now - lag). */
  lakeLagMs: number;
  /** Time a new job stays QUEUED. */
  jobQueueMs: number;
  /** Time a job stays PENDING per 1,000 matched conversations (at least 1 ms). */
  jobMsPerThousand: number;
  /** How long results stay readable after a job is fulfilled; then EXPIRED (results 410). */
  jobRetentionMs: number;
  /** Chance (0..1) that a job ends FAILED instead of FULFILLED. */
  jobFailureRate: number;
  /** Jobs QUEUED/PENDING at once per token before creates get 429; 0 = unlimited. */
  jobConcurrencyLimit: number;
  /** Job creates per token per sliding minute before 429; 0 = unlimited. */
  jobCreatesPerMinute: number;
  /** Longest job interval accepted (400 above). The real limit is undocumented (docs/sync.md §13). */
  maxJobIntervalDays: number;
  /**
   * Reference lists (`queues`, `wrap_up_codes`, `divisions`, `skills`, `languages`) answered
   * with 403 missing.any.permissions, as for an OAuth client without that list's permission.
   */
  forbiddenLists: string[];
  /** Every users details route (query and jobs) answers 403, as for an OAuth client without `analytics:userDetail:view`. */
  userDetailsForbidden: boolean;
  /** Every users details route (query and jobs) answers 404, as in an org, API or region without those endpoints. */
  userDetailsNotFound: boolean;
  /** The users details jobs' lake lag when it differs from the conversation jobs' (`lakeLagMs`); null: the same. */
  userDetailsLakeLagMs: number | null;
  /**
   * How far the users details query's `totalHits` is off, as a fraction of the entries it pages
   * over (0.25 over-reports by a quarter, -0.25 under-reports): Genesys calls it approximate.
   */
  userDetailsTotalHitsBias: number;
  /** What the details query announces as totalHits (see TotalHitsLie). */
  totalHitsLie: TotalHitsLie;
  /**
   * Every details-query page 1 drops its last record and carries instead a conversation from the
   * day before the queried days (one record lost, one stray: the count still matches).
   */
  strayForDropped: boolean;
  /** How a details job's results end (see JobResultsEnd). */
  jobResultsEnd: JobResultsEnd;
}

const DEFAULT_FAULTS: FaultSettings = {
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  rateLimitStyle: 'normal',
  serverErrorRate: 0,
  serverErrorStatuses: [500, 502, 503, 504],
  dropRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  tokenLifetimeSeconds: 86_400,
  rateLimitPerMinute: 0,
  maxBodyBytes: 0,
  faultTokenRequests: false,
  lakeLagMs: 24 * 60 * MINUTE_MS,
  jobQueueMs: 2 * SECOND_MS,
  jobMsPerThousand: 500,
  jobRetentionMs: 24 * 60 * MINUTE_MS,
  jobFailureRate: 0,
  jobConcurrencyLimit: 0,
  jobCreatesPerMinute: 0,
  maxJobIntervalDays: 31,
  forbiddenLists: [],
  userDetailsForbidden: false,
  userDetailsNotFound: false,
  userDetailsLakeLagMs: null,
  userDetailsTotalHitsBias: 0,
  totalHitsLie: 'honest',
  strayForDropped: false,
  jobResultsEnd: 'honest',
};

/** The totalHits a page announces for `truth` matches under `lie`. */
export function announcedHits(truth: number, lie: TotalHitsLie): number {
  if (lie === 'too-low') return Math.floor(truth / 10);
  if (lie === 'too-high') return truth + Math.floor(truth / 10) + 1;
  if (lie === 'zero') return 0;
  return truth;
}

interface Scripted {
  kind: FaultKind;
  includeTokenRequests: boolean;
}

/** Decides faults: a deterministic script first, then seeded random draws. */
export class FaultInjector {
  settings: FaultSettings;
  private script: Scripted[] = [];
  private readonly rng: Random;

  constructor(seed: number, initial: Partial<FaultSettings> = {}) {
    this.rng = Random.from(seed, 'faults');
    this.settings = { ...DEFAULT_FAULTS, ...initial };
  }

  set(partial: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...partial };
  }

  /** Appends to the script; entries are consumed by the next API requests in order. */
  queue(kinds: readonly FaultKind[], includeTokenRequests = false): void {
    for (const kind of kinds) this.script.push({ kind, includeTokenRequests });
  }

  clearQueue(): void {
    this.script = [];
  }

  get queued(): readonly FaultKind[] {
    return this.script.map((s) => s.kind);
  }

  /** The fault for the next request. Token requests skip script entries not meant for them. */
  next(isTokenRequest: boolean): FaultKind {
    const head = this.script[0];
    if (head && (!isTokenRequest || head.includeTokenRequests)) {
      this.script.shift();
      return head.kind;
    }
    if (isTokenRequest && !this.settings.faultTokenRequests) return 'ok';
    const s = this.settings;
    if (s.dropRate > 0 && this.rng.chance(s.dropRate)) return 'drop';
    if (s.rateLimitRate > 0 && this.rng.chance(s.rateLimitRate)) {
      return s.rateLimitStyle === 'normal' ? '429' : (`429-${s.rateLimitStyle}` as FaultKind);
    }
    if (s.serverErrorRate > 0 && this.rng.chance(s.serverErrorRate)) {
      return String(this.rng.pick(s.serverErrorStatuses.length > 0 ? s.serverErrorStatuses : [500])) as FaultKind;
    }
    return 'ok';
  }

  latencyMs(): number {
    const { latencyMs, latencyJitterMs } = this.settings;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.rng.float() * latencyJitterMs) : 0);
  }
}

/** Per-token sliding-window request counter (what `inin-ratelimit-*` headers report). */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  /** Records the request unless over the limit; `resetSeconds` is when a slot frees up. */
  take(token: string, limit: number, nowMs: number): { allowed: boolean; count: number; resetSeconds: number } {
    const window = (this.windows.get(token) ?? []).filter((t) => t > nowMs - MINUTE_MS);
    const allowed = limit <= 0 || window.length < limit;
    if (allowed) window.push(nowMs);
    this.windows.set(token, window);
    const oldest = window[0] ?? nowMs;
    const resetSeconds = Math.max(1, Math.ceil((oldest + MINUTE_MS - nowMs) / SECOND_MS));
    return { allowed, count: window.length, resetSeconds };
  }

  reset(): void {
    this.windows.clear();
  }
}
