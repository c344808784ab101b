import { setMaxListeners } from 'node:events';
import got from 'got';
import type { Logger } from 'pino';
import { sleep as realSleep, systemClock, type Clock } from '../time.ts';
import { createApiCaller, type CallApi } from './api.ts';
import { TokenProvider } from './auth.ts';
import {
  createDetailsJob,
  deleteDetailsJob,
  getDetailsJob,
  getDetailsJobResults,
  getDetailsJobsAvailability,
  type DetailsJobRequest,
  type DetailsJobResultsPage,
  type DetailsJobStatus,
} from './details-jobs.ts';
import { queryConversationDetailsPage, type DetailsPageResult, type DetailsQueryPage } from './details-query.ts';
import { GenesysError } from './errors.ts';
import { Gate, type Sleep } from './gate.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './limits.ts';
import type { RequestObserver } from './observer.ts';
import { DEFAULT_RETRY_POLICY, emptyStats, type GenesysStats, type RequestDeps } from './request.ts';
import type { GenesysUser } from './schemas.ts';
import { listReferenceEntities, type ListReferenceOptions, type ReferenceEntity, type ReferenceListName } from './reference-lists.ts';
import { listUsers, type ListUsersOptions } from './users.ts';
import { queryUserDetailsPage, userDetailsJobs, type UserDetailsJobs, type UserDetailsPageResult, type UserDetailsQueryPage } from './user-details.ts';
import { listPresenceDefinitions, type ListPresenceDefinitionsOptions, type PresenceDefinition } from './presence-definitions.ts';


export interface GenesysClientOptions {
  /** `https://api.<region>` (see resolveHosts); no trailing slash needed. */
  readonly apiUrl: string;
  /** `https://login.<region>`. */
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Requests in flight at once, across the whole client. */
  readonly concurrency: number;
  /** Request starts per minute (Genesys default for client credentials: 300). */
  readonly ratePerMinute: number;
  /** Retries after 5xx/408/network errors; default 5. */
  readonly maxRetries?: number;
  /** Retries after 429s; default 20. */
  readonly maxRateLimitRetries?: number;
  /** Per-attempt timeout (ms); default 60 000. */
  readonly requestTimeoutMs?: number;
  /** First backoff ceiling (ms), doubling per retry; default 500. Small in tests. */
  readonly retryBaseDelayMs?: number;
  /** Backoff ceiling (ms); default 30 000. */
  readonly retryMaxDelayMs?: number;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  readonly now?: Clock;
  /** [0, 1) jitter source; default Math.random. */
  readonly random?: () => number;
  /** Told about every HTTP attempt, retry and 429, by route template (for metrics). */
  readonly observer?: RequestObserver;
}

/** The agent-activity calls (user-details.ts, presence-definitions.ts): the users details query and jobs, and presence names. */
interface AgentActivityCalls extends UserDetailsJobs {
  /** One page of the users details query (records as returned, unvalidated; totalHits approximate). */
  queryUserDetailsPage(page: UserDetailsQueryPage): Promise<UserDetailsPageResult>;
  /** Every presence definition (deactivated ones included by default), all pages. */
  listPresenceDefinitions(options?: ListPresenceDefinitionsOptions): Promise<PresenceDefinition[]>;
}

export interface GenesysClient extends AgentActivityCalls {
  /** Every user in a state, all pages. */
  listUsers(options: ListUsersOptions): Promise<GenesysUser[]>;
  /** Every entry of a reference list (queues, wrap-up codes, ...), all pages, or a rejection. */
  listReferenceEntities(list: ReferenceListName, options?: ListReferenceOptions): Promise<ReferenceEntity[]>;
  /** One validated page of the conversation details query. */
  queryConversationDetailsPage(page: DetailsQueryPage & { readonly signal?: AbortSignal | undefined }): Promise<DetailsPageResult>;
  /** Creates a conversation-details job; returns its id. */
  createDetailsJob(request: DetailsJobRequest): Promise<string>;
  getDetailsJob(jobId: string, signal?: AbortSignal): Promise<DetailsJobStatus>;
  /** One page of a fulfilled job's results (records as returned, unvalidated). */
  getDetailsJobResults(page: { jobId: string; cursor?: string | undefined; pageSize: number; signal?: AbortSignal | undefined }): Promise<DetailsJobResultsPage>;
  /** Cancels (deletes) a job; a job already gone is not an error. */
  deleteDetailsJob(jobId: string, signal?: AbortSignal): Promise<void>;
  /** The data-availability date of the jobs' data lake. */
  getDetailsJobsAvailability(signal?: AbortSignal): Promise<Date>;
  /**
   * Forgets that Genesys refused the credentials (they are otherwise refused at once for the
   * client's life): the next request makes a fresh token attempt. Called before each worker run.
   */
  retryCredentials(): void;
  /** A snapshot of the counters since the client was created. */
  stats(): GenesysStats;
  /** Aborts requests in flight and rejects queued ones; the client is unusable afterwards. */
  close(): void;
}

/**
 * Builds the Genesys Cloud client. Every request it makes shares one concurrency limit, one
 * pacer, one 429 pause and one token cache, so create one per process (per credential).
 */
export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
  const now = options.now ?? systemClock;
  const nowMs = () => now().getTime();
  const sleep = options.sleep ?? realSleep;
  const stats = emptyStats();
  const logger = options.logger.child({ component: 'genesys' });
  const closer = new AbortController();
  // Every request in flight or sleeping listens on it; dozens at once is normal, not a leak.
  setMaxListeners(0, closer.signal);

  const http = got.extend({
    retry: { limit: 0 }, // all retry logic lives in request.ts
    throwHttpErrors: false,
    followRedirect: false, // never forward the bearer token elsewhere
    responseType: 'text',
    timeout: { request: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS },
  });
  const deps: RequestDeps = {
    http,
    logger,
    stats,
    sleep,
    nowMs,
    observer: options.observer,
    policy: {
      maxRetries: nonNegative('maxRetries', options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries),
      maxRateLimitRetries: nonNegative('maxRateLimitRetries', options.maxRateLimitRetries ?? DEFAULT_RETRY_POLICY.maxRateLimitRetries),
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      random: options.random ?? DEFAULT_RETRY_POLICY.random,
    },
  };
  const gate = new Gate({ concurrency: options.concurrency, ratePerMinute: options.ratePerMinute, nowMs, sleep });
  const tokens = new TokenProvider({
    loginUrl: options.loginUrl.replace(/\/+$/, ''),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    deps,
    signal: closer.signal,
  });
  const callApi = createApiCaller({ apiUrl: options.apiUrl.replace(/\/+$/, ''), gate, tokens, deps, closeSignal: closer.signal });

  return { ...agentActivityCalls(callApi),
    listUsers: (listOptions) => listUsers(callApi, listOptions),
    listReferenceEntities: (list, listOptions) => listReferenceEntities(callApi, list, listOptions),
    queryConversationDetailsPage: (page) => queryConversationDetailsPage(callApi, page),
    createDetailsJob: (request) => createDetailsJob(callApi, request),
    getDetailsJob: (jobId, signal) => getDetailsJob(callApi, jobId, signal),
    getDetailsJobResults: (page) => getDetailsJobResults(callApi, page),
    deleteDetailsJob: (jobId, signal) => deleteDetailsJob(callApi, jobId, signal),
    getDetailsJobsAvailability: (signal) => getDetailsJobsAvailability(callApi, signal),
    retryCredentials: () => tokens.forgetRefusal(),
    stats: () => ({ ...stats }),
    close: () => {
      if (closer.signal.aborted) return;
      closer.abort(new GenesysError('Genesys client closed', { code: 'GENESYS_CLOSED' }));
      gate.clear();
    },
  };
}

function agentActivityCalls(callApi: CallApi): AgentActivityCalls {
  return {
    queryUserDetailsPage: (page) => queryUserDetailsPage(callApi, page),
    ...userDetailsJobs(callApi),
    listPresenceDefinitions: (options) => listPresenceDefinitions(callApi, options),
  };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
  return value;
}
