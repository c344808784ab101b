import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { createGenContext } from '../../../src/sim/generate.ts';
import { JobStore, SYNC_MATCH_WORK, conversationJobSource } from '../../../src/sim/jobs.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { filterKey, matchesFilterSet, parseFilterSet, parseQuery, selectIndexedMatches, selectMatches } from '../../../src/sim/query.ts';
import { FaultInjector } from '../../../src/sim/faults.ts';
import { ConversationStore } from '../../../src/sim/store.ts';

/*
 * Day indexes (sim/day-index.ts) serve large orgs without whole days in memory; what they serve
 * must be exactly what the whole-day path serves: same order, same records, same matches.
 */
const NOW = Date.parse('2024-06-10T12:00:00.000Z');
const org = generateOrg(5, 12);
const START = Math.floor(NOW / DAY_MS) * DAY_MS - 3 * DAY_MS + 5 * HOUR_MS;
const storeOf = (perDay: number) => new ConversationStore(createGenContext(5, org, perDay, NOW), START, NOW, 2);
const agentFilter = { segmentFilters: [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }, { dimension: 'userId', value: org.agents[1]!.id }] }] };

describe('day indexes', () => {
  const whole = storeOf(300);
  const indexed = storeOf(300);
  const days = [whole.firstDay - 1, whole.firstDay, whole.firstDay + 1, whole.firstDay + 2, whole.lastDay];
  const filters = parseFilterSet(agentFilter);
  const key = filterKey(filters);

  it('give the whole-day order, records and matches, and a range without generating the day', async () => {
    const indexes = await indexed.matchIndex(days, key, (c) => matchesFilterSet(c, filters));
    for (const d of [whole.firstDay, whole.firstDay + 1, whole.lastDay]) {
      const day = whole.day(d);
      expect(indexes.get(d)!.order.length).toBe(day.length);
      expect([...indexes.get(d)!.matches.get(key)!]).toEqual(day.map((c) => (matchesFilterSet(c, filters) ? 1 : 0)));
      expect(day.map((_, k) => indexed.at(d, k))).toEqual(day);
    }
    const from = START + DAY_MS + 7 * HOUR_MS;
    expect(indexed.between(from, from + 5 * HOUR_MS)).toEqual(whole.between(from, from + 5 * HOUR_MS));
    expect(indexed.daysGenerated).toBe(0);
  });

  it('select what a query selects, in both orders', async () => {
    for (const order of ['asc', 'desc']) {
      const q = parseQuery({ interval: `${new Date(START).toISOString()}/${new Date(NOW).toISOString()}`, order, ...agentFilter });
      const indexes = await indexed.matchIndex(days, filterKey(q), (c) => matchesFilterSet(c, q));
      expect(selectIndexedMatches(q, filterKey(q), indexes)).toEqual(selectMatches(q, (d) => whole.day(d)));
    }
  });

  it('let a large details job match in the background, with the whole-day path\'s results', async () => {
    const perDay = Math.ceil(SYNC_MATCH_WORK / 3) + 100;
    const big = storeOf(perDay);
    const reference = storeOf(perDay);
    const jobs = new JobStore({ source: conversationJobSource(big, (c) => c), settings: () => new FaultInjector(5, { jobQueueMs: 0, jobMsPerThousand: 0, lakeLagMs: 0 }).settings, chance: () => false });
    const interval = { startMs: START + DAY_MS, endMs: START + 2 * DAY_MS };
    const body = { interval: `${new Date(interval.startMs).toISOString()}/${new Date(interval.endMs).toISOString()}`, ...agentFilter };
    const id = (jobs.create('t', body).body as { jobId: string }).jobId;
    expect(jobs.status(id).body).toMatchObject({ state: 'QUEUED' });
    while ((jobs.status(id).body as { state: string }).state !== 'FULFILLED') await new Promise((r) => setTimeout(r, 20));
    const served = (jobs.results(id, new URLSearchParams({ pageSize: '1000' })).body as { conversations: Array<{ conversationId: string }> }).conversations;
    const expected = reference.between(interval.startMs - 3 * DAY_MS, interval.endMs).filter((c) =>
      (c.conversationEnd === undefined || Date.parse(c.conversationEnd) > interval.startMs) && matchesFilterSet(c, filters));
    expect(served.map((c) => c.conversationId)).toEqual(expected.map((c) => c.conversationId));
    expect(served.length).toBeGreaterThan(0);
    expect(big.daysGenerated).toBe(0);
  }, 30_000);
});
