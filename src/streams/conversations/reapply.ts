/**
 * `npm run protect`: the personal-data policy applied again to what is stored, after PII_MODE or
 * PII_ATTRIBUTES changed (docs/schema.md "Personal data"). Stored conversations are read in
 * bounded batches, protected, and those whose raw changes are written back through the
 * conversation writer, so their columns, children and raw_hash follow (last_changed_at moves:
 * incremental loads pick the protected version up). Every quarantined record, open or closed,
 * has its raw text protected the same way. Hashing is idempotent, so a second run changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { createConversationWriter, MAX_BATCH_CONVERSATIONS } from '../../db/conversations.ts';
import { readStoredConversations, readStoredRejects, rewriteRejectRaw, type StoredConversation } from '../../db/personal-data.ts';
import type { StreamWriter } from '../../db/stream-writer.ts';
import { parseConversation } from '../../genesys/schemas.ts';
import { protectContacts, type PersonalDataPolicy } from './personal-data.ts';

export interface ReapplyOptions {
  /** Rows read per batch (at most MAX_BATCH_CONVERSATIONS). */
  batchSize?: number;
  /** The time written as last_synced_at and last_changed_at of the rewritten conversations. */
  now: () => Date;
  /** Stops between batches; what was written stays written (a re-run continues, changing nothing twice). */
  signal?: AbortSignal;
}

export interface ReapplyReport {
  conversationsRead: number;
  conversationsRewritten: number;
  /** Conversations left as stored: protected, they would no longer pass the contract (by id; should be none). */
  conversationsRefused: string[];
  rejectsRead: number;
  rejectsRewritten: number;
  /** False when stopped by the signal before the end. */
  complete: boolean;
}

const DEFAULT_BATCH_SIZE = 500;

export async function reapplyPersonalData(db: Db, policy: PersonalDataPolicy, options: ReapplyOptions): Promise<ReapplyReport> {
  const batchSize = Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, MAX_BATCH_CONVERSATIONS);
  const report: ReapplyReport = { conversationsRead: 0, conversationsRewritten: 0, conversationsRefused: [], rejectsRead: 0, rejectsRewritten: 0, complete: false };
  const writer = createConversationWriter(db);
  for (let afterId = ''; !options.signal?.aborted; ) {
    const batch = await readStoredConversations(db, afterId, batchSize);
    if (batch.length === 0) break;
    await rewriteConversations(writer, batch, policy, options.now(), report);
    afterId = batch[batch.length - 1]!.id;
  }
  for (let afterReject = 0n; !options.signal?.aborted; ) {
    const batch = await readStoredRejects(db, afterReject, batchSize);
    if (batch.length === 0) break;
    report.rejectsRead += batch.length;
    const changed = batch.flatMap((r) => {
      const rawJson = JSON.stringify(protectContacts(JSON.parse(r.rawJson), policy));
      return rawJson === r.rawJson ? [] : [{ rejectId: r.rejectId, rawJson }];
    });
    report.rejectsRewritten += await rewriteRejectRaw(db, changed);
    afterReject = batch[batch.length - 1]!.rejectId;
  }
  report.complete = !options.signal?.aborted;
  return report;
}

/**
 * Writes back the conversations of one batch whose protected raw differs from the stored one.
 * One write per fetched_at: each keeps the time its version was fetched, so a sync page fetched
 * after it still wins and one fetched before it is still stale (db/conversations.ts).
 */
async function rewriteConversations(writer: StreamWriter, batch: StoredConversation[], policy: PersonalDataPolicy, now: Date, report: ReapplyReport): Promise<void> {
  report.conversationsRead += batch.length;
  const byFetchedAt = new Map<number, { id: string; timeMs: number; raw: unknown }[]>();
  for (const stored of batch) {
    const raw = protectContacts(stored.raw, policy);
    if (raw === stored.raw || JSON.stringify(raw) === JSON.stringify(stored.raw)) continue;
    // Checked here rather than quarantined by the writer: the stored version stays, and is reported.
    if (!parseConversation(raw).ok) {
      report.conversationsRefused.push(stored.id);
      continue;
    }
    const group = byFetchedAt.get(stored.fetchedMs) ?? [];
    group.push({ id: stored.id, timeMs: stored.timeMs, raw });
    byFetchedAt.set(stored.fetchedMs, group);
  }
  // Nothing is quarantined (the contract was checked above): the source only satisfies the writer's contract.
  const source = { stream: 'conversations', runId: randomUUID(), windowId: 0n, page: 'protect' };
  for (const [fetchedMs, records] of byFetchedAt) {
    const written = await writer.write({ records, rejects: [], source, resolveRejects: false, syncedAt: now, fetchedAt: new Date(fetchedMs) });
    report.conversationsRewritten += written.changed;
  }
}
