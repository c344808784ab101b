/**
 * The set-based writer of conversations and their children (participants, sessions,
 * segments, session_metrics, evaluations, surveys, resolutions, flow outcomes, media endpoint
 * stats and the small tables of sessions' and segments' arrays; CHILD_TABLES in extract.ts): one transaction per batch, a fixed handful of statements per
 * batch whatever its size. Every table is written by one `INSERT ... SELECT FROM unnest(...)`
 * over array literals built in JS from its one description (the table specs of extract.ts,
 * see table-spec.ts), so Postgres runs no statement per row and parses no JSON except `raw`
 * itself, once.
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
 *      are even sent, which is what makes nightly re-syncs cheap. Every stored record's
 *      last_synced_at moves (the deletion judgement, deletions.ts, relies on it), and a record
 *      marked deleted that a read returns again is un-marked (deleted_at cleared, last_changed_at moved);
 *   4. new and changed ones are checked against the one contract (parseConversation), upserted
 *      (raw replaced, first_synced_at kept, last_changed_at moved), the children of those that
 *      existed are deleted, and all their children are inserted: a segment that vanished from
 *      the API vanishes from the tables too. Participant attributes, which only the jobs API
 *      sends, are carried over when the new version has none (a query-lane read).
 *
 * A record that fails the contract, or that Postgres cannot store, is not written: it is
 * quarantined (sync_rejects) in the same transaction, with the rejects the caller passes in,
 * and returned in `rejected`; the rest of the batch is written. The open rejects of what the
 * batch stored are closed in that transaction too. Nothing good is thrown away with the bad.
 *
 * Records arrive read once at the boundary (StreamRecord: id, time, raw): the writer keys on
 * `id` and never reads it from raw again (the contract check only confirms raw agrees).
 */
import { arrayLiteral } from './array-literal.ts';
import { poolOf, type Db } from './client.ts';
import { parseConversation } from '../genesys/schemas.ts';
import { retry } from '../retry.ts';
import {
  CONVERSATIONS,
  EVALUATIONS,
  FLOW_OUTCOMES,
  MEDIA_ENDPOINT_STATS,
  PARTICIPANTS,
  RESOLUTIONS,
  SEGMENT_PROPERTIES,
  SEGMENT_SCORED_AGENTS,
  SESSIONS,
  SESSION_AGENT_GROUPS,
  SESSION_METRICS,
  SESSION_PROPOSED_AGENTS,
  SEGMENTS,
  SURVEYS,
  extractConversation,
  findUnstorableCharacter,
  hashRawJson,
  type ExtractedConversation,
  type ParticipantRow,
} from './extract.ts';
import type { Columns, RowOf, TableSpec } from './table-spec.ts';
import { quarantineRecords, resolveRejects, type RejectSource } from './rejects.ts';
import { inSqlTransaction, type SqlTx } from './sql-transaction.ts';
import type { BatchWrite, BatchWritten, RejectedRecord, StreamRecord, StreamWriter } from './stream-writer.ts';
import { CONVERSATION_LOCK_NAMESPACE } from './lock-keys.ts';
import { deleteChildrenCtes } from './conversation-children.ts';

/**
 * The transaction the writer's statements (and `afterWrite`) run in: a connection of the pg
 * pool Prisma's adapter owns, not a Prisma transaction, so the parameters (~850 KB per page)
 * are neither copied to JSON nor kept by Prisma's debug history (sql-transaction.ts).
 */
type Tx = SqlTx;

export interface ConversationWriterOptions {
  /** Attempts in all when Postgres reports a deadlock (40P01) or a serialization failure (40001). Default 4. */
  maxAttempts?: number;
  /** Longest wait for a pooled connection, ms (pg's pool gives up after 10 s, short when pages are written concurrently). */
  maxWaitMs?: number;
  /** Longest statement of the transaction, ms, lock waits included (statement_timeout). */
  timeoutMs?: number;
  /** The pause between attempts (retry.ts); tests inject a virtual one. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Runs last in the batch's transaction, so whatever it writes commits (or rolls back) with
   * the batch. It runs again if the transaction is retried, so it must be idempotent.
   */
  afterWrite?: (tx: Tx) => Promise<void>;
}

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_MAX_WAIT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 120_000;
/** Base of the jittered, growing pause between attempts after a deadlock or serialization failure. */
const RETRY_BASE_DELAY_MS = 20;
/**
 * Most distinct conversations per batch (10 API pages). Each holds one advisory lock until
 * commit, and Postgres' shared lock table is small by default (max_locks_per_transaction 64
 * x max_connections 100 = 6,400 slots, for every session together).
 */
export const MAX_BATCH_CONVERSATIONS = 1_000;

/** The conversations stream's writer: one transaction per batch (see the top of this file). */
export function createConversationWriter(db: Db, options: ConversationWriterOptions = {}): StreamWriter {
  return {
    write: (batch) =>
      writeConversationBatch(db, batch.records, {
        ...options,
        syncedAt: batch.syncedAt,
        fetchedAt: batch.fetchedAt,
        resolveRejects: batch.resolveRejects,
        quarantine: { source: batch.source, rejects: batch.rejects },
      }),
  };
}

/** What one transaction does besides writing the records. */
interface BatchPlan extends ConversationWriterOptions {
  syncedAt: Date;
  fetchedAt: Date;
  resolveRejects: boolean;
  /**
   * Where to quarantine the refused records, with the rejects passed in. Without it the
   * refused records are only returned (the window runner's older port quarantines them itself).
   */
  quarantine?: { source: RejectSource; rejects: readonly RejectedRecord[] };
}

/**
 * Writes one batch in ONE transaction, retried whole on a deadlock or serialization failure.
 * Duplicate ids: the later record wins. A batch of more than MAX_BATCH_CONVERSATIONS distinct
 * ids is refused with a RangeError, writing nothing.
 */
async function writeConversationBatch(db: Db, records: readonly StreamRecord[], plan: BatchPlan): Promise<BatchWritten> {
  const { pending, refused } = prepareBatch(records);
  if (pending.length > MAX_BATCH_CONVERSATIONS) {
    throw new RangeError(`a conversation batch holds at most ${MAX_BATCH_CONVERSATIONS} conversations, got ${pending.length}: split it`);
  }
  const transaction = () =>
    inSqlTransaction(poolOf(db), (tx) => writeInTransaction(tx, pending, refused, plan), {
      maxWaitMs: plan.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
      statementTimeoutMs: plan.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  return retry(transaction, {
    attempts: plan.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryable: isTransientConflict,
    delayMs: (attempt) => RETRY_BASE_DELAY_MS * attempt * (0.5 + Math.random()),
    ...(plan.sleep ? { sleep: plan.sleep } : {}),
  });
}

/** One conversation of a batch, before we know whether it changed. */
interface Pending {
  record: StreamRecord;
  rawJson: string;
  rawHash: string;
  /** Filled lazily: unchanged conversations are never validated or extracted. Kept across retries. */
  extracted?: ExtractedConversation | { problem: string };
}

/**
 * Dedupes (last wins), sorts by id (rows are written in a stable order) and hashes; pure CPU,
 * outside the transaction. A record whose id Postgres cannot store is refused here, where it can
 * be named, rather than by Postgres for the whole batch (its locks and the read of stored
 * versions send the ids); its text is checked where it is about to be written (validate).
 */
function prepareBatch(records: readonly StreamRecord[]): { pending: Pending[]; refused: RejectedRecord[] } {
  const byId = new Map<string, StreamRecord>();
  for (const record of records) byId.set(record.id, record);
  const pending: Pending[] = [];
  const refused: RejectedRecord[] = [];
  for (const id of [...byId.keys()].sort(compareCodeUnits)) {
    const record = byId.get(id)!;
    const rawJson = JSON.stringify(record.raw);
    // The id is checked on its own: the boundary read it, it need not be raw's text.
    const unstorable = findUnstorableCharacter(JSON.stringify(id));
    if (unstorable) refused.push({ recordId: id, raw: record.raw, problem: unstorable });
    else pending.push({ record, rawJson, rawHash: hashRawJson(rawJson) });
  }
  return { pending, refused };
}

/**
 * Checks what only a record about to be written needs, once (kept across transaction retries):
 * that Postgres can store its text, and the contract; then extracts. An unchanged record skips
 * all of it: its text is the one stored already (same hash), which a re-sync of millions relies
 * on. The rows are keyed on raw's conversationId, the locks and the quarantine on the id read
 * at the boundary: a record where they differ is refused rather than written under two names.
 */
function validate(p: Pending): ExtractedConversation | { problem: string } {
  p.extracted ??= checkAndExtract(p);
  return p.extracted;
}

function checkAndExtract(p: Pending): ExtractedConversation | { problem: string } {
  const unstorable = findUnstorableCharacter(p.rawJson);
  if (unstorable) return { problem: unstorable };
  const parsed = parseConversation(p.record.raw);
  if (!parsed.ok) return { problem: parsed.problem };
  if (parsed.conversation.conversationId !== p.record.id) return { problem: 'conversationId: differs from the id read at the boundary' };
  return extractConversation(parsed.conversation, p);
}

/** Plain code-unit order: the same as Postgres' "C" collation for the ASCII ids Genesys uses. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the stored version of a conversation says about a new one. */
interface StoredVersion {
  hash: string;
  fetchedAt: number | null;
}

/** The batch sorted by what it needs. */
interface Sorted {
  /** Every id not refused, in id order: stale, unchanged and changed alike. */
  storedIds: string[];
  stale: string[];
  unchanged: string[];
  changed: Pending[];
  refused: RejectedRecord[];
}

/** The body of the batch's transaction: lock, compare, write, quarantine, resolve. */
async function writeInTransaction(tx: Tx, pending: Pending[], refusedBefore: RejectedRecord[], plan: BatchPlan): Promise<BatchWritten> {
  const fetchedAt = plan.fetchedAt.getTime();
  const stored = await lockAndReadStored(tx, pending);
  const sorted = sortByStoredVersion(pending, stored, fetchedAt);
  await touchUnchanged(tx, sorted.unchanged, plan);
  if (sorted.changed.length > 0) await replaceChanged(tx, sorted.changed, stored, plan);
  const refused = [...refusedBefore, ...sorted.refused];
  const rejected = [...(plan.quarantine?.rejects ?? []), ...refused];
  if (plan.quarantine) await quarantineRecords(tx, rejected, plan.quarantine.source, plan.syncedAt);
  const stream = plan.quarantine?.source.stream;
  const rejectsResolved = plan.resolveRejects ? await resolveRejects(tx, sorted.storedIds, plan.syncedAt, stream) : 0;
  if (plan.afterWrite) await plan.afterWrite(tx);
  return {
    storedIds: sorted.storedIds,
    changed: sorted.changed.length,
    unchanged: sorted.unchanged.length,
    stale: sorted.stale.length,
    rejected: plan.quarantine ? rejected : refused,
    rejectsResolved,
  };
}

/**
 * Locks the batch's ids (lockConversationIds), then reads their stored versions: a new
 * statement, so a new snapshot, which sees whatever the writers we waited for committed.
 */
async function lockAndReadStored(tx: Tx, pending: Pending[]): Promise<Map<string, StoredVersion>> {
  const stored = new Map<string, StoredVersion>();
  if (pending.length === 0) return stored;
  const ids = arrayLiteral(pending.map((p) => p.record.id));
  await lockConversationIds(tx, ids);
  const rows = await tx.$queryRawUnsafe<{ conversation_id: string; raw_hash: string; fetched_ms: number | null }[]>(
    `SELECT conversation_id, raw_hash, (extract(epoch FROM fetched_at) * 1000)::float8 AS fetched_ms
       FROM conversations WHERE conversation_id = ANY($1::text[])`,
    ids,
  );
  for (const row of rows) stored.set(row.conversation_id, { hash: row.raw_hash, fetchedAt: row.fetched_ms });
  return stored;
}

/** Stale (a later fetch is stored), unchanged (same hash), changed (validated), or refused by the contract. */
function sortByStoredVersion(pending: Pending[], stored: Map<string, StoredVersion>, fetchedAt: number): Sorted {
  const sorted: Sorted = { storedIds: [], stale: [], unchanged: [], changed: [], refused: [] };
  for (const p of pending) {
    const { id, raw } = p.record;
    const before = stored.get(id);
    if (before?.fetchedAt != null && before.fetchedAt > fetchedAt) sorted.stale.push(id);
    else if (before?.hash === p.rawHash) sorted.unchanged.push(id);
    else {
      const result = validate(p);
      if ('problem' in result) {
        sorted.refused.push({ recordId: id, raw, problem: result.problem });
        continue;
      }
      sorted.changed.push(p);
    }
    sorted.storedIds.push(id);
  }
  return sorted;
}

/** Unchanged conversations: only last_synced_at (and fetched_at) move; no raw, no children are sent. */
async function touchUnchanged(tx: Tx, ids: string[], plan: BatchPlan): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE conversations SET last_synced_at = to_timestamp($2::float8 / 1000),
            fetched_at = GREATEST(fetched_at, to_timestamp($3::float8 / 1000)),
            last_changed_at = CASE WHEN deleted_at IS NULL THEN last_changed_at ELSE to_timestamp($2::float8 / 1000) END,
            deleted_at = NULL
      WHERE conversation_id = ANY($1::text[])`,
    arrayLiteral(ids),
    plan.syncedAt.getTime(),
    plan.fetchedAt.getTime(),
  );
}

/**
 * New and changed conversations: upserted, the old children of those that existed deleted
 * (the advisory locks make `stored` exact: no writer can have inserted one of them since we
 * read it), and all their children inserted, attributes carried over.
 */
async function replaceChanged(tx: Tx, changed: Pending[], stored: Map<string, StoredVersion>, plan: BatchPlan): Promise<void> {
  const extracted = changed.map((p) => p.extracted as ExtractedConversation);
  await upsertConversations(tx, extracted, plan.syncedAt.getTime(), plan.fetchedAt.getTime());
  const existed = changed.filter((p) => stored.has(p.record.id)).map((p) => p.record.id);
  const previousAttributes = existed.length > 0 ? await deleteChildren(tx, existed) : new Map<string, string>();
  await insertChildren(tx, extracted, previousAttributes);
}

/**
 * The query never carries participant attributes; only job results do. A version without
 * them keeps the attributes stored for the same participant (the custom data did not vanish,
 * the query just does not send it). A copy, not the extracted row: a retried transaction
 * must read the stored attributes again.
 */
function withAttributesCarriedOver(participants: ParticipantRow[], previous: Map<string, string>): ParticipantRow[] {
  if (previous.size === 0) return participants;
  return participants.map((p) => {
    const kept = p.attributesJson === null ? previous.get(`${p.conversationId} ${p.participantId}`) : undefined;
    return kept === undefined ? p : { ...p, attributesJson: kept };
  });
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
export async function lockConversationIds(tx: Tx, idsLiteral: string): Promise<void> {
  await tx.$queryRawUnsafe(
    `SELECT (SELECT count(pg_advisory_xact_lock(${CONVERSATION_LOCK_NAMESPACE}, k))
               FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS id ORDER BY k) AS keys) AS locked,
            (SELECT set_config('default_toast_compression', 'lz4', true)
               FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) AS compression`,
    idsLiteral,
  );
}

/** The conversations' columns the upsert replaces: every described column but the key. */
const UPDATED_COLUMNS = CONVERSATIONS.names.filter((name) => name !== 'conversation_id');
const CONVERSATION_PARAMS = CONVERSATIONS.names.length;
const SYNCED_AT = `to_timestamp($${CONVERSATION_PARAMS + 1}::float8 / 1000)`;
const FETCHED_AT = `to_timestamp($${CONVERSATION_PARAMS + 2}::float8 / 1000)`;

/**
 * Upserts the conversations: described columns, raw, sync times. raw: one parameter per
 * conversation, parsed once by Postgres straight into jsonb (inside an array literal it would
 * be escaped, then unescaped, for nothing), joined to its row by position.
 */
function upsertConversationsSql(count: number): string {
  const rawValues = Array.from({ length: count }, (_, i) => `(${i + 1}, $${i + CONVERSATION_PARAMS + 3}::jsonb)`).join(', ');
  return `INSERT INTO conversations AS c (${CONVERSATIONS.names.join(', ')},
       raw, first_synced_at, last_synced_at, last_changed_at, fetched_at)
     SELECT ${CONVERSATIONS.selectList('u')}, r.raw, ${SYNCED_AT}, ${SYNCED_AT}, ${SYNCED_AT}, ${FETCHED_AT}
       FROM unnest(${CONVERSATIONS.unnestParams(1)}) WITH ORDINALITY AS u(${CONVERSATIONS.names.join(', ')}, ord)
       JOIN (VALUES ${rawValues}) AS r(ord, raw) ON r.ord = u.ord
      ORDER BY u.ord
     ON CONFLICT (conversation_id) DO UPDATE SET
       ${UPDATED_COLUMNS.map((name) => `${name} = EXCLUDED.${name}`).join(', ')},
       raw = EXCLUDED.raw,
       last_synced_at = EXCLUDED.last_synced_at,
       fetched_at = EXCLUDED.fetched_at,
       last_changed_at = CASE WHEN c.raw_hash = EXCLUDED.raw_hash AND c.deleted_at IS NULL THEN c.last_changed_at ELSE EXCLUDED.last_changed_at END,
       deleted_at = NULL`;
}

async function upsertConversations(tx: Tx, extracted: ExtractedConversation[], syncedAt: number, fetchedAt: number): Promise<void> {
  await tx.$executeRawUnsafe(
    upsertConversationsSql(extracted.length),
    ...CONVERSATIONS.literals(extracted.map((e) => e.conversation)),
    syncedAt,
    fetchedAt,
    ...extracted.map((e) => e.rawJson),
  );
}

/**
 * Deletes the children of `ids` (every table of CHILD_TABLES, evaluations and surveys
 * included: a newer version replaces them all, in this transaction); returns the stored
 * participant attributes, by conversation and participant id.
 */
async function deleteChildren(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  const others = deleteChildrenCtes('conversation_id = ANY($1::text[])', { except: [PARTICIPANTS.table] });
  const kept = await tx.$queryRawUnsafe<{ k: string; a: string }[]>(
    `WITH p AS (DELETE FROM ${PARTICIPANTS.table} WHERE conversation_id = ANY($1::text[])
                RETURNING conversation_id, participant_id, attributes),
          ${others.join(',\n          ')}
     SELECT conversation_id || ' ' || participant_id AS k, attributes::text AS a FROM p WHERE attributes IS NOT NULL`,
    arrayLiteral(ids),
  );
  return new Map(kept.map((r) => [r.k, r.a]));
}

/** One child table's share of a batch: its description and the array literals of its rows. */
interface ChildRows {
  spec: { readonly table: string; readonly names: readonly string[]; insertSql(first: number): string };
  literals: string[];
}

/** The table's literals, or nothing when the batch has no row for it (most have no evaluation, survey or resolution). */
function childRows<C extends Columns>(spec: TableSpec<C>, rows: readonly RowOf<{ columns: C }>[]): ChildRows | undefined {
  return rows.length === 0 ? undefined : { spec, literals: spec.literals(rows) };
}

/**
 * One statement inserting the children of the tables listed (a data-modifying CTE each): all
 * the children of a batch in one round trip. Built once per set of tables that have rows, so a
 * table a batch has no row for costs neither a CTE nor its ~10 array parameters of `{}`.
 */
const insertChildrenSql = (() => {
  const built = new Map<string, string>();
  return (parts: readonly ChildRows[]): string => {
    const key = parts.map((p) => p.spec.table).join(' ');
    let sql = built.get(key);
    if (sql === undefined) {
      let first = 1;
      const inserts = parts.map(({ spec }) => {
        const insert = spec.insertSql(first);
        first += spec.names.length;
        return insert;
      });
      const last = inserts.pop()!;
      sql = inserts.length === 0 ? last : `WITH ${inserts.map((insert, i) => `c${i} AS (${insert})`).join(', ')} ${last}`;
      built.set(key, sql);
    }
    return sql;
  };
})();

/** Inserts the batch's children, table by table in CHILD_TABLES order, skipping the tables it has no row for. */
async function insertChildren(tx: Tx, extracted: ExtractedConversation[], previousAttributes: Map<string, string>): Promise<void> {
  const participants = withAttributesCarriedOver(extracted.flatMap((e) => e.participants), previousAttributes);
  const parts = [
    childRows(PARTICIPANTS, participants),
    childRows(SESSIONS, extracted.flatMap((e) => e.sessions)),
    childRows(SEGMENTS, extracted.flatMap((e) => e.segments)),
    childRows(SESSION_METRICS, extracted.flatMap((e) => e.sessionMetrics)),
    childRows(EVALUATIONS, extracted.flatMap((e) => e.evaluations)),
    childRows(SURVEYS, extracted.flatMap((e) => e.surveys)),
    childRows(RESOLUTIONS, extracted.flatMap((e) => e.resolutions)),
    childRows(FLOW_OUTCOMES, extracted.flatMap((e) => e.flowOutcomes)),
    childRows(MEDIA_ENDPOINT_STATS, extracted.flatMap((e) => e.mediaEndpointStats)),
    childRows(SESSION_PROPOSED_AGENTS, extracted.flatMap((e) => e.proposedAgents)),
    childRows(SESSION_AGENT_GROUPS, extracted.flatMap((e) => e.agentGroups)),
    childRows(SEGMENT_SCORED_AGENTS, extracted.flatMap((e) => e.scoredAgents)),
    childRows(SEGMENT_PROPERTIES, extracted.flatMap((e) => e.segmentProperties)),
  ].filter((part): part is ChildRows => part !== undefined);
  if (parts.length === 0) return;
  await tx.$executeRawUnsafe(insertChildrenSql(parts), ...parts.flatMap((p) => p.literals));
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
