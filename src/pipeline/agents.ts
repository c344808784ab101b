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

export interface AgentsRefreshOptions {
  /** The run's stop signal: every listing request and wait (a 429 pause, a retry) ends on it. */
  signal?: AbortSignal | undefined;
  /** The run's agent scope (--agents / SYNC_AGENT_IDS); empty = every agent. */
  agentIds?: readonly string[];
}

export interface AgentsRefresh {
  /** Users stored (every state). */
  agents: number;
  /**
   * Ids of the run's scope that no user has, in any state (a typo, another org's id): the run
   * finds no conversation of theirs. Warned about here; the summary may show them.
   */
  unknownAgentIds: string[];
}

export async function refreshAgents(db: Db, genesys: GenesysClient, at: Date, logger: Logger, options: AgentsRefreshOptions = {}): Promise<AgentsRefresh> {
  const { signal } = options;
  const byId = new Map<string, GenesysUser>();
  // In parallel: the three listings are independent, and the run's first details queries wait on them.
  const listings = await Promise.all(STATES.map((state) => genesys.listUsers({ state, signal })));
  for (const user of listings.flat()) byId.set(user.id, user);
  const agents = await upsertAgents(db, [...byId.values()], at);
  logger.debug({ agents }, 'agents refreshed');
  const unknownAgentIds = (options.agentIds ?? []).filter((id) => !byId.has(id));
  if (unknownAgentIds.length > 0) {
    logger.warn(
      { unknownAgentIds },
      `${unknownAgentIds.length} agent id(s) of --agents/SYNC_AGENT_IDS belong to no user (active, inactive or deleted): ${unknownAgentIds.join(', ')}; no conversation of theirs can be found`,
    );
  }
  return { agents, unknownAgentIds };
}
