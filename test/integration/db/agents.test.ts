import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { InvalidAgentError, upsertAgents, type AgentRecord } from '../../../src/db/agents.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const T1 = new Date('2026-03-02T06:00:00.000Z');
const T2 = new Date('2026-03-03T06:00:00.000Z');

/** A user as `GET /api/v2/users?expand=...` returns it (trimmed), with a field we do not project. */
function user(id: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    id,
    name: 'Ada Abara',
    division: { id: 'div-1', name: 'Home', selfUri: '/api/v2/authorization/divisions/div-1' },
    chat: { jabberId: `${id}@example.orgspan.com` },
    department: 'Customer Care',
    email: 'ada.abara@example.com',
    primaryContactInfo: [{ address: 'ada.abara@example.com', mediaType: 'EMAIL', type: 'PRIMARY' }],
    addresses: [],
    state: 'active',
    title: 'Agent',
    username: 'ada.abara@example.com',
    manager: { id: 'lead-1', selfUri: '/api/v2/users/lead-1' },
    version: 7,
    acdAutoAnswer: false,
    selfUri: `/api/v2/users/${id}`,
    ...overrides,
  };
}

describe('upsertAgents', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
  });
  afterAll(async () => database?.drop());

  it('inserts users with their projected columns and raw as returned', async () => {
    const users = [user('u-1'), user('u-2', { name: 'Ben Berg', state: 'deleted', manager: undefined, title: "O'Brien \"Team\" {lead}, \\ ops" })];
    expect(await upsertAgents(db, users, T1)).toBe(2);
    const rows = await db.agent.findMany({ orderBy: { userId: 'asc' } });
    expect(rows[0]).toMatchObject({
      userId: 'u-1', name: 'Ada Abara', username: 'ada.abara@example.com', email: 'ada.abara@example.com', state: 'active',
      divisionId: 'div-1', divisionName: 'Home', department: 'Customer Care', title: 'Agent', managerId: 'lead-1', syncedAt: T1,
    });
    expect(rows[0]!.raw).toStrictEqual(user('u-1'));
    expect(rows[1]).toMatchObject({ name: 'Ben Berg', state: 'deleted', managerId: null, title: "O'Brien \"Team\" {lead}, \\ ops" });
    expect(rows[1]!.raw).toStrictEqual(JSON.parse(JSON.stringify(users[1])));
  });

  it('updates existing users on a later refresh and keeps the later duplicate', async () => {
    const n = await upsertAgents(db, [user('u-1', { name: 'Old' }), user('u-1', { name: 'Ada Abara-Lopez', division: { name: 'EMAIL only' } }), user('u-3')], T2);
    expect(n).toBe(2);
    const ada = await db.agent.findUniqueOrThrow({ where: { userId: 'u-1' } });
    expect(ada).toMatchObject({ name: 'Ada Abara-Lopez', divisionId: null, divisionName: 'EMAIL only', syncedAt: T2 });
    expect(await db.agent.count()).toBe(3);
  });

  it('stores fields of an unexpected type as NULL, keeping them in raw', async () => {
    await upsertAgents(db, [user('u-4', { name: 42 as unknown as string, manager: 'nobody' as unknown as { id: string } })], T1);
    const row = await db.agent.findUniqueOrThrow({ where: { userId: 'u-4' } });
    expect(row).toMatchObject({ name: null, managerId: null });
    expect((row.raw as { name: unknown }).name).toBe(42);
  });

  it('writes nothing when a user has no id', async () => {
    const before = await db.agent.count();
    const error = await upsertAgents(db, [user('u-9'), { name: 'ghost' } as unknown as AgentRecord], T1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAgentError);
    expect(await db.agent.count()).toBe(before);
    expect(await upsertAgents(db, [], T1)).toBe(0);
  });

  it('handles more users than one statement carries', async () => {
    const many = Array.from({ length: 2_345 }, (_, i) => user(`bulk-${i}`, { name: `Agent ${i}` }));
    expect(await upsertAgents(db, many, T1)).toBe(2_345);
    expect(await db.agent.count({ where: { userId: { startsWith: 'bulk-' } } })).toBe(2_345);
    expect((await db.agent.findUniqueOrThrow({ where: { userId: 'bulk-2344' } })).name).toBe('Agent 2344');
  });
});
