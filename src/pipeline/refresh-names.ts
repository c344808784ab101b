/**
 * The names refreshed beside a run's windows: the agents (src/pipeline/agents.ts) and the
 * reference lists (src/pipeline/reference-lists.ts). Neither is needed to write records, so a
 * failure here does not stop the windows; rejected credentials do (they would fail every window
 * too), by aborting the run.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { AuthError, type GenesysClient } from '../genesys/index.ts';
import type { Clock } from '../time.ts';
import { refreshAgents } from './agents.ts';
import { describeError } from './describe-error.ts';
import { refreshReferenceLists } from './reference-lists.ts';

export interface RefreshDeps {
  db: Db;
  genesys: GenesysClient;
  clock: Clock;
  logger: Logger;
}

export interface NamesRefresh {
  /** Resolves with the run's error when the agents could not be refreshed; rejects with an AuthError. */
  settled: Promise<string | undefined>;
}

/**
 * Starts the refresh. It takes the run's signal (a stop reaches every listing request and wait),
 * and `agentIds`, the run's agent list, so ids no user has are warned about by name.
 */
export function refreshNames(deps: RefreshDeps, run: AbortController, agentIds: readonly string[]): NamesRefresh {
  const { db, genesys, clock, logger } = deps;
  const { signal } = run;
  const settled = (async () => {
    let runError: string | undefined;
    try {
      await refreshAgents(db, genesys, clock(), logger, { signal, agentIds });
    } catch (error) {
      // A stopped refresh ends the run interrupted, not "agents refresh failed".
      if (error instanceof AuthError || signal.aborted) throw error;
      runError = `agents refresh failed: ${describeError(error)}`;
      logger.error({ err: error }, 'agents refresh failed; conversations are still synced');
    }
    await refreshReferenceLists(db, genesys, clock(), logger, signal);
    return runError;
  })();
  // Rejected credentials stop the windows too; the error itself is reported with the run.
  settled.catch((error: unknown) => {
    if (error instanceof AuthError && !run.signal.aborted) run.abort(error);
  });
  return { settled };
}
