/**
 * Agent scopes: which agents one details query covers. Without an agent list, one scope
 * covers every agent (the `purpose = agent` filter alone), deleted and inactive ones
 * included, with the fewest requests. With a list, agents are grouped into shared queries
 * (an `or` clause of userIds) because one query per agent multiplies requests by the
 * number of agents, most of them returning a partial page.
 */
import type { QueryScope } from '../genesys/details-query.ts';

export interface PlannedScope {
  scope: QueryScope;
  /** Stable text identifying the scope in the ledger: 'all' or 'agents:<sorted ids>'. */
  key: string;
}

export function scopeKey(scope: QueryScope): string {
  return scope.kind === 'all' ? 'all' : `agents:${[...scope.userIds].sort().join(',')}`;
}

export function planScopes(agentIds: readonly string[], groupSize: number): PlannedScope[] {
  if (agentIds.length === 0) return [{ scope: { kind: 'all' }, key: 'all' }];
  const sorted = [...new Set(agentIds)].sort();
  const groups: string[][] = [];
  // Even groups: 26 agents with a group size of 25 become 13 + 13, not 25 + 1.
  const groupCount = Math.ceil(sorted.length / Math.max(1, groupSize));
  const perGroup = Math.ceil(sorted.length / groupCount);
  for (let i = 0; i < sorted.length; i += perGroup) groups.push(sorted.slice(i, i + perGroup));
  return groups.map((userIds) => {
    const scope: QueryScope = { kind: 'agents', userIds };
    return { scope, key: scopeKey(scope) };
  });
}

/** Halves an agent group (used when one day of a group holds too many conversations). */
export function splitScope(scope: QueryScope): QueryScope[] | undefined {
  if (scope.kind !== 'agents' || scope.userIds.length < 2) return undefined;
  const mid = Math.ceil(scope.userIds.length / 2);
  return [
    { kind: 'agents', userIds: scope.userIds.slice(0, mid) },
    { kind: 'agents', userIds: scope.userIds.slice(mid) },
  ];
}
