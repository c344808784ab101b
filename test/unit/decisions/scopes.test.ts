import { describe, expect, it } from 'vitest';
import { planScopes, splitScope } from '../../../src/decisions/scopes.ts';
import { planKey, planRun } from '../../../src/decisions/plan.ts';

describe('planScopes', () => {
  it('uses one scope for every agent when no list is given', () => {
    expect(planScopes([], 25)).toEqual([{ scope: { kind: 'all' }, key: 'all' }]);
  });

  it('groups listed agents into even shared queries, deduplicated and sorted', () => {
    const ids = Array.from({ length: 26 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
    const scopes = planScopes([...ids, 'agent-00'], 25);
    expect(scopes.map((s) => (s.scope.kind === 'agents' ? s.scope.userIds.length : 0))).toEqual([13, 13]);
    expect(scopes.flatMap((s) => (s.scope.kind === 'agents' ? s.scope.userIds : []))).toEqual(ids);
  });

  it('splits a group in halves and refuses to split a single agent', () => {
    expect(splitScope({ kind: 'agents', userIds: ['a', 'b', 'c'] })).toEqual([
      { kind: 'agents', userIds: ['a', 'b'] },
      { kind: 'agents', userIds: ['c'] },
    ]);
    expect(splitScope({ kind: 'agents', userIds: ['a'] })).toBeUndefined();
    expect(splitScope({ kind: 'all' })).toBeUndefined();
  });
});

describe('planRun', () => {
  const interval = { start: new Date('2025-01-01T00:00:00Z'), end: new Date('2025-01-15T00:00:00Z') };

  it('plans every window for every scope, window by window, minus the windows an earlier run finished', () => {
    const all = planRun({ interval, agentIds: ['a', 'b'], agentGroupSize: 1, windowDays: 7 });
    expect(all).toHaveLength(4);
    const done = new Map([['agents:a', [{ start: interval.start, end: new Date('2025-01-08T00:00:00Z') }]]]);
    const rest = planRun({ interval, agentIds: ['a', 'b'], agentGroupSize: 1, windowDays: 7, done });
    expect(rest.map((w) => `${w.scopeKey} ${w.start.toISOString().slice(0, 10)}`)).toEqual([
      'agents:b 2025-01-01',
      'agents:a 2025-01-08',
      'agents:b 2025-01-08',
    ]);
  });

  it('gives the same plan key for the same arguments in any order', () => {
    const key = (agentIds: string[], laneMode = 'auto', streams = ['conversations']) => planKey({ kind: 'backfill', interval, agentIds, laneMode, streams });
    expect(key(['b', 'a'])).toBe(key(['a', 'b', 'a']));
    expect(key(['a'])).not.toBe(key(['b']));
  });

  it('gives another plan key to another lane or another set of streams, so a re-run through another lane reads again', () => {
    const key = (laneMode: string, streams: string[]) => planKey({ kind: 'backfill', interval, agentIds: [], laneMode, streams });
    expect(key('jobs', ['conversations'])).not.toBe(key('query', ['conversations']));
    expect(key('auto', ['conversations'])).not.toBe(key('jobs', ['conversations']));
    expect(key('jobs', ['conversations', 'agent-activity'])).not.toBe(key('jobs', ['conversations']));
    expect(key('jobs', ['b', 'a'])).toBe(key('jobs', ['a', 'b']));
  });
});
