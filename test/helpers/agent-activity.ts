/**
 * The agent-activity stream's ground truth and stored rows, in one shape, for tests that compare
 * them: one row per status, keyed (kind, user, start), its end null while open.
 */
import type { Simulator } from '../../src/sim/index.ts';

export type StatusRow = { kind: string; userId: string; start: string; end: string | null; value: string };

const byKey = (a: StatusRow, b: StatusRow) => `${a.kind}|${a.userId}|${a.start}`.localeCompare(`${b.kind}|${b.userId}|${b.start}`);

/** Every status of the simulator's users details API overlapping [from, to), whole and once each, sorted by key. */
export function expectedStatusRows(sim: Simulator, from: Date, to: Date): StatusRow[] {
  const rows: StatusRow[] = [];
  for (const d of sim.expectedActivity({ from, to })) {
    for (const p of d.primaryPresence ?? []) rows.push({ kind: 'presence', userId: d.userId, start: p['startTime']!, end: p['endTime'] ?? null, value: p['systemPresence']! });
    for (const r of d.routingStatus ?? []) rows.push({ kind: 'routing', userId: d.userId, start: r['startTime']!, end: r['endTime'] ?? null, value: r['routingStatus']! });
  }
  return rows.sort(byKey);
}

/** agent_presence and agent_routing_status as StatusRows, sorted by key. */
export async function storedStatusRows(prisma: { $queryRawUnsafe<T>(sql: string): Promise<T> }): Promise<StatusRow[]> {
  const rows = await prisma.$queryRawUnsafe<StatusRow[]>(`
    SELECT 'presence' AS kind, user_id AS "userId", to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start,
           to_char(end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "end", system_presence AS value FROM agent_presence
    UNION ALL
    SELECT 'routing', user_id, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           to_char(end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), routing_status FROM agent_routing_status`);
  return rows.sort(byKey);
}
