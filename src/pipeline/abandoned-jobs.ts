/**
 * Cancels async jobs that runs killed mid-job left behind (docs/sync.md §13, §17): their windows
 * still name the job, and nothing will read it again (the window is re-planned and gets a new
 * job). Each stream's jobs live in its own jobs API (conversation details jobs, users details
 * jobs), so the job is deleted by the stream of its window (RunStream.cancelJob). Cancelling
 * frees a slot of the organisation's concurrent-job cap; a job Genesys no longer knows counts as
 * cancelled. Best effort: a job that cannot be cancelled now, or whose stream this run does not
 * read, stays named and is tried again by a later run, and it expires at Genesys anyway.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { clearWindowJob, findAbandonedJobs } from '../db/lane-ledger.ts';
import { describeError } from './describe-error.ts';

/** Deletes one job of a stream's jobs API (a job already gone is not an error). */
export type JobCanceller = (jobId: string, signal?: AbortSignal) => Promise<void>;

export interface AbandonedJobsResult {
  cancelled: number;
  failed: number;
  /** Jobs of streams this run does not read: left named for a run that does. */
  left: number;
}

export async function cancelAbandonedJobs(
  db: Db,
  cancellers: ReadonlyMap<string, JobCanceller>,
  logger: Logger,
  signal?: AbortSignal,
): Promise<AbandonedJobsResult> {
  const result: AbandonedJobsResult = { cancelled: 0, failed: 0, left: 0 };
  for (const { windowId, stream, jobId } of await findAbandonedJobs(db)) {
    signal?.throwIfAborted();
    const cancel = cancellers.get(stream);
    if (!cancel) {
      result.left++;
      continue;
    }
    const about = { jobId, stream, windowId: String(windowId) };
    try {
      await cancel(jobId, signal);
      await clearWindowJob(db, windowId);
      result.cancelled++;
      logger.info(about, 'cancelled an async job left behind by a run that stopped');
    } catch (error) {
      result.failed++;
      logger.warn({ ...about, error: describeError(error) }, 'could not cancel an abandoned async job; will try again next run');
    }
  }
  return result;
}
