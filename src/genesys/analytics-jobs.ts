/**
 * An analytics details jobs API, given its base path and the key its results pages carry records
 * under. Genesys serves conversation details and users details jobs with one shape (create,
 * poll `AsyncQueryStatus`, results by cursor, cancel, availability: docs/genesys-api-facts.md
 * §2, §9), so the users details jobs (user-details.ts) are this module pointed at their path, and
 * answer with the conversation jobs' types: a jobs lane can drive either. Every call goes
 * through the client's one gate, like every other request.
 */
import { z } from 'zod';
import type { CallApi } from './api.ts';
import { GenesysApiError, InvalidResponseError } from './errors.ts';
import { MAX_JOB_RESULTS_PAGE_SIZE } from './limits.ts';

/** `AsyncQueryStatus.state`; Genesys may add values, so any other string is kept as is. */
type DetailsJobState = 'QUEUED' | 'PENDING' | 'FULFILLED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

export interface DetailsJobStatus {
  readonly state: DetailsJobState | (string & {});
  readonly errorMessage?: string;
  readonly submissionDate?: Date;
  readonly completionDate?: Date;
  readonly expirationDate?: Date;
}

export interface DetailsJobResultsPage {
  /** The records exactly as the API returned them (read one by one by the stream's contract, in its lane). */
  readonly records: readonly unknown[];
  /** Pass back verbatim for the next page; absent on the last page. */
  readonly cursor?: string;
  readonly dataAvailabilityDate?: Date;
}

/** The job or its results no longer exist: deleted, unknown (404) or expired (410). */
export function isJobGone(error: unknown): boolean {
  return error instanceof GenesysApiError && (error.status === 404 || error.status === 410);
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
const AvailabilitySchema = z.looseObject({ dataAvailabilityDate: isoDateTime });

export interface ResultsPageRequest {
  readonly jobId: string;
  readonly cursor?: string | undefined;
  readonly pageSize: number;
  readonly signal?: AbortSignal | undefined;
}

export interface AnalyticsJobsApi {
  create(body: object, signal?: AbortSignal): Promise<string>;
  get(jobId: string, signal?: AbortSignal): Promise<DetailsJobStatus>;
  results(page: ResultsPageRequest): Promise<DetailsJobResultsPage>;
  /** A job already gone (404, 410) counts as deleted. */
  delete(jobId: string, signal?: AbortSignal): Promise<void>;
  availability(signal?: AbortSignal): Promise<Date>;
}

export function analyticsJobsApi(callApi: CallApi, basePath: string, recordsKey: string): AnalyticsJobsApi {
  const jobPath = (jobId: string) => {
    if (jobId.trim() === '') throw new RangeError('jobId must not be empty');
    return `${basePath}/${encodeURIComponent(jobId)}`;
  };
  const ResultsPageSchema = z.looseObject({
    [recordsKey]: z.array(z.unknown()).optional(),
    cursor: z.string().min(1).optional(),
    dataAvailabilityDate: isoDateTime.optional(),
  });
  return {
    async create(body, signal) {
      return parse(JobCreatedSchema, await callApi('POST', basePath, { json: body, signal }), 'POST', basePath).jobId;
    },
    async get(jobId, signal) {
      const path = jobPath(jobId);
      return toStatus(parse(JobStatusSchema, await callApi('GET', path, { signal }), 'GET', path));
    },
    async results(page) {
      if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > MAX_JOB_RESULTS_PAGE_SIZE) {
        throw new RangeError(`pageSize must be an integer from 1 to ${MAX_JOB_RESULTS_PAGE_SIZE}, got ${page.pageSize}`);
      }
      const qs = new URLSearchParams({ pageSize: String(page.pageSize), ...(page.cursor !== undefined ? { cursor: page.cursor } : {}) });
      const path = `${jobPath(page.jobId)}/results`;
      const r = parse(ResultsPageSchema, await callApi('GET', `${path}?${qs}`, { signal: page.signal }), 'GET', path);
      return {
        records: (r[recordsKey] as unknown[] | undefined) ?? [],
        ...(r.cursor !== undefined ? { cursor: r.cursor as string } : {}),
        ...(r.dataAvailabilityDate !== undefined ? { dataAvailabilityDate: new Date(r.dataAvailabilityDate as string) } : {}),
      };
    },
    async delete(jobId, signal) {
      try {
        await callApi('DELETE', jobPath(jobId), { signal });
      } catch (error) {
        if (!isJobGone(error)) throw error;
      }
    },
    async availability(signal) {
      const path = `${basePath}/availability`;
      return new Date(parse(AvailabilitySchema, await callApi('GET', path, { signal }), 'GET', path).dataAvailabilityDate);
    },
  };
}

function toStatus(s: z.infer<typeof JobStatusSchema>): DetailsJobStatus {
  return {
    state: s.state,
    ...(s.errorMessage !== undefined ? { errorMessage: s.errorMessage } : {}),
    ...(s.submissionDate !== undefined ? { submissionDate: new Date(s.submissionDate) } : {}),
    ...(s.completionDate !== undefined ? { completionDate: new Date(s.completionDate) } : {}),
    ...(s.expirationDate !== undefined ? { expirationDate: new Date(s.expirationDate) } : {}),
  };
}

function parse<T extends z.ZodType>(schema: T, json: unknown, method: string, path: string): z.infer<T> {
  const r = schema.safeParse(json);
  if (!r.success) {
    const problem = r.error.issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new InvalidResponseError({ method, path, problem });
  }
  return r.data;
}
