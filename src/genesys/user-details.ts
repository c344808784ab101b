/**
 * The users details API (docs/genesys-api-facts.md §9): agents' presence and routing-status
 * timelines, by the synchronous query (pages by number) or by jobs (results by cursor, through
 * analytics-jobs.ts with the conversation jobs' types). Records come back as the API sent them;
 * the agent-activity stream checks each one at its boundary (schemas.ts parseUserDetail).
 *
 * What a caller must know (§9): statuses match by overlap and come back whole, so one crossing an
 * interval's edge is returned for both intervals; a page counts status entries, not users, so a
 * user's statuses spread over pages, pages come back short, a status can repeat on the next page,
 * and `totalHits` is approximate: page until a page comes back empty, and merge by
 * (userId, kind, startTime).
 */
import { DAY_MS } from '../time.ts';
import type { CallApi } from './api.ts';
import { analyticsJobsApi, type ResultsPageRequest } from './analytics-jobs.ts';
import type { DetailsJobResultsPage, DetailsJobStatus } from './analytics-jobs.ts';
import { formatInterval } from './details-query.ts';
import { MAX_JOB_INTERVAL_DAYS, MAX_USER_DETAILS_INTERVAL_DAYS, MAX_USER_DETAILS_PAGE_SIZE, MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS } from './limits.ts';
import { parseUserDetailsPage } from './schemas.ts';

const USER_DETAILS_QUERY_PATH = '/api/v2/analytics/users/details/query';
const USER_DETAILS_JOBS_PATH = '/api/v2/analytics/users/details/jobs';

interface Interval {
  readonly start: Date;
  readonly end: Date;
}

export interface UserDetailsQueryPage {
  readonly interval: Interval;
  /** Only these users; every user with activity when absent (which caps the interval at 7 days). */
  readonly userIds?: readonly string[] | undefined;
  /** 1-based. */
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly signal?: AbortSignal | undefined;
}

export interface UserDetailsPageResult {
  /** `userDetails` entries as the API returned them, not validated yet. */
  readonly records: unknown[];
  /** Approximate (counts stored status entries, repeats included); undefined when the page had none. */
  readonly totalHits: number | undefined;
}

interface UserDetailsJobRequest {
  readonly interval: Interval;
  readonly userIds?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

type Predicate = { type: 'dimension'; dimension: 'userId'; operator: 'matches'; value: string };
type UserFilter = { type: 'or'; predicates: Predicate[] };

/** The `UserDetailsQuery` body of one page. */
function buildUserDetailsQueryBody(page: Omit<UserDetailsQueryPage, 'signal'>) {
  const userFilters = userFiltersOf(page.userIds);
  const maxDays = userFilters ? MAX_USER_DETAILS_INTERVAL_DAYS : MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS;
  checkInterval(page.interval, maxDays, userFilters ? 'with a user filter' : 'without a user filter');
  if (!Number.isInteger(page.pageNumber) || page.pageNumber < 1) throw new RangeError(`pageNumber must be an integer >= 1, got ${page.pageNumber}`);
  if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > MAX_USER_DETAILS_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_USER_DETAILS_PAGE_SIZE}, got ${page.pageSize}`);
  }
  return {
    interval: formatInterval(page.interval),
    order: 'asc' as const,
    paging: { pageSize: page.pageSize, pageNumber: page.pageNumber },
    ...(userFilters ? { userFilters } : {}),
  };
}

/** One page of `POST /api/v2/analytics/users/details/query`, its envelope validated. */
export async function queryUserDetailsPage(callApi: CallApi, page: UserDetailsQueryPage): Promise<UserDetailsPageResult> {
  const body = buildUserDetailsQueryBody(page);
  const json = await callApi('POST', USER_DETAILS_QUERY_PATH, { json: body, signal: page.signal });
  return parseUserDetailsPage(json, { method: 'POST', path: USER_DETAILS_QUERY_PATH, pageNumber: page.pageNumber, interval: body.interval });
}

/** The users details jobs calls, shaped like the conversation details jobs' (details-jobs.ts). */
export interface UserDetailsJobs {
  createUserDetailsJob(request: UserDetailsJobRequest): Promise<string>;
  getUserDetailsJob(jobId: string, signal?: AbortSignal): Promise<DetailsJobStatus>;
  getUserDetailsJobResults(page: ResultsPageRequest): Promise<DetailsJobResultsPage>;
  deleteUserDetailsJob(jobId: string, signal?: AbortSignal): Promise<void>;
  getUserDetailsJobsAvailability(signal?: AbortSignal): Promise<Date>;
}

export function userDetailsJobs(callApi: CallApi): UserDetailsJobs {
  const api = analyticsJobsApi(callApi, USER_DETAILS_JOBS_PATH, 'userDetails');
  return {
    createUserDetailsJob: (request) => {
      const userFilters = userFiltersOf(request.userIds);
      checkInterval(request.interval, MAX_JOB_INTERVAL_DAYS, 'for a job');
      // `AsyncUserDetailsQuery`: no paging; results are read by cursor.
      return api.create({ interval: formatInterval(request.interval), order: 'asc', ...(userFilters ? { userFilters } : {}) }, request.signal);
    },
    getUserDetailsJob: (jobId, signal) => api.get(jobId, signal),
    getUserDetailsJobResults: (page) => api.results(page),
    deleteUserDetailsJob: (jobId, signal) => api.delete(jobId, signal),
    getUserDetailsJobsAvailability: (signal) => api.availability(signal),
  };
}

/** One `or` filter of `userId` predicates (the only user dimension the API accepts), or none. */
function userFiltersOf(userIds: readonly string[] | undefined): UserFilter[] | undefined {
  if (userIds === undefined) return undefined;
  const unique = [...new Set(userIds)];
  if (unique.length === 0) throw new RangeError('userIds, when given, needs at least one user id');
  if (unique.some((id) => id.trim() === '')) throw new RangeError('User ids must not be empty');
  return [{ type: 'or', predicates: unique.map((value) => ({ type: 'dimension', dimension: 'userId', operator: 'matches', value })) }];
}

function checkInterval(interval: Interval, maxDays: number, what: string): void {
  const { start, end } = interval;
  if (!(start.getTime() < end.getTime())) throw new RangeError(`Interval must have start < end, got ${formatInterval(interval)}`);
  if (end.getTime() - start.getTime() > maxDays * DAY_MS) {
    throw new RangeError(`Users details interval ${formatInterval(interval)} is longer than ${maxDays} days ${what}`);
  }
}
