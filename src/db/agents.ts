/**
 * The `agents` table: users from `GET /api/v2/users` (active, inactive and deleted), so that
 * analysts can name the agents of old conversations. Refreshed whole at the start of a run,
 * in one transaction, with one set-based statement per chunk of users.
 * https://developer.genesys.cloud/useragentman/users/
 */
import type { Db } from './client.ts';
import { findUnstorableCharacter } from './extract.ts';
import { col, defineTable, type RowOf } from './table-spec.ts';

/** A user as the API returns it; only these fields are projected, `raw` keeps everything. */
export interface AgentRecord {
  id: string;
  name?: string;
  username?: string;
  email?: string;
  state?: string;
  division?: { id?: string; name?: string; [key: string]: unknown };
  department?: string;
  title?: string;
  manager?: { id?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Users per statement: bounds the size of one statement's parameters (raw is ~1-2 KB per user). */
const USERS_PER_STATEMENT = 1_000;

/** A user object that cannot be stored (no id, or text Postgres cannot hold). */
export class InvalidAgentError extends Error {
  override readonly name = 'InvalidAgentError';
  readonly code = 'INVALID_AGENT';
  constructor(readonly userId: string | undefined, readonly problem: string) {
    super(`user ${userId ?? '(no id)'}: ${problem}`);
  }
}

/** The projected columns of `agents` (raw and synced_at travel on their own). */
const AGENTS = defineTable('agents', {
  userId: col.text('user_id'),
  name: col.text('name').orNull,
  username: col.text('username').orNull,
  email: col.text('email').orNull,
  state: col.text('state').orNull,
  divisionId: col.text('division_id').orNull,
  divisionName: col.text('division_name').orNull,
  department: col.text('department').orNull,
  title: col.text('title').orNull,
  managerId: col.text('manager_id').orNull,
});

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const child = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function agentRow(user: AgentRecord): RowOf<typeof AGENTS> {
  const division = child(user.division);
  return {
    userId: user.id, name: text(user.name), username: text(user.username), email: text(user.email), state: text(user.state),
    divisionId: text(division.id), divisionName: text(division.name), department: text(user.department),
    title: text(user.title), managerId: text(child(user.manager).id),
  };
}

const COLUMN_COUNT = AGENTS.names.length;
/** Upserts one chunk: raw as one JSON array parameter joined by position, synced_at the last parameter. */
const UPSERT_AGENTS_SQL = `INSERT INTO agents AS a (${AGENTS.names.join(', ')}, raw, synced_at)
   SELECT ${AGENTS.selectList('u')}, r.raw, to_timestamp($${COLUMN_COUNT + 2}::float8 / 1000)
     FROM unnest(${AGENTS.unnestParams(1)}) WITH ORDINALITY AS u(${AGENTS.names.join(', ')}, ord)
     JOIN jsonb_array_elements($${COLUMN_COUNT + 1}::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
    ORDER BY u.ord
   ON CONFLICT (user_id) DO UPDATE SET
     ${AGENTS.names.filter((n) => n !== 'user_id').map((n) => `${n} = EXCLUDED.${n}`).join(', ')},
     raw = EXCLUDED.raw, synced_at = EXCLUDED.synced_at`;

/**
 * Upserts `users` on user_id (raw replaced, columns updated, synced_at = syncedAt) and returns
 * the number of distinct users written. An id repeated in the list: the later object wins.
 * Fields of an unexpected type are stored as NULL in their column (raw still has them);
 * a user without an id fails the whole call, writing nothing.
 */
export async function upsertAgents(db: Db, users: readonly AgentRecord[], syncedAt: Date): Promise<number> {
  const byId = new Map<string, { user: AgentRecord; rawJson: string }>();
  for (const user of users) {
    const id = (user as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw new InvalidAgentError(undefined, 'id is required');
    const rawJson = JSON.stringify(user);
    const unstorable = findUnstorableCharacter(rawJson);
    if (unstorable) throw new InvalidAgentError(id, unstorable);
    byId.set(id, { user, rawJson });
  }
  if (byId.size === 0) return 0;
  // Sorted: concurrent refreshes lock the same rows in the same order.
  const ids = [...byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  await db.$transaction(async (tx) => {
    for (let start = 0; start < ids.length; start += USERS_PER_STATEMENT) {
      const chunk = ids.slice(start, start + USERS_PER_STATEMENT).map((id) => byId.get(id)!);
      await tx.$executeRawUnsafe(
        UPSERT_AGENTS_SQL,
        ...AGENTS.literals(chunk.map(({ user }) => agentRow(user))),
        `[${chunk.map((c) => c.rawJson).join(',')}]`,
        syncedAt.getTime(),
      );
    }
  }, { maxWait: 60_000, timeout: 120_000 });
  return ids.length;
}
