/**
 * The Genesys API limits and the defaults this project derives from them, each defined once
 * and sourced in docs/genesys-api-facts.md. Configuration (src/config.ts), planning
 * (src/decisions) and the client (src/genesys) import them from here. Pure constants.
 */
import { SECOND_MS } from '../time.ts';

/** Longest details-query interval with a filter present (ours always filters on `purpose`); 7 days without (docs/genesys-api-facts.md §1.4). */
export const MAX_DETAILS_INTERVAL_DAYS = 31;

/** Largest details-query page we ask for: peers get a 400 above 100 (docs/genesys-api-facts.md §1.4). */
export const MAX_DETAILS_PAGE_SIZE = 100;

/** The API refuses paging past 100,000 results of one query (docs/genesys-api-facts.md §1.4). */
export const MAX_REACHABLE_HITS = 100_000;

/**
 * Longest job interval this client sends. Genesys documents no maximum for jobs
 * (docs/genesys-api-facts.md §2, docs/sync.md §13 "Why 31 days a job"); the filtered query's cap
 * is the longest interval known to be acceptable for detail data.
 * @alias of MAX_DETAILS_INTERVAL_DAYS on purpose: a separate fact that happens to share its value.
 */
export const MAX_JOB_INTERVAL_DAYS = MAX_DETAILS_INTERVAL_DAYS;

/** Largest job results page we ask for: undocumented, 1,000 is what the API is known to serve (docs/genesys-api-facts.md §2). */
export const MAX_JOB_RESULTS_PAGE_SIZE = 1_000;

/** Longest users-details-query interval with a user filter; 7 days without one (docs/genesys-api-facts.md §9). */
export const MAX_USER_DETAILS_INTERVAL_DAYS = 31;

/** Longest users-details-query interval without any filter (docs/genesys-api-facts.md §9). */
export const MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS = 7;

/**
 * Largest users-details-query page we ask for: the default is 25 [sdk], the maximum is
 * undocumented; a public Singer tap reads pages of 100, the size the conversation query is known
 * to accept (docs/genesys-api-facts.md §9).
 */
export const MAX_USER_DETAILS_PAGE_SIZE = 100;

/** Presence-definitions page size (legacy listing; its default is 25 [sdk], 100 is what we ask, docs/genesys-api-facts.md §9). */
export const DEFAULT_PRESENCE_DEFINITIONS_PAGE_SIZE = 100;

/** `GET /api/v2/users` page size: the maximum is undocumented, public scripts use 500 (docs/genesys-api-facts.md §5). */
export const DEFAULT_USERS_PAGE_SIZE = 500;

/** Reference-list page size: 100 is accepted by every list endpoint; larger is not documented for all (docs/genesys-api-facts.md §8). */
export const DEFAULT_REFERENCE_PAGE_SIZE = 100;

/**
 * Per-request timeout (GENESYS_REQUEST_TIMEOUT_MS default): our choice, not an API limit.
 * Analytics queries can take well over the SDK's 16 s default; a minute is generous without
 * letting a stuck socket hold a slot forever.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60 * SECOND_MS;

/** Retries of a transient failure (429, 502/503/504: docs/genesys-api-facts.md §3) before giving up (GENESYS_MAX_RETRIES default). */
export const DEFAULT_MAX_RETRIES = 5;
