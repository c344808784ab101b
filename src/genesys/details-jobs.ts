/**
 * The conversation-details jobs API (docs/sync.md "Lanes"; Genesys: AnalyticsApi
 * postAnalyticsConversationsDetailsJobs & co.): create a job for an interval, poll its state,
 * read its results by cursor, cancel it, and ask how far the data lake is complete. Every call
 * goes through the client's one gate (rate, concurrency, 429 pause, retries) like the query.
 */
import { z } from 'zod';
import { DAY_MS } from '../time.ts';
import type { CallApi } from './api.ts';
import { MAX_JOB_INTERVAL_DAYS, MAX_JOB_RESULTS_PAGE_SIZE } from './limits.ts';
import { formatInterval, scopeSegmentFilters, type QueryScope, type SegmentFilter } from './details-query.ts';
import { GenesysApiError, InvalidResponseError } from './errors.ts';

const DETAILS_JOBS_PATH = '/api/v2/analytics/conversations/details/jobs';
const DETAILS_JOBS_AVAILABILITY_PATH = `${DETAILS_JOBS_PATH}/availability`;

/** `AsyncQueryStatus.state`; Genesys may add values, so any other string is kept as is. */
type DetailsJobState = 'QUEUED' | 'PENDING' | 'FULFILLED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

export interface DetailsJobRequest {
  readonly interval: { readonly start: Date; readonly end: Date };
  readonly scope: QueryScope;
  /** Only conversations that started on or after 00:00 UTC of the interval's start day (query-like). */
  readonly startOfDayIntervalMatching: boolean;
  readonly signal?: AbortSignal | undefined;
}

interface DetailsJobBody {
  interval: string;
  order: 'asc';
  orderBy: 'conversationStart';
  startOfDayIntervalMatching: boolean;
  segmentFilters: SegmentFilter[];
}

export interface DetailsJobStatus {
  readonly state: DetailsJobState | (string & {});
  readonly errorMessage?: string;
  readonly submissionDate?: Date;
  readonly completionDate?: Date;
  readonly expirationDate?: Date;
}

export interface DetailsJobResultsPage {
  /** The records exactly as the API returned them (not validated one by one here: the runner does, alone each). */
  readonly records: readonly unknown[];
  /** Pass back verbatim for the next page; absent on the last page. */
  readonly cursor?: string;
  readonly dataAvailabilityDate?: Date;
}

const isoDateTime = z.iso.datetime({ offset: true });
const JobCreatedSchema = z.looseObject({ jobId: z.string().min(1) });
const JobStatusSchema = z.looseObject({
  state: z.string().min(1),
  errorMessage: z.string().optional(),
  submissionDate: isoDateTime.optional(),
  completionDate: isoDateTime.optional(),
  expirationDate: isoDateTime.optional(),
});
const ResultsPageSchema = z.looseObject({
  conversations: z.array(z.unknown()).optional(),
  cursor: z.string().min(1).optional(),
  dataAvailabilityDate: isoDateTime.optional(),
});
const AvailabilitySchema = z.looseObject({ dataAvailabilityDate: isoDateTime });

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
  const json = await callApi('POST', DETAILS_JOBS_PATH, { json: buildDetailsJobBody(request), signal: request.signal });
  return parse(JobCreatedSchema, json, 'POST', DETAILS_JOBS_PATH).jobId;
}

/** `GET …/details/jobs/{jobId}`. */
export async function getDetailsJob(callApi: CallApi, jobId: string, signal?: AbortSignal): Promise<DetailsJobStatus> {
  const path = jobPath(jobId);
  const s = parse(JobStatusSchema, await callApi('GET', path, { signal }), 'GET', path);
  return {
    state: s.state,
    ...(s.errorMessage !== undefined ? { errorMessage: s.errorMessage } : {}),
    ...(s.submissionDate !== undefined ? { submissionDate: new Date(s.submissionDate) } : {}),
    ...(s.completionDate !== undefined ? { completionDate: new Date(s.completionDate) } : {}),
    ...(s.expirationDate !== undefined ? { expirationDate: new Date(s.expirationDate) } : {}),
  };
}

/** `GET …/details/jobs/{jobId}/results?cursor=&pageSize=`: one page. */
export async function getDetailsJobResults(
  callApi: CallApi,
  page: { readonly jobId: string; readonly cursor?: string | undefined; readonly pageSize: number; readonly signal?: AbortSignal | undefined },
): Promise<DetailsJobResultsPage> {
  if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > MAX_JOB_RESULTS_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_JOB_RESULTS_PAGE_SIZE}, got ${page.pageSize}`);
  }
  const qs = new URLSearchParams({ pageSize: String(page.pageSize), ...(page.cursor !== undefined ? { cursor: page.cursor } : {}) });
  const path = `${jobPath(page.jobId)}/results`;
  const json = await callApi('GET', `${path}?${qs}`, { signal: page.signal });
  const r = parse(ResultsPageSchema, json, 'GET', path);
  return {
    records: r.conversations ?? [],
    ...(r.cursor !== undefined ? { cursor: r.cursor } : {}),
    ...(r.dataAvailabilityDate !== undefined ? { dataAvailabilityDate: new Date(r.dataAvailabilityDate) } : {}),
  };
}

/** `DELETE …/details/jobs/{jobId}`; a job Genesys no longer knows (404) counts as deleted. */
export async function deleteDetailsJob(callApi: CallApi, jobId: string, signal?: AbortSignal): Promise<void> {
  try {
    await callApi('DELETE', jobPath(jobId), { signal });
  } catch (error) {
    if (isJobGone(error)) return;
    throw error;
  }
}

/** `GET …/details/jobs/availability`: data before this instant is complete in the lake. */
export async function getDetailsJobsAvailability(callApi: CallApi, signal?: AbortSignal): Promise<Date> {
  const json = await callApi('GET', DETAILS_JOBS_AVAILABILITY_PATH, { signal });
  return new Date(parse(AvailabilitySchema, json, 'GET', DETAILS_JOBS_AVAILABILITY_PATH).dataAvailabilityDate);
}

/** The job or its results no longer exist: deleted, unknown (404) or expired (410). */
export function isJobGone(error: unknown): boolean {
  return error instanceof GenesysApiError && (error.status === 404 || error.status === 410);
}

function jobPath(jobId: string): string {
  if (jobId.trim() === '') throw new RangeError('jobId must not be empty');
  return `${DETAILS_JOBS_PATH}/${encodeURIComponent(jobId)}`;
}

function parse<T extends z.ZodType>(schema: T, json: unknown, method: string, path: string): z.infer<T> {
  const r = schema.safeParse(json);
  if (!r.success) {
    const problem = r.error.issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new InvalidResponseError({ method, path, problem });
  }
  return r.data;
}
