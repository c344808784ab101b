/**
 * The ledger and data reads behind `status` and `--dry-run` (src/pipeline/status.ts and
 * src/pipeline/dry-run.ts assemble them): recent runs, windows still open, freshness, reference
 * list refreshes, and the sizes of windows earlier runs recorded. Reading only.
 */
import type { Db } from './client.ts';
import { DatabaseError } from './errors.ts';
import { readMigrationsList } from './migrations-dir.ts';
import { FINISHED_WINDOW_STATUSES, SPLIT_WINDOW_STATUS, sqlList, UNFINISHED_WINDOW_STATUSES, type RunKind, type RunStatus, type WindowStatus } from '../decisions/states.ts';

export interface WindowRow {
  runId: string;
  scopeKey: string;
  windowStart: Date;
  windowEnd: Date;
  status: string;
  attempts: number;
  error: string | null;
}

/** The last refresh of one reference list (queues, wrap-up codes, ...). */
export interface ReferenceListRow {
  list: string;
  /** ok | forbidden (the OAuth client lacks `permission`) | failed */
  status: string;
  refreshedAt: Date;
  entries: number | null;
  permission: string;
  error: string | null;
  lastSuccessAt: Date | null;
}

/** The newest `limit` runs (at least one), newest first. */
export function readRecentRuns(db: Db, limit: number) {
  return db.syncRun.findMany({ orderBy: { startedAt: 'desc' }, take: Math.max(1, limit) });
}

/**
 * Windows of the given runs that are not done (failed, pending, or left running by a killed
 * run), leaving out those a later window of the same scope has since covered and finished:
 * an operator should see the gaps that remain, not the history of gaps already repaired.
 */
export async function readOpenWindows(db: Db, runIds: readonly string[], limit: number | null): Promise<WindowRow[]> {
  if (runIds.length === 0) return [];
  return db.$queryRawUnsafe<WindowRow[]>(
    `SELECT w.run_id::text AS "runId", w.scope_key AS "scopeKey", w.window_start AS "windowStart", w.window_end AS "windowEnd",
            w.status, w.attempts, w.error
       FROM sync_windows w
      WHERE w.run_id = ANY($1::uuid[]) AND w.status IN (${sqlList(UNFINISHED_WINDOW_STATUSES)})
        AND NOT EXISTS (
          SELECT 1 FROM sync_windows d
           WHERE d.scope_key = w.scope_key AND d.status IN (${sqlList(FINISHED_WINDOW_STATUSES)}) AND d.window_id > w.window_id
             AND d.window_start <= w.window_start AND d.window_end >= w.window_end)
      ORDER BY w.window_start, w.window_id
      ${limit === null ? '' : `LIMIT ${Number(limit)}`}`,
    [...runIds],
  );
}

/** The newest conversation start and the newest last_synced_at stored (null with no conversations). */
export async function readNewestConversation(db: Db): Promise<{ conversationStart: Date | null; lastSyncedAt: Date | null }> {
  const newest = await db.conversation.aggregate({ _max: { conversationStart: true, lastSyncedAt: true } });
  return { conversationStart: newest._max.conversationStart, lastSyncedAt: newest._max.lastSyncedAt };
}

/**
 * Where each stream's records start, newest first: the SQL that reads its newest record's start
 * (each over an indexed column). A stream not listed here shows no newest record.
 */
const NEWEST_RECORD_START_SQL: Partial<Record<string, string>> = {
  conversations: 'SELECT max(conversation_start) AS at FROM conversations',
  'agent-activity': 'SELECT greatest((SELECT max(start_time) FROM agent_presence), (SELECT max(start_time) FROM agent_routing_status)) AS at',
};

/** The start of a stream's newest stored record (null with none, or for a stream without a table listed above). */
export async function readNewestRecordStart(db: Db, stream: string): Promise<Date | null> {
  const sql = NEWEST_RECORD_START_SQL[stream];
  if (sql === undefined) return null;
  const [row] = await db.$queryRawUnsafe<Array<{ at: Date | null }>>(sql);
  return row?.at ?? null;
}

/** The rolling sync that finished successfully last (a backfill of last year says nothing about today). */
export function readLastSuccessfulSync(db: Db) {
  return db.syncRun.findFirst({
    where: { kind: 'sync' satisfies RunKind, status: 'succeeded' satisfies RunStatus, finishedAt: { not: null } },
    orderBy: { finishedAt: 'desc' },
    select: { runId: true, kind: true, finishedAt: true },
  });
}

/** The newest run of a kind, started or finished. */
export function readLastRun(db: Db, kind: RunKind) {
  return db.syncRun.findFirst({ where: { kind }, orderBy: { startedAt: 'desc' }, select: { runId: true, status: true, startedAt: true, finishedAt: true } });
}

export function readReferenceListRefreshes(db: Db): Promise<ReferenceListRow[]> {
  return db.referenceListRefresh.findMany({ orderBy: { list: 'asc' } });
}

export interface SizedWindowRow {
  scopeKey: string;
  windowStart: Date;
  windowEnd: Date;
  status: string;
  pages: number;
  totalHits: number | null;
}

/**
 * Windows of any run, in the given scopes and inside `[from, to]`, that ended done or split:
 * their page counts (or hits) size the same windows of a new plan. Oldest first.
 */
export function readSizedWindows(db: Db, range: { scopeKeys: readonly string[]; from: Date; to: Date }): Promise<SizedWindowRow[]> {
  return db.syncWindow.findMany({
    where: {
      scopeKey: { in: [...range.scopeKeys] },
      windowStart: { gte: range.from },
      windowEnd: { lte: range.to },
      status: { in: ['done' satisfies WindowStatus, SPLIT_WINDOW_STATUS] },
    },
    select: { scopeKey: true, windowStart: true, windowEnd: true, status: true, pages: true, totalHits: true },
    orderBy: { windowId: 'asc' },
  });
}

/**
 * The column a failed read needed and the database lacks, as the error names it (`table.column`
 * where it can): Prisma's P2022 for its own queries, Postgres' 42703 for raw SQL.
 */
export function missingColumnOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; meta?: { column?: unknown; driverAdapterError?: { cause?: { column?: unknown; originalCode?: unknown } } }; message?: unknown };
  const cause = e?.meta?.driverAdapterError?.cause;
  if (typeof cause?.column === 'string') return cause.column;
  if (e?.code === 'P2022' && typeof e.meta?.column === 'string') return e.meta.column;
  const text = typeof e?.message === 'string' ? e.message : '';
  if (e?.code !== 'P2022' && cause?.originalCode !== '42703' && !/\b42703\b/.test(text)) return undefined;
  return /column [`"]?([\w."]+?)[`"]? does not exist/.exec(text)?.[1]?.replaceAll('"', '');
}

/**
 * A one-line error naming a missing ledger column and the fix, or undefined when `error` is
 * something else. A column the code reads is created by one of the committed migrations; when
 * the database lacks it, either migrations are pending (`npm run migrate` applies them) or the
 * column was dropped by hand after its migration ran (migrate then applies nothing, and the
 * column must be restored as that migration defines it).
 */
export async function describeMissingColumn(error: unknown): Promise<DatabaseError | undefined> {
  const column = missingColumnOf(error);
  if (column === undefined) return undefined;
  const name = column.split('.').at(-1)!;
  const found = await migrationCreating(name).catch(() => undefined);
  const origin = found ? ` (it is created by migration ${found.migration}, prisma/migrations/${found.migration}/migration.sql)` : '';
  // A raw query names the column by its alias in the query (`w.lane`); the migration names its table.
  const shown = found?.table ? `${found.table}.${name}` : column;
  return new DatabaseError(
    `the ledger has no column ${shown}${origin}: the database schema is behind this version or was changed by hand. ` +
      'Run `npm run migrate`; if it applies nothing, the column was dropped after its migration ran: ' +
      'restore it as that migration defines it (or restore the database from a backup)',
    { cause: error },
  );
}

/** The first committed migration whose SQL adds or creates a column of this name, and the column's table. */
async function migrationCreating(column: string): Promise<{ migration: string; table: string | undefined } | undefined> {
  const { migrationDirectories } = await readMigrationsList();
  const quoted = new RegExp(`"${column.replace(/\W/g, '')}"` + String.raw`\s+[A-Z]`);
  for (const d of migrationDirectories) {
    if (d.migrationFile.content.tag !== 'ok') continue;
    const sql = d.migrationFile.content.value;
    const at = sql.search(quoted);
    if (at < 0) continue;
    // The table is the last one the SQL names before the column (ALTER TABLE "t" ADD COLUMN, CREATE TABLE "t" (...)).
    const tables = [...sql.slice(0, at).matchAll(/(?:ALTER|CREATE) TABLE "(\w+)"/g)];
    return { migration: d.path, table: tables.at(-1)?.[1] };
  }
  return undefined;
}
