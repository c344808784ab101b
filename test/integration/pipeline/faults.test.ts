import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';
import { CONVERSATION_TABLES } from '../../../src/db/conversation-children.ts';

const NOW = new Date('2025-06-20T12:00:00Z');

describe('sync under faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 42, org: { agentCount: 10, days: 45, conversationsPerDay: 25, now: NOW }, tokenLifetimeSeconds: 3 });
  });
  afterAll(async () => h?.close());

  it('completes a 42-day interval correctly under 429s, 5xx, dropped connections and 3-second tokens', async () => {
    const interval = { start: new Date('2025-05-08T00:00:00Z'), end: new Date('2025-06-19T00:00:00Z') };
    h.sim.setFaults({ rateLimitRate: 0.08, retryAfterSeconds: 1, serverErrorRate: 0.08, dropRate: 0.05, latencyMs: 40, latencyJitterMs: 30 });
    const report = await h.run({ interval, pageSize: 10, windowDays: 7 });
    h.sim.setFaults({ rateLimitRate: 0, serverErrorRate: 0, dropRate: 0, latencyMs: 0, latencyJitterMs: 0 });
    expect(report.status).toBe('succeeded');
    const stats = h.sim.stats();
    expect(stats.byStatus[429] ?? 0).toBeGreaterThan(0);
    expect(stats.tokensIssued).toBeGreaterThan(1);
    expect(report.retries).toBeGreaterThan(0);
    expect(await h.storedIds()).toEqual(idsOf(h.sim.expected({ from: interval.start, to: interval.end })));
  });

  it('splits a dense window in halves until every part fits', async () => {
    const interval = { start: new Date('2025-06-01T00:00:00Z'), end: new Date('2025-06-09T00:00:00Z') };
    const report = await h.run({ interval, windowDays: 8, windowMaxHits: 60 });
    expect(report.status).toBe('succeeded');
    const windows = await h.handle.prisma.syncWindow.findMany({ where: { runId: report.runId } });
    expect(windows.filter((w) => w.status === 'split').length).toBeGreaterThan(0);
    expect(windows.filter((w) => w.status === 'done').every((w) => (w.totalHits ?? 0) <= 60)).toBe(true);
    const ids = await h.handle.prisma.conversation.findMany({
      where: { conversationStart: { gte: interval.start, lt: interval.end } },
      select: { conversationId: true },
    });
    expect(ids.map((r) => r.conversationId).sort()).toEqual(idsOf(h.sim.expected({ from: interval.start, to: interval.end })));
  });

  it('lets two runs at once both end well, each conversation stored once and correct', async () => {
    const interval = { start: new Date('2025-05-20T00:00:00Z'), end: new Date('2025-06-05T00:00:00Z') };
    await h.handle.prisma.$executeRawUnsafe(`TRUNCATE ${CONVERSATION_TABLES.join(', ')}`);
    const [a, b] = await Promise.all([h.run({ interval }, h.client()), h.run({ interval, windowDays: 3 }, h.client())]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const expected = h.sim.expected({ from: interval.start, to: interval.end });
    expect(await h.storedIds()).toEqual(idsOf(expected));
    const sample = expected.find((c) => c.conversationId === idsOf(expected)[5])!;
    const stored = await h.handle.prisma.conversation.findUniqueOrThrow({ where: { conversationId: sample.conversationId } });
    expect(stored.raw).toEqual(sample);
  });
});
