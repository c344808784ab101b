import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { getToken } from './client.ts';

const UUID = /^[0-9a-f-]{36}$/;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 2, org: { now: new Date('2024-06-10T12:00:00Z'), days: 1, conversationsPerDay: 20 } });
});
afterAll(() => sim.close());

const tokenRequest = (auth: string, body = 'grant_type=client_credentials') => fetch(`${sim.url}/oauth/token`, {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
  body,
});
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const users = (token: string) => fetch(`${sim.url}/api/v2/users`, { headers: { authorization: `Bearer ${token}` } });

describe('OAuth client credentials', () => {
  it('issues a bearer token with the configured lifetime', async () => {
    const res = await tokenRequest(basic(sim.clientId, sim.clientSecret));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 86_400 });
    expect(typeof body['access_token']).toBe('string');
    expect((await users(body['access_token'] as string)).status).toBe(200);
  });

  it('refuses wrong credentials with invalid_client and a wrong grant with 400', async () => {
    const wrong = await tokenRequest(basic(sim.clientId, 'nope'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_client', description: 'Invalid client credentials' });
    expect((await tokenRequest('')).status).toBe(401);
    const grant = await tokenRequest(basic(sim.clientId, sim.clientSecret), 'grant_type=password');
    expect(grant.status).toBe(400);
  });

  it('answers 401 bad.credentials with an ErrorBody for unknown bearers', async () => {
    const res = await users('not-a-token');
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'bad.credentials', status: 401, details: [], errors: [] });
    expect(body['contextId']).toMatch(UUID);
    const missing = await fetch(`${sim.url}/api/v2/users`);
    expect(missing.status).toBe(401);
  });

  it('expires tokens after their lifetime', async () => {
    sim.setFaults({ tokenLifetimeSeconds: 1 });
    const token = await getToken(sim);
    expect((await users(token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await users(token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('bad.credentials');
    sim.setFaults({ tokenLifetimeSeconds: 86_400 });
  });

  it('can expire every token at once', async () => {
    const token = await getToken(sim);
    sim.expireTokens();
    expect((await users(token)).status).toBe(401);
    expect((await users(await getToken(sim))).status).toBe(200);
  });
});

describe('unknown routes', () => {
  it('answers 404 with a Genesys ErrorBody', async () => {
    const res = await fetch(`${sim.url}/api/v2/routing/emailsetup`, { headers: { authorization: `Bearer ${await getToken(sim)}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not.found', status: 404, details: [], errors: [] });
  });
});
