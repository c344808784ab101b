/**
 * The set-based writer of conversations and their children (participants, sessions,
 * segments, session_metrics): one transaction per batch, a fixed handful of statements per
 * batch whatever its size. Every table is written by one `INSERT ... SELECT FROM unnest(...)`
 * over array literals built in JS (see array-literal.ts), so Postgres runs no statement per
 * row and parses no JSON except `raw` itself, once.
 *
 * Per batch:
 *   1. take a transaction-scoped advisory lock per conversation id of the batch, in one
 *      deterministic order, then read the stored raw_hash of each. Row locks alone cannot do
 *      this: an id that does not exist yet has no row to lock, and two runs inserting the same
 *      new ids while holding locks on older ones deadlock (seen under a stress test). With the
 *      advisory locks, two sync runs writing overlapping pages simply queue;
 *   2. a record fetched before the stored version was (fetched_at) is stale and skipped: a page
 *      fetched earlier but committed later never replaces a newer version or its children;
 *   3. unchanged conversations (same raw_hash) only get last_synced_at: no raw, no children
 *      are even sent, which is what makes nightly re-syncs cheap;
 *   4. new and changed ones are checked against the one contract (parseConversation), upserted
 *      (raw replaced, first_synced_at kept, last_changed_at moved), the children of those that
 *      existed are deleted, and all their children are inserted: a segment that vanished from
 *      the API vanishes from the tables too. Participant attributes, which only the jobs API
 *      sends, are carried over when the new version has none (a query-lane read).
 *
 * A record that fails the contract, or that Postgres cannot store, is not written and is
 * returned in `rejected` with its problem; the rest of the batch is written (the caller
 * quarantines the rejects). Nothing good is thrown away with the bad.
 */
import { arrayLiteral, ColumnLiterals } from './array-literal.ts';
import { poolOf, type Db } from './client.ts';
import { parseConversation, readConversationId } from '../genesys/schemas.ts';
import { extractConversation, findUnstorableCharacter, hashRawJson, type ExtractedConversation } from './extract.ts';
import { inSqlTransaction, type SqlTx } from './sql-transaction.ts';
import { CONVERSATION_LOCK_NAMESPACE } from './lock-keys.ts';

/**
 * The transaction the writer's statements (and `afterWrite`) run in: a connection of the pg
 * pool Prisma's adapter owns, not a Prisma transaction, so the parameters (~850 KB per page)
 * are neither copied to JSON nor kept by Prisma's debug history (sql-transaction.ts).
 */
type Tx = SqlTx;

export interface WriteConversationsOptions {
  /** The run's clock reading for this batch: last_synced_at, and first_synced_at / last_changed_at when they move. */
  syncedAt: Date;
  /**
   * When the records were fetched from Genesys (default: syncedAt). A stored version fetched
   * later wins: these records are then skipped as stale.
   */
  fetchedAt?: Date;
  /**
   * Runs in the same transaction after the rows are written, e.g. to mark the ledger window
   * done, so the window and its rows commit (or roll back) together. It runs again if the
   * transaction is retried, so it must be idempotent.
   */
  afterWrite?: (tx: Tx) => Promise<void>;
  /** Attempts in all when Postgres reports a deadlock (40P01) or a serialization failure (40001). Default 4. */
  maxAttempts?: number;
  /** Longest wait for a pooled connection, ms (pg's pool gives up after 10 s, short when pages are written concurrently). */
  maxWaitMs?: number;
  /** Longest statement of the transaction, ms, lock waits included (statement_timeout). */
  timeoutMs?: number;
}

export interface WriteConversationsResult {
  /** Distinct conversations stored from the batch (an id repeated in the batch counts once) = changed + unchanged. */
  written: number;
  /** New, or stored with a different raw_hash: raw, columns and children rewritten. */
  changed: number;
  /** Stored with the same raw_hash: only last_synced_at moved. */
  unchanged: number;
  /** Skipped: the stored version was fetched later than these records. */
  stale: number;
  /** Not written: each record with its id (when readable) and what is wrong with it. */
  rejected: RejectedRecord[];
}

export interface RejectedRecord {
  conversationId: string | undefined;
  /** The record exactly as received. */
  record: unknown;
  problem: string;
}

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_MAX_WAIT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 120_000;
/** Base of the jittered, growing pause between attempts after a deadlock or serialization failure. */
const RETRY_BASE_DELAY_MS = 20;
/**
 * Most distinct conversations per call (10 API pages). Each holds one advisory lock until
 * commit, and Postgres' shared lock table is small by default (max_locks_per_transaction 64
 * x max_connections 100 = 6,400 slots, for every session together).
 */
export const MAX_BATCH_CONVERSATIONS = 1_000;

/**
 * Writes one batch (typically one API page of up to 100) of conversation records, as received,
 * in ONE transaction. Duplicate ids within the batch: the later record wins. Records that fail
 * the contract or cannot be stored come back in `rejected`; the others are written. Retries
 * the transaction on deadlock / serialization failure.
 */
export async function writeConversations(
  db: Db,
  records: readonly unknown[],
  options: WriteConversationsOptions,
): Promise<WriteConversationsResult> {
  const { batch, rejected } = prepareBatch(records, (options.fetchedAt ?? options.syncedAt).getTime());
  if (batch.length > MAX_BATCH_CONVERSATIONS) {
    throw new RangeError(`writeConversations takes at most ${MAX_BATCH_CONVERSATIONS} conversations per call, got ${batch.length}: split the batch`);
  }
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await inSqlTransaction(poolOf(db), (tx) => writeBatch(tx, batch, options), {
        maxWaitMs: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
        statementTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      return { ...result, rejected: [...rejected, ...result.rejected] };
    } catch (error) {
      if (attempt >= maxAttempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_DELAY_MS * attempt * (0.5 + Math.random())));
    }
  }
}

/** One conversation of a batch, before we know whether it changed. */
interface Pending {
  id: string;
  record: unknown;
  rawJson: string;
  rawHash: string;
  fetchedAt: number;
  /** Filled lazily: unchanged conversations are never validated or extracted. Kept across retries. */
  extracted?: ExtractedConversation | { problem: string };
}

/**
 * Dedupes (last wins), sorts by id (rows are written in a stable order) and hashes; pure CPU,
 * outside the transaction. A record without a readable id, or whose text Postgres cannot
 * store, is rejected here.
 */
function prepareBatch(records: readonly unknown[], fetchedAt: number): { batch: Pending[]; rejected: RejectedRecord[] } {
  const rejected: RejectedRecord[] = [];
  const byId = new Map<string, unknown>();
  for (const record of records) {
    const id = readConversationId(record);
    if (id === undefined) {
      const parsed = parseConversation(record);
      rejected.push({ conversationId: undefined, record, problem: parsed.ok ? 'conversationId: required' : parsed.problem });
    } else byId.set(id, record);
  }
  const batch: Pending[] = [];
  for (const id of [...byId.keys()].sort(compareCodeUnits)) {
    const record = byId.get(id);
    const rawJson = JSON.stringify(record);
    // Refused here, where the record can be named, rather than by Postgres for the whole batch.
    const unstorable = findUnstorableCharacter(rawJson);
    if (unstorable) rejected.push({ conversationId: id, record, problem: unstorable });
    else batch.push({ id, record, rawJson, rawHash: hashRawJson(rawJson), fetchedAt });
  }
  return { batch, rejected };
}

/** Checks the contract once per record (kept across transaction retries), then extracts. */
function validate(p: Pending): ExtractedConversation | { problem: string } {
  if (!p.extracted) {
    const parsed = parseConversation(p.record);
    p.extracted = parsed.ok ? extractConversation(parsed.conversation, p) : { problem: parsed.problem };
  }
  return p.extracted;
}

/** Plain code-unit order: the same as Postgres' "C" collation for the ASCII ids Genesys uses. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type BatchResult = Omit<WriteConversationsResult, 'rejected'> & { rejected: RejectedRecord[] };

async function writeBatch(tx: Tx, batch: Pending[], options: WriteConversationsOptions): Promise<BatchResult> {
  const syncedAt = options.syncedAt.getTime();
  const stored = new Map<string, { hash: string; fetchedAt: number | null }>();
  if (batch.length > 0) {
    const ids = arrayLiteral(batch.map((p) => p.id));
    await lockConversationIds(tx, ids);
    // A new statement, so a new snapshot: it sees whatever the writers we waited for committed.
    const rows = await tx.$queryRawUnsafe<{ conversation_id: string; raw_hash: string; fetched_ms: number | null }[]>(
      `SELECT conversation_id, raw_hash, (extract(epoch FROM fetched_at) * 1000)::float8 AS fetched_ms
         FROM conversations WHERE conversation_id = ANY($1::text[])`,
      ids,
    );
    for (const row of rows) stored.set(row.conversation_id, { hash: row.raw_hash, fetchedAt: row.fetched_ms });
  }

  const unchanged: string[] = [];
  const changed: Pending[] = [];
  const rejected: RejectedRecord[] = [];
  let stale = 0;
  for (const p of batch) {
    const before = stored.get(p.id);
    if (before?.fetchedAt != null && before.fetchedAt > p.fetchedAt) stale += 1;
    else if (before?.hash === p.rawHash) unchanged.push(p.id);
    else {
      const result = validate(p);
      if ('problem' in result) rejected.push({ conversationId: p.id, record: p.record, problem: result.problem });
      else changed.push(p);
    }
  }
  const fetchedAt = batch[0]?.fetchedAt ?? syncedAt;

  if (unchanged.length > 0) {
    await tx.$executeRawUnsafe(
      `UPDATE conversations SET last_synced_at = to_timestamp($2::float8 / 1000),
              fetched_at = GREATEST(fetched_at, to_timestamp($3::float8 / 1000))
        WHERE conversation_id = ANY($1::text[])`,
      arrayLiteral(unchanged),
      syncedAt,
      fetchedAt,
    );
  }
  if (changed.length > 0) {
    const extracted = changed.map((p) => p.extracted as ExtractedConversation);
    await upsertConversations(tx, extracted, syncedAt, fetchedAt);
    // Their old children go (the advisory locks make `stored` exact: no writer can have
    // inserted one of these conversations since we read it).
    const existed = changed.filter((p) => stored.has(p.id)).map((p) => p.id);
    if (existed.length > 0) carryAttributesOver(extracted, await deleteChildren(tx, existed));
    await insertChildren(tx, extracted);
  }
  if (options.afterWrite) await options.afterWrite(tx);
  return { written: changed.length + unchanged.length, changed: changed.length, unchanged: unchanged.length, stale, rejected };
}

/**
 * The query never carries participant attributes; only job results do. A version without
 * them keeps the attributes stored for the same participant (the custom data did not vanish,
 * the query just does not send it).
 */
function carryAttributesOver(extracted: ExtractedConversation[], previous: Map<string, string>): void {
  if (previous.size === 0) return;
  for (const e of extracted) {
    for (const p of e.participants) {
      if (p.attributesJson === null) p.attributesJson = previous.get(`${p.conversationId} ${p.participantId}`) ?? null;
    }
  }
}

/**
 * Locks the ids for the rest of the transaction, in ascending key order (the subquery sorts,
 * the aggregate consumes in that order), so concurrent writers never wait on each other in a
 * cycle. Two ids hashing to the same key merely share a lock.
 *
 * Also, for this transaction only: raw (~5 KB of jsonb per conversation) is compressed when
 * stored, and pglz was the largest single CPU cost of a first load; lz4 is several times faster
 * for a similar ratio. Only where the server was built with lz4 (PGlite is not).
 */
async function lockConversationIds(tx: Tx, idsLiteral: string): Promise<void> {
  await tx.$queryRawUnsafe(
    `SELECT (SELECT count(pg_advisory_xact_lock(${CONVERSATION_LOCK_NAMESPACE}, k))
               FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS id ORDER BY k) AS keys) AS locked,
            (SELECT set_config('default_toast_compression', 'lz4', true)
               FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) AS compression`,
    idsLiteral,
  );
}

/** Timestamps travel as epoch milliseconds (cheaper to format and parse than ISO text). */
const msToTs = (expr: string): string => `to_timestamp(${expr}::float8 / 1000)`;
const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());

async function upsertConversations(tx: Tx, extracted: ExtractedConversation[], syncedAt: number, fetchedAt: number): Promise<void> {
  const cols = new ColumnLiterals(10);
  for (const { conversation: c } of extracted) {
    cols.row([c.conversationId, c.conversationStart.getTime(), ms(c.conversationEnd), c.originatingDirection,
      c.conversationInitiator, c.externalTag, arrayLiteral(c.divisionIds), arrayLiteral(c.mediaTypes),
      arrayLiteral(c.agentUserIds), c.rawHash]);
  }
  // raw: one parameter per conversation, parsed once by Postgres straight into jsonb (inside
  // an array literal it would be escaped, then unescaped, for nothing).
  const rawValues = extracted.map((_, i) => `(${i + 1}, $${i + 13}::jsonb)`).join(', ');
  await tx.$executeRawUnsafe(
    `INSERT INTO conversations AS c (
       conversation_id, conversation_start, conversation_end, originating_direction,
       conversation_initiator, external_tag, division_ids, media_types, agent_user_ids,
       raw, raw_hash, first_synced_at, last_synced_at, last_changed_at, fetched_at)
     SELECT u.id, ${msToTs('u.cs')}, ${msToTs('u.ce')}, u.od, u.ci, u.et, u.dv::text[], u.mt::text[], u.au::text[],
            r.raw, u.hash, ${msToTs('$11')}, ${msToTs('$11')}, ${msToTs('$11')}, ${msToTs('$12')}
       FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[],
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
       fetched_at = EXCLUDED.fetched_at,
       last_changed_at = CASE WHEN c.raw_hash = EXCLUDED.raw_hash THEN c.last_changed_at ELSE EXCLUDED.last_changed_at END`,
    ...cols.literals(), syncedAt, fetchedAt, ...extracted.map((e) => e.rawJson),
  );
}

/** Deletes the children of `ids`; returns the stored participant attributes, by conversation and participant id. */
async function deleteChildren(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  const kept = await tx.$queryRawUnsafe<{ k: string; a: string }[]>(
    `WITH p AS (DELETE FROM participants WHERE conversation_id = ANY($1::text[])
                RETURNING conversation_id, participant_id, attributes),
          s AS (DELETE FROM sessions WHERE conversation_id = ANY($1::text[])),
          g AS (DELETE FROM segments WHERE conversation_id = ANY($1::text[])),
          m AS (DELETE FROM session_metrics WHERE conversation_id = ANY($1::text[]))
     SELECT conversation_id || ' ' || participant_id AS k, attributes::text AS a FROM p WHERE attributes IS NOT NULL`,
    arrayLiteral(ids),
  );
  return new Map(kept.map((r) => [r.k, r.a]));
}

/** `$n::type[], ...` for `types`, numbering on from `first`. */
function arrayParams(types: readonly string[], first: number): string {
  return types.map((t, i) => `$${first + i}::${t}[]`).join(', ');
}

const T = 'text';
const PARTICIPANT_TYPES = [T, T, 'int4', T, T, T, T, T, T, T, 'bool', T];
const SESSION_TYPES = [T, T, T, 'int4', T, T, T, T, T, T, T, T, T, T, T, T, T, T, 'bool', T, T, T, T, T];
const SEGMENT_TYPES = [T, T, 'int4', T, 'int8', 'int8', T, T, T, T, T, T, T, 'bool', T, T];
const METRIC_TYPES = [T, T, 'int4', T, 'int8', 'int8'];

/** Four data-modifying CTEs: all the children of a batch in one statement, one round trip. */
const INSERT_CHILDREN_SQL = (() => {
  const s = 1 + PARTICIPANT_TYPES.length;
  const g = s + SESSION_TYPES.length;
  const m = g + SEGMENT_TYPES.length;
  return `
    WITH p AS (
      INSERT INTO participants (conversation_id, participant_id, participant_index, purpose, user_id,
        participant_name, team_id, external_contact_id, external_organization_id, flagged_reason, screen_recording,
        attributes)
      SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12::jsonb
        FROM unnest(${arrayParams(PARTICIPANT_TYPES, 1)}) AS x(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12)
    ), s AS (
      INSERT INTO sessions (conversation_id, participant_id, session_id, session_index, media_type, direction, ani,
        dnis, session_dnis, address_from, address_to, address_self, address_other, remote, provider, message_type,
        edge_id, protocol_call_id, recording, selected_agent_id, used_routing, outbound_campaign_id, flow_id, flow_name)
      SELECT * FROM unnest(${arrayParams(SESSION_TYPES, s)})
    ), g AS (
      INSERT INTO segments (conversation_id, session_id, segment_index, participant_id, segment_start, segment_end,
        segment_type, queue_id, group_id, wrap_up_code, wrap_up_note, disconnect_type, error_code, conference,
        subject, requested_language_id)
      SELECT c1, c2, c3, c4, ${msToTs('c5')}, ${msToTs('c6')}, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16
        FROM unnest(${arrayParams(SEGMENT_TYPES, g)}) AS x(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16)
    )
    INSERT INTO session_metrics (conversation_id, session_id, metric_index, name, value, emit_date)
    SELECT c1, c2, c3, c4, c5, ${msToTs('c6')}
      FROM unnest(${arrayParams(METRIC_TYPES, m)}) AS x(c1, c2, c3, c4, c5, c6)`;
})();

async function insertChildren(tx: Tx, extracted: ExtractedConversation[]): Promise<void> {
  const P = new ColumnLiterals(PARTICIPANT_TYPES.length);
  const S = new ColumnLiterals(SESSION_TYPES.length);
  const G = new ColumnLiterals(SEGMENT_TYPES.length);
  const M = new ColumnLiterals(METRIC_TYPES.length);
  for (const e of extracted) {
    for (const p of e.participants) {
      P.row([p.conversationId, p.participantId, p.participantIndex, p.purpose, p.userId, p.participantName,
        p.teamId, p.externalContactId, p.externalOrganizationId, p.flaggedReason, p.screenRecording, p.attributesJson]);
    }
    for (const s of e.sessions) {
      S.row([s.conversationId, s.participantId, s.sessionId, s.sessionIndex, s.mediaType, s.direction, s.ani,
        s.dnis, s.sessionDnis, s.addressFrom, s.addressTo, s.addressSelf, s.addressOther, s.remote, s.provider,
        s.messageType, s.edgeId, s.protocolCallId, s.recording, s.selectedAgentId, s.usedRouting,
        s.outboundCampaignId, s.flowId, s.flowName]);
    }
    for (const g of e.segments) {
      G.row([g.conversationId, g.sessionId, g.segmentIndex, g.participantId, g.segmentStart.getTime(),
        ms(g.segmentEnd), g.segmentType, g.queueId, g.groupId, g.wrapUpCode, g.wrapUpNote, g.disconnectType,
        g.errorCode, g.conference, g.subject, g.requestedLanguageId]);
    }
    for (const m of e.sessionMetrics) {
      M.row([m.conversationId, m.sessionId, m.metricIndex, m.name, m.value, ms(m.emitDate)]);
    }
  }
  await tx.$executeRawUnsafe(INSERT_CHILDREN_SQL, ...P.literals(), ...S.literals(), ...G.literals(), ...M.literals());
}

/** Deadlock (40P01) or serialization failure (40001), however Prisma wrapped it (P2034, P2010 + code). */
export function isTransientConflict(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      code?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: unknown };
      cause?: unknown;
    };
    if (e.code === 'P2034' || e.code === '40P01' || e.code === '40001') return true;
    if (e.kind === 'TransactionWriteConflict' || e.originalCode === '40P01' || e.originalCode === '40001') return true;
    if (typeof e.message === 'string' && /deadlock detected|could not serialize access/.test(e.message)) return true;
    current = e.meta?.driverAdapterError ?? e.cause;
  }
  return false;
}
