/**
 * The conversation stream's record contract at the boundary: each record of a page is read
 * once, where the page arrives, for what places it (its `conversationId` and its
 * `conversationStart`, by the rules of the full contract in src/genesys/schemas.ts). The body
 * is validated against the full contract by the writer, for new and changed conversations
 * only: an unchanged one was validated when it was stored, and skipping it keeps the nightly
 * re-read cheap (docs/sync.md §6).
 *
 * Personal data is protected here too (personal-data.ts): the record the pipeline carries on,
 * stored or quarantined, is the protected one, so nothing downstream ever sees a clear contact
 * value when PII_MODE is hash or drop.
 */
import type { RecordRead } from '../../pipeline/stream.ts';
import { readConversationEnvelope } from '../../genesys/schemas.ts';
import { keepsEverything, protectContacts, type PersonalDataPolicy } from './personal-data.ts';

/** Postgres text and jsonb cannot hold U+0000: such a key cannot be stored, so the record is quarantined. */
const NUL = '\u0000';

/** The boundary read under a personal-data policy: every record, stored or refused, leaves it protected. */
export function conversationRecordReader(policy: PersonalDataPolicy): (raw: unknown) => RecordRead {
  if (keepsEverything(policy)) return readConversationRecord;
  return (received) => readConversationRecord(protectContacts(received, policy));
}

/** The boundary read that keeps every field as received (PII_MODE=keep, PII_ATTRIBUTES=keep). */
export function readConversationRecord(raw: unknown): RecordRead {
  const envelope = readConversationEnvelope(raw);
  if (!envelope.ok) return { ok: false, reject: { recordId: envelope.conversationId, raw, problem: envelope.problem } };
  if (envelope.conversationId.includes(NUL)) {
    return { ok: false, reject: { recordId: envelope.conversationId, raw, problem: 'conversationId: contains a NUL character, which Postgres cannot store' } };
  }
  return { ok: true, record: { id: envelope.conversationId, timeMs: envelope.startMs, raw } };
}
