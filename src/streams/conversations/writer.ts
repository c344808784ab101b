/**
 * The conversation stream's writer, over the set-based conversation writer and the quarantine
 * of src/db. TEMPORARY shape until src/db implements StreamWriter in one transaction.
 */
import type { Db } from '../../db/client.ts';
import { writeConversations } from '../../db/conversations.ts';
import { quarantine, resolveRejects } from '../../db/rejects.ts';
import type { BatchWrite, BatchWritten, RejectedRecord, StreamWriter } from '../../db/stream-writer.ts';

export function createConversationWriter(db: Db): StreamWriter {
  return {
    async write(batch: BatchWrite): Promise<BatchWritten> {
      const out = batch.records.length > 0 ? await writeConversations(db, batch.records.map((r) => r.raw), { syncedAt: batch.syncedAt, fetchedAt: batch.fetchedAt }) : undefined;
      const refused: RejectedRecord[] = (out?.rejected ?? []).map((r) => ({ recordId: r.conversationId, raw: r.record, problem: r.problem }));
      const rejected = [...batch.rejects, ...refused];
      if (rejected.length > 0) await quarantine(db, { ...batch.source, rejects: rejected, at: batch.fetchedAt });
      const refusedIds = new Set(refused.map((r) => r.recordId));
      const storedIds = [...new Set(batch.records.map((r) => r.id))].filter((id) => !refusedIds.has(id));
      const rejectsResolved = batch.resolveRejects && storedIds.length > 0 ? await resolveRejects(db, storedIds, batch.fetchedAt) : 0;
      return { storedIds, changed: out?.changed ?? 0, unchanged: out?.unchanged ?? 0, stale: out?.stale ?? 0, rejected, rejectsResolved };
    },
  };
}
