/** The run ledger against Postgres: its vocabulary enforced, windows belonging to a stream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { createRun, findDoneWindows, insertWindows, markWindowDone, type NewRun } from '../../../src/db/ledger.ts';
import { RUN_STATUSES, WINDOW_STATUSES } from '../../../src/decisions/states.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const T1 = new Date('2026-03-02T00:00:00.000Z');
const T2 = new Date('2026-03-03T00:00:00.000Z');
const RUN_ID = '1f0e2d3c-4b5a-4697-8877-665544332211';
const run: NewRun = { runId: RUN_ID, kind: 'sync', intervalStart: T1, intervalEnd: T2, agentIds: [], planKey: 'ledger-test', host: 'test', pid: 1, startedAt: T1 };
const window = { stream: 'conversations', scopeKey: 'all', scopeAgentIds: [], start: T1, end: T2, lane: 'query' as const };

describe('the run ledger', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
    await createRun(db, run);
  });
  afterAll(async () => database?.drop());

  it('refuses a run status, run kind or window status outside the vocabulary', async () => {
    const [windowId] = await insertWindows(db, RUN_ID, [window]);
    const violation = /violates check constraint/;
    await expect(db.$executeRawUnsafe(`UPDATE sync_runs SET status = 'paused' WHERE run_id = $1::uuid`, RUN_ID)).rejects.toThrow(violation);
    await expect(db.$executeRawUnsafe(`UPDATE sync_runs SET kind = 'resync' WHERE run_id = $1::uuid`, RUN_ID)).rejects.toThrow(violation);
    await expect(db.$executeRawUnsafe(`UPDATE sync_windows SET status = 'skipped' WHERE window_id = $1`, windowId)).rejects.toThrow(violation);
    // Every value of the vocabulary is accepted.
    for (const status of RUN_STATUSES) await db.$executeRawUnsafe(`UPDATE sync_runs SET status = $2 WHERE run_id = $1::uuid`, RUN_ID, status);
    for (const status of WINDOW_STATUSES) await db.$executeRawUnsafe(`UPDATE sync_windows SET status = $2 WHERE window_id = $1`, windowId, status);
  });

  it('files each window under its stream, and finds the done windows of a plan for one stream only', async () => {
    const [conversations] = await insertWindows(db, RUN_ID, [window]);
    const [evaluations] = await insertWindows(db, RUN_ID, [{ ...window, stream: 'evaluations' }]);
    const rows = await db.syncWindow.findMany({ where: { windowId: { in: [conversations!, evaluations!] } }, select: { windowId: true, stream: true, status: true } });
    expect(rows.sort((a, b) => Number(a.windowId - b.windowId))).toEqual([
      { windowId: conversations, stream: 'conversations', status: 'pending' },
      { windowId: evaluations, stream: 'evaluations', status: 'pending' },
    ]);
    await markWindowDone(db, evaluations!, { status: 'done', lane: 'query', totalHits: 0, idsReceived: 0, pages: 1, conversationsWritten: 0, recordsRejected: 0, at: T2 });
    const planKey = (await db.syncRun.findUniqueOrThrow({ where: { runId: RUN_ID }, select: { planKey: true } })).planKey;
    expect([...(await findDoneWindows(db, planKey, 'evaluations')).keys()]).toEqual(['all']);
    expect((await findDoneWindows(db, planKey, 'conversations')).size).toBe(0);
  });
});
