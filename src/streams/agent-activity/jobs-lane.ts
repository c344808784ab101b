/**
 * The agent-activity jobs lane: history before the users details jobs API's data-availability
 * date is read through an async users details job per window (create, poll, results by cursor
 * in pages of up to 1,000 statuses, delete). A job's results are a snapshot that lists each
 * status once, so its pages are `onceInRead`.
 *
 * Completeness: the results end where a page carries no cursor. A full last page without a
 * cursor contradicts that end (there may be more, and the jobs API gives no count to check it
 * against), so the results are read again in pages one smaller, which end elsewhere; when that
 * read ends full too, the job counts as failed. A job that fails (FAILED, CANCELLED, EXPIRED, the
 * contradiction above, results gone mid-read, or not FULFILLED within JOBS_TIMEOUT) is tried again up to
 * JOBS_MAX_ATTEMPTS times, then the window is read by the query lane. A window reaching past
 * the users details availability date goes to the query lane at once: the job would not see
 * the statuses that started after it. Every job created is deleted once done with (read, failed,
 * timed out, interrupted) and cleared from its window; one whose delete fails stays named there
 * for the next run to cancel.
 */
import type { Logger } from 'pino';
import type { GenesysClient } from '../../genesys/index.ts';
import { isJobGone, MAX_JOB_RESULTS_PAGE_SIZE } from '../../genesys/index.ts';
import { nextPollDelayMs } from '../../decisions/job-poll.ts';
import { isUserDetailsPageFull } from '../../decisions/paging.ts';
import type { JobsLaneSettings } from '../../pipeline/lanes/jobs-settings.ts';
import type { Lane, LaneReadRequest, LaneResult } from '../../pipeline/lanes/lane.ts';
import { Slots } from '../../pipeline/lanes/slots.ts';
import { sleep } from '../../time.ts';
import { readUserDetails } from './contract.ts';
import { namingPermission } from './permission.ts';
import { userIdsOf } from './query-lane.ts';

type JobsClient = Pick<GenesysClient, 'createUserDetailsJob' | 'getUserDetailsJob' | 'getUserDetailsJobResults' | 'deleteUserDetailsJob' | 'getUserDetailsJobsAvailability'>;

export interface UserJobsLaneOptions extends JobsLaneSettings {
  client: JobsClient;
  fallback: Lane;
  logger: Logger;
  nowMs: () => number;
  /** Results page size (at most 1,000). */
  resultsPageSize?: number;
}

/** Why a job's read did not count: the window is tried again, then read by the fallback lane. */
class JobFailed extends Error {}

export function createUserJobsLane(o: UserJobsLaneOptions): Lane {
  const processing = new Slots(Math.max(1, o.maxConcurrentJobs));
  let availability: Promise<Date> | undefined;
  const availableUntil = () => (availability ??= namingPermission(() => o.client.getUserDetailsJobsAvailability()));
  return {
    name: 'jobs',
    read: async (request) => {
      const until = await availableUntil();
      if (request.window.end.getTime() > until.getTime()) {
        return fallBack(o, request, `the window reaches past the users details jobs' data-availability date ${until.toISOString()}`);
      }
      return readByJobs(o, processing, request);
    },
  };
}

async function readByJobs(o: UserJobsLaneOptions, processing: Slots, request: LaneReadRequest): Promise<LaneResult> {
  let reason = '';
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    try {
      return await readOneJob(o, processing, request);
    } catch (error) {
      if (!(error instanceof JobFailed)) throw error;
      reason = error.message;
      o.logger.warn({ attempt, reason }, 'users details job failed');
      request.onRestart?.();
    }
  }
  return fallBack(o, request, `the users details job failed ${o.maxAttempts} time(s): ${reason}`);
}

async function fallBack(o: UserJobsLaneOptions, request: LaneReadRequest, reason: string): Promise<LaneResult> {
  const result = await o.fallback.read(request);
  return result.kind === 'done' ? { ...result, fallbackReason: reason } : result;
}

/** One job, created to read; once created it is deleted whatever happens (read, failed, timed out, interrupted). */
async function readOneJob(o: UserJobsLaneOptions, processing: Slots, request: LaneReadRequest): Promise<LaneResult> {
  const { signal } = request;
  let jobId: string | undefined;
  try {
    // A processing slot while the job is QUEUED or PENDING at Genesys; reading its results needs none.
    const release = await processing.acquire(signal);
    try {
      jobId = await namingPermission(() => o.client.createUserDetailsJob({ interval: request.window, userIds: userIdsOf(request.scope), signal }));
      await request.onRemoteJob?.(jobId);
      await waitFulfilled(o, jobId, signal);
    } finally {
      release();
    }
    return await readResults(o, jobId, request);
  } finally {
    if (jobId !== undefined) await deleteJob(o, jobId, request);
  }
}

/**
 * Deletes the job at Genesys (a job already gone counts as deleted), then clears it from the
 * window. When the delete fails the window keeps naming the job, and the next run cancels it
 * (src/pipeline/abandoned-jobs.ts); it also expires at Genesys on its own.
 */
async function deleteJob(o: UserJobsLaneOptions, jobId: string, request: LaneReadRequest): Promise<void> {
  try {
    await o.client.deleteUserDetailsJob(jobId);
  } catch (error) {
    o.logger.warn({ err: error, jobId }, 'could not delete the users details job; the next run cancels it');
    return;
  }
  await request.onRemoteJob?.(null);
}

async function waitFulfilled(o: UserJobsLaneOptions, jobId: string, signal: AbortSignal): Promise<void> {
  const deadline = o.nowMs() + o.timeoutMs;
  for (let poll = 1; ; poll++) {
    await sleep(nextPollDelayMs(poll, o.pollInitialMs, o.pollMaxMs), signal);
    const status = await o.client.getUserDetailsJob(jobId, signal);
    if (status.state === 'FULFILLED') return;
    if (status.state !== 'QUEUED' && status.state !== 'PENDING') throw new JobFailed(`job ${jobId} ended ${status.state}${status.errorMessage ? `: ${status.errorMessage}` : ''}`);
    if (o.nowMs() > deadline) throw new JobFailed(`job ${jobId} was not fulfilled within ${o.timeoutMs} ms`);
  }
}

/**
 * Reads the job's results to their end. A last page that is full without a cursor
 * (isUserDetailsPageFull, src/decisions/paging.ts) is no proof of the end, so the snapshot is
 * read once more from the start in pages one smaller: its pages end elsewhere, and a short last
 * page proves the end. Only when that read too ends full does the job count as failed.
 */
async function readResults(o: UserJobsLaneOptions, jobId: string, request: LaneReadRequest): Promise<LaneResult> {
  const pageSize = Math.min(o.resultsPageSize ?? MAX_JOB_RESULTS_PAGE_SIZE, MAX_JOB_RESULTS_PAGE_SIZE);
  const smaller = pageSize > 1 ? pageSize - 1 : 2;
  let read = await readResultsOnce(o, jobId, request, pageSize);
  if (read.endsFull) {
    o.logger.info({ jobId, statuses: read.statuses, pageSize }, 'users details job results ended on a full page without a cursor; reading them again in smaller pages');
    request.onRestart?.();
    read = await readResultsOnce(o, jobId, request, smaller);
  }
  if (read.endsFull) {
    throw new JobFailed(`job ${jobId}'s results ended without a cursor on a full page after ${read.statuses} statuses, read in pages of ${pageSize} and again of ${smaller}; nothing confirms that end`);
  }
  return { kind: 'done', lane: 'jobs', hitsAnnounced: null, idsReceived: read.statuses, pages: read.pages };
}

/**
 * One pass over the results, by cursor. Statuses are counted, not collected: a job's results are
 * a snapshot listing each status once (the pages are `onceInRead`), and the keys of a week of a
 * large org's statuses (~150,000 a window) held in a set cost tens of MB of a 128 MB heap.
 */
async function readResultsOnce(o: UserJobsLaneOptions, jobId: string, request: LaneReadRequest, pageSize: number) {
  let cursor: string | undefined;
  let pages = 0;
  let statuses = 0;
  let endsFull = false;
  do {
    const page = await resultsPage(o, jobId, { cursor, pageSize, signal: request.signal }, pages);
    pages += 1;
    cursor = page.cursor;
    const read = readUserDetails(page.records, request.window);
    statuses += read.records.length;
    await request.onPage({ ...read, label: `job ${jobId.slice(0, 8)} page ${pages}`, onceInRead: true });
    endsFull = cursor === undefined && isUserDetailsPageFull({ entries: page.records.length, statuses: read.records.length + read.rejects.length, pageSize });
  } while (cursor !== undefined);
  return { pages, statuses, endsFull };
}

/** One results page; results that are gone (deleted elsewhere, expired: 404, 410) fail the job, to be tried again. */
async function resultsPage(o: UserJobsLaneOptions, jobId: string, page: { cursor: string | undefined; pageSize: number; signal: AbortSignal }, pagesRead: number) {
  try {
    return await o.client.getUserDetailsJobResults({ jobId, ...page });
  } catch (error) {
    if (isJobGone(error)) throw new JobFailed(`job ${jobId}'s results were gone after ${pagesRead} page(s)`);
    throw error;
  }
}
