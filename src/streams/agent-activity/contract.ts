/**
 * The agent-activity stream's record contract at the boundary. A users details entry
 * (`AnalyticsUserDetail`: one user's presence and routing statuses on one page) is not what is
 * stored: each STATUS is. So an entry is read once, where its page arrives, into one record per
 * status, keyed `<kind>|<userId>|<startTime as ISO>` (the row key (user_id, start_time) of
 * agent_presence or agent_routing_status, prefixed by the table) and checked alone against the
 * users details contract (src/genesys/schemas.ts parseUserDetail): one bad status is quarantined
 * under its own key, its siblings are stored.
 *
 * The record's time is what places it in a window (the runner keeps a record whose time lies in
 * the window it came through). The API matches statuses by overlap, so a status crossing a window
 * edge comes back in both windows, whole: its time is its start clamped into the window that read
 * it, so every window that reads a status upserts it, and the later read (which may bring its
 * end) is never thrown away. The rows are keyed by (user, start), so it is stored once
 * (src/db/agent-activity.ts: the version with the latest end wins).
 */
import type { RejectedRecord, StreamRecord } from '../../db/stream-writer.ts';
import type { Window } from '../../decisions/windows.ts';
import { parseUserDetail } from '../../genesys/schemas.ts';
import type { RecordsRead } from '../../pipeline/lanes/read-records.ts';

type StatusKind = 'presence' | 'routing';

/** What a status record carries for the writer: whose status, which kind, and the status object as received. */
interface StatusRaw {
  userId: string;
  kind: StatusKind;
  status: Record<string, unknown>;
}

const ARRAYS: ReadonlyArray<readonly [StatusKind, 'primaryPresence' | 'routingStatus']> = [
  ['presence', 'primaryPresence'],
  ['routing', 'routingStatus'],
];

/** The record key of a status (also the reject key of a refused one). */
function statusKey(kind: StatusKind, userId: string, startMs: number): string {
  return `${kind}|${userId}|${new Date(startMs).toISOString()}`;
}

/** Reads one page's users details entries into status records placed in `window`, and what cannot be read. */
export function readUserDetails(raws: readonly unknown[], window: Window): RecordsRead {
  const out: RecordsRead = { records: [], rejects: [] };
  for (const raw of raws) readUserDetail(raw, window, out);
  return out;
}

function readUserDetail(raw: unknown, window: Window, out: RecordsRead): void {
  const entry = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  const userId = entry?.['userId'];
  if (entry === undefined || typeof userId !== 'string' || userId === '') {
    const parsed = parseUserDetail(raw);
    out.rejects.push({ recordId: undefined, raw, problem: parsed.ok ? 'userId: missing' : parsed.problem });
    return;
  }
  for (const [kind, field] of ARRAYS) {
    const list = entry[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      out.rejects.push({ recordId: `${kind}|${userId}`, raw, problem: `${field}: expected an array` });
      continue;
    }
    for (const status of list) readStatus(userId, kind, field, status, window, out);
  }
}

function readStatus(userId: string, kind: StatusKind, field: string, status: unknown, window: Window, out: RecordsRead): void {
  const parsed = parseUserDetail({ userId, [field]: [status] });
  const startMs = Date.parse(String((status as { startTime?: unknown } | null)?.startTime));
  const recordId = Number.isFinite(startMs) ? statusKey(kind, userId, startMs) : undefined;
  if (!parsed.ok || recordId === undefined) {
    const reject: RejectedRecord = { recordId, raw: { userId, [field]: [status] }, problem: parsed.ok ? `${field}: startTime unreadable` : parsed.problem };
    out.rejects.push(reject);
    return;
  }
  const record: StreamRecord = { id: recordId, timeMs: placeIn(startMs, window), raw: { userId, kind, status: status as Record<string, unknown> } satisfies StatusRaw };
  out.records.push(record);
}

/** A status's time for the runner: its start, clamped into the window that read it (see the top of this file). */
function placeIn(startMs: number, window: Window): number {
  return Math.min(Math.max(startMs, window.start.getTime()), window.end.getTime() - 1);
}
