import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const interval = { start: new Date('2025-06-01T00:00:00Z'), end: new Date('2025-06-20T00:00:00Z') };

describe('sync of a list of agents', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 11, org: { agentCount: 15, days: 25, conversationsPerDay: 40, now: NOW } });
  });
  afterAll(async () => h?.close());

  it('stores exactly the conversations those agents took part in, an inactive agent included', async () => {
    const inactive = h.sim.listUsers('inactive')[0]!;
    const active = h.sim.listUsers('active').slice(0, 3);
    const agentIds = [inactive.id, ...active.map((u) => u.id)];
    const expected = h.sim.expected({ from: interval.start, to: interval.end, agentIds });
    expect(expected.some((c) => c.participants?.some((p) => p.userId === inactive.id))).toBe(true);
    const report = await h.run({ interval, agentIds, agentGroupSize: 2 });
    expect(report.status).toBe('succeeded');
    expect(await h.storedIds()).toEqual(idsOf(expected));
    // Two groups of two agents share queries: conversations with agents from both groups arrive twice, stored once.
    expect(report.conversationsWritten).toBe(expected.length);
  });

  it('uses fewer requests with grouped agents than with one query per agent', async () => {
    const agentIds = h.sim.listUsers('active').slice(0, 6).map((u) => u.id);
    const grouped = await h.run({ interval, agentIds, agentGroupSize: 6 });
    const single = await h.run({ interval, agentIds, agentGroupSize: 1 });
    expect(grouped.status).toBe('succeeded');
    expect(single.status).toBe('succeeded');
    expect(grouped.pages).toBeLessThan(single.pages);
  });
});
