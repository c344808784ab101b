/**
 * Genesys Cloud simulator: a real node:http server on loopback that behaves like the parts
 * of Genesys this project uses (docs/genesys-api-facts.md): client-credentials login,
 * GET /api/v2/users (+ /users/{id}), the reference lists (queues, wrap-up codes, divisions,
 * skills, languages; see reference-lists.ts), POST /api/v2/analytics/conversations/details/query,
 * the conversation-details jobs API (sim/jobs.ts: create, status, results, cancel, availability),
 * and agents' activity: the users details query and jobs, and the presence definitions
 * (sim/user-activity.ts, sim/user-activity-api.ts).
 * Used by integration tests, `npm run demo`, `npm run sim` and benchmarks.
 *
 * Decisions worth knowing:
 * - Data is a pure function of (seed, options, now). Each UTC day is generated on demand
 *   from (seed, day) and cached in a small LRU; mutations are stored as overrides. Leave
 *   `org.now` unset and the data follows the wall clock at start-up.
 * - "now" is frozen at start: live conversations stay live until `endConversation`.
 * - conversationEnd is when the last customer-facing leg disconnected; agent wrap-up
 *   segments may run past it.
 * - Limits the research could not confirm are enforced as the project assumes them:
 *   pageSize <= 100, pageSize * pageNumber <= 100,000, users pageSize <= 500.
 * - `order: 'desc'` is the exact reverse of ascending (conversationStart, conversationId).
 * - Ground truth (`expected`) ignores `corrupt()`: corruption only affects what is served.
 */
import type { AddressInfo } from 'node:net';
import { DAY_MS, SECOND_MS } from '../time.ts';
import { TokenStore } from './auth.ts';
import { FaultInjector, RateLimiter, type FaultKind, type FaultSettings } from './faults.ts';
import { afterCareAt, createGenContext } from './generate.ts';
import * as mut from './mutations.ts';
import { generateOrg, listed, type Org } from './org.ts';
import { referenceEntries, type SimReferenceList } from './reference-lists.ts';
import { attributesFor, withAttributes } from './attributes.ts';
import { JobStore, conversationJobSource, type JobFault, type JobSummary } from './jobs.ts';
import { Random, decodeConversationId, hash32 } from './prng.ts';
import { createSimServer, emptyStats, type PageAnomaly, type ServerState, type SimStats } from './server.ts';
import { ConversationStore, dayNumberOf } from './store.ts';
import type { Conversation, SimUser } from './types.ts';
import { usersInState, type UsersStateParam } from './users.ts';
import { ActivityTimelines, generatePresences, type SimPresence } from './user-activity.ts';
import { UserActivityApi, type ActivityDetail } from './user-activity-api.ts';

export type { Conversation, SimUser } from './types.ts';
export type { FaultSettings, RateLimitStyle } from './faults.ts';
export type { CorruptionKind } from './mutations.ts';
export type {  } from './org.ts';
export {  } from './reference-lists.ts';
export type { SimStats } from './server.ts';
export type {  } from './users.ts';
export type {  } from './jobs.ts';
export type { ActivityDetail } from './user-activity-api.ts';

/** What data to generate. Everything is derived from the seed and these values. */
interface GenerationOptions {
  agentCount?: number;
  conversationsPerDay?: number;
  /** Range of conversationStart values, [start, end). `end` is capped at `now`. */
  start?: Date;
  end?: Date;
  /** Without `start`: full UTC days before today's midnight, plus today up to `now` (default 7). */
  days?: number;
  /** The simulated present; recent conversations are live relative to it. Default: new Date(). */
  now?: Date;
  /** Generated days kept in memory (LRU). */
  cacheDays?: number;
  /** Send a few conversations (3%) with absent optional fields as explicit `null`s, as some real responses do (default true). */
  explicitNulls?: boolean;
}

export interface SimulatorOptions {
  seed?: number;
  org?: GenerationOptions;
  clientId?: string;
  clientSecret?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  tokenLifetimeSeconds?: number;
  latencyMs?: number;
  latencyJitterMs?: number;
  rateLimitPerMinute?: number;
  maxBodyBytes?: number;
  faults?: Partial<FaultSettings>;
}

export interface Simulator {
  /** Base URL for both the login route and the API routes. */
  readonly url: string;
  readonly clientId: string;
  /** The secret the login route accepts now (see setClientSecret). */
  readonly clientSecret: string;
  readonly seed: number;
  readonly now: Date;
  readonly range: { start: Date; end: Date };
  readonly org: Org;
  readonly faults: Readonly<FaultSettings>;
  setFaults(partial: Partial<FaultSettings>): void;
  /** From now on the login route accepts only this secret (a secret rotated, a client disabled and re-enabled). */
  setClientSecret(secret: string): void;
  /** Scripted faults for the next API requests, in order; token requests only if asked. */
  queueFaults(kinds: readonly FaultKind[], options?: { includeTokenRequests?: boolean }): void;
  clearFaultQueue(): void;
  /** Makes every issued token expired. */
  expireTokens(): void;
  corrupt(conversationId: string, kind: mut.CorruptionKind): void;
  clearCorruption(): void;
  /** Serves one coming details-query page wrong, as live data can (see PageAnomaly). */
  queuePageAnomaly(anomaly: PageAnomaly): void;
  endConversation(conversationId: string, at?: Date): Conversation;
  recodeWrapUp(conversationId: string, wrapUpCode: string): Conversation;
  dropSegment(conversationId: string): Conversation;
  addField(conversationId: string, path: string, value: unknown): Conversation;
  /**
   * The conversation's evaluations, surveys and resolutions as a read at `at` (after the
   * simulated now) would show them: surveys completed since, evaluations finished, rescored or
   * deleted. Throws for a conversation still live at now.
   */
  advanceAfterCare(conversationId: string, at: Date): Conversation;
  /** Erases a conversation upstream (a GDPR erasure): the query and new jobs no longer return it. */
  erase(conversationId: string): void;
  /** Undoes `erase`: the conversation is returned again. */
  restore(conversationId: string): void;
  /** Ground truth: conversations started in [from, to), optionally with one of `agentIds` as an agent. */
  expected(query: { from: Date; to: Date; agentIds?: readonly string[] }): Conversation[];
  getConversation(conversationId: string): Conversation | undefined;
  conversationsOnDay(day: Date): Conversation[];
  liveConversationIds(from: Date, to: Date): string[];
  listUsers(state?: UsersStateParam): SimUser[];
  /** The data lake's horizon (simulated now − lakeLagMs): jobs return only conversations started before it. */
  availabilityDate(): Date;
  /** Scripted fates for the next created details jobs, in order. */
  queueJobFaults(faults: readonly JobFault[]): void;
  clearJobFaults(): void;
  /** Every details job created so far, with its current state. */
  listJobs(): JobSummary[];
  /** Cancels a job as if another client deleted it; false if unknown. */
  cancelJob(jobId: string): boolean;
  /** The attributes a details job serves on the conversation's customer participants (undefined: none). */
  attributesOf(conversationId: string): Record<string, string> | undefined;
  /**
   * Deletes an entry of a reference list as of now: it is no longer listed, while the
   * conversations that reference it keep doing so (ground truth unchanged).
   */
  deleteReferenceEntry(list: SimReferenceList, id: string): void;
  /** The organization presences (presence definitions), deactivated ones included. */
  readonly presences: readonly SimPresence[];
  /**
   * Ground truth of the users details API: per user (sorted by id), every presence and routing
   * status overlapping [from, to), whole and once each (open ones without endTime); what a
   * client should hold after paging a query for that interval and merging repeats.
   */
  expectedActivity(query: { from: Date; to: Date; userIds?: readonly string[] }): ActivityDetail[];
  /** Scripted fates for the next created users details jobs, in order. */
  queueUserDetailsJobFaults(faults: readonly JobFault[]): void;
  /** Every users details job created so far, with its current state. */
  listUserDetailsJobs(): JobSummary[];
  stats(): SimStats;
  resetStats(): void;
  close(): Promise<void>;
}

const DEFAULT_SEED = 1;
const DEFAULT_DAYS = 7;

/** Resolves the generated range: `end` never passes `now`, conversations cannot start in the future. */
function resolveRange(o: GenerationOptions, nowMs: number): { startMs: number; endMs: number } {
  const endMs = Math.min(o.end?.getTime() ?? nowMs, nowMs);
  const startMs = o.start?.getTime() ?? dayNumberOf(endMs) * DAY_MS - (o.days ?? DEFAULT_DAYS) * DAY_MS;
  if (!(startMs < endMs)) throw new RangeError('simulator range is empty: start must be before end (and before now)');
  return { startMs, endMs };
}

/** Starts a Genesys Cloud simulator on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? DEFAULT_SEED;
  const gen = options.org ?? {};
  const nowMs = (gen.now ?? new Date()).getTime();
  const { startMs, endMs } = resolveRange(gen, nowMs);
  const org = generateOrg(seed, gen.agentCount ?? 20);
  const store = new ConversationStore(createGenContext(seed, org, gen.conversationsPerDay ?? 200, nowMs, { explicitNulls: gen.explicitNulls ?? true }), startMs, endMs, gen.cacheDays);
  const faults = new FaultInjector(seed, {
    ...(options.tokenLifetimeSeconds !== undefined ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.latencyJitterMs !== undefined ? { latencyJitterMs: options.latencyJitterMs } : {}),
    ...(options.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...options.faults,
  });
  const corruption = new Map<string, mut.CorruptionKind>();
  const jobRng = Random.from(seed, 'jobs');
  const jobs = new JobStore({
    source: conversationJobSource(store, (c) => {
      const kind = corruption.get(c.conversationId);
      const served = withAttributes(seed, c);
      return kind ? mut.corrupted(served, kind) : served;
    }),
    settings: () => faults.settings,
    chance: (p) => jobRng.chance(p),
  });
  const presences = generatePresences(seed);
  const timelines = new ActivityTimelines({ seed, agents: org.agents, presences, firstDay: dayNumberOf(startMs), nowMs, leftAtMs: store.ctx.leftAtMs });
  const activityRng = Random.from(seed, 'user-jobs');
  const activity = new UserActivityApi(timelines, () => faults.settings, (p) => activityRng.chance(p));
  const state: ServerState = {
    store, org, faults, tokens: new TokenStore(), limiter: new RateLimiter(),
    creds: { clientId: options.clientId ?? 'sim-client', clientSecret: options.clientSecret ?? 'sim-secret' },
    corruption, pageAnomalies: [], stats: emptyStats(), jobs, activity,
  };
  const { server, abortAll } = createSimServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const must = (id: string) => {
    const c = store.get(id);
    if (!c) throw new Error(`unknown conversation ${id}`);
    return c;
  };
  const mutate = (id: string, change: (c: Conversation) => Conversation): Conversation => {
    const next = change(must(id));
    store.put(next);
    return structuredClone(next);
  };
  const hasAgent = (c: Conversation, ids: ReadonlySet<string>) => c.participants.some((p) => p.purpose === 'agent' && p.userId !== undefined && ids.has(p.userId));

  return {
    url: `http://${host}:${address.port}`,
    clientId: state.creds.clientId,
    get clientSecret() {
      return state.creds.clientSecret;
    },
    setClientSecret(secret) {
      state.creds.clientSecret = secret;
    },
    seed,
    now: new Date(nowMs),
    range: { start: new Date(startMs), end: new Date(endMs) },
    org,
    get faults() {
      return faults.settings;
    },
    setFaults: (partial) => faults.set(partial),
    queueFaults: (kinds, o) => faults.queue(kinds, o?.includeTokenRequests ?? false),
    clearFaultQueue: () => faults.clearQueue(),
    expireTokens: () => state.tokens.expireAll(),
    corrupt(id, kind) {
      must(id);
      if (!mut.CORRUPTION_KINDS.includes(kind)) throw new Error(`unknown corruption kind ${kind}`);
      state.corruption.set(id, kind);
    },
    clearCorruption: () => state.corruption.clear(),
    queuePageAnomaly: (anomaly) => void state.pageAnomalies.push(anomaly),
    endConversation: (id, at) => mutate(id, (c) => {
      // Default end: the simulated now, or just after the last segment start if later.
      const atMs = at?.getTime() ?? Math.max(nowMs, mut.latestSegmentStartMs(c) + SECOND_MS);
      const codes = listed(org.wrapUpCodes);
      return mut.endConversation(c, atMs, codes[hash32(id) % codes.length]!.id);
    }),
    recodeWrapUp: (id, code) => mutate(id, (c) => mut.recodeWrapUp(c, code)),
    dropSegment: (id) => mutate(id, (c) => mut.dropSegment(c)),
    addField: (id, path, value) => mutate(id, (c) => mut.addField(c, path, value)),
    advanceAfterCare: (id, at) => mutate(id, (c) => {
      const where = decodeConversationId(store.ctx.idKey, id);
      const care = where && afterCareAt(store.ctx, where.dayNumber, where.index, Math.max(at.getTime(), nowMs));
      if (!care) throw new Error(`conversation ${id} is live: its after-care has not begun`);
      return mut.replaceAfterCare(c, care);
    }),
    erase(id) {
      must(id);
      store.setErased(id, true);
    },
    restore: (id) => store.setErased(id, false),
    expected({ from, to, agentIds }) {
      const all = store.between(from.getTime(), to.getTime());
      const ids = agentIds ? new Set(agentIds) : undefined;
      return (ids ? all.filter((c) => hasAgent(c, ids)) : all).map((c) => structuredClone(c));
    },
    getConversation: (id) => {
      const c = store.get(id);
      return c ? structuredClone(c) : undefined;
    },
    conversationsOnDay: (day) => store.day(dayNumberOf(day.getTime())).map((c) => structuredClone(c)),
    liveConversationIds: (from, to) => store.between(from.getTime(), to.getTime()).filter((c) => c.conversationEnd === undefined).map((c) => c.conversationId),
    listUsers: (s = 'any') => usersInState(org.agents, s).map((u) => structuredClone(u)),
    availabilityDate: () => new Date(jobs.availabilityMs()),
    queueJobFaults: (list) => jobs.queueFaults(list),
    clearJobFaults: () => jobs.clearFaults(),
    listJobs: () => jobs.list(),
    cancelJob: (id) => jobs.cancel(id),
    attributesOf: (id) => attributesFor(seed, id),
    deleteReferenceEntry(list, id) {
      const entry = referenceEntries(org, list).find((e) => e.id === id);
      if (!entry) throw new Error(`unknown ${list} entry ${id}`);
      // 0 days ago: every generated conversation started before now, so none loses the reference.
      entry.deletedDaysAgo ??= 0;
    },
    presences,
    expectedActivity: ({ from, to, userIds }) => activity.expected(from.getTime(), to.getTime(), userIds),
    queueUserDetailsJobFaults: (list) => activity.jobs.queueFaults(list),
    listUserDetailsJobs: () => activity.jobs.list(),
    stats: () => structuredClone(state.stats),
    resetStats() {
      // In place: requests in flight still hold this object and decrement inFlight later.
      const inFlight = state.stats.inFlight;
      Object.assign(state.stats, emptyStats(), { inFlight, peakInFlight: inFlight });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await abortAll();
      await closed;
    },
  };
}
