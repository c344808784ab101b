import { parseConversation } from '../../../src/genesys/schemas.ts';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  createGenesysClient,
  FatalApiError,
  type GenesysClient,
  type GenesysClientOptions,
  type GenesysConversation,
  type QueryScope,
} from '../../../src/genesys/index.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';

/*
 * The client against the project's Genesys simulator (src/sim): the same HTTP surface the
 * sync will meet in demos and benchmarks, with its fault injection.
 */
const DAY = { start: new Date('2024-05-02T00:00:00Z'), end: new Date('2024-05-03T00:00:00Z') };
const PAGE_SIZE = 25;

let sim: Simulator;
let logs: string[];
let errors: unknown[];
let clients: GenesysClient[];

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    clientSecret: 'sim-secret-do-not-log-7f3a',
    org: { agentCount: 8, conversationsPerDay: 80, start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-04T00:00:00Z'), now: new Date('2024-05-04T00:00:00Z') },
  });
});
afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.setFaults({ rateLimitRate: 0, serverErrorRate: 0, dropRate: 0, latencyMs: 0, tokenLifetimeSeconds: 86_400 });
  sim.clearFaultQueue();
  sim.clearCorruption();
  sim.resetStats();
  logs = [];
  errors = [];
  clients = [];
});

afterEach(() => {
  for (const client of clients) client.close();
  const exposed = [...logs, ...errors.map((error) => inspect(error, { depth: 20, showHidden: true }))].join('\n');
  expect(exposed).not.toContain(sim.clientSecret);
  expect(exposed).not.toMatch(/bearer|authorization/i);
});

function makeClient(overrides: Partial<GenesysClientOptions> = {}): GenesysClient {
  const client = createGenesysClient({
    apiUrl: sim.url,
    loginUrl: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    concurrency: 4,
    ratePerMinute: 60_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 40,
    logger: pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }),
    ...overrides,
  });
  clients.push(client);
  return client;
}

async function fetchAll(client: GenesysClient, scope: QueryScope): Promise<GenesysConversation[]> {
  const byId = new Map<string, GenesysConversation>();
  for (let pageNumber = 1; pageNumber < 100; pageNumber++) {
    const page = await client.queryConversationDetailsPage({ interval: DAY, scope, pageNumber, pageSize: PAGE_SIZE });
    for (const c of page.records as GenesysConversation[]) byId.set(c.conversationId, c);
    if (page.records.length < PAGE_SIZE) break;
  }
  return [...byId.values()];
}

const agentIds = () => sim.listUsers('any').map((u) => u.id);
const ids = (conversations: ReadonlyArray<{ conversationId: string }>) => conversations.map((c) => c.conversationId).sort();

describe('against the simulator', () => {
  it('pages a day of agent conversations and returns them exactly as served', async () => {
    const fetched = await fetchAll(makeClient(), { kind: 'all' });
    const expected = sim.expected({ from: DAY.start, to: DAY.end, agentIds: agentIds() });
    expect(expected.length).toBeGreaterThan(PAGE_SIZE);
    expect(ids(fetched)).toEqual(ids(expected));
    const byId = new Map(expected.map((c) => [c.conversationId, c]));
    for (const c of fetched) expect(JSON.stringify(c)).toBe(JSON.stringify(byId.get(c.conversationId)));
  });

  it('narrows to a group of agents', async () => {
    const group = agentIds().slice(0, 2);
    const fetched = await fetchAll(makeClient(), { kind: 'agents', userIds: group });
    expect(ids(fetched)).toEqual(ids(sim.expected({ from: DAY.start, to: DAY.end, agentIds: group })));
  });

  it('lists users of every state across pages', async () => {
    const users = await makeClient().listUsers({ state: 'any', pageSize: 3 });
    expect(users.map((u) => u.id).sort()).toEqual(agentIds().sort());
    expect(sim.stats().requests.users).toBe(Math.ceil(users.length / 3));
  });

  it('rides out scripted 429s, 5xx, drops, hangs and a revoked token', async () => {
    sim.queueFaults(['429', '503', 'drop', '429-legacy', '502', 'hang', '401', 'ok']);
    const client = makeClient({ concurrency: 1, requestTimeoutMs: 300 });
    const fetched = await fetchAll(client, { kind: 'all' });
    expect(ids(fetched)).toEqual(ids(sim.expected({ from: DAY.start, to: DAY.end, agentIds: agentIds() })));
    expect(client.stats()).toMatchObject({ rateLimited: 2, serverErrors: 2, networkErrors: 2, tokenRenewals: 2 });
  });

  it('keeps in-flight requests within the limit under random faults', async () => {
    sim.setFaults({ latencyMs: 10, latencyJitterMs: 10, serverErrorRate: 0.1, dropRate: 0.05 });
    const client = makeClient({ concurrency: 3, maxRetries: 8 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.queryConversationDetailsPage({ interval: DAY, scope: { kind: 'all' }, pageNumber: (i % 3) + 1, pageSize: PAGE_SIZE })));
    expect(sim.stats().peakInFlight).toBeLessThanOrEqual(3);
    expect(sim.stats().peakInFlight).toBeGreaterThanOrEqual(2);
  });

  it('renews expired tokens', async () => {
    const client = makeClient();
    await client.listUsers({ state: 'active' });
    sim.expireTokens();
    await client.listUsers({ state: 'active' });
    expect(sim.stats().tokensIssued).toBe(2);
  });

  it('serves the corrupted record as it is; the contract names it and its field', async () => {
    const victim = sim.expected({ from: DAY.start, to: DAY.end, agentIds: agentIds() })[3]!;
    sim.corrupt(victim.conversationId, 'missingConversationStart');
    const client = makeClient();
    const page = await client.queryConversationDetailsPage({ interval: DAY, scope: { kind: 'all' }, pageNumber: 1, pageSize: PAGE_SIZE });
    const record = page.records.find((r) => (r as { conversationId?: string }).conversationId === victim.conversationId);
    const parsed = parseConversation(record);
    expect(parsed).toMatchObject({ ok: false, conversationId: victim.conversationId });
    expect(parsed.ok ? '' : parsed.problem).toContain('conversationStart');
  });

  it('fails fast on a 400 with the simulator message', async () => {
    const client = makeClient();
    const error = await client.queryConversationDetailsPage({ interval: DAY, scope: { kind: 'all' }, pageNumber: 1, pageSize: 1000 }).catch((e: unknown) => e);
    errors.push(error);
    expect(error).toBeInstanceOf(FatalApiError);
    expect((error as Error).message).toMatch(/^POST \/api\/v2\/analytics\/conversations\/details\/query failed: 400 bad\.request: paging\.pageSize/);
    expect(sim.stats().requests.detailsQuery).toBe(1);
  });

  it('reports wrong credentials with the client id', async () => {
    const client = makeClient({ clientSecret: 'not-the-secret' });
    const error = await client.listUsers({ state: 'active' }).catch((e: unknown) => e);
    errors.push(error);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(`client id "${sim.clientId}"`);
    expect((error as Error).message).not.toContain('not-the-secret');
  });
});
