import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/time.ts';
import { FilterError, matchesConversationFilters, matchesSegmentFilters, parseFilters } from '../../../src/sim/filters.ts';
import {
  MAX_RESULT_WINDOW, QueryError, matchKey, pageOf, parseInterval, parseQuery, selectMatches, touchedDays, type MatchRef,
} from '../../../src/sim/query.ts';
import type { SimConversation, SimParticipant } from '../../../src/sim/types.ts';

const AGENT_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const AGENT_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const AGENT_C = 'cccccccc-0000-4000-8000-000000000003';

function participant(purpose: string, userId: string | undefined, segs: { type: string; queueId?: string; wrapUpCode?: string }[], mediaType = 'voice'): SimParticipant {
  return {
    participantId: `${purpose}-${userId ?? 'x'}`,
    purpose,
    ...(userId ? { userId } : {}),
    sessions: [{
      sessionId: `s-${purpose}`, mediaType, direction: 'inbound',
      segments: segs.map((s, i) => ({ segmentStart: `2024-06-01T10:0${i}:00.000Z`, segmentEnd: `2024-06-01T10:0${i + 1}:00.000Z`, segmentType: s.type, ...(s.queueId ? { queueId: s.queueId } : {}), ...(s.wrapUpCode ? { wrapUpCode: s.wrapUpCode } : {}) })),
    }],
  };
}

function conversation(id: string, start: string, participants: SimParticipant[], extra: Partial<SimConversation> = {}): SimConversation {
  return { conversationId: id, conversationStart: start, conversationEnd: start, originatingDirection: 'inbound', divisionIds: ['div-1'], participants, ...extra };
}

const segFilters = (raw: unknown) => parseFilters(raw, 'segment', 'segmentFilters');
const convA = conversation('c1', '2024-06-01T10:00:00.000Z', [
  participant('customer', undefined, [{ type: 'interact' }]),
  participant('agent', AGENT_A, [{ type: 'alert', queueId: 'q1' }, { type: 'interact', queueId: 'q1' }, { type: 'wrapup', queueId: 'q1', wrapUpCode: 'W1' }]),
]);
const convB = conversation('c2', '2024-06-01T11:00:00.000Z', [
  participant('customer', undefined, [{ type: 'interact' }], 'chat'),
  // A user who is not an agent participant here (e.g. a supervisor monitoring).
  participant('user', AGENT_B, [{ type: 'monitoring' }], 'chat'),
], { originatingDirection: 'outbound', divisionIds: ['div-2'] });

describe('segment filters', () => {
  it('matches purpose and userId on the same participant', () => {
    const forAgent = (id: string) => segFilters([{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }, { dimension: 'userId', value: id }] }]);
    expect(matchesSegmentFilters(convA, forAgent(AGENT_A))).toBe(true);
    expect(matchesSegmentFilters(convB, forAgent(AGENT_B))).toBe(false);
    // customer AND userId=A must not match across the two participants
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'and', predicates: [{ dimension: 'purpose', value: 'customer' }, { dimension: 'userId', value: AGENT_A }] }]))).toBe(false);
  });

  it('evaluates an or-clause of userIds inside an and filter', () => {
    const group = (ids: string[]) => segFilters([{
      type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }],
      clauses: [{ type: 'or', predicates: ids.map((value) => ({ dimension: 'userId', value })) }],
    }]);
    expect(matchesSegmentFilters(convA, group([AGENT_C, AGENT_A]))).toBe(true);
    expect(matchesSegmentFilters(convA, group([AGENT_B, AGENT_C]))).toBe(false);
  });

  it('requires every filter element, each satisfied by some segment', () => {
    const filters = segFilters([
      { type: 'and', predicates: [{ dimension: 'purpose', value: 'customer' }] },
      { type: 'and', predicates: [{ dimension: 'wrapUpCode', value: 'W1' }] },
    ]);
    expect(matchesSegmentFilters(convA, filters)).toBe(true);
    expect(matchesSegmentFilters(convB, filters)).toBe(false);
  });

  it('compares values case-insensitively and supports exists / notExists', () => {
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'or', predicates: [{ dimension: 'purpose', value: 'Customer' }] }]))).toBe(true);
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'and', predicates: [{ dimension: 'mediaType', value: 'VOICE' }, { dimension: 'segmentType', value: 'Wrapup' }] }]))).toBe(true);
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'and', predicates: [{ dimension: 'wrapUpCode', operator: 'exists' }] }]))).toBe(true);
    expect(matchesSegmentFilters(convB, segFilters([{ type: 'and', predicates: [{ dimension: 'queueId', operator: 'exists' }] }]))).toBe(false);
    expect(matchesSegmentFilters(convB, segFilters([{ type: 'and', predicates: [{ dimension: 'queueId', operator: 'notExists' }] }]))).toBe(true);
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'and', predicates: [{ dimension: 'direction', value: 'outbound' }] }]))).toBe(false);
  });

  it('supports the tSegmentDuration metric with a range', () => {
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'and', predicates: [{ type: 'metric', metric: 'tSegmentDuration', range: { gte: 60_000, lt: 60_001 } }] }]))).toBe(true);
    expect(matchesSegmentFilters(convA, segFilters([{ type: 'and', predicates: [{ metric: 'tSegmentDuration', range: { gt: 60_000 } }] }]))).toBe(false);
  });

  it('rejects unknown dimensions, bad types and bad operators', () => {
    expect(() => segFilters([{ type: 'and', predicates: [{ dimension: 'agentId', value: 'x' }] }])).toThrow(FilterError);
    expect(() => segFilters([{ type: 'xor', predicates: [] }])).toThrow(/type/);
    expect(() => segFilters([{ type: 'and', predicates: [{ dimension: 'userId', operator: 'in', value: 'x' }] }])).toThrow(/operator/);
    expect(() => segFilters([{ type: 'and', predicates: [{ dimension: 'userId' }] }])).toThrow(/value/);
    expect(() => parseFilters([{ type: 'and', predicates: [{ dimension: 'userId', value: 'x' }] }], 'conversation', 'conversationFilters')).toThrow(/not a valid conversation dimension/);
  });
});

describe('conversation filters', () => {
  const convFilters = (raw: unknown) => parseFilters(raw, 'conversation', 'conversationFilters');
  it('matches conversationId, originatingDirection and divisionId', () => {
    expect(matchesConversationFilters(convB, convFilters([{ type: 'and', predicates: [{ dimension: 'originatingDirection', value: 'Outbound' }] }]))).toBe(true);
    expect(matchesConversationFilters(convA, convFilters([{ type: 'and', predicates: [{ dimension: 'divisionId', value: 'div-2' }] }]))).toBe(false);
    expect(matchesConversationFilters(convB, convFilters([{ type: 'or', predicates: [{ dimension: 'conversationId', value: 'c1' }, { dimension: 'conversationId', value: 'C2' }] }]))).toBe(true);
  });
});

describe('interval and day selection', () => {
  it('parses ISO intervals, zone-less meaning UTC', () => {
    expect(parseInterval('2024-06-01T00:00:00.000Z/2024-06-02T00:00:00.000Z')).toEqual({ startMs: Date.parse('2024-06-01T00:00:00Z'), endMs: Date.parse('2024-06-02T00:00:00Z') });
    expect(parseInterval('2024-06-01T00:00:00/2024-06-01T06:00:00').endMs).toBe(Date.parse('2024-06-01T06:00:00Z'));
    expect(parseInterval('2024-06-01T02:00:00+02:00/2024-06-01T03:00:00Z').startMs).toBe(Date.parse('2024-06-01T00:00:00Z'));
  });

  it('rejects unparseable or empty intervals with invalid.date', () => {
    for (const bad of [undefined, 'yesterday/today', '2024-06-01T00:00:00Z', '2024-06-02T00:00:00Z/2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z/2024-06-01T00:00:00Z', '2024-13-01T00:00:00Z/2024-13-02T00:00:00Z']) {
      expect(() => parseInterval(bad)).toThrow(expect.objectContaining({ code: 'invalid.date' }));
    }
  });

  it('lists every UTC day the half-open interval touches', () => {
    const d = Math.floor(Date.parse('2024-06-01T00:00:00Z') / DAY_MS);
    expect(touchedDays(Date.parse('2024-06-01T10:00:00Z'), Date.parse('2024-06-01T11:00:00Z'))).toEqual([d]);
    expect(touchedDays(Date.parse('2024-06-01T00:00:00Z'), Date.parse('2024-06-02T00:00:00Z'))).toEqual([d]);
    expect(touchedDays(Date.parse('2024-06-01T23:00:00Z'), Date.parse('2024-06-02T00:00:00.001Z'))).toEqual([d, d + 1]);
  });

  it('selects whole days, filtered, in start order (desc reverses)', () => {
    const day = Math.floor(Date.parse('2024-06-01T00:00:00Z') / DAY_MS);
    const days = new Map([[day, [convA, convB]]]);
    const source = (n: number) => days.get(n) ?? [];
    const q = parseQuery({ interval: '2024-06-01T10:30:00Z/2024-06-01T10:31:00Z' });
    expect(selectMatches(q, source)).toEqual([{ day, index: 0 }, { day, index: 1 }]);
    expect(selectMatches(parseQuery({ interval: '2024-06-01T10:30:00Z/2024-06-01T10:31:00Z', order: 'desc' }), source)).toEqual([{ day, index: 1 }, { day, index: 0 }]);
    const filtered = parseQuery({ interval: '2024-06-01T00:00:00Z/2024-06-02T00:00:00Z', segmentFilters: [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }] }] });
    expect(selectMatches(filtered, source)).toEqual([{ day, index: 0 }]);
  });
});

describe('query validation and paging', () => {
  const day = '2024-06-01T00:00:00Z/2024-06-02T00:00:00Z';
  const agentFilter = [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }] }];
  const codeOf = (body: unknown) => {
    try {
      parseQuery(body);
      return 'ok';
    } catch (err) {
      return (err as QueryError).code;
    }
  };

  it('defaults to pageSize 25, page 1, ascending by conversationStart, ignoring unknown fields', () => {
    expect(parseQuery({ interval: day, somethingNew: true })).toMatchObject({ pageSize: 25, pageNumber: 1, order: 'asc', orderBy: 'conversationStart' });
  });

  it('caps intervals at 7 days without filters and 31 days with any filter', () => {
    expect(codeOf({ interval: '2024-06-01T00:00:00Z/2024-06-08T00:00:00Z' })).toBe('ok');
    expect(codeOf({ interval: '2024-06-01T00:00:00Z/2024-06-08T00:00:01Z' })).toBe('bad.request');
    expect(codeOf({ interval: '2024-06-01T00:00:00Z/2024-07-02T00:00:00Z', segmentFilters: agentFilter })).toBe('ok');
    expect(codeOf({ interval: '2024-06-01T00:00:00Z/2024-07-02T00:00:01Z', segmentFilters: agentFilter })).toBe('bad.request');
  });

  it('caps pageSize at 100 and refuses results past 100,000', () => {
    expect(codeOf({ interval: day, paging: { pageSize: 100, pageNumber: 1 } })).toBe('ok');
    expect(codeOf({ interval: day, paging: { pageSize: 101, pageNumber: 1 } })).toBe('bad.request');
    expect(codeOf({ interval: day, paging: { pageSize: 0 } })).toBe('bad.request');
    expect(codeOf({ interval: day, paging: { pageSize: 25, pageNumber: 0 } })).toBe('bad.request');
    expect(codeOf({ interval: day, paging: { pageSize: 100, pageNumber: 1000 } })).toBe('ok');
    expect(codeOf({ interval: day, paging: { pageSize: 100, pageNumber: 1001 } })).toBe('bad.request');
    expect(() => parseQuery({ interval: day, paging: { pageSize: 100, pageNumber: 1001 } })).toThrow(String(MAX_RESULT_WINDOW));
    expect(codeOf({ interval: day, paging: { pageSize: '10' } })).toBe('invalid.value');
  });

  it('omits the conversations key on an empty page and always reports totalHits', () => {
    const refs: MatchRef[] = Array.from({ length: 30 }, (_, index) => ({ day: 1, index }));
    const resolve = (r: MatchRef) => conversation(`c${r.index}`, '2024-06-01T00:00:00.000Z', []);
    expect(pageOf(refs, 25, 1, resolve).conversations).toHaveLength(25);
    expect(pageOf(refs, 25, 2, resolve).conversations).toHaveLength(5);
    const empty = pageOf(refs, 25, 3, resolve);
    expect(empty).toEqual({ totalHits: 30 });
    expect('conversations' in empty).toBe(false);
    expect(pageOf([], 25, 1, resolve)).toEqual({ totalHits: 0 });
  });

  it('keys the match cache on everything but paging', () => {
    const a = parseQuery({ interval: day, paging: { pageSize: 10, pageNumber: 1 } });
    const b = parseQuery({ interval: day, paging: { pageSize: 50, pageNumber: 3 } });
    const c = parseQuery({ interval: day, order: 'desc' });
    expect(matchKey(a)).toBe(matchKey(b));
    expect(matchKey(a)).not.toBe(matchKey(c));
  });
});
