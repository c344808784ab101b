import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

/*
 * Some real responses spell an absent optional field as an explicit null. A sync of a
 * simulator sending them (explicitNulls) stores every conversation, raw as served (nulls
 * included), with the typed columns null, as for an absent field.
 */
describe('explicit nulls for optional fields', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 88, org: { agentCount: 12, days: 10, conversationsPerDay: 50, explicitNulls: true } }); // the default, stated: this test is about them
  });
  afterAll(async () => h?.close());

  it('are stored like absent fields, and kept in raw', async () => {
    const interval = { start: h.sim.range.start, end: new Date(h.sim.range.end.getTime() + 1) };
    const report = await h.run({ interval, windowDays: 7 });
    expect(report.status, report.error).toBe('succeeded');
    const expected = h.sim.expected({ from: interval.start, to: interval.end });
    expect(await h.storedIds()).toEqual(idsOf(expected));
    const withNulls = idsOf(expected.filter((c) => c['externalTag'] === null));
    expect(withNulls.length).toBeGreaterThan(3);
    const db = h.handle.prisma;
    const rows = await db.conversation.findMany({ where: { conversationId: { in: withNulls } }, select: { conversationId: true, raw: true, externalTag: true } });
    for (const r of rows) {
      expect(r.externalTag).toBeNull();
      expect(r.raw).toStrictEqual(expected.find((c) => c.conversationId === r.conversationId));
    }
    const nullQueues = await db.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM segments g JOIN conversations c USING (conversation_id)
        WHERE c.conversation_id = ANY($1::text[]) AND g.queue_id IS NULL AND g.wrap_up_code IS NULL`, withNulls,
    );
    expect(Number(nullQueues[0]!.n)).toBeGreaterThan(0);
  });
});
