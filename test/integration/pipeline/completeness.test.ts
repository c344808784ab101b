import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const interval = { start: new Date('2025-06-10T00:00:00Z'), end: new Date('2025-06-20T00:00:00Z') };

describe('sync completeness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 7, org: { agentCount: 12, days: 20, conversationsPerDay: 60, now: NOW } });
  });
  afterAll(async () => h?.close());

  it('stores exactly the conversations the API holds for every agent, losslessly', async () => {
    const report = await h.run({ interval });
    expect(report.status).toBe('succeeded');
    const expected = h.sim.expected({ from: interval.start, to: interval.end });
    expect(expected.length).toBeGreaterThan(300);
    expect(await h.storedIds()).toEqual(idsOf(expected));
    expect(report.conversationsWritten).toBe(idsOf(expected).length);
    const sample = expected.find((c) => c.conversationId === idsOf(expected)[7])!;
    const stored = await h.handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: sample.conversationId } });
    expect(stored.raw).toEqual(sample);
  });

  it('fills the agents table with active, inactive and deleted users', async () => {
    const states = await h.handle.prisma.agent.groupBy({ by: ['state'], _count: true });
    expect(states.map((s) => s.state).sort()).toEqual(['active', 'deleted', 'inactive']);
  });

  it('changes nothing on a second run over the same interval', async () => {
    const before = await snapshot(h);
    const report = await h.run({ interval });
    expect(report.status).toBe('succeeded');
    expect(report.conversationsChanged).toBe(0);
    expect(await snapshot(h)).toEqual(before);
  });

  it('keeps only conversations that started inside the interval when it starts mid-day', async () => {
    const h2 = await startHarness({ seed: 7, org: { agentCount: 12, days: 20, conversationsPerDay: 60, now: NOW } });
    try {
      const midDay = { start: new Date('2025-06-15T13:30:00Z'), end: new Date('2025-06-16T09:15:00Z') };
      const report = await h2.run({ interval: midDay });
      expect(report.status).toBe('succeeded');
      const rows = await h2.handle.prisma.conversation.findMany({ select: { conversationStart: true } });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.conversationStart >= midDay.start && r.conversationStart < midDay.end)).toBe(true);
      expect(await h2.storedIds()).toEqual(idsOf(h2.sim.expected({ from: midDay.start, to: midDay.end })));
    } finally {
      await h2.close();
    }
  });
});

async function snapshot(h: Harness) {
  const q = (sql: string) => h.handle.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql);
  return {
    counts: await q(`SELECT (SELECT count(*) FROM conversations)::int AS c, (SELECT count(*) FROM participants)::int AS p,
      (SELECT count(*) FROM sessions)::int AS s, (SELECT count(*) FROM segments)::int AS g, (SELECT count(*) FROM session_metrics)::int AS m`),
    changed: await q(`SELECT max(last_changed_at) AS changed, min(first_synced_at) AS first FROM conversations`),
    hash: await q(`SELECT md5(string_agg(conversation_id || raw_hash, ',' ORDER BY conversation_id)) AS h FROM conversations`),
  };
}
