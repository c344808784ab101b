/**
 * An end-to-end harness for sync tests: the project's Genesys simulator over real HTTP, a
 * fresh migrated Postgres database, and the real client and writers wired as in production
 * (with short retry delays so fault tests stay fast).
 */
import pino from 'pino';
import { createGenesysClient, type GenesysClient, type GenesysClientOptions } from '../../src/genesys/index.ts';
import { runSync, type SyncOptions, type SyncReport } from '../../src/pipeline/sync.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { runDeps } from '../../src/runtime.ts';
import type { StreamName } from '../../src/streams/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface Harness {
  sim: Simulator;
  db: TestDatabase;
  handle: DatabaseHandle;
  client(overrides?: { concurrency?: number }): GenesysClient;
  /**
   * One run. `streams`: the conversation stream alone unless named (the tests written for it
   * count its windows and requests); `explicitStreams`: named as by --streams (a 403 fails the run).
   */
  run(options: Partial<SyncOptions> & Pick<SyncOptions, 'interval'> & RunStreams, client?: GenesysClient): Promise<SyncReport>;
  storedIds(): Promise<string[]>;
  close(): Promise<void>;
}

interface RunStreams {
  streams?: readonly StreamName[];
  explicitStreams?: boolean;
}

export const quietLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The real Genesys client pointed at a simulator (its URL and credentials, a quiet logger), with the caller's settings. */
export function simClient(
  sim: Simulator,
  settings: Omit<GenesysClientOptions, 'apiUrl' | 'loginUrl' | 'clientId' | 'clientSecret' | 'logger'> & Partial<Pick<GenesysClientOptions, 'logger'>>,
): GenesysClient {
  return createGenesysClient({ apiUrl: sim.url, loginUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, logger: quietLogger, ...settings });
}

export async function startHarness(simOptions: SimulatorOptions = {}): Promise<Harness> {
  const [sim, db] = await Promise.all([startSimulator(simOptions), createTestDatabase()]);
  const handle = await db.open();
  const clients: GenesysClient[] = [];
  const client = (overrides: { concurrency?: number } = {}) => {
    const c = simClient(sim, { concurrency: overrides.concurrency ?? 4, ratePerMinute: 100_000, maxRetries: 8, retryBaseDelayMs: 5, retryMaxDelayMs: 50 });
    clients.push(c);
    return c;
  };
  const shared = client();
  return {
    sim,
    db,
    handle,
    client,
    run: ({ streams = ['conversations'], explicitStreams = false, ...options }, c = shared) =>
      runSync(
        runDeps({ database: handle }, c, { logger: quietLogger, clock: () => new Date(), streams, explicitStreams }),
        {
          kind: 'sync',
          agentIds: [],
          agentGroupSize: 25,
          windowDays: 7,
          pageSize: 100,
          windowMaxHits: 10_000,
          concurrency: 4,
          resume: false,
          ...options,
        },
      ),
    async storedIds() {
      const rows = await handle.prisma.conversation.findMany({ select: { conversationId: true }, orderBy: { conversationId: 'asc' } });
      return rows.map((r) => r.conversationId);
    },
    async close() {
      clients.forEach((c) => c.close());
      await Promise.all([sim.close(), db.drop()]);
    },
  };
}

/**
 * The ids of conversations an agent took part in: what a sync of every agent stores (its
 * query filters on `purpose = agent`; a call abandoned in the IVR is nobody's interaction).
 */
export function idsOf(conversations: Array<{ conversationId: string; participants?: Array<{ purpose?: string }> }>): string[] {
  return conversations
    .filter((c) => c.participants?.some((p) => p.purpose === 'agent'))
    .map((c) => c.conversationId)
    .sort();
}
