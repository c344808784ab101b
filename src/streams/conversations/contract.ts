/**
 * The conversation stream's record contract at the boundary: each record of a page is read
 * once, where the page arrives, for what places it (its `conversationId` and its
 * `conversationStart`, by the rules of the full contract in src/genesys/schemas.ts). The body
 * is validated against the full contract by the writer, for new and changed conversations
 * only: an unchanged one was validated when it was stored, and skipping it keeps the nightly
 * re-read cheap (docs/sync.md §6).
 */
import type { RecordRead } from '../../pipeline/stream.ts';
import { readConversationEnvelope } from '../../genesys/schemas.ts';

/** Postgres text and jsonb cannot hold U+0000: such a key cannot be stored, so the record is quarantined. */
const NUL = '\u0000';

export function readConversationRecord(raw: unknown): RecordRead {
  const envelope = readConversationEnvelope(raw);
  if (!envelope.ok) return { ok: false, reject: { recordId: envelope.conversationId, raw, problem: envelope.problem } };
  if (envelope.conversationId.includes(NUL)) {
    return { ok: false, reject: { recordId: envelope.conversationId, raw, problem: 'conversationId: contains a NUL character, which Postgres cannot store' } };
  }
  return { ok: true, record: { id: envelope.conversationId, timeMs: envelope.startMs, raw } };
}
