/**
 * Deletions upstream (docs/sync.md §18): after a read of a window has passed the paging proof,
 * the conversations stored in that window's [start, end) and scope that the read did not
 * return were erased at Genesys (a GDPR erasure, the nightly reprocessing). No id set is kept
 * in memory: every write touches last_synced_at of each conversation it receives (unchanged
 * ones included; a stale one was stored by a later fetch, so its last_synced_at is later
 * still), so a stored conversation of the window whose last_synced_at is older than the read's
 * start was not returned. Ids quarantined by the window are excluded (the read returned them,
 * unstorable), and a window holding a reject without a readable id is not judged at all (that
 * record could be any of them).
 *
 * One transaction: count, the safety valve (more than `maxFraction` of the window's stored
 * conversations absent: nothing is applied, the caller fails the run), then the absent ids are
 * locked in the writer's order (the writer's advisory locks, so a concurrent write and the
 * judgement queue instead of deadlocking) and marked (deleted_at, last_changed_at) or purged
 * (the row and, in the same statement, its children). A mark also moves fetched_at to the read's start, so a
 * page fetched before this read (a slower run) cannot bring the erased version back.
 */
import { arrayLiteral } from './array-literal.ts';
import { poolOf, type Db } from './client.ts';
import { lockConversationIds } from './conversations.ts';
import { deleteChildrenCtes } from './conversation-children.ts';
import { inSqlTransaction, type SqlTx } from './sql-transaction.ts';

export type DeleteMode = 'mark' | 'purge' | 'off';

export interface AbsenceQuestion {
  windowId: bigint;
  start: Date;
  end: Date;
  /** The scope's agents (empty: every agent). For a group, only conversations one of them took part in as an agent. */
  agentIds: readonly string[];
  /** When the read began (the run's start): what the read returned has a later last_synced_at. */
  readStartedAt: Date;
  mode: Exclude<DeleteMode, 'off'>;
  /** Above this share of the window's stored conversations, nothing is applied. */
  maxFraction: number;
  at: Date;
}

export type AbsenceVerdict =
  | { kind: 'applied'; stored: number; deleted: number }
  | { kind: 'withheld'; stored: number; absent: number }
  | { kind: 'unjudged'; reason: string };

/** The stored conversations of the window and scope; `$1`–`$3`: start, end, agent ids. */
const IN_SCOPE = `conversation_start >= $1 AND conversation_start < $2
   AND (cardinality($3::text[]) = 0 OR agent_user_ids && $3::text[])`;

export async function judgeAbsences(db: Db, q: AbsenceQuestion): Promise<AbsenceVerdict> {
  return inSqlTransaction(poolOf(db), (tx) => judgeInTransaction(tx, q), { maxWaitMs: 60_000, statementTimeoutMs: 300_000 });
}

async function judgeInTransaction(tx: SqlTx, q: AbsenceQuestion): Promise<AbsenceVerdict> {
  const rejects = await tx.$queryRawUnsafe<{ unnamed: number }[]>(
    `SELECT count(*)::int AS unnamed FROM sync_rejects WHERE window_id = $1 AND conversation_id IS NULL`,
    q.windowId,
  );
  if ((rejects[0]?.unnamed ?? 0) > 0) return { kind: 'unjudged', reason: 'the window quarantined a record whose id could not be read' };
  // In mark mode a conversation already marked is neither stored nor absent again; purge removes marked ones too.
  const live = q.mode === 'mark' ? 'AND deleted_at IS NULL' : '';
  const params = [q.start, q.end, arrayLiteral([...q.agentIds]), q.readStartedAt, q.windowId];
  const rows = await tx.$queryRawUnsafe<{ stored: number; absent: string[] | null }[]>(
    `SELECT count(*)::int AS stored,
            array_agg(conversation_id) FILTER (WHERE last_synced_at < $4
              AND conversation_id NOT IN (SELECT conversation_id FROM sync_rejects WHERE window_id = $5 AND conversation_id IS NOT NULL)) AS absent
       FROM conversations WHERE ${IN_SCOPE} ${live}`,
    ...params,
  );
  const stored = rows[0]?.stored ?? 0;
  const absent = rows[0]?.absent ?? [];
  if (absent.length === 0) return { kind: 'applied', stored, deleted: 0 };
  if (absent.length > q.maxFraction * stored) return { kind: 'withheld', stored, absent: absent.length };
  const ids = arrayLiteral(absent);
  await lockConversationIds(tx, ids);
  // Checked again under the locks: a write that committed meanwhile moved last_synced_at.
  const still = `conversation_id = ANY($1::text[]) AND last_synced_at < $2 ${live}`;
  const deleted =
    q.mode === 'purge'
      ? await purgeConversations(tx, still, ids, q.readStartedAt)
      : await tx.$executeRawUnsafe(
          `UPDATE conversations SET deleted_at = $3, last_changed_at = $3, fetched_at = GREATEST(fetched_at, $2) WHERE ${still}`,
          ids,
          q.readStartedAt,
          q.at,
        );
  return { kind: 'applied', stored, deleted };
}

/** Deletes the conversations `where` selects and, in the same statement, their children (no foreign key cascades: conversation-children.ts). */
async function purgeConversations(tx: SqlTx, where: string, ...params: unknown[]): Promise<number> {
  const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
    `WITH gone AS (DELETE FROM conversations WHERE ${where} RETURNING conversation_id),
          ${deleteChildrenCtes('conversation_id IN (SELECT conversation_id FROM gone)').join(',\n          ')}
     SELECT count(*)::int AS n FROM gone`,
    ...params,
  );
  return rows[0]?.n ?? 0;
}
