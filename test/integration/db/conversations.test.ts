import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle, Db } from '../../../src/db/client.ts';
import { MAX_BATCH_CONVERSATIONS, isTransientConflict } from '../../../src/db/conversations.ts';
import type { ConversationRecord } from '../../../src/db/extract.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import {
  VOICE_ID,
  WRAP_UP_ADA,
  WRAP_UP_BEN,
  firstSession,
  liveVoiceConversation,
  participant,
  voiceConversation,
  voicePage,
  withConversationId,
} from '../../fixtures/db/conversations.ts';
import { writeRecords } from './write-records.ts';
import { CONVERSATION_TABLES } from '../../../src/db/conversation-children.ts';

const CHILD_TABLES = ['participants', 'sessions', 'segments', 'session_metrics'] as const;
const T1 = new Date('2026-03-02T10:00:00.000Z');
const T2 = new Date('2026-03-03T02:00:00.000Z');
const T3 = new Date('2026-03-04T02:00:00.000Z');

async function counts(db: Db): Promise<Record<string, number>> {
  const [row] = await db.$queryRawUnsafe<Record<string, number>[]>(
    `SELECT ${['conversations', ...CHILD_TABLES].map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`,
  );
  return row!;
}

/** Every row of every table, in a stable order: "the database" for before/after comparisons. */
async function dump(db: Db): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const table of ['conversations', ...CHILD_TABLES]) {
    out.push(await db.$queryRawUnsafe(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`));
  }
  return out;
}

async function syncTimes(db: Db, id: string) {
  const [row] = await db.$queryRawUnsafe<{ first: Date; last: Date; changed: Date; hash: string }[]>(
    `SELECT first_synced_at AS first, last_synced_at AS last, last_changed_at AS changed, raw_hash AS hash
       FROM conversations WHERE conversation_id = $1`,
    id,
  );
  return row!;
}

describe('the conversation writer', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open();
    db = handle.prisma;
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await db.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}`);
  });

  it('stores every row of a first write, with the extracted columns', async () => {
    const result = await writeRecords(db, [voiceConversation()], { syncedAt: T1 });
    expect(result).toEqual({ storedIds: [VOICE_ID], changed: 1, unchanged: 0, stale: 0, rejected: [], rejectsResolved: 0 });
    expect(await counts(db)).toEqual({ conversations: 1, participants: 5, sessions: 5, segments: 14, session_metrics: 25 });

    const conversation = await db.conversation.findUniqueOrThrow({ where: { conversationId: VOICE_ID } });
    expect(conversation).toMatchObject({
      conversationStart: new Date('2026-03-02T09:14:03.117Z'),
      conversationEnd: new Date('2026-03-02T09:21:55.002Z'),
      originatingDirection: 'inbound',
      conversationInitiator: 'customer',
      externalTag: 'CRM-48213',
      divisionIds: ['0d5e4f3a-2b1c-4a9d-8e7f-6a5b4c3d2e1f'],
      mediaTypes: ['voice'],
      agentUserIds: ['0a9e0001-1111-4aaa-8bbb-cccccccccc01', '0a9e0002-2222-4aaa-8bbb-cccccccccc02'],
      firstSyncedAt: T1,
      lastSyncedAt: T1,
      lastChangedAt: T1,
    });
    expect(conversation.rawHash).toMatch(/^[0-9a-f]{32}$/);

    const wrapup = await db.segment.findFirstOrThrow({ where: { conversationId: VOICE_ID, wrapUpCode: WRAP_UP_ADA } });
    expect(wrapup).toMatchObject({
      sessionId: '5e551011-0004-4000-8000-00000000c004',
      segmentIndex: 4,
      participantId: 'a1b2c3d4-0004-4000-8000-000000000004',
      segmentStart: new Date('2026-03-02T09:19:40.250Z'),
      segmentEnd: new Date('2026-03-02T09:20:10.250Z'),
      segmentType: 'wrapup',
      wrapUpNote: 'Billing question, transferred to Billing',
      conference: false,
    });
    const handleMetric = await db.sessionMetric.findFirstOrThrow({ where: { conversationId: VOICE_ID, sessionId: '5e551011-0004-4000-8000-00000000c004', name: 'tHandle' } });
    expect(handleMetric).toMatchObject({ metricIndex: 9, value: 302246n, emitDate: new Date('2026-03-02T09:20:10.250Z') });
    const ivr = await db.session.findFirstOrThrow({ where: { conversationId: VOICE_ID, participantId: 'a1b2c3d4-0002-4000-8000-000000000002' } });
    expect(ivr).toMatchObject({ flowId: 'f10f0000-1111-4222-8333-444444444444', flowName: 'Main IVR', sessionIndex: 0 });
    const ben = await db.participant.findFirstOrThrow({ where: { conversationId: VOICE_ID, participantName: 'Ben Berg' } });
    expect(ben).toMatchObject({ participantIndex: 4, purpose: 'agent', flaggedReason: 'general', teamId: '7ea70000-0000-4000-8000-000000000002' });
  });

  it('stores raw exactly: deep-equal to the input, unknown and null fields included', async () => {
    const record = voiceConversation();
    await writeRecords(db, [record], { syncedAt: T1 });
    const stored = await db.conversation.findUniqueOrThrow({ where: { conversationId: VOICE_ID }, select: { raw: true } });
    expect(stored.raw).toStrictEqual(voiceConversation());
    expect((stored.raw as { futureInsights: unknown }).futureInsights).toStrictEqual(record.futureInsights);
  });

  it('changes nothing when the same data is written again, except last_synced_at', async () => {
    await writeRecords(db, [voiceConversation()], { syncedAt: T1 });
    const before = await dump(db);
    const countsBefore = await counts(db);
    const physical = () => db.$queryRawUnsafe(
      `SELECT ${CHILD_TABLES.map((t) => `(SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM ${t}) AS ${t}`).join(', ')}`,
    );
    const rowVersionsBefore = await physical();
    const result = await writeRecords(db, [voiceConversation()], { syncedAt: T2 });
    expect(result).toEqual({ storedIds: [VOICE_ID], changed: 0, unchanged: 1, stale: 0, rejected: [], rejectsResolved: 0 });
    expect(await counts(db)).toEqual(countsBefore);
    const times = await syncTimes(db, VOICE_ID);
    expect(times).toMatchObject({ first: T1, last: T2, changed: T1 });
    // Children not even rewritten: the same physical row versions.
    expect(await physical()).toEqual(rowVersionsBefore);
    expect((await dump(db)).slice(1)).toEqual(before.slice(1));
  });

  it('replaces the children of a changed version, leaving no stale rows', async () => {
    await writeRecords(db, [liveVoiceConversation()], { syncedAt: T1 });
    expect(await counts(db)).toMatchObject({ segments: 13, session_metrics: 20 });
    const live = await db.conversation.findUniqueOrThrow({ where: { conversationId: VOICE_ID } });
    expect(live.conversationEnd).toBeNull();

    // Later: the call ended, Ada's wrap-up was re-coded and Genesys dropped the customer's IVR segment.
    const ended = voiceConversation();
    firstSession(participant(ended, 'Ada Abara')).segments![4]!.wrapUpCode = WRAP_UP_BEN;
    const customer = firstSession(participant(ended, 'customer'));
    customer.segments = customer.segments!.slice(1);
    const result = await writeRecords(db, [ended], { syncedAt: T2 });
    expect(result).toEqual({ storedIds: [VOICE_ID], changed: 1, unchanged: 0, stale: 0, rejected: [], rejectsResolved: 0 });

    expect(await counts(db)).toEqual({ conversations: 1, participants: 5, sessions: 5, segments: 13, session_metrics: 25 });
    const times = await syncTimes(db, VOICE_ID);
    expect(times).toMatchObject({ first: T1, last: T2, changed: T2 });
    const conversation = await db.conversation.findUniqueOrThrow({ where: { conversationId: VOICE_ID } });
    expect(conversation.conversationEnd).toEqual(new Date('2026-03-02T09:21:55.002Z'));
    expect(conversation.raw).toStrictEqual(ended);

    const customerSegments = await db.segment.findMany({
      where: { conversationId: VOICE_ID, sessionId: customer.sessionId },
      orderBy: { segmentIndex: 'asc' },
    });
    expect(customerSegments.map((g) => [g.segmentIndex, g.segmentStart.toISOString()])).toEqual([
      [0, '2026-03-02T09:14:41.530Z'],
      [1, '2026-03-02T09:17:30.000Z'],
      [2, '2026-03-02T09:18:15.500Z'],
    ]);
    const wrapUps = await db.segment.findMany({ where: { conversationId: VOICE_ID, segmentType: 'wrapup' }, orderBy: { segmentStart: 'asc' } });
    expect(wrapUps.map((g) => g.wrapUpCode)).toEqual([WRAP_UP_BEN, WRAP_UP_BEN]);
    const benSegments = await db.segment.findMany({ where: { conversationId: VOICE_ID, participantId: 'a1b2c3d4-0005-4000-8000-000000000005' } });
    expect(benSegments.every((g) => g.segmentEnd !== null)).toBe(true);

    // And a third, unchanged write keeps last_changed_at at the change.
    await writeRecords(db, [structuredClone(ended)], { syncedAt: T3 });
    expect(await syncTimes(db, VOICE_ID)).toMatchObject({ first: T1, last: T3, changed: T2 });
  });

  it('keeps the later record when an id appears twice in one batch', async () => {
    const first = voiceConversation();
    const second = voiceConversation();
    second.externalTag = 'CRM-LATER';
    firstSession(participant(second, 'Ben Berg')).segments!.pop();
    const other = withConversationId(voiceConversation(), 'other-conversation');
    const result = await writeRecords(db, [first, other, second], { syncedAt: T1 });
    expect(result).toMatchObject({ changed: 2, unchanged: 0, stale: 0, rejected: [] });
    expect([...result.storedIds].sort()).toEqual(['other-conversation', VOICE_ID].sort());
    expect(await counts(db)).toEqual({ conversations: 2, participants: 10, sessions: 10, segments: 27, session_metrics: 50 });
    const stored = await db.conversation.findUniqueOrThrow({ where: { conversationId: VOICE_ID } });
    expect(stored.externalTag).toBe('CRM-LATER');
    expect(stored.raw).toStrictEqual(second);
  });

  it('mixes new, changed and unchanged conversations in one batch', async () => {
    const page = voicePage(6, 'mix');
    await writeRecords(db, page.slice(0, 4), { syncedAt: T1 });
    const next = page.map((c) => structuredClone(c));
    next[1]!.externalTag = 'changed';
    const result = await writeRecords(db, next, { syncedAt: T2 });
    expect(result).toMatchObject({ changed: 3, unchanged: 3, stale: 0, rejected: [] });
    expect(result.storedIds).toHaveLength(6);
    const rows = await db.conversation.findMany({ orderBy: { conversationId: 'asc' } });
    expect(rows.map((r) => [r.conversationId, r.lastChangedAt.toISOString(), r.lastSyncedAt.toISOString()])).toEqual([
      ['mix-0000', T1.toISOString(), T2.toISOString()],
      ['mix-0001', T2.toISOString(), T2.toISOString()],
      ['mix-0002', T1.toISOString(), T2.toISOString()],
      ['mix-0003', T1.toISOString(), T2.toISOString()],
      ['mix-0004', T2.toISOString(), T2.toISOString()],
      ['mix-0005', T2.toISOString(), T2.toISOString()],
    ]);
    expect(await counts(db)).toEqual({ conversations: 6, participants: 30, sessions: 30, segments: 84, session_metrics: 150 });
  });

  it('writes the good records of a batch and returns the bad one, named, untouched in the tables', async () => {
    await writeRecords(db, voicePage(3, 'ok'), { syncedAt: T1 });
    const changed = voicePage(3, 'ok').map((c) => ({ ...c, externalTag: 'changed' }));
    const bad = withConversationId(voiceConversation(), 'bad-one');
    firstSession(participant(bad, 'Ben Berg')).segments![1]!.segmentStart = 'not a date';
    const result = await writeRecords(db, [...changed, bad, ...voicePage(2, 'new')], { syncedAt: T2 });
    expect(result).toMatchObject({ changed: 5, unchanged: 0, stale: 0 });
    expect(result.storedIds).not.toContain('bad-one');
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ recordId: 'bad-one', raw: bad });
    expect(result.rejected[0]!.problem).toContain('segmentStart');
    expect(await db.conversation.count({ where: { conversationId: 'bad-one' } })).toBe(0);
    expect(await db.conversation.count({ where: { externalTag: 'changed' } })).toBe(3);
  });

  it('refuses a record with text Postgres cannot store, writing the rest', async () => {
    const nul = withConversationId(voiceConversation(), 'nul-one');
    (nul as Record<string, unknown>).note = 'bad\u0000byte';
    const surrogate = withConversationId(voiceConversation(), 'half-emoji');
    (surrogate as Record<string, unknown>).note = 'half an emoji \ud83d';
    const result = await writeRecords(db, [voiceConversation(), nul, surrogate], { syncedAt: T1 });
    expect(result).toMatchObject({ storedIds: [VOICE_ID], changed: 1 });
    expect(result.rejected.map((r) => [r.recordId, r.problem])).toEqual([
      ['half-emoji', expect.stringContaining('unpaired UTF-16 surrogate')],
      ['nul-one', expect.stringContaining('NUL')],
    ]);
    expect(await counts(db)).toMatchObject({ conversations: 1 });
  });

  it('never lets a version fetched earlier replace one fetched later, even when it commits later', async () => {
    const newer = { ...voiceConversation(), externalTag: 'newer' };
    const older = { ...voiceConversation(), externalTag: 'older' };
    const fetchedEarly = new Date(T1.getTime() + 1_000);
    const fetchedLate = new Date(T1.getTime() + 2_000);
    await writeRecords(db, [newer], { syncedAt: T2, fetchedAt: fetchedLate });
    const segmentsBefore = await db.segment.count();
    const result = await writeRecords(db, [older], { syncedAt: T2, fetchedAt: fetchedEarly });
    expect(result).toMatchObject({ storedIds: [VOICE_ID], changed: 0, unchanged: 0, stale: 1 });
    const row = await db.conversation.findUniqueOrThrow({ where: { conversationId: VOICE_ID } });
    expect(row.externalTag).toBe('newer');
    expect(row.fetchedAt).toEqual(fetchedLate);
    expect(await db.segment.count()).toBe(segmentsBefore);
    // A later fetch still wins.
    const latest = await writeRecords(db, [older], { syncedAt: T2, fetchedAt: new Date(fetchedLate.getTime() + 1) });
    expect(latest).toMatchObject({ changed: 1, stale: 0 });
  });

  it('keeps participant attributes from a job result when a later query read carries none', async () => {
    const fromJob = voiceConversation();
    const ada = participant(fromJob, 'Ada Abara') as Record<string, unknown>;
    ada.attributes = { accountNumber: '12345', intent: 'billing' };
    await writeRecords(db, [fromJob], { syncedAt: T1 });
    const fromQuery = { ...voiceConversation(), externalTag: 'query read later' };
    const result = await writeRecords(db, [fromQuery], { syncedAt: T2 });
    expect(result).toMatchObject({ changed: 1 });
    const rows = await db.$queryRawUnsafe<{ participant_id: string; attributes: unknown }[]>(
      `SELECT participant_id, attributes FROM participants WHERE attributes IS NOT NULL`,
    );
    expect(rows).toEqual([{ participant_id: ada.participantId, attributes: { accountNumber: '12345', intent: 'billing' } }]);
  });

  it('runs afterWrite in the same transaction: it commits with the rows, and its failure rolls them back', async () => {
    const runId = '6b3a4f2e-1c0d-4e9f-8a7b-5c4d3e2f1a0b';
    await writeRecords(db, [voiceConversation()], {
      syncedAt: T1,
      afterWrite: async (tx) => {
        const [seen] = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM segments`);
        expect(seen!.n).toBe(14); // sees the uncommitted rows: same transaction
        await tx.$executeRawUnsafe(
          `INSERT INTO sync_runs (run_id, kind, status, interval_start, interval_end, agent_ids, plan_key)
           VALUES ($1::uuid, 'sync', 'running', $2::timestamptz, $3::timestamptz, '{}', 'test')`,
          runId, T1.toISOString(), T2.toISOString(),
        );
      },
    });
    expect(await db.syncRun.count({ where: { runId } })).toBe(1);

    const error = await writeRecords(db, [withConversationId(voiceConversation(), 'rolled-back')], {
      syncedAt: T2,
      afterWrite: async () => {
        throw new Error('ledger unavailable');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('ledger unavailable');
    expect(await db.conversation.count({ where: { conversationId: 'rolled-back' } })).toBe(0);
    await db.syncRun.delete({ where: { runId } });
  });

  it('writes an empty batch as a no-op, and refuses batches beyond the advisory-lock budget', async () => {
    expect(await writeRecords(db, [], { syncedAt: T1 })).toEqual({ storedIds: [], changed: 0, unchanged: 0, stale: 0, rejected: [], rejectsResolved: 0 });
    const error = await writeRecords(db, voicePage(MAX_BATCH_CONVERSATIONS + 1, 'big'), { syncedAt: T1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(await counts(db)).toMatchObject({ conversations: 0 });
  });

  it('lets two concurrent writers of overlapping batches both succeed, each conversation stored once', async () => {
    const other = await database.open(); // a second pool: a second "process"
    const ids = Array.from({ length: 60 }, (_, i) => `race-${String(i).padStart(3, '0')}`);
    const version = (id: string, writer: string, round: number): ConversationRecord => {
      const c = withConversationId(voiceConversation(), id);
      c.externalTag = `${writer}-${round}`;
      if ((round + id.length) % 2 === 0) firstSession(participant(c, 'customer')).segments!.pop();
      return c;
    };
    for (let round = 0; round < 4; round++) {
      // A writes ids 0..39 in one order, B writes 20..59 in the reverse order: 20 shared ids.
      const a = ids.slice(0, 40).map((id) => version(id, 'A', round));
      const b = ids.slice(20).reverse().map((id) => version(id, 'B', round));
      const results = await Promise.all([
        writeRecords(db, a.slice(0, 20), { syncedAt: T1 }).then(async (r1) => [r1, await writeRecords(db, a.slice(20), { syncedAt: T1 })]),
        writeRecords(other.prisma, b.slice(0, 20), { syncedAt: T1 }).then(async (r1) => [r1, await writeRecords(other.prisma, b.slice(20), { syncedAt: T1 })]),
      ]);
      expect(results.flat().every((r) => r.storedIds.length === 20)).toBe(true);
    }
    const c = await counts(db);
    expect(c.conversations).toBe(60);
    // Each conversation holds exactly the children of the version its raw holds.
    const mismatches = await db.$queryRawUnsafe<{ conversation_id: string }[]>(`
      SELECT c.conversation_id FROM conversations c
       WHERE c.external_tag IS DISTINCT FROM c.raw->>'externalTag'
          OR (SELECT count(*) FROM segments g WHERE g.conversation_id = c.conversation_id)
             <> (SELECT count(*) FROM jsonb_path_query(c.raw, '$.participants[*].sessions[*].segments[*]'))
          OR (SELECT count(*) FROM session_metrics m WHERE m.conversation_id = c.conversation_id) <> 25
          OR (SELECT count(*) FROM participants p WHERE p.conversation_id = c.conversation_id) <> 5`);
    expect(mismatches).toEqual([]);
  });

  it('retries the whole transaction after a deadlock, running afterWrite again', async () => {
    let attempts = 0;
    // The first transaction writes everything, then dies as Postgres reports a deadlock (40P01).
    const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const result = await writeRecords(db, voicePage(3, 'retry'), {
      syncedAt: T1,
      afterWrite: async () => {
        if (++attempts === 1) throw deadlock();
      },
    });
    expect(result).toMatchObject({ changed: 3, unchanged: 0, stale: 0, rejected: [] });
    expect(attempts).toBe(2);
    expect(await counts(db)).toMatchObject({ conversations: 3, segments: 42 });

    attempts = 0;
    const persistent = writeRecords(db, voicePage(1, 'never'), {
      syncedAt: T1,
      maxAttempts: 3,
      afterWrite: async () => {
        attempts++;
        throw deadlock();
      },
    });
    await expect(persistent).rejects.toThrow('deadlock');
    expect(attempts).toBe(3);
    expect(await db.conversation.count({ where: { conversationId: { startsWith: 'never' } } })).toBe(0);
  });

  it('recognises a real deadlock as retryable', async () => {
    await writeRecords(db, voicePage(2, 'lock'), { syncedAt: T1 });
    const other = await database.open();
    let release!: () => void;
    const bothLocked = new Promise<void>((resolve) => (release = resolve));
    let locked = 0;
    const lockBoth = (client: Db, first: string, second: string) =>
      client.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT 1 FROM conversations WHERE conversation_id = $1 FOR UPDATE`, first);
        if (++locked === 2) release();
        await bothLocked;
        await tx.$executeRawUnsafe(`SELECT 1 FROM conversations WHERE conversation_id = $1 FOR UPDATE`, second);
      }, { timeout: 20_000 });
    const outcomes = await Promise.allSettled([lockBoth(db, 'lock-0000', 'lock-0001'), lockBoth(other.prisma, 'lock-0001', 'lock-0000')]);
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failures).toHaveLength(1);
    expect(isTransientConflict(failures[0]!.reason)).toBe(true);
    expect(isTransientConflict(new Error('duplicate key value violates unique constraint'))).toBe(false);
  });
});
