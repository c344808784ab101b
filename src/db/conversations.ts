/**
 * The set-based writer of conversations and their children (participants, sessions,
 * segments, session_metrics). One transaction per call, a handful of statements per batch
 * whatever its size: every table is written by one `INSERT ... SELECT FROM unnest(<typed
 * arrays>)`, built in JS, so Postgres neither parses JSON for the typed columns nor runs a
 * statement per row.
 *
 * Per batch:
 *   1. lock the stored rows of the batch's conversations, in conversation_id order, and read
 *      their raw_hash (deterministic lock order: two sync runs writing overlapping pages
 *      queue behind each other instead of deadlocking);
 *   2. unchanged conversations (same raw_hash) only get last_synced_at: no raw, no children
 *      are sent, which is what makes nightly re-syncs cheap;
 *   3. new and changed conversations are upserted (raw replaced, first_synced_at kept,
 *      last_changed_at moved), the children of the ones that existed are deleted, and all
 *      their children are inserted: a segment that vanished from the API vanishes here too.
 */
import type { Db } from './client.ts';
import { extractConversation, hashRawJson, type ConversationRecord, type ExtractedConversation } from './extract.ts';

/** The transaction client handed to `afterWrite` (same API as the Prisma client, minus $transaction). */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface WriteConversationsOptions {
  /** The sync's clock reading for this batch: last_synced_at, and first_synced_at/last_changed_at when they move. */
  syncedAt: Date;
  /**
   * Runs inside the same transaction, after the rows are written: e.g. mark the ledger window
   * done, so the window and its rows commit (or roll back) together. It runs again if the
   * transaction is retried, so it must be safe to repeat.
   */
  afterWrite?: (tx: Tx) => Promise<void>;
  /** Attempts in total when Postgres reports a deadlock (40P01) or a serialization failure (40001). Default 4. */
  maxAttempts?: number;
  /** Interactive-transaction limits (Prisma's defaults, 2 s / 5 s, are too tight for lock waits). */
  maxWaitMs?: number;
  timeoutMs?: number;
}

export interface WriteConversationsResult {
  /** Distinct conversations in the batch (duplicates counted once): changed + unchanged. */
  written: number;
  /** New, or stored with a different raw_hash: raw, columns and children rewritten. */
  changed: number;
  /** Stored with the same raw_hash: only last_synced_at moved. */
  unchanged: number;
}

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_MAX_WAIT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 120_000;
/** Base of the jittered pause between attempts after a deadlock or serialization failure. */
const RETRY_BASE_DELAY_MS = 25;

/**
 * Writes one batch (typically one API page) of conversation records in ONE transaction.
 * Duplicate ids inside the batch: the later record wins. A record that cannot be stored
 * (see extractConversation) fails the whole batch with InvalidConversationError, before
 * anything is written. Retries the transaction on deadlock / serialization failure.
 */
export async function writeConversations(
  db: Db,
  records: readonly ConversationRecord[],
  options: WriteConversationsOptions,
): Promise<WriteConversationsResult> {
  const batch = prepareBatch(records);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => writeBatch(tx, batch, options), {
        maxWait: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (error) {
      if (attempt >= maxAttempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_DELAY_MS * attempt * (0.5 + Math.random())));
    }
  }
}

/** One conversation of a batch, before we know whether it changed. */
interface Pending {
  id: string;
  record: ConversationRecord;
  rawJson: string;
  rawHash: string;
  /** Filled lazily: unchanged conversations are never extracted. */
  extracted?: ExtractedConversation;
}

/** Dedupes (last wins), sorts by id (the lock order) and hashes. Pure CPU, outside the transaction. */
function prepareBatch(records: readonly ConversationRecord[]): Pending[] {
  const byId = new Map<string, ConversationRecord>();
  for (const record of records) {
    const id = (record as { conversationId?: unknown } | null)?.conversationId;
    if (typeof id !== 'string' || id === '') {
      extractConversation(record); // throws the descriptive InvalidConversationError
      continue;
    }
    byId.delete(id); // re-insert so iteration order is irrelevant; we sort anyway
    byId.set(id, record);
  }
  const ids = [...byId.keys()].sort(compareText);
  return ids.map((id) => {
    const record = byId.get(id)!;
    const rawJson = JSON.stringify(record);
    return { id, record, rawJson, rawHash: hashRawJson(rawJson) };
  });
}

/** Byte-wise order, the same as Postgres' "C" collation and independent of the locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function writeBatch(tx: Tx, batch: Pending[], options: WriteConversationsOptions): Promise<WriteConversationsResult> {
  const syncedAt = options.syncedAt;
  const ids = batch.map((p) => p.id);
  const stored = new Map<string, string>();
  if (ids.length > 0) {
    // ORDER BY + FOR UPDATE locks the rows in id order (LockRows sits above the sort).
    const rows = await tx.$queryRawUnsafe<{ conversation_id: string; raw_hash: string }[]>(
      `SELECT conversation_id, raw_hash FROM conversations
        WHERE conversation_id = ANY($1::text[])
        ORDER BY conversation_id COLLATE "C"
          FOR UPDATE`,
      textArrayLiteral(ids),
    );
    for (const row of rows) stored.set(row.conversation_id, row.raw_hash);
  }

  const unchanged: string[] = [];
  const changed: Pending[] = [];
  for (const p of batch) {
    if (stored.get(p.id) === p.rawHash) unchanged.push(p.id);
    else changed.push(p);
  }
  // Extraction validates; throwing here rolls back and writes nothing.
  for (const p of changed) p.extracted = extractConversation(p.record, p);

  if (unchanged.length > 0) {
    await tx.$executeRawUnsafe(
      `UPDATE conversations SET last_synced_at = $2::timestamptz WHERE conversation_id = ANY($1::text[])`,
      textArrayLiteral(unchanged),
      syncedAt.toISOString(),
    );
  }
  if (changed.length > 0) {
    const extracted = changed.map((p) => p.extracted!);
    const upserted = await upsertConversationRows(tx, extracted, syncedAt);
    // Rows that were updated rather than inserted had children: replace them. (A row can
    // also be "new" at lock time yet updated here, when a concurrent run inserted it meanwhile.)
    const existed = upserted.filter((r) => !r.inserted).map((r) => r.conversation_id);
    if (existed.length > 0) await deleteChildren(tx, existed);
    await insertChildren(tx, extracted);
  }
  if (options.afterWrite) await options.afterWrite(tx);
  return { written: batch.length, changed: changed.length, unchanged: unchanged.length };
}

/*
 * Every column travels as ONE text parameter holding a Postgres array literal that we build
 * here (`{"a","b",NULL}`), cast to a typed array in SQL and unnest-ed. Passing JS arrays
 * instead makes Prisma (serialize, JSON round trip, deep copy) and pg (escape) walk every
 * element several times: on a page of 100 conversations (~3,000 child rows) that cost more
 * CPU than Postgres' own work. Postgres parses array literals faster than JSON, too.
 */

/** Elements made only of these characters need no quotes (and no escaping) in an array literal. */
const BARE_ELEMENT = /^[A-Za-z0-9_.:+@-]+$/;
const ESCAPE = /["\\]/g;

/**
 * One array element. Quoted unless it is plainly safe (uuids, timestamps, words), so NULL,
 * empty strings, commas, braces and spaces round-trip; the word "null" is always quoted.
 */
function element(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') {
    if (BARE_ELEMENT.test(value) && value.length !== 4) return value;
    if (BARE_ELEMENT.test(value) && value.toLowerCase() !== 'null') return value;
    return `"${value.replace(ESCAPE, '\\$&')}"`;
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}

/** Array-literal builders, one string per column, appended to row by row. */
class Columns {
  private readonly parts: string[];
  private rows = 0;
  constructor(count: number) {
    this.parts = new Array<string>(count).fill('');
  }
  row(...values: (string | number | boolean | null)[]): void {
    const parts = this.parts;
    if (this.rows++ === 0) {
      for (let i = 0; i < values.length; i++) parts[i] = element(values[i]!);
    } else {
      for (let i = 0; i < values.length; i++) parts[i] += `,${element(values[i]!)}`;
    }
  }
  literals(): string[] {
    return this.parts.map((p) => `{${p}}`);
  }
}

/** A text[] literal for one row's array column (division_ids, media_types, agent_user_ids). */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map(element).join(',')}}`;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

async function upsertConversationRows(
  tx: Tx,
  extracted: ExtractedConversation[],
  syncedAt: Date,
): Promise<{ conversation_id: string; inserted: boolean }[]> {
  const cols = new Columns(10);
  for (const e of extracted) {
    const c = e.conversation;
    cols.row(c.conversationId, c.conversationStart.toISOString(), iso(c.conversationEnd), c.originatingDirection,
      c.conversationInitiator, c.externalTag, textArrayLiteral(c.divisionIds), textArrayLiteral(c.mediaTypes),
      textArrayLiteral(c.agentUserIds), c.rawHash);
  }
  // raw: one jsonb parameter per conversation (Postgres parses each JSON text once, straight
  // into jsonb; inside an array literal it would be escaped, then unescaped, for nothing).
  const rawValues = extracted.map((_, i) => `(${i + 1}, $${i + 12}::jsonb)`).join(', ');
  // Input is sorted by id: rows are inserted (and new keys locked) in that order.
  return tx.$queryRawUnsafe<{ conversation_id: string; inserted: boolean }[]>(
    `INSERT INTO conversations AS c (
       conversation_id, conversation_start, conversation_end, originating_direction,
       conversation_initiator, external_tag, division_ids, media_types, agent_user_ids,
       raw, raw_hash, first_synced_at, last_synced_at, last_changed_at)
     SELECT u.id, u.cs, u.ce, u.od, u.ci, u.et, u.dv::text[], u.mt::text[], u.au::text[],
            r.raw, u.hash, $11::timestamptz, $11::timestamptz, $11::timestamptz
       FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                   $7::text[], $8::text[], $9::text[], $10::text[])
            WITH ORDINALITY AS u(id, cs, ce, od, ci, et, dv, mt, au, hash, ord)
       JOIN (VALUES ${rawValues}) AS r(ord, raw) ON r.ord = u.ord
      ORDER BY u.ord
     ON CONFLICT (conversation_id) DO UPDATE SET
       conversation_start = EXCLUDED.conversation_start,
       conversation_end = EXCLUDED.conversation_end,
       originating_direction = EXCLUDED.originating_direction,
       conversation_initiator = EXCLUDED.conversation_initiator,
       external_tag = EXCLUDED.external_tag,
       division_ids = EXCLUDED.division_ids,
       media_types = EXCLUDED.media_types,
       agent_user_ids = EXCLUDED.agent_user_ids,
       raw = EXCLUDED.raw,
       raw_hash = EXCLUDED.raw_hash,
       last_synced_at = EXCLUDED.last_synced_at,
       last_changed_at = CASE WHEN c.raw_hash = EXCLUDED.raw_hash THEN c.last_changed_at ELSE EXCLUDED.last_changed_at END
     RETURNING c.conversation_id, (c.xmax = 0) AS inserted`,
    ...cols.literals(), syncedAt.toISOString(), ...extracted.map((e) => e.rawJson),
  );
}

async function deleteChildren(tx: Tx, ids: string[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `WITH p AS (DELETE FROM participants WHERE conversation_id = ANY($1::text[])),
          s AS (DELETE FROM sessions WHERE conversation_id = ANY($1::text[])),
          g AS (DELETE FROM segments WHERE conversation_id = ANY($1::text[]))
     DELETE FROM session_metrics WHERE conversation_id = ANY($1::text[])`,
    textArrayLiteral(ids),
  );
}

const PARTICIPANT_TYPES = ['text', 'text', 'int4', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bool'];
const SESSION_TYPES = ['text', 'text', 'text', 'int4', ...repeat('text', 14), 'bool', ...repeat('text', 5)];
const SEGMENT_TYPES = ['text', 'text', 'int4', 'text', 'timestamptz', 'timestamptz', ...repeat('text', 7), 'bool', 'text', 'text'];
const METRIC_TYPES = ['text', 'text', 'int4', 'text', 'int8', 'timestamptz'];

/** The children INSERT: four data-modifying CTEs, one statement, one round trip. */
const INSERT_CHILDREN_SQL = (() => {
  let n = 0;
  const params = (types: string[]): string => types.map((t) => `$${++n}::${t}[]`).join(', ');
  return `
    WITH p AS (
      INSERT INTO participants (conversation_id, participant_id, participant_index, purpose, user_id,
        participant_name, team_id, external_contact_id, external_organization_id, flagged_reason, screen_recording)
      SELECT * FROM unnest(${params(PARTICIPANT_TYPES)})
    ), s AS (
      INSERT INTO sessions (conversation_id, participant_id, session_id, session_index, media_type, direction, ani,
        dnis, session_dnis, address_from, address_to, address_self, address_other, remote, provider, message_type,
        edge_id, protocol_call_id, recording, selected_agent_id, used_routing, outbound_campaign_id, flow_id, flow_name)
      SELECT * FROM unnest(${params(SESSION_TYPES)})
    ), g AS (
      INSERT INTO segments (conversation_id, session_id, segment_index, participant_id, segment_start, segment_end,
        segment_type, queue_id, group_id, wrap_up_code, wrap_up_note, disconnect_type, error_code, conference,
        subject, requested_language_id)
      SELECT * FROM unnest(${params(SEGMENT_TYPES)})
    )
    INSERT INTO session_metrics (conversation_id, session_id, metric_index, name, value, emit_date)
    SELECT * FROM unnest(${params(METRIC_TYPES)})`;
})();

async function insertChildren(tx: Tx, extracted: ExtractedConversation[]): Promise<void> {
  const P = new Columns(PARTICIPANT_TYPES.length);
  const S = new Columns(SESSION_TYPES.length);
  const G = new Columns(SEGMENT_TYPES.length);
  const M = new Columns(METRIC_TYPES.length);
  for (const e of extracted) {
    for (const p of e.participants) {
      P.row(p.conversationId, p.participantId, p.participantIndex, p.purpose, p.userId, p.participantName,
        p.teamId, p.externalContactId, p.externalOrganizationId, p.flaggedReason, p.screenRecording);
    }
    for (const s of e.sessions) {
      S.row(s.conversationId, s.participantId, s.sessionId, s.sessionIndex, s.mediaType, s.direction, s.ani,
        s.dnis, s.sessionDnis, s.addressFrom, s.addressTo, s.addressSelf, s.addressOther, s.remote, s.provider,
        s.messageType, s.edgeId, s.protocolCallId, s.recording, s.selectedAgentId, s.usedRouting,
        s.outboundCampaignId, s.flowId, s.flowName);
    }
    for (const g of e.segments) {
      G.row(g.conversationId, g.sessionId, g.segmentIndex, g.participantId, g.segmentStart.toISOString(),
        iso(g.segmentEnd), g.segmentType, g.queueId, g.groupId, g.wrapUpCode, g.wrapUpNote, g.disconnectType,
        g.errorCode, g.conference, g.subject, g.requestedLanguageId);
    }
    for (const m of e.sessionMetrics) {
      M.row(m.conversationId, m.sessionId, m.metricIndex, m.name, m.value, iso(m.emitDate));
    }
  }
  await tx.$executeRawUnsafe(INSERT_CHILDREN_SQL, ...P.literals(), ...S.literals(), ...G.literals(), ...M.literals());
}

function repeat<T>(value: T, times: number): T[] {
  return Array.from({ length: times }, () => value);
}

/** Deadlock (40P01) or serialization failure (40001), however Prisma wrapped it (P2034, P2010 + code). */
export function isTransientConflict(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; kind?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: unknown }; cause?: unknown; message?: unknown };
    if (e.code === 'P2034' || e.code === '40P01' || e.code === '40001') return true;
    if (e.kind === 'TransactionWriteConflict' || e.originalCode === '40P01' || e.originalCode === '40001') return true;
    if (typeof e.message === 'string' && /\b(40P01|40001)\b|deadlock detected|could not serialize access/.test(e.message)) return true;
    current = e.meta?.driverAdapterError ?? e.cause;
  }
  return false;
}
