/**
 * Refreshes the `agents` table from the Users API at the start of each run. Deleted and
 * inactive users are listed separately because `state=active` (the default) hides them,
 * and their ids still appear in older conversations.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { upsertAgents } from '../db/agents.ts';
import type { GenesysClient, GenesysUser, UserState } from '../genesys/index.ts';

const STATES: UserState[] = ['active', 'inactive', 'deleted'];

export async function refreshAgents(db: Db, genesys: GenesysClient, at: Date, logger: Logger): Promise<number> {
  const byId = new Map<string, GenesysUser>();
  // In parallel: the three listings are independent, and the run's first details queries wait on them.
  const listings = await Promise.all(STATES.map((state) => genesys.listUsers({ state })));
  for (const user of listings.flat()) byId.set(user.id, user);
  const count = await upsertAgents(db, [...byId.values()], at);
  logger.debug({ agents: count }, 'agents refreshed');
  return count;
}
