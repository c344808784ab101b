/**
 * The agent-activity stream's writer: status records (src/streams/agent-activity/contract.ts)
 * upserted into agent_presence and agent_routing_status by (user_id, start_time), quarantined
 * records written to sync_rejects and the open rejects of the stored ones closed, all in ONE
 * transaction (the StreamWriter contract, src/db/stream-writer.ts).
 *
 * The same status arrives many times: in every window it overlaps, on two pages of one read
 * (Genesys stores a status spanning days twice), open in one read and closed in a later one.
 * Which version a row keeps: the one with the LATEST END (an end beats no end: a status once
 * closed never reopens; two ends: the later), and on a tie the one fetched last. So an open
 * status is closed by the first read that brings its end, whatever order reads commit in, and a
 * read from before (a job as of the data lake's horizon) never reopens it.
 */
import { ColumnLiterals } from './array-literal.ts';
import { poolOf, type Db } from './client.ts';
import { isTransientConflict } from './conversations.ts';
import { findUnstorableCharacter } from './extract.ts';
import { quarantineRecords, resolveRejects } from './rejects.ts';
import { inSqlTransaction, type SqlTx } from './sql-transaction.ts';
import type { BatchWrite, BatchWritten, RejectedRecord, StreamRecord, StreamWriter } from './stream-writer.ts';
import { retry } from '../retry.ts';

/** One status row to upsert. */
interface StatusRow {
  id: string;
  kind: 'presence' | 'routing';
  userId: string;
  startIso: string;
  endIso: string | null;
  value: string;
  organizationPresenceId: string | null;
  rawJson: string;
}

const TABLES = {
  presence: { table: 'agent_presence', valueColumn: 'system_presence', extra: 'organization_presence_id' },
  routing: { table: 'agent_routing_status', valueColumn: 'routing_status', extra: undefined },
} as const;

const MAX_ATTEMPTS = 5;
const MAX_WAIT_MS = 60_000;
const STATEMENT_TIMEOUT_MS = 120_000;

export function createAgentActivityWriter(db: Db): StreamWriter {
  return {
    write: (batch) =>
      retry(() => inSqlTransaction(poolOf(db), (tx) => writeInTransaction(tx, batch), { maxWaitMs: MAX_WAIT_MS, statementTimeoutMs: STATEMENT_TIMEOUT_MS }), {
        attempts: MAX_ATTEMPTS,
        retryable: isTransientConflict,
        delayMs: (attempt) => 50 * attempt * (0.5 + Math.random()),
      }),
  };
}

async function writeInTransaction(tx: SqlTx, batch: BatchWrite): Promise<BatchWritten> {
  const { rows, refused } = prepareRows(batch.records);
  let changed = 0;
  for (const kind of ['presence', 'routing'] as const) {
    const mine = rows.filter((r) => r.kind === kind);
    if (mine.length > 0) changed += await upsertStatuses(tx, kind, mine, batch);
  }
  const rejected = [...batch.rejects, ...refused];
  await quarantineRecords(tx, rejected, batch.source, batch.syncedAt);
  const storedIds = rows.map((r) => r.id).sort();
  const rejectsResolved = batch.resolveRejects ? await resolveRejects(tx, storedIds, batch.syncedAt, batch.source.stream) : 0;
  return { storedIds, changed, unchanged: rows.length - changed, stale: 0, rejected, rejectsResolved };
}

/**
 * One row per key (a key repeated in the batch: the version with the latest end, then the later
 * one), sorted by key so concurrent batches lock rows in one order; records Postgres cannot hold
 * (a NUL in any text) are refused.
 */
function prepareRows(records: readonly StreamRecord[]): { rows: StatusRow[]; refused: RejectedRecord[] } {
  const byId = new Map<string, StatusRow>();
  const refused: RejectedRecord[] = [];
  for (const record of records) {
    const row = rowOf(record);
    if (typeof row === 'string') {
      refused.push({ recordId: record.id, raw: record.raw, problem: row });
      continue;
    }
    const held = byId.get(row.id);
    if (!held || !endsEarlier(row.endIso, held.endIso)) byId.set(row.id, row);
  }
  const rows = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rows, refused };
}

/** Whether an end is earlier than another (no end: earlier than any). */
function endsEarlier(a: string | null, b: string | null): boolean {
  if (a === null) return b !== null;
  return b !== null && Date.parse(a) < Date.parse(b);
}

/** The row of a status record, or why it cannot be stored. */
function rowOf(record: StreamRecord): StatusRow | string {
  const { userId, kind, status } = record.raw as { userId: string; kind: 'presence' | 'routing'; status: Record<string, unknown> };
  const rawJson = JSON.stringify(status);
  const unstorable = findUnstorableCharacter(rawJson) ?? findUnstorableCharacter(JSON.stringify(userId));
  if (unstorable) return unstorable;
  const end = status['endTime'];
  const value = kind === 'presence' ? status['systemPresence'] : status['routingStatus'];
  const org = status['organizationPresenceId'];
  return {
    id: record.id,
    kind,
    userId,
    startIso: new Date(Date.parse(String(status['startTime']))).toISOString(),
    endIso: typeof end === 'string' ? new Date(Date.parse(end)).toISOString() : null,
    value: String(value),
    organizationPresenceId: typeof org === 'string' ? org : null,
    rawJson,
  };
}

/** Upserts one table's rows in one statement; resolves with the rows inserted or changed. */
async function upsertStatuses(tx: SqlTx, kind: 'presence' | 'routing', rows: readonly StatusRow[], batch: BatchWrite): Promise<number> {
  const { table, valueColumn, extra } = TABLES[kind];
  const columns = ['user_id', 'start_time', 'end_time', valueColumn, ...(extra ? [extra] : [])];
  const literals = new ColumnLiterals(columns.length);
  for (const r of rows) literals.row([r.userId, r.startIso, r.endIso, r.value, ...(extra ? [r.organizationPresenceId] : [])]);
  const n = columns.length;
  const unnest = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const values = columns.map((c) => (c.endsWith('_time') ? `u.${c}::timestamptz` : `u.${c}`)).join(', ');
  const sql = `INSERT INTO ${table} AS t (${columns.join(', ')}, raw, fetched_at, synced_at)
    SELECT ${values}, r.raw, $${n + 2}::timestamptz, $${n + 3}::timestamptz
      FROM unnest(${unnest}) WITH ORDINALITY AS u(${columns.join(', ')}, ord)
      JOIN jsonb_array_elements($${n + 1}::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
     ORDER BY u.ord
    ON CONFLICT (user_id, start_time) DO UPDATE SET
      ${columns.slice(2).map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
      raw = EXCLUDED.raw, fetched_at = EXCLUDED.fetched_at, synced_at = EXCLUDED.synced_at
    WHERE (
        (EXCLUDED.end_time IS NOT NULL AND (t.end_time IS NULL OR EXCLUDED.end_time > t.end_time))
        OR (EXCLUDED.end_time IS NOT DISTINCT FROM t.end_time AND EXCLUDED.fetched_at >= t.fetched_at)
      )
      AND (${columns.slice(2).map((c) => `t.${c}`).join(', ')}, t.raw) IS DISTINCT FROM (${columns.slice(2).map((c) => `EXCLUDED.${c}`).join(', ')}, EXCLUDED.raw)`;
  return tx.$executeRawUnsafe(sql, ...literals.literals(), `[${rows.map((r) => r.rawJson).join(',')}]`, batch.fetchedAt, batch.syncedAt);
}
