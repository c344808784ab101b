/**
 * The conversation-details jobs API (docs/sync.md "Lanes"; Genesys: AnalyticsApi
 * postAnalyticsConversationsDetailsJobs & co.): create a job for an interval, poll its state,
 * read its results by cursor, cancel it, and ask how far the data lake is complete. Every call
 * goes through the client's one gate (rate, concurrency, 429 pause, retries) like the query.
 */
import { DAY_MS } from '../time.ts';
import type { CallApi } from './api.ts';
import { analyticsJobsApi, type DetailsJobResultsPage, type DetailsJobStatus, type ResultsPageRequest } from './analytics-jobs.ts';
import { MAX_JOB_INTERVAL_DAYS } from './limits.ts';
import { formatInterval, scopeSegmentFilters, type QueryScope, type SegmentFilter } from './details-query.ts';

export { isJobGone, type DetailsJobResultsPage, type DetailsJobStatus } from './analytics-jobs.ts';

const DETAILS_JOBS_PATH = '/api/v2/analytics/conversations/details/jobs';

interface DetailsJobBody {
  interval: string;
  order: 'asc';
  orderBy: 'conversationStart';
  startOfDayIntervalMatching: boolean;
  segmentFilters: SegmentFilter[];
}

export interface DetailsJobRequest {
  readonly interval: { readonly start: Date; readonly end: Date };
  readonly scope: QueryScope;
  /** Only conversations that started on or after 00:00 UTC of the interval's start day (query-like). */
  readonly startOfDayIntervalMatching: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** The generic jobs API pointed at conversation details, whose results pages carry `conversations`. */
const jobs = (callApi: CallApi) => analyticsJobsApi(callApi, DETAILS_JOBS_PATH, 'conversations');

function buildDetailsJobBody(request: Omit<DetailsJobRequest, 'signal'>): DetailsJobBody {
  const { start, end } = request.interval;
  if (!(start.getTime() < end.getTime())) throw new RangeError(`Job interval must have start < end, got ${formatInterval(request.interval)}`);
  if (end.getTime() - start.getTime() > MAX_JOB_INTERVAL_DAYS * DAY_MS) {
    throw new RangeError(`Job interval ${formatInterval(request.interval)} is longer than ${MAX_JOB_INTERVAL_DAYS} days`);
  }
  return {
    interval: formatInterval(request.interval),
    order: 'asc',
    orderBy: 'conversationStart',
    startOfDayIntervalMatching: request.startOfDayIntervalMatching,
    segmentFilters: scopeSegmentFilters(request.scope),
  };
}

/** `POST …/details/jobs` → the new job's id. */
export async function createDetailsJob(callApi: CallApi, request: DetailsJobRequest): Promise<string> {
  return jobs(callApi).create(buildDetailsJobBody(request), request.signal);
}

/** `GET …/details/jobs/{jobId}`. */
export async function getDetailsJob(callApi: CallApi, jobId: string, signal?: AbortSignal): Promise<DetailsJobStatus> {
  return jobs(callApi).get(jobId, signal);
}

/** `GET …/details/jobs/{jobId}/results?cursor=&pageSize=`: one page. */
export async function getDetailsJobResults(callApi: CallApi, page: ResultsPageRequest): Promise<DetailsJobResultsPage> {
  return jobs(callApi).results(page);
}

/** `DELETE …/details/jobs/{jobId}`; a job Genesys no longer knows (404) counts as deleted. */
export async function deleteDetailsJob(callApi: CallApi, jobId: string, signal?: AbortSignal): Promise<void> {
  return jobs(callApi).delete(jobId, signal);
}

/** `GET …/details/jobs/availability`: data before this instant is complete in the lake. */
export async function getDetailsJobsAvailability(callApi: CallApi, signal?: AbortSignal): Promise<Date> {
  return jobs(callApi).availability(signal);
}
