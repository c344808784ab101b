import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { InvalidReferenceEntryError, recordReferenceRefresh, replaceReferenceList } from '../../../src/db/reference-lists.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const T1 = new Date('2026-03-02T06:00:00.000Z');
const T2 = new Date('2026-03-03T06:00:00.000Z');
const T3 = new Date('2026-03-04T06:00:00.000Z');

/** A queue as `GET /api/v2/routing/queues` returns it (trimmed). */
const queue = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id, name, division: { id: 'div-1', name: 'Home', selfUri: '/api/v2/authorization/divisions/div-1' },
  description: `${name} queue`, memberCount: 3, selfUri: `/api/v2/routing/queues/${id}`, ...extra,
});

describe('replaceReferenceList', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
  });
  afterAll(async () => database?.drop());

  it('inserts entries with their projected columns, raw as returned, and first/last seen', async () => {
    expect(await replaceReferenceList(db, 'queues', [queue('q-1', 'Billing'), queue('q-2', "O'Brien \"VIP\" {x}, \\ y")], T1)).toEqual({ listed: 2, deactivated: 0 });
    const rows = await db.queue.findMany({ orderBy: { queueId: 'asc' } });
    expect(rows[0]).toMatchObject({ queueId: 'q-1', name: 'Billing', divisionId: 'div-1', description: 'Billing queue', firstSeenAt: T1, lastSeenAt: T1, active: true });
    expect(rows[0]!.raw).toStrictEqual(queue('q-1', 'Billing'));
    expect(rows[1]!.name).toBe("O'Brien \"VIP\" {x}, \\ y");
  });

  it('marks an entry no longer listed inactive, keeping its name, and reactivates it when listed again', async () => {
    expect(await replaceReferenceList(db, 'queues', [queue('q-1', 'Billing EU'), queue('q-1', 'Billing (later wins)')], T2)).toEqual({ listed: 1, deactivated: 1 });
    expect(await db.queue.findUniqueOrThrow({ where: { queueId: 'q-2' } })).toMatchObject({ active: false, lastSeenAt: T1, firstSeenAt: T1 });
    expect(await db.queue.findUniqueOrThrow({ where: { queueId: 'q-1' } })).toMatchObject({ name: 'Billing (later wins)', active: true, firstSeenAt: T1, lastSeenAt: T2 });
    await replaceReferenceList(db, 'queues', [queue('q-1', 'Billing'), queue('q-2', 'VIP')], T3);
    expect(await db.queue.findUniqueOrThrow({ where: { queueId: 'q-2' } })).toMatchObject({ name: 'VIP', active: true, firstSeenAt: T1, lastSeenAt: T3 });
  });

  it('serves every table with the same writer, each with its own columns', async () => {
    await replaceReferenceList(db, 'wrap_up_codes', [{ id: 'w-1', name: 'Resolved', division: { id: 'div-1' } }], T1);
    await replaceReferenceList(db, 'divisions', [{ id: 'div-1', name: 'Home', description: 'Home division', homeDivision: true }], T1);
    await replaceReferenceList(db, 'skills', [{ id: 's-1', name: 'Billing', state: 'active' }], T1);
    await replaceReferenceList(db, 'languages', [{ id: 'l-1', name: 'English', state: 'active' }], T1);
    expect(await db.wrapUpCode.findUniqueOrThrow({ where: { wrapUpCodeId: 'w-1' } })).toMatchObject({ name: 'Resolved', divisionId: 'div-1', active: true });
    expect(await db.division.findUniqueOrThrow({ where: { divisionId: 'div-1' } })).toMatchObject({ name: 'Home', description: 'Home division' });
    expect(await db.skill.findUniqueOrThrow({ where: { skillId: 's-1' } })).toMatchObject({ name: 'Billing', state: 'active' });
    expect(await db.language.findUniqueOrThrow({ where: { languageId: 'l-1' } })).toMatchObject({ name: 'English', state: 'active' });
    // A complete, empty list: every entry has gone.
    expect(await replaceReferenceList(db, 'skills', [], T2)).toEqual({ listed: 0, deactivated: 1 });
    expect((await db.skill.findUniqueOrThrow({ where: { skillId: 's-1' } })).active).toBe(false);
  });

  it('stores fields of an unexpected type as NULL, keeping them in raw', async () => {
    await replaceReferenceList(db, 'languages', [{ id: 'l-1', name: 'English', state: 'active' }, { id: 'l-2', name: 7, state: null }], T1);
    const row = await db.language.findUniqueOrThrow({ where: { languageId: 'l-2' } });
    expect(row).toMatchObject({ name: null, state: null });
    expect(row.raw).toStrictEqual({ id: 'l-2', name: 7, state: null });
  });

  it('writes nothing when an entry has no id or text Postgres cannot store', async () => {
    const before = await db.queue.findMany({ orderBy: { queueId: 'asc' } });
    const noId = await replaceReferenceList(db, 'queues', [queue('q-9', 'New'), { name: 'ghost' } as never], T3).catch((e: unknown) => e);
    expect(noId).toBeInstanceOf(InvalidReferenceEntryError);
    const nul = await replaceReferenceList(db, 'queues', [queue('q-9', 'bad\u0000name')], T3).catch((e: unknown) => e);
    expect(nul).toBeInstanceOf(InvalidReferenceEntryError);
    expect((nul as Error).message).toContain('q-9');
    expect(await db.queue.findMany({ orderBy: { queueId: 'asc' } })).toEqual(before);
  });

  it('handles more entries than one statement carries', async () => {
    const many = Array.from({ length: 2_345 }, (_, i) => queue(`bulk-${String(i).padStart(4, '0')}`, `Queue ${i}`));
    expect((await replaceReferenceList(db, 'queues', many, T3)).listed).toBe(2_345);
    expect(await db.queue.count({ where: { active: true } })).toBe(2_345);
    expect((await db.queue.findUniqueOrThrow({ where: { queueId: 'bulk-2344' } })).name).toBe('Queue 2344');
  });
});

describe('recordReferenceRefresh', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
  });
  afterAll(async () => database?.drop());

  it('keeps the last outcome per list and the time of the last success', async () => {
    await recordReferenceRefresh(db, { list: 'queues', status: 'ok', permission: 'routing:queue:view', entries: 4 }, T1);
    await recordReferenceRefresh(db, { list: 'queues', status: 'forbidden', permission: 'routing:queue:view', error: 'HTTP 403' }, T2);
    expect(await db.referenceListRefresh.findUniqueOrThrow({ where: { list: 'queues' } })).toMatchObject({
      status: 'forbidden', refreshedAt: T2, entries: null, error: 'HTTP 403', lastSuccessAt: T1,
    });
    await recordReferenceRefresh(db, { list: 'queues', status: 'ok', permission: 'routing:queue:view', entries: 5 }, T3);
    expect(await db.referenceListRefresh.findUniqueOrThrow({ where: { list: 'queues' } })).toMatchObject({ status: 'ok', entries: 5, error: null, lastSuccessAt: T3 });
  });
});
