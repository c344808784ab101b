/**
 * What `status` says about the mirror (docs/sync.md §18–19): conversations marked deleted
 * upstream, what the recent runs deleted or withheld, and how far retention has purged.
 */
import type { Db } from './client.ts';
import { readPurgedBefore } from './retention.ts';

export interface MirrorStatus {
  /** Conversations marked deleted_at (SYNC_DELETES=mark) and still stored. */
  markedDeleted: number;
  /** Over the runs that started since `since`: records deleted upstream, windows withheld by the safety valve, records expired. */
  recent: { since: Date; deleted: number; withheld: number; expired: number };
  /** Every conversation that started before this was deleted by retention. */
  purgedBefore: Date | null;
}

export async function readMirrorStatus(db: Db, since: Date): Promise<MirrorStatus> {
  const [markedDeleted, sums, purgedBefore] = await Promise.all([
    db.conversation.count({ where: { deletedAt: { not: null } } }),
    db.syncRun.aggregate({ where: { startedAt: { gte: since } }, _sum: { recordsDeleted: true, deletionsWithheld: true, recordsExpired: true } }),
    readPurgedBefore(db),
  ]);
  return {
    markedDeleted,
    recent: { since, deleted: sums._sum.recordsDeleted ?? 0, withheld: sums._sum.deletionsWithheld ?? 0, expired: sums._sum.recordsExpired ?? 0 },
    purgedBefore: purgedBefore ?? null,
  };
}
