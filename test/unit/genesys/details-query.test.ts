import { describe, expect, it } from 'vitest';
import { buildDetailsQueryBody } from '../../../src/genesys/details-query.ts';

const interval = { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') };
const agentPurpose = { type: 'dimension', dimension: 'purpose', operator: 'matches', value: 'agent' };
const user = (id: string) => ({ type: 'dimension', dimension: 'userId', operator: 'matches', value: id });

describe('buildDetailsQueryBody', () => {
  it('selects every conversation with an agent for the all scope', () => {
    expect(JSON.stringify(buildDetailsQueryBody({ interval, scope: { kind: 'all' }, pageNumber: 1, pageSize: 100 }))).toBe(
      JSON.stringify({
        interval: '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z',
        order: 'asc',
        orderBy: 'conversationStart',
        paging: { pageSize: 100, pageNumber: 1 },
        segmentFilters: [{ type: 'and', predicates: [agentPurpose] }],
      }),
    );
  });

  it('adds a userId predicate to the same filter for one agent', () => {
    expect(buildDetailsQueryBody({ interval, scope: { kind: 'agents', userIds: ['u-1'] }, pageNumber: 3, pageSize: 50 })).toStrictEqual({
      interval: '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z',
      order: 'asc',
      orderBy: 'conversationStart',
      paging: { pageSize: 50, pageNumber: 3 },
      segmentFilters: [{ type: 'and', predicates: [agentPurpose, user('u-1')] }],
    });
  });

  it('adds an or clause of userId predicates for a group of agents', () => {
    const body = buildDetailsQueryBody({ interval, scope: { kind: 'agents', userIds: ['a', 'b', 'c', 'a'] }, pageNumber: 1, pageSize: 25 });
    expect(body.segmentFilters).toStrictEqual([
      { type: 'and', predicates: [agentPurpose], clauses: [{ type: 'or', predicates: [user('a'), user('b'), user('c')] }] },
    ]);
  });

  it('refuses inputs the API would reject', () => {
    const ok = { interval, scope: { kind: 'all' } as const, pageNumber: 1, pageSize: 100 };
    expect(() => buildDetailsQueryBody({ ...ok, scope: { kind: 'agents', userIds: [] } })).toThrow(/at least one user id/);
    expect(() => buildDetailsQueryBody({ ...ok, pageNumber: 0 })).toThrow(/pageNumber/);
    expect(() => buildDetailsQueryBody({ ...ok, interval: { start: interval.end, end: interval.start } })).toThrow(/start < end/);
    expect(() => buildDetailsQueryBody({ ...ok, interval: { start: interval.start, end: new Date('2024-06-02T00:00:00Z') } })).toThrow(/31 days/);
  });
});
