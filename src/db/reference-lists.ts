/**
 * The reference tables (queues, wrap_up_codes, divisions, skills, languages): names for the
 * ids in conversation records. One set-based writer serves all five; a table differs only
 * in its id column and the few fields it projects (raw keeps everything). An entry Genesys
 * stops listing keeps its row and name with `active = false`, because older conversations
 * still reference it. See docs/schema.md "Reference tables".
 */
import { ColumnLiterals } from './array-literal.ts';
import type { Db } from './client.ts';
import { findUnstorableCharacter } from './extract.ts';

export type ReferenceTable = 'queues' | 'wrap_up_codes' | 'divisions' | 'skills' | 'languages' | 'presence_definitions';

type Entry = { id: string; [key: string]: unknown };

interface TableSpec {
  readonly idColumn: string;
  /** Projected text columns besides the id, each read from the entry. */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly read: (entry: Entry) => string | null; readonly sqlType?: 'boolean' }>;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
/** `division: {id, name, selfUri}` on queues and wrap-up codes. */
const divisionId = (entry: Entry): string | null => {
  const division = entry['division'];
  return typeof division === 'object' && division !== null ? text((division as Record<string, unknown>)['id']) : null;
};

const TABLES: Readonly<Record<ReferenceTable, TableSpec>> = {
  queues: {
    idColumn: 'queue_id',
    columns: [
      { name: 'name', read: (e) => text(e['name']) },
      { name: 'division_id', read: divisionId },
      { name: 'description', read: (e) => text(e['description']) },
    ],
  },
  wrap_up_codes: {
    idColumn: 'wrap_up_code_id',
    columns: [
      { name: 'name', read: (e) => text(e['name']) },
      { name: 'division_id', read: divisionId },
    ],
  },
  divisions: {
    idColumn: 'division_id',
    columns: [
      { name: 'name', read: (e) => text(e['name']) },
      { name: 'description', read: (e) => text(e['description']) },
    ],
  },
  skills: { idColumn: 'skill_id', columns: [{ name: 'name', read: (e) => text(e['name']) }, { name: 'state', read: (e) => text(e['state']) }] },
  languages: { idColumn: 'language_id', columns: [{ name: 'name', read: (e) => text(e['name']) }, { name: 'state', read: (e) => text(e['state']) }] },
  // The org's presences (agent_presence.organization_presence_id), listed with deleted=all.
  presence_definitions: {
    idColumn: 'presence_id',
    columns: [
      { name: 'system_presence', read: (e) => text(e['systemPresence']) },
      { name: 'label', read: (e) => text(e['name']) ?? labelOf(e) },
      { name: 'deactivated', read: (e) => (typeof e['deactivated'] === 'boolean' ? String(e['deactivated']) : null), sqlType: 'boolean' },
    ],
  },
};

/** A presence without a name: its first language label. */
function labelOf(entry: Entry): string | null {
  const labels = entry['languageLabels'];
  if (typeof labels !== 'object' || labels === null) return null;
  return text(Object.values(labels as Record<string, unknown>)[0]);
}

/** Entries per statement: bounds one statement's parameters (raw is well under 1 KB per entry). */
const ENTRIES_PER_STATEMENT = 1_000;

/** An entry that cannot be stored (no id, or text Postgres cannot hold). */
export class InvalidReferenceEntryError extends Error {
  override readonly name = 'InvalidReferenceEntryError';
  readonly code = 'INVALID_REFERENCE_ENTRY';
  constructor(readonly table: ReferenceTable, readonly entryId: string | undefined, readonly problem: string) {
    super(`${table} entry ${entryId ?? '(no id)'}: ${problem}`);
  }
}

export interface ReplaceResult {
  /** Distinct entries written (all active now). */
  listed: number;
  /** Rows that were active and are no longer listed: now inactive. */
  deactivated: number;
}

/**
 * Writes the complete current list of `table` in one transaction: each entry is inserted or
 * updated (columns, raw, last_seen_at = at, active again), and every other row still active
 * is marked inactive. Call it only with a list that was read to its last page: a partial
 * list would deactivate entries that still exist. An id repeated in the list: the later wins.
 * An entry without an id fails the call, writing nothing.
 */
export async function replaceReferenceList(db: Db, table: ReferenceTable, entries: readonly Entry[], at: Date): Promise<ReplaceResult> {
  const spec = TABLES[table];
  const byId = new Map<string, { entry: Entry; rawJson: string }>();
  for (const entry of entries) {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw new InvalidReferenceEntryError(table, undefined, 'id is required');
    const rawJson = JSON.stringify(entry);
    const unstorable = findUnstorableCharacter(rawJson);
    if (unstorable) throw new InvalidReferenceEntryError(table, id, unstorable);
    byId.set(id, { entry, rawJson });
  }
  // Sorted: concurrent refreshes (two workers) lock the same rows in the same order.
  const ids = [...byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const names = spec.columns.map((c) => c.name);
  const n = names.length;
  const arrays = Array.from({ length: n + 1 }, (_, i) => `$${i + 1}::text[]`).join(', ');
  const sql = `INSERT INTO ${table} AS t (${spec.idColumn}, ${names.join(', ')}, raw, first_seen_at, last_seen_at, active)
     SELECT u.id, ${spec.columns.map((c) => (c.sqlType ? `u.${c.name}::${c.sqlType}` : `u.${c.name}`)).join(', ')}, r.raw, to_timestamp($${n + 3}::float8 / 1000), to_timestamp($${n + 3}::float8 / 1000), true
       FROM unnest(${arrays}) WITH ORDINALITY AS u(id, ${names.join(', ')}, ord)
       JOIN jsonb_array_elements($${n + 2}::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
      ORDER BY u.ord
     ON CONFLICT (${spec.idColumn}) DO UPDATE SET
       ${names.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
       raw = EXCLUDED.raw, last_seen_at = EXCLUDED.last_seen_at, active = true`;
  return db.$transaction(async (tx) => {
    for (let start = 0; start < ids.length; start += ENTRIES_PER_STATEMENT) {
      const chunk = ids.slice(start, start + ENTRIES_PER_STATEMENT).map((id) => byId.get(id)!);
      const cols = new ColumnLiterals(n + 1);
      for (const { entry } of chunk) cols.row([entry.id, ...spec.columns.map((c) => c.read(entry))]);
      await tx.$executeRawUnsafe(sql, ...cols.literals(), `[${chunk.map((c) => c.rawJson).join(',')}]`, at.getTime());
    }
    // Rows not listed keep their name and last_seen_at: history still needs them.
    const deactivated = await tx.$executeRawUnsafe(
      `UPDATE ${table} SET active = false WHERE active AND NOT (${spec.idColumn} = ANY($1::text[]))`,
      ids,
    );
    return { listed: ids.length, deactivated };
  }, { maxWait: 60_000, timeout: 120_000 });
}

type RefreshStatus = 'ok' | 'forbidden' | 'failed';

export interface RefreshOutcome {
  list: ReferenceTable;
  status: RefreshStatus;
  permission: string;
  /** Entries listed (status ok). */
  entries?: number | undefined;
  error?: string | undefined;
}

/** Records the outcome of one list's refresh; `last_success_at` moves only on success. */
export async function recordReferenceRefresh(db: Db, outcome: RefreshOutcome, at: Date): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO reference_list_refreshes (list, status, refreshed_at, entries, permission, error, last_success_at)
     VALUES ($1::text, $2::text, to_timestamp($3::float8 / 1000), $4::int, $5::text, $6::text, CASE WHEN $2::text = 'ok' THEN to_timestamp($3::float8 / 1000) END)
     ON CONFLICT (list) DO UPDATE SET
       status = EXCLUDED.status, refreshed_at = EXCLUDED.refreshed_at, entries = EXCLUDED.entries,
       permission = EXCLUDED.permission, error = EXCLUDED.error,
       last_success_at = COALESCE(EXCLUDED.last_success_at, reference_list_refreshes.last_success_at)`,
    outcome.list, outcome.status, at.getTime(), outcome.entries ?? null, outcome.permission, outcome.error ?? null,
  );
}
