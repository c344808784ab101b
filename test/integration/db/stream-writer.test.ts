/**
 * The conversation writer as a StreamWriter: the batch, its quarantine and the resolution of
 * open rejects commit together, against a real Postgres.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { createConversationWriter } from '../../../src/db/conversations.ts';
import type { RejectedRecord } from '../../../src/db/stream-writer.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { VOICE_ID, firstSession, participant, voiceConversation, voicePage, withConversationId } from '../../fixtures/db/conversations.ts';
import { TEST_SOURCE, writeRecords } from './write-records.ts';
import { CONVERSATION_TABLES } from '../../../src/db/conversation-children.ts';

const T1 = new Date('2026-03-02T10:00:00.000Z');
const T2 = new Date('2026-03-03T02:00:00.000Z');

interface RejectRow {
  stream: string;
  reject_key: string;
  conversation_id: string | null;
  run_id: string;
  window_id: bigint | null;
  page: string;
  error: string;
  raw_json: string;
  times_seen: number;
  resolved_at: Date | null;
}

describe('the conversation writer, as a stream writer', () => {
  let database: TestDatabase;
  let db: Db;
  const rejects = () => db.$queryRawUnsafe<RejectRow[]>(`SELECT * FROM sync_rejects ORDER BY reject_key`);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await db.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}, sync_rejects CASCADE`);
  });

  it('quarantines the rejects passed in and the records it refuses, with the batch source, and writes the rest', async () => {
    const bad = withConversationId(voiceConversation(), 'bad-one');
    firstSession(participant(bad, 'Ben Berg')).segments![1]!.segmentStart = 'not a date';
    const noStart: RejectedRecord = { recordId: 'no-start', raw: { conversationId: 'no-start' }, problem: 'conversationStart: missing' };
    const noId: RejectedRecord = { recordId: undefined, raw: { conversationStart: '2026-03-02T09:14:03.117Z' }, problem: 'conversationId: required' };
    const source = { ...TEST_SOURCE, stream: 'conversations', page: 'page 7', windowId: 42n };
    const result = await writeRecords(db, [...voicePage(2, 'ok'), bad], { syncedAt: T1, rejects: [noStart, noId], source });

    expect(result.storedIds).toEqual(['ok-0000', 'ok-0001']);
    expect(result.rejected.map((r) => r.recordId)).toEqual(['no-start', undefined, 'bad-one']);
    const rows = await rejects();
    expect(rows.map((r) => [r.reject_key, r.conversation_id])).toEqual([
      ['bad-one', 'bad-one'],
      ['no-start', 'no-start'],
      [expect.stringMatching(/^sha256:[0-9a-f]{64}$/), null],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ stream: 'conversations', run_id: TEST_SOURCE.runId, window_id: 42n, page: 'page 7', times_seen: 1, resolved_at: null });
    }
    expect(JSON.parse(rows[0]!.raw_json)).toStrictEqual(bad);
    expect(rows[0]!.error).toContain('segmentStart');
    expect(await db.conversation.count()).toBe(2);
  });

  it('commits nothing, neither rows nor quarantine, when its transaction fails', async () => {
    const bad = withConversationId(voiceConversation(), 'bad-one');
    firstSession(participant(bad, 'Ben Berg')).segments![1]!.segmentStart = 'not a date';
    const failing = writeRecords(db, [voiceConversation(), bad], {
      syncedAt: T1,
      afterWrite: async () => {
        throw new Error('ledger unavailable');
      },
    });
    await expect(failing).rejects.toThrow('ledger unavailable');
    expect(await db.conversation.count()).toBe(0);
    expect(await rejects()).toEqual([]);
  });

  it('updates the open reject of a record refused again, and closes it once a valid version is stored', async () => {
    const bad = withConversationId(voiceConversation(), 'fixed-later');
    firstSession(participant(bad, 'Ben Berg')).segments![1]!.segmentStart = 'not a date';
    await writeRecords(db, [bad], { syncedAt: T1 });
    await writeRecords(db, [bad], { syncedAt: T2 });
    expect((await rejects()).map((r) => [r.reject_key, r.times_seen])).toEqual([['fixed-later', 2]]);

    // Stored, but the caller says no reject can be open: nothing is looked up or closed.
    const fixed = withConversationId(voiceConversation(), 'fixed-later');
    const quiet = await writeRecords(db, [fixed], { syncedAt: T2, resolveRejects: false });
    expect(quiet.rejectsResolved).toBe(0);
    expect((await rejects())[0]!.resolved_at).toBeNull();

    const resolved = await writeRecords(db, [fixed, withConversationId(voiceConversation(), 'never-rejected')], { syncedAt: T2, resolveRejects: true });
    expect(resolved).toMatchObject({ unchanged: 1, changed: 1, rejectsResolved: 1 });
    expect((await rejects())[0]!.resolved_at).toEqual(T2);
  });

  it('closes only the rejects of its own stream', async () => {
    const bad = withConversationId(voiceConversation(), 'shared-key');
    delete (bad as Partial<typeof bad>).conversationStart;
    await writeRecords(db, [], { syncedAt: T1, rejects: [{ recordId: 'shared-key', raw: bad, problem: 'no start' }], source: { ...TEST_SOURCE, stream: 'evaluations' } });
    await writeRecords(db, [withConversationId(voiceConversation(), 'shared-key')], { syncedAt: T2, resolveRejects: true });
    expect((await rejects()).map((r) => [r.stream, r.resolved_at])).toEqual([['evaluations', null]]);
  });

  it('quarantines a record whose id holds a NUL under its escaped key, and writes the rest of the batch', async () => {
    const nulId = 'c0ffee\u0000tail';
    const record = withConversationId(voiceConversation(), nulId);
    const result = await writeRecords(db, [voiceConversation(), record], { syncedAt: T1, resolveRejects: true });
    expect(result.storedIds).toEqual([VOICE_ID]);
    expect(result.rejected).toEqual([{ recordId: nulId, raw: record, problem: expect.stringContaining('NUL') }]);

    const rows = await rejects();
    expect(rows.map((r) => [r.reject_key, r.conversation_id])).toEqual([['"c0ffee\\u0000tail"', '"c0ffee\\u0000tail"']]);
    expect(JSON.parse(rows[0]!.raw_json)).toStrictEqual(record); // lossless: JSON text escapes the NUL
    expect(await db.conversation.count()).toBe(1);

    // The same record again: its one open row is updated, it does not fail the batch.
    await writeRecords(db, [record], { syncedAt: T2 });
    expect((await rejects()).map((r) => r.times_seen)).toEqual([2]);
  });

  it('quarantines a NUL id the boundary refused, passed in with the batch', async () => {
    const record = withConversationId(voiceConversation(), 'nul\u0000id');
    await createConversationWriter(db).write({
      records: [],
      rejects: [{ recordId: 'nul\u0000id', raw: record, problem: 'bad\u0000problem' }],
      source: TEST_SOURCE,
      resolveRejects: false,
      syncedAt: T1,
      fetchedAt: T1,
    });
    const rows = await rejects();
    expect(rows.map((r) => [r.stream, r.reject_key, r.error])).toEqual([['conversations', '"nul\\u0000id"', '"bad\\u0000problem"']]);
    expect(JSON.parse(rows[0]!.raw_json)).toStrictEqual(record);
  });

  it('waits through the injected sleep between attempts after a deadlock', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const result = await writeRecords(db, voicePage(2, 'retry'), {
      syncedAt: T1,
      sleep: async (ms) => {
        waits.push(ms);
      },
      afterWrite: async () => {
        if (++attempts < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      },
    });
    expect(result.storedIds).toEqual(['retry-0000', 'retry-0001']);
    expect(attempts).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms > 0)).toBe(true);
  });

  it('refuses a record whose raw names another conversation than the id read at the boundary', async () => {
    const writer = createConversationWriter(db);
    const result = await writer.write({
      records: [{ id: 'read-at-boundary', timeMs: 0, raw: voiceConversation() }],
      rejects: [],
      source: TEST_SOURCE,
      resolveRejects: false,
      syncedAt: T1,
      fetchedAt: T1,
    });
    expect(result.storedIds).toEqual([]);
    expect(result.rejected).toEqual([{ recordId: 'read-at-boundary', raw: voiceConversation(), problem: expect.stringContaining('differs') }]);
    expect(await db.conversation.count()).toBe(0);
  });
});
