import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Conversation, type CorruptionKind, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { runCli, simEnv } from '../ops/cli-process.ts';
import { byStart, inconsistentConversations, storedIds } from './support.ts';

/*
 * What Genesys sends, rather than how: malformed records (every corruption the simulator
 * knows) are quarantined in sync_rejects with their raw JSON and their page, while the rest of
 * their window is stored; the run fails loudly (exit 1, the summary naming each conversation),
 * status stays unhealthy while a reject is open, and the next run that stores a valid
 * version closes it. Schema drift (unknown fields at any level,
 * enum values we have never seen) is not an error: stored losslessly, new values visible in
 * the text columns.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const PAGE_SIZE = 10;
// Paging small and fast: the victims sit on different pages of their day.
// The conversation stream alone: the malformed records are conversations, and the windows counted are theirs.
const ENV = { SYNC_PAGE_SIZE: String(PAGE_SIZE), SYNC_WINDOW_DAYS: '1', GENESYS_RATE_LIMIT_PER_MIN: '100000', SYNC_STREAMS: 'conversations' };
const day = (d: string) => ({ from: new Date(`${d}T00:00:00Z`), to: new Date(new Date(`${d}T00:00:00Z`).getTime() + 86_400_000) });

describe('malformed records and schema drift', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 41, org: { agentCount: 12, days: 12, conversationsPerDay: 40, now: NOW } });
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  /** The conversations a sync of every agent is served for one day, in the API's order. */
  const servedOn = (d: string): Conversation[] => byStart(sim.expected(day(d)).filter((c) => c.participants.some((p) => p.purpose === 'agent')));

  it('quarantines each malformed record with its page and raw JSON, stores the rest of its window, exits 1 naming it; the next run repairs it', async () => {
    const cases: Array<{ kind: CorruptionKind; day: string; index: number }> = [
      { kind: 'missingConversationStart', day: '2025-06-12', index: 3 },
      { kind: 'badConversationStart', day: '2025-06-13', index: 14 },
      { kind: 'participantsNotArray', day: '2025-06-14', index: 25 },
      { kind: 'missingSessionId', day: '2025-06-15', index: 8 },
      { kind: 'missingSegmentStart', day: '2025-06-16', index: 19 },
    ];
    const victims = cases.map((c) => {
      const served = servedOn(c.day);
      expect(served.length).toBeGreaterThan(c.index);
      const id = served[c.index]!.conversationId;
      sim.corrupt(id, c.kind);
      return { ...c, id, page: Math.floor(c.index / PAGE_SIZE) + 1 };
    });
    const args = ['sync', '--from', '2025-06-12', '--to', '2025-06-17'];
    const ids = victims.map((v) => v.id);
    const interval = { from: new Date('2025-06-12T00:00:00Z'), to: new Date('2025-06-17T00:00:00Z') };

    const failed = await runCli(args, simEnv(sim, db.url, ENV));
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toContain('sync FAILED');
    expect(failed.stdout).toMatch(/windows +5 done, 0 failed, 5 planned/);
    expect(failed.stdout).toContain('5 quarantined');
    const run = await handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    expect(run.status).toBe('failed');
    expect(run.error).toContain('5 record(s) quarantined');
    const windows = await handle.prisma.syncWindow.findMany({ where: { runId: run.runId }, orderBy: { windowStart: 'asc' } });
    expect(windows.map((w) => [w.status, w.recordsRejected])).toEqual(Array(5).fill(['done_with_rejects', 1]));
    const rejects = await handle.prisma.syncReject.findMany({ orderBy: { firstSeenAt: 'asc' } });
    for (const v of victims) {
      expect(failed.stdout, v.kind).toContain(`conversation ${v.id} (page ${v.page})`);
      const reject = rejects.find((r) => r.conversationId === v.id);
      expect(reject, v.kind).toMatchObject({ page: `page ${v.page}`, resolvedAt: null, runId: run.runId });
      // The raw JSON is the record exactly as served, corruption included.
      expect(JSON.parse(reject!.rawJson).conversationId).toBe(v.id);
    }
    // Everything else of the five days is stored.
    expect(await storedIds(handle)).toEqual(idsOf(sim.expected(interval)).filter((id) => !ids.includes(id)));
    const status = await runCli(['status'], simEnv(sim, db.url, ENV));
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('QUARANTINED RECORDS NOT STORED YET');
    for (const id of ids) expect(status.stdout).toContain(id);

    // None of them stored, in any table; everything stored is exactly what the API holds.
    expect(await handle.prisma.conversation.count({ where: { conversationId: { in: ids } } })).toBe(0);
    expect(await handle.prisma.participant.count({ where: { conversationId: { in: ids } } })).toBe(0);
    expect(await handle.prisma.segment.count({ where: { conversationId: { in: ids } } })).toBe(0);
    for (const row of await handle.prisma.conversation.findMany({ select: { conversationId: true, raw: true } })) {
      expect(row.raw).toEqual(sim.getConversation(row.conversationId));
    }
    expect(await inconsistentConversations(handle)).toEqual([]);

    sim.clearCorruption();
    const next = await runCli(args, simEnv(sim, db.url, ENV));
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain('sync SUCCEEDED');
    expect(await storedIds(handle)).toEqual(idsOf(sim.expected(interval)));
    for (const id of ids) {
      const row = await handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: id } });
      expect(row.raw).toEqual(sim.getConversation(id));
    }
    expect(await inconsistentConversations(handle)).toEqual([]);
    expect(await handle.prisma.syncReject.count({ where: { resolvedAt: null } })).toBe(0);
  });

  it('stores schema drift losslessly: unknown fields at any level, new enum values in the text columns', async () => {
    const served = servedOn('2025-06-18');
    const [a, b, c] = [served[2]!, served[9]!, served[17]!];
    // A: a new top-level field, and a new field nested inside a session.
    sim.addField(a.conversationId, 'conversationSentiment', { score: 0.42, labels: ['calm', 'resolved'], model: { v: 3 } });
    sim.addField(a.conversationId, 'participants.0.sessions.0.quantumChannel', { entangled: true, qubits: [1, 0, 1] });
    // B: a media type that does not exist yet, on an agent's session.
    const agentIndex = b.participants.findIndex((p) => p.purpose === 'agent');
    sim.addField(b.conversationId, `participants.${agentIndex}.sessions.0.mediaType`, 'hologram');
    // C: a new participant purpose (on a non-agent, so the agent filter still selects it) and a new segment type.
    const otherIndex = c.participants.findIndex((p) => p.purpose !== 'agent');
    sim.addField(c.conversationId, `participants.${otherIndex}.purpose`, 'robot');
    sim.addField(c.conversationId, `participants.${otherIndex}.sessions.0.segments.0.segmentType`, 'teleport');
    sim.addField(c.conversationId, `participants.${otherIndex}.sessions.0.segments.0.hapticFeedback`, 'strong');

    const result = await runCli(['sync', '--from', '2025-06-18', '--to', '2025-06-19'], simEnv(sim, db.url, ENV));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sync SUCCEEDED');
    expect(await handle.prisma.conversation.count({ where: { conversationStart: { gte: day('2025-06-18').from, lt: day('2025-06-18').to } } })).toBe(
      idsOf(sim.expected(day('2025-06-18'))).length,
    );

    for (const conv of [a, b, c]) {
      const row = await handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: conv.conversationId } });
      expect(row.raw).toEqual(sim.getConversation(conv.conversationId)); // deep-equal to what the API served
    }
    const rawA = (await handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: a.conversationId } })).raw as Record<string, any>;
    expect(rawA.conversationSentiment).toEqual({ score: 0.42, labels: ['calm', 'resolved'], model: { v: 3 } });
    expect(rawA.participants[0].sessions[0].quantumChannel).toEqual({ entangled: true, qubits: [1, 0, 1] });

    const bSession = b.participants[agentIndex]!.sessions[0]!.sessionId;
    expect((await handle.prisma.session.findUniqueOrThrow({ where: { conversationId_sessionId: { conversationId: b.conversationId, sessionId: bSession } } })).mediaType).toBe('hologram');
    expect((await handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: b.conversationId } })).mediaTypes).toContain('hologram');

    const cParticipant = c.participants[otherIndex]!;
    expect((await handle.prisma.participant.findUniqueOrThrow({
      where: { conversationId_participantId: { conversationId: c.conversationId, participantId: cParticipant.participantId } },
    })).purpose).toBe('robot');
    expect((await handle.prisma.segment.findUniqueOrThrow({
      where: { conversationId_sessionId_segmentIndex: { conversationId: c.conversationId, sessionId: cParticipant.sessions[0]!.sessionId, segmentIndex: 0 } },
    })).segmentType).toBe('teleport');
    expect(await inconsistentConversations(handle)).toEqual([]);
  });
});
