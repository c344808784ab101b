import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/time.ts';
import { startSimulator, type Conversation, type Simulator } from '../../../src/sim/index.ts';
import { agentFilter, asJson, detailsQuery, getToken, queryAll, type QueryPage } from './client.ts';

const NOW = new Date('2024-06-10T12:00:00.000Z');
const DAY = '2024-06-09';
const dayStart = new Date(`${DAY}T00:00:00.000Z`);
const dayEnd = new Date(dayStart.getTime() + DAY_MS);
let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, org: { now: NOW, days: 3, conversationsPerDay: 150 } });
  token = await getToken(sim);
});
afterAll(() => sim.close());

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> & QueryPage }> {
  const res = await detailsQuery(sim, token, body);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & QueryPage };
}
const ids = (cs: readonly Conversation[]) => cs.map((c) => c.conversationId);

describe('interval selection by UTC day of conversationStart', () => {
  it('returns the whole day for a query on one hour of it', async () => {
    const hour = await queryAll(sim, token, { interval: `${DAY}T10:00:00.000Z/${DAY}T11:00:00.000Z` });
    const whole = sim.expected({ from: dayStart, to: dayEnd });
    expect(whole).toHaveLength(150);
    expect(ids(hour)).toEqual(ids(whole));
    expect(hour.some((c) => c.conversationStart < `${DAY}T10:00`)).toBe(true);
  });

  it('returns a conversation crossing midnight only for its start day', async () => {
    const crossing = sim.expected({ from: dayStart, to: dayEnd }).find((c) => c.conversationEnd && c.conversationEnd >= dayEnd.toISOString());
    expect(crossing).toBeDefined();
    const nextDay = await queryAll(sim, token, { interval: `${dayEnd.toISOString()}/${new Date(dayEnd.getTime() + DAY_MS).toISOString()}` });
    expect(ids(nextDay)).not.toContain(crossing!.conversationId);
  });

  it('orders by conversationStart ascending by default, descending on request', async () => {
    const interval = `${dayStart.toISOString()}/${dayEnd.toISOString()}`;
    const asc = await queryAll(sim, token, { interval }, 40);
    const desc = await queryAll(sim, token, { interval, order: 'desc' }, 40);
    expect(ids(desc)).toEqual(ids(asc).reverse());
    for (let i = 1; i < asc.length; i++) expect(asc[i - 1]!.conversationStart <= asc[i]!.conversationStart).toBe(true);
  });

  it('answers invalid.date for unparseable or reversed intervals', async () => {
    for (const interval of ['last week', `${DAY}T11:00:00Z/${DAY}T10:00:00Z`]) {
      const { status, body } = await post({ interval });
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 'invalid.date', status: 400, details: [], errors: [] });
    }
    expect((await post({ paging: { pageSize: 10 } })).status).toBe(400);
  });
});

describe('limits', () => {
  it('caps the interval at 7 days without filters and 31 days with a filter', async () => {
    const eightDays = '2024-06-01T00:00:00Z/2024-06-09T00:00:00Z';
    const noFilter = await post({ interval: eightDays });
    expect(noFilter.status).toBe(400);
    expect(noFilter.body['code']).toBe('bad.request');
    expect(noFilter.body['message']).toMatch(/7 days/);
    expect((await post({ interval: eightDays, segmentFilters: agentFilter([sim.org.agents[0]!.id]) })).status).toBe(200);
    const long = await post({ interval: '2024-05-01T00:00:00Z/2024-06-09T00:00:00Z', segmentFilters: agentFilter([sim.org.agents[0]!.id]) });
    expect(long.status).toBe(400);
    expect(long.body['message']).toMatch(/31 days/);
  });

  it('caps pageSize at 100 and refuses paging past 100,000 results', async () => {
    const interval = `${dayStart.toISOString()}/${dayEnd.toISOString()}`;
    expect((await post({ interval, paging: { pageSize: 100, pageNumber: 1 } })).status).toBe(200);
    expect((await post({ interval, paging: { pageSize: 101, pageNumber: 1 } })).status).toBe(400);
    const deep = await post({ interval, paging: { pageSize: 100, pageNumber: 1_001 } });
    expect(deep.status).toBe(400);
    expect(deep.body['message']).toMatch(/100000/);
  });

  it('has totalHits but no conversations key on an empty page', async () => {
    const past = await post({ interval: `${dayStart.toISOString()}/${dayEnd.toISOString()}`, paging: { pageSize: 100, pageNumber: 3 } });
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ totalHits: 150 });
    const before = await post({ interval: '2024-01-01T00:00:00Z/2024-01-02T00:00:00Z' });
    expect(before.body).toEqual({ totalHits: 0 });
    expect(Object.keys(before.body)).not.toContain('conversations');
  });

  it('defaults to 25 per page and ignores unknown body fields', async () => {
    const { status, body } = await post({ interval: `${dayStart.toISOString()}/${dayEnd.toISOString()}`, aggregations: [{ type: 'termFrequency', dimension: 'wrapUpCode' }], newField: 1 });
    expect(status).toBe(200);
    expect(body.conversations).toHaveLength(25);
  });
});

describe('agent filters and ground truth', () => {
  const from = new Date(NOW.getTime() - 3 * DAY_MS);
  const interval = `${new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS).toISOString()}/${NOW.toISOString()}`;
  const inWindow = (cs: Conversation[]) => cs.filter((c) => c.conversationStart >= from.toISOString() && c.conversationStart < NOW.toISOString());

  it('agrees with expected() for all agents', async () => {
    const api = inWindow(await queryAll(sim, token, { interval, segmentFilters: [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }] }] }));
    const truth = sim.expected({ from, to: NOW, agentIds: sim.org.agents.map((a) => a.id) });
    expect(truth.length).toBeGreaterThan(300);
    expect(api).toEqual(asJson(truth));
  });

  it('agrees with expected() for one agent and for an or-clause of agents', async () => {
    const [a, b, c] = sim.org.agents.filter((x) => x.state !== 'active').concat(sim.org.agents);
    const one = inWindow(await queryAll(sim, token, { interval, segmentFilters: agentFilter([a!.id]) }));
    expect(ids(one)).toEqual(ids(sim.expected({ from, to: NOW, agentIds: [a!.id] })));
    expect(one.length).toBeGreaterThan(0);
    const group = inWindow(await queryAll(sim, token, { interval, segmentFilters: agentFilter([a!.id, b!.id, c!.id]) }));
    const truth = sim.expected({ from, to: NOW, agentIds: [a!.id, b!.id, c!.id] });
    expect(group).toEqual(asJson(truth));
    for (const conv of group) {
      expect(conv.participants.some((p) => p.purpose === 'agent' && [a!.id, b!.id, c!.id].includes(p.userId!))).toBe(true);
    }
  });

  it('filters by conversation dimensions', async () => {
    const outbound = await queryAll(sim, token, { interval: `${dayStart.toISOString()}/${dayEnd.toISOString()}`, conversationFilters: [{ type: 'and', predicates: [{ dimension: 'originatingDirection', value: 'outbound' }] }] });
    expect(outbound.length).toBeGreaterThan(0);
    expect(outbound.every((c) => c.originatingDirection === 'outbound')).toBe(true);
  });
});

describe('late updates and malformed records', () => {
  const todayInterval = `${new Date(Math.floor(NOW.getTime() / DAY_MS) * DAY_MS).toISOString()}/${NOW.toISOString()}`;
  const find = async (id: string) => (await queryAll(sim, token, { interval: todayInterval })).find((c) => c.conversationId === id);

  it('shows endConversation, recodeWrapUp, dropSegment and addField on the next call', async () => {
    const liveIds = sim.liveConversationIds(new Date(NOW.getTime() - DAY_MS), NOW);
    expect(liveIds.length).toBeGreaterThan(0);
    const id = liveIds[0]!;
    expect((await find(id))!.conversationEnd).toBeUndefined();
    const ended = sim.endConversation(id);
    const served = (await find(id))!;
    expect(served.conversationEnd).toBe(ended.conversationEnd);
    expect(served).toEqual(asJson(ended));

    const withWrap = sim.expected({ from: new Date(Math.floor(NOW.getTime() / DAY_MS) * DAY_MS), to: NOW })
      .find((c) => c.conversationEnd && c.participants.some((p) => p.purpose === 'agent' && p.sessions.some((s) => s.segments.some((g) => g.segmentType === 'wrapup'))))!;
    sim.recodeWrapUp(withWrap.conversationId, 'RECODED');
    const recoded = (await find(withWrap.conversationId))!;
    expect(recoded.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments)).filter((g) => g.segmentType === 'wrapup' && g.wrapUpCode === 'RECODED').length).toBeGreaterThan(0);

    const segCount = (c: Conversation) => c.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments)).length;
    const before = segCount(recoded);
    sim.dropSegment(withWrap.conversationId);
    expect(segCount((await find(withWrap.conversationId))!)).toBe(before - 1);

    sim.addField(withWrap.conversationId, 'brandNewField', { x: 1 });
    expect((await find(withWrap.conversationId))!['brandNewField']).toEqual({ x: 1 });
    expect(sim.getConversation(withWrap.conversationId)!['brandNewField']).toEqual({ x: 1 });
  });

  it('serves corrupted copies until cleared, without changing selection', async () => {
    const [c] = sim.expected({ from: dayStart, to: dayEnd });
    sim.corrupt(c!.conversationId, 'badConversationStart');
    const interval = `${dayStart.toISOString()}/${dayEnd.toISOString()}`;
    const { body } = await post({ interval, paging: { pageSize: 1, pageNumber: 1 } });
    expect(body.conversations![0]!.conversationId).toBe(c!.conversationId);
    expect(body.conversations![0]!.conversationStart).toBe('not-a-date');
    sim.clearCorruption();
    const again = await post({ interval, paging: { pageSize: 1, pageNumber: 1 } });
    expect(again.body.conversations![0]!.conversationStart).toBe(c!.conversationStart);
    expect(() => sim.corrupt('00000000-0000-4000-8000-000000000000', 'missingSessionId')).toThrow(/unknown conversation/);
  });
});
