import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { FaultInjector, RateLimiter } from '../../../src/sim/faults.ts';
import { createGenContext } from '../../../src/sim/generate.ts';
import * as mut from '../../../src/sim/mutations.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { ConversationStore } from '../../../src/sim/store.ts';
import { usersPage } from '../../../src/sim/users.ts';

const NOW = Date.parse('2024-06-10T12:00:00.000Z');
const TODAY_START = Math.floor(NOW / DAY_MS) * DAY_MS;
const org = generateOrg(21, 20);
const storeFor = (startMs: number, endMs = NOW, perDay = 100) => new ConversationStore(createGenContext(21, org, perDay, NOW), startMs, endMs, 2);

describe('conversation store', () => {
  it('serves only conversations started inside its range and clips partial days', () => {
    const start = TODAY_START - 2 * DAY_MS + 6 * HOUR_MS;
    const store = storeFor(start);
    expect(store.day(store.firstDay - 1)).toEqual([]);
    for (const c of store.day(store.firstDay)) expect(Date.parse(c.conversationStart)).toBeGreaterThanOrEqual(start);
    for (const c of store.day(store.lastDay)) expect(Date.parse(c.conversationStart)).toBeLessThan(NOW);
    expect(store.day(store.firstDay + 1)).toHaveLength(100);
  });

  it('regenerates evicted days identically (positions are stable)', () => {
    const store = storeFor(TODAY_START - 5 * DAY_MS);
    const first = store.day(store.firstDay).map((c) => c.conversationId);
    store.day(store.firstDay + 1);
    store.day(store.firstDay + 2);
    store.day(store.firstDay + 3);
    expect(store.daysGenerated).toBe(4);
    expect(store.day(store.firstDay).map((c) => c.conversationId)).toEqual(first);
    expect(store.daysGenerated).toBe(5);
    expect(store.at(store.firstDay, 7).conversationId).toBe(first[7]);
  });

  it('finds any conversation by id and applies overrides everywhere', () => {
    const store = storeFor(TODAY_START - 3 * DAY_MS);
    const c = store.day(store.firstDay + 1)[42]!;
    store.day(store.firstDay + 2);
    store.day(store.firstDay);
    expect(store.get(c.conversationId)).toEqual(c);
    expect(store.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    const changed = mut.addField(c, 'newTopLevel', { a: 1 });
    const before = store.version;
    store.put(changed);
    expect(store.version).toBe(before + 1);
    expect(store.get(c.conversationId)!['newTopLevel']).toEqual({ a: 1 });
    expect(store.day(store.firstDay + 1)[42]!['newTopLevel']).toEqual({ a: 1 });
    expect(store.between(Date.parse(c.conversationStart), Date.parse(c.conversationStart) + 1).map((x) => x['newTopLevel'])).toContainEqual({ a: 1 });
  });
});

describe('mutations', () => {
  const store = storeFor(TODAY_START - 2 * DAY_MS, NOW, 400);
  const today = store.day(store.lastDay);
  const live = today.find((c) => !c.conversationEnd && c.participants.some((p) => p.purpose === 'agent' && p.sessions.some((s) => s.segments.some((g) => g.segmentType === 'interact' && !g.segmentEnd))))!;
  const ended = store.day(store.firstDay).find((c) => c.participants.filter((p) => p.purpose === 'agent').some((p) => p.sessions.some((s) => s.segments.length >= 3)))!;

  it('ends a live conversation: conversationEnd, closed segments, a wrap-up with code', () => {
    expect(live).toBeDefined();
    const at = NOW + 60_000;
    const done = mut.endConversation(live, at, 'CODE-1');
    expect(done.conversationEnd).toBe(new Date(at).toISOString());
    const segs = done.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments));
    expect(segs.every((g) => g.segmentEnd)).toBe(true);
    const agentSegs = done.participants.filter((p) => p.purpose === 'agent').flatMap((p) => p.sessions.flatMap((s) => s.segments));
    expect(agentSegs.some((g) => g.segmentType === 'wrapup' && g.wrapUpCode === 'CODE-1')).toBe(true);
    expect(live.conversationEnd).toBeUndefined(); // the input is not modified
    expect(() => mut.endConversation(done, at + 1, 'x')).toThrow(/not live/);
    expect(() => mut.endConversation(live, Date.parse(live.conversationStart), 'x')).toThrow(RangeError);
  });

  it('recodes wrap-ups, drops a segment, adds fields at a path', () => {
    const recoded = mut.recodeWrapUp(ended, 'NEW');
    const wraps = recoded.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments)).filter((g) => g.segmentType === 'wrapup');
    expect(wraps.length).toBeGreaterThan(0);
    expect(wraps.every((g) => g.wrapUpCode === 'NEW')).toBe(true);
    const count = (c: typeof ended) => c.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments)).length;
    expect(count(mut.dropSegment(ended))).toBe(count(ended) - 1);
    const drift = mut.addField(ended, 'participants.0.sessions.0.mediaType', 'hologram');
    expect(drift.participants[0]!.sessions[0]!.mediaType).toBe('hologram');
    expect(() => mut.addField(ended, 'nope.deeper', 1)).toThrow();
  });

  it('corrupts a served copy in each documented way', () => {
    expect(mut.corrupted(ended, 'missingConversationStart')).not.toHaveProperty('conversationStart');
    expect(mut.corrupted(ended, 'badConversationStart')['conversationStart']).toBe('not-a-date');
    expect(Array.isArray(mut.corrupted(ended, 'participantsNotArray')['participants'])).toBe(false);
    const noSession = mut.corrupted(ended, 'missingSessionId') as unknown as typeof ended;
    expect(noSession.participants[0]!.sessions[0]!.sessionId).toBeUndefined();
    const noStart = mut.corrupted(ended, 'missingSegmentStart') as unknown as typeof ended;
    expect(noStart.participants[0]!.sessions[0]!.segments[0]!.segmentStart).toBeUndefined();
    expect(ended.conversationStart).toMatch(/Z$/);
  });
});

describe('users listing', () => {
  const page = (q: string) => usersPage(org.agents, new URLSearchParams(q));
  it('pages with relative URIs and no nextUri on the last page', () => {
    const r = page('pageSize=7&pageNumber=1&state=any');
    if (r.status !== 200) throw new Error('expected 200');
    expect(r.body).toMatchObject({ pageSize: 7, pageNumber: 1, total: 20, pageCount: 3, nextUri: '/api/v2/users?pageSize=7&pageNumber=2&state=any' });
    const last = page('pageSize=7&pageNumber=3&state=any');
    if (last.status !== 200) throw new Error('expected 200');
    expect(last.body['entities']).toHaveLength(6);
    expect(last.body).not.toHaveProperty('nextUri');
    expect(last.body['lastUri']).toBe('/api/v2/users?pageSize=7&pageNumber=3&state=any');
  });

  it('lists active users by default and everyone with state=any', () => {
    const active = page('pageSize=500');
    const any = page('pageSize=500&state=any');
    if (active.status !== 200 || any.status !== 200) throw new Error('expected 200');
    expect(active.body['total']).toBe(org.agents.filter((a) => a.state === 'active').length);
    expect(any.body['total']).toBe(20);
  });

  it('refuses pageSize above 500 and unknown states', () => {
    expect(page('pageSize=501').status).toBe(400);
    expect(page('state=gone').status).toBe(400);
  });
});

describe('faults', () => {
  it('applies the script in order before random faults, skipping token requests unless asked', () => {
    const f = new FaultInjector(1);
    f.queue(['429', 'drop']);
    expect(f.next(true)).toBe('ok');
    expect(f.next(false)).toBe('429');
    expect(f.next(false)).toBe('drop');
    expect(f.next(false)).toBe('ok');
    f.queue(['503'], true);
    expect(f.next(true)).toBe('503');
  });

  it('draws random faults from a seeded generator', () => {
    const draws = (seed: number) => {
      const f = new FaultInjector(seed, { serverErrorRate: 0.3, dropRate: 0.1 });
      return Array.from({ length: 200 }, () => f.next(false));
    };
    expect(draws(5)).toEqual(draws(5));
    const kinds = new Set(draws(5));
    expect(kinds).toContain('drop');
    expect(kinds).toContain('ok');
    expect([...kinds].some((k) => ['500', '502', '503', '504'].includes(k))).toBe(true);
  });

  it('limits requests per token over a sliding minute', () => {
    const limiter = new RateLimiter();
    const t0 = 1_000_000;
    expect(limiter.take('a', 2, t0).allowed).toBe(true);
    expect(limiter.take('a', 2, t0 + 10_000).allowed).toBe(true);
    const third = limiter.take('a', 2, t0 + 20_000);
    expect(third).toEqual({ allowed: false, count: 2, resetSeconds: 40 });
    expect(limiter.take('b', 2, t0 + 20_000).allowed).toBe(true);
    expect(limiter.take('a', 2, t0 + 60_001).allowed).toBe(true);
  });
});
