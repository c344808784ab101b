import type { Conversation, Simulator } from '../../../src/sim/index.ts';

/** Minimal fetch-based client for simulator tests (the project's real client lives in src/genesys). */
export async function getToken(sim: Simulator): Promise<string> {
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function detailsQuery(sim: Simulator, token: string, body: unknown): Promise<Response> {
  return fetch(`${sim.url}/api/v2/analytics/conversations/details/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export interface QueryPage {
  totalHits: number;
  conversations?: Conversation[];
}

/** Pages through a query until a page comes back without conversations. */
export async function queryAll(sim: Simulator, token: string, body: Record<string, unknown>, pageSize = 100): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const res = await detailsQuery(sim, token, { ...body, paging: { pageSize, pageNumber } });
    if (res.status !== 200) throw new Error(`query failed: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as QueryPage;
    if (!page.conversations) return out;
    out.push(...page.conversations);
  }
}

/** JSON round trip, so objects compare the way they travel over HTTP. */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const agentFilter = (ids: readonly string[]) => ids.length === 1
  ? [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }, { dimension: 'userId', value: ids[0] }] }]
  : [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }], clauses: [{ type: 'or', predicates: ids.map((value) => ({ dimension: 'userId', value })) }] }];
