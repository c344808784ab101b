/**
 * The `agents` table: users from `GET /api/v2/users` (active, inactive and deleted), so that
 * analysts can name the agents of old conversations. Refreshed whole at the start of a run,
 * in one transaction, with one set-based statement per chunk of users.
 * https://developer.genesys.cloud/useragentman/users/
 */
import { ColumnLiterals } from './array-literal.ts';
import type { Db } from './client.ts';
import { findUnstorableCharacter } from './extract.ts';

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

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const child = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

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
      const cols = new ColumnLiterals(10);
      for (const { user } of chunk) {
        const division = child(user.division);
        cols.row([user.id, text(user.name), text(user.username), text(user.email), text(user.state),
          text(division.id), text(division.name), text(user.department), text(user.title), text(child(user.manager).id)]);
      }
      await tx.$executeRawUnsafe(
        `INSERT INTO agents AS a (user_id, name, username, email, state, division_id, division_name,
           department, title, manager_id, raw, synced_at)
         SELECT u.id, u.name, u.username, u.email, u.state, u.division_id, u.division_name,
                u.department, u.title, u.manager_id, r.raw, to_timestamp($12::float8 / 1000)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::text[])
                WITH ORDINALITY AS u(id, name, username, email, state, division_id, division_name,
                                     department, title, manager_id, ord)
           JOIN jsonb_array_elements($11::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
          ORDER BY u.ord
         ON CONFLICT (user_id) DO UPDATE SET
           name = EXCLUDED.name, username = EXCLUDED.username, email = EXCLUDED.email,
           state = EXCLUDED.state, division_id = EXCLUDED.division_id, division_name = EXCLUDED.division_name,
           department = EXCLUDED.department, title = EXCLUDED.title, manager_id = EXCLUDED.manager_id,
           raw = EXCLUDED.raw, synced_at = EXCLUDED.synced_at`,
        ...cols.literals(),
        `[${chunk.map((c) => c.rawJson).join(',')}]`,
        syncedAt.getTime(),
      );
    }
  }, { maxWait: 60_000, timeout: 120_000 });
  return ids.length;
}
