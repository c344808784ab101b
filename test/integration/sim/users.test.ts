import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimUser, type Simulator } from '../../../src/sim/index.ts';
import { getToken } from './client.ts';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 4, org: { agentCount: 30, now: new Date('2024-06-10T12:00:00Z'), days: 1, conversationsPerDay: 10 } });
  token = await getToken(sim);
});
afterAll(() => sim.close());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Follows nextUri like a client would. */
async function allUsers(state: string, pageSize: number): Promise<SimUser[]> {
  const out: SimUser[] = [];
  let path: string | undefined = `/api/v2/users?pageSize=${pageSize}&pageNumber=1&state=${state}`;
  while (path) {
    const { status, body } = await get(path);
    expect(status).toBe(200);
    out.push(...(body['entities'] as SimUser[]));
    path = body['nextUri'] as string | undefined;
  }
  return out;
}

describe('GET /api/v2/users', () => {
  it('returns a UserEntityListing with relative paging URIs', async () => {
    const { body } = await get('/api/v2/users?pageSize=4&pageNumber=2&state=any');
    expect(body).toMatchObject({ pageSize: 4, pageNumber: 2, total: 30, pageCount: 8 });
    expect(body['nextUri']).toBe('/api/v2/users?pageSize=4&pageNumber=3&state=any');
    for (const key of ['firstUri', 'lastUri', 'selfUri']) expect(body[key]).toMatch(/^\/api\/v2\/users\?/);
    const user = (body['entities'] as SimUser[])[0]!;
    for (const key of ['id', 'name', 'username', 'email', 'state', 'division', 'department', 'title', 'selfUri']) expect(user).toHaveProperty(key);
  });

  it('filters by state, with any returning every user', async () => {
    const truth = (s: string) => sim.listUsers(s as 'any').map((u) => u.id).sort();
    for (const state of ['active', 'inactive', 'deleted', 'any']) {
      const ids = (await allUsers(state, 7)).map((u) => u.id).sort();
      expect(ids).toEqual(truth(state));
      expect(ids.length).toBeGreaterThan(0);
    }
    expect((await allUsers('any', 500)).length).toBe(30);
    const { body } = await get('/api/v2/users');
    expect(body['pageSize']).toBe(25);
    expect((body['entities'] as SimUser[]).every((u) => u.state === 'active')).toBe(true);
  });

  it('refuses pageSize above 500', async () => {
    expect((await get('/api/v2/users?pageSize=500')).status).toBe(200);
    const { status, body } = await get('/api/v2/users?pageSize=501');
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 400, code: 'bad.request' });
  });

  it('returns an empty page past the end', async () => {
    const { body } = await get('/api/v2/users?pageSize=25&pageNumber=9&state=any');
    expect(body['entities']).toEqual([]);
    expect(body).not.toHaveProperty('nextUri');
  });
});
