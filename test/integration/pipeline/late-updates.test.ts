import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const interval = { start: new Date('2025-06-18T00:00:00Z'), end: new Date('2025-06-20T11:58:00Z') };

describe('late updates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 5, org: { agentCount: 10, days: 5, conversationsPerDay: 300, now: NOW } });
  });
  afterAll(async () => h?.close());

  it('replace the stored version and its children, leaving no stale rows', async () => {
    expect((await h.run({ interval })).status).toBe('succeeded');
    const all = h.sim.expected({ from: interval.start, to: interval.end });
    const withAgent = new Set(idsOf(all));
    const live = h.sim.liveConversationIds(interval.start, interval.end).filter((id) => withAgent.has(id));
    expect(live.length).toBeGreaterThan(0);
    const ended = live[0]!;
    const recoded = all.find((c) => withAgent.has(c.conversationId) && !live.includes(c.conversationId) && JSON.stringify(c).includes('wrapUpCode'))!.conversationId;
    const dropped = all.find(
      (c) => withAgent.has(c.conversationId) && !live.includes(c.conversationId) && c.conversationId !== recoded && c.participants!.some((p) => p.purpose === 'agent' && p.sessions!.some((s) => (s.segments?.length ?? 0) >= 2)),
    )!.conversationId;
    const segmentsBefore = await h.handle.prisma.segment.count({ where: { conversationId: dropped } });
    const firstSynced = (await h.handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: ended } })).firstSyncedAt;

    h.sim.endConversation(ended);
    h.sim.recodeWrapUp(recoded, 'wrapup-recoded-for-test');
    h.sim.dropSegment(dropped);
    const report = await h.run({ interval });
    expect(report.status).toBe('succeeded');
    expect(report.conversationsChanged).toBe(3);

    const endedRow = await h.handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: ended } });
    expect(endedRow.conversationEnd).not.toBeNull();
    expect(endedRow.firstSyncedAt).toEqual(firstSynced);
    expect(await h.handle.prisma.segment.count({ where: { conversationId: ended, segmentEnd: null } })).toBe(0);
    const codes = await h.handle.prisma.segment.findMany({ where: { conversationId: recoded, wrapUpCode: { not: null } }, select: { wrapUpCode: true } });
    expect(codes.map((c) => c.wrapUpCode)).toContain('wrapup-recoded-for-test');
    expect(await h.handle.prisma.segment.count({ where: { conversationId: dropped } })).toBe(segmentsBefore - 1);
    for (const id of [ended, recoded, dropped]) {
      const stored = await h.handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: id } });
      expect(stored.raw).toEqual(h.sim.expected({ from: interval.start, to: interval.end }).find((c) => c.conversationId === id));
    }
  });
});
