import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { upsertAgents } from '../../../src/db/agents.ts';
import { replaceReferenceList } from '../../../src/db/reference-lists.ts';
import { writeRecords } from './write-records.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { DAY_MS } from '../../../src/time.ts';
import { createGenContext, generateDay } from '../../../src/sim/generate.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { DOCUMENTED_COLUMNS, DOCUMENTED_QUERIES } from '../../helpers/documented-schema.ts';
import { ADA_USER_ID, BEN_USER_ID, WRAP_UP_ADA, WRAP_UP_BEN, liveVoiceConversation, participant, voiceConversation, voicePage, withConversationId } from '../../fixtures/db/conversations.ts';

describe('docs/schema.md', () => {
  let database: TestDatabase;
  let db: Db;
  /** Analysts paste these into psql: run them verbatim through a plain pg client, not Prisma. */
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
    const now = new Date();
    const recent = (record: ReturnType<typeof voiceConversation>, daysAgo: number) => ({
      ...record,
      conversationStart: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
    });
    // As a details job sends it: the customer participant carries attributes.
    const fromJob = recent(withConversationId(voiceConversation(), 'job-1'), 2);
    participant(fromJob, 'customer').attributes = { intent: 'billing', accountNumber: '40012345', caseId: 'CS-100200' };
    await writeRecords(db, [voiceConversation(), recent(withConversationId(liveVoiceConversation(), 'live-1'), 0), ...voicePage(3).map((c, i) => recent(c, i + 1)), fromJob], { syncedAt: now });
    // Simulated days, so the quality examples (evaluations, surveys, flow outcomes, media stats, routing) find rows.
    const ctx = createGenContext(3, generateOrg(3, 10), 150, now.getTime());
    const today = Math.floor(now.getTime() / DAY_MS);
    for (const day of [today - 3, today - 2]) await writeRecords(db, generateDay(ctx, day), { syncedAt: now });
    await upsertAgents(db, [{ id: ADA_USER_ID, name: 'Ada Abara' }, { id: BEN_USER_ID, name: 'Ben Berg', state: 'inactive' }], now);
    // The fixture call's queues and codes, so the examples joining them find names.
    await replaceReferenceList(db, 'divisions', [{ id: 'div-home', name: 'Home' }], now);
    await replaceReferenceList(db, 'queues', [
      { id: '9a0e1c2b-0001-4d3c-8b2a-1f0e9d8c7b6a', name: 'Billing', division: { id: 'div-home' } },
      { id: '9a0e1c2b-0002-4d3c-8b2a-1f0e9d8c7b6a', name: 'Technical', division: { id: 'div-home' } },
    ], now);
    await replaceReferenceList(db, 'wrap_up_codes', [{ id: WRAP_UP_ADA, name: 'Resolved' }, { id: WRAP_UP_BEN, name: 'Escalated' }], now);
    // Agent activity: Ada on queue for a day and a half (across midnight), interacting for part of it.
    await replaceReferenceList(db, 'presence_definitions', [{ id: 'pres-onq', name: 'On Queue', systemPresence: 'OnQueue', deactivated: false }], now);
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
    await db.$executeRawUnsafe(
      `INSERT INTO agent_presence (user_id, start_time, end_time, system_presence, organization_presence_id, raw, fetched_at, synced_at)
       VALUES ($1, $2, $3, 'ON_QUEUE', 'pres-onq', '{}', $4, $4)`, ADA_USER_ID, at(48), at(12), now);
    await db.$executeRawUnsafe(
      `INSERT INTO agent_routing_status (user_id, start_time, end_time, routing_status, raw, fetched_at, synced_at)
       VALUES ($1, $2, $3, 'INTERACTING', '{}', $4, $4)`, ADA_USER_ID, at(40), at(30), now);
    const runId = '0b7e1a2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c';
    await db.syncRun.create({
      data: { runId, kind: 'sync', status: 'failed', intervalStart: new Date(now.getTime() - 3 * 86_400_000), intervalEnd: now, agentIds: [], planKey: 'doc-test', startedAt: now },
    });
    await db.syncWindow.createMany({
      data: [
        { runId, scopeKey: 'all', scopeAgentIds: [], windowStart: new Date(now.getTime() - 3 * 86_400_000), windowEnd: new Date(now.getTime() - 2 * 86_400_000), status: 'done', finishedAt: now },
        { runId, scopeKey: 'all', scopeAgentIds: [], windowStart: new Date(now.getTime() - 2 * 86_400_000), windowEnd: new Date(now.getTime() - 86_400_000), status: 'failed', error: 'HTTP 503', attempts: 3, finishedAt: now },
      ],
    });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('documents the tables and the view', () => {
    expect(Object.keys(DOCUMENTED_COLUMNS).sort()).toEqual(
      ['agent_interactions', 'agent_quality', 'agents', 'conversations', 'divisions', 'evaluations', 'flow_outcomes', 'languages',
        'media_endpoint_stats', 'participants', 'queues', 'reference_list_refreshes', 'resolutions', 'segment_properties',
        'segment_scored_agents', 'segments', 'session_agent_groups', 'session_metrics', 'session_proposed_agents', 'sessions', 'skills',
        'surveys', 'sync_rejects', 'sync_runs', 'sync_windows', 'wrap_up_codes',
        'agent_presence', 'agent_routing_status', 'agent_status_time', 'presence_definitions', 'retention_purges'].sort(),
    );
  });

  it('gives between 5 and 18 example queries', () => {
    expect(DOCUMENTED_QUERIES.length).toBeGreaterThanOrEqual(5);
    expect(DOCUMENTED_QUERIES.length).toBeLessThanOrEqual(18);
  });

  it.each(DOCUMENTED_QUERIES.map((sql) => [sql.split('\n')[0]!, sql]))('runs the example query "%s"', async (_first, sql) => {
    const result = await client.query(sql);
    expect(Array.isArray(result.rows)).toBe(true);
  });

  it('finds data with the examples that should find some', async () => {
    const empty: string[] = [];
    for (const sql of DOCUMENTED_QUERIES) if ((await client.query(sql)).rows.length === 0) empty.push(sql.split('\n')[0]!);
    expect(empty).toEqual([]);
  });
});
