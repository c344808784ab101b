/**
 * Retention in the worker (RETENTION_DAYS; docs/sync.md §19): after each tick's runs, the
 * conversations that started more than the given days ago are deleted with their children and
 * rejects, a bounded number of batches a tick (src/db/retention.ts), and the count goes on the
 * tick's sync run and to the metrics. A failure is logged and retried next tick: retention never
 * fails the sync it follows.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { purgeExpired, recordExpired } from '../db/retention.ts';
import { DAY_MS } from '../time.ts';

export interface RetentionSettings {
  days: number;
  /** Conversations per batch and batches per tick (defaults: 1,000 and 20). */
  batchSize?: number;
  maxBatches?: number;
}

export async function applyRetention(db: Db, logger: Logger, settings: RetentionSettings, at: { now: Date; runId: string }): Promise<number> {
  const before = new Date(at.now.getTime() - settings.days * DAY_MS);
  try {
    const result = await purgeExpired(db, { before, batchSize: settings.batchSize ?? 1_000, maxBatches: settings.maxBatches ?? 20 });
    if (result.deleted > 0) await recordExpired(db, at.runId, result.deleted);
    if (result.deleted > 0 || result.more) {
      logger.info({ deleted: result.deleted, purgedBefore: result.purgedBefore.toISOString(), more: result.more }, `retention deleted ${result.deleted} conversation(s) that started before ${before.toISOString()}`);
    }
    return result.deleted;
  } catch (error) {
    logger.error({ err: error }, 'retention failed; it is tried again next tick');
    return 0;
  }
}
