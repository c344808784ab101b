/**
 * Cancels details jobs that runs killed mid-job left behind (docs/sync.md §13): their windows
 * still name the job, and nothing will read it again (the window is re-planned and gets a new
 * job). Cancelling frees a slot of the organisation's concurrent-job cap; a job Genesys no
 * longer knows counts as cancelled. Best effort: a job that cannot be cancelled now stays
 * named and is tried again by the next run, and it expires at Genesys anyway.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { clearWindowJob, findAbandonedJobs } from '../db/lane-ledger.ts';
import type { GenesysClient } from '../genesys/index.ts';
import { describeError } from './describe-error.ts';

export async function cancelAbandonedJobs(
  db: Db,
  genesys: Pick<GenesysClient, 'deleteDetailsJob'>,
  logger: Logger,
  signal?: AbortSignal,
): Promise<{ cancelled: number; failed: number }> {
  const abandoned = await findAbandonedJobs(db);
  let cancelled = 0;
  let failed = 0;
  for (const { windowId, jobId } of abandoned) {
    signal?.throwIfAborted();
    try {
      await genesys.deleteDetailsJob(jobId, signal);
      await clearWindowJob(db, windowId);
      cancelled++;
      logger.info({ jobId, windowId: String(windowId) }, 'cancelled a details job left behind by a run that stopped');
    } catch (error) {
      failed++;
      logger.warn({ jobId, windowId: String(windowId), error: describeError(error) }, 'could not cancel an abandoned details job; will try again next run');
    }
  }
  return { cancelled, failed };
}
