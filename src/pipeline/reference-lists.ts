/**
 * Refreshes the reference tables (queues, wrap-up codes, divisions, skills, languages) at
 * the start of each run, beside the agents. They only name ids, so no outcome here fails the
 * conversation sync: a 403 (the OAuth client lacks that list's permission) is a warning
 * naming the permission, any other failure an error in the log; both are recorded in
 * reference_list_refreshes for `status`, and the next run tries again. Only rejected
 * credentials (AuthError) propagate: the run ends on those wherever they surface.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { recordReferenceRefresh, replaceReferenceList, type RefreshOutcome } from '../db/reference-lists.ts';
import { AuthError, GenesysApiError, REFERENCE_LISTS, REFERENCE_LIST_NAMES, type GenesysClient, type ReferenceListName } from '../genesys/index.ts';
import { describeError } from './describe-error.ts';

/**
 * `signal` (the run's stop) ends every listing request and wait; a stopped refresh records
 * nothing and rejects with the stop's reason.
 */
export async function refreshReferenceLists(db: Db, genesys: GenesysClient, at: Date, logger: Logger, signal?: AbortSignal): Promise<RefreshOutcome[]> {
  // In parallel, like the user listings: independent, and the first details queries wait on them.
  const outcomes = await Promise.all(REFERENCE_LIST_NAMES.map((list) => refreshOne(db, genesys, list, at, logger, signal)));
  signal?.throwIfAborted();
  const presences = await refreshPresenceDefinitions(db, genesys, at, logger, signal);
  signal?.throwIfAborted();
  outcomes.push(presences);
  const auth = outcomes.find((o): o is AuthError => o instanceof AuthError);
  if (auth) throw auth;
  return outcomes as RefreshOutcome[];
}

async function refreshOne(
  db: Db,
  genesys: GenesysClient,
  list: ReferenceListName,
  at: Date,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<RefreshOutcome | AuthError | undefined> {
  const { permission, path } = REFERENCE_LISTS[list];
  let outcome: RefreshOutcome;
  try {
    const entries = await genesys.listReferenceEntities(list, { signal });
    const { listed, deactivated } = await replaceReferenceList(db, list, entries, at);
    outcome = { list, status: 'ok', permission, entries: listed };
    logger.debug({ list, listed, deactivated }, 'reference list refreshed');
  } catch (error) {
    if (error instanceof AuthError) return error;
    if (signal?.aborted) return undefined; // stopped: not a failure of the list, nothing to record
    if (error instanceof GenesysApiError && error.status === 403) {
      outcome = { list, status: 'forbidden', permission, error: describeError(error) };
      logger.warn({ list, permission }, `cannot read ${list} (GET ${path}): the OAuth client lacks the permission ${permission}; ids stay unnamed`);
    } else {
      outcome = { list, status: 'failed', permission, error: describeError(error) };
      logger.error({ err: error, list }, `${list} refresh failed; conversations are still synced`);
    }
  }
  try {
    await recordReferenceRefresh(db, outcome, at);
  } catch (error) {
    logger.warn({ err: error, list }, 'could not record the reference list refresh');
  }
  return outcome;
}

/**
 * The presence definitions (names for agent_presence.organization_presence_id): read from the
 * legacy listing with deleted=all, which needs no permission, so deactivated presences that old
 * statuses name are listed too; a presence no longer listed keeps its row, inactive.
 */
async function refreshPresenceDefinitions(db: Db, genesys: GenesysClient, at: Date, logger: Logger, signal?: AbortSignal): Promise<RefreshOutcome | AuthError | undefined> {
  let outcome: RefreshOutcome;
  try {
    const entries = await genesys.listPresenceDefinitions({ signal });
    const { listed, deactivated } = await replaceReferenceList(db, 'presence_definitions', entries, at);
    outcome = { list: 'presence_definitions', status: 'ok', permission: PRESENCE_DEFINITIONS_PERMISSION, entries: listed };
    logger.debug({ listed, deactivated }, 'presence definitions refreshed');
  } catch (error) {
    if (error instanceof AuthError) return error;
    if (signal?.aborted) return undefined;
    const forbidden = error instanceof GenesysApiError && error.status === 403;
    outcome = { list: 'presence_definitions', status: forbidden ? 'forbidden' : 'failed', permission: PRESENCE_DEFINITIONS_PERMISSION, error: describeError(error) };
    logger.warn({ err: error }, 'presence definitions refresh failed; presence ids stay unnamed');
  }
  await recordReferenceRefresh(db, outcome, at).catch((e: unknown) => logger.warn({ err: e }, 'could not record the presence definitions refresh'));
  return outcome;
}

/** The legacy listing needs none (docs/genesys-api-facts.md §9); recorded as such in reference_list_refreshes. */
const PRESENCE_DEFINITIONS_PERMISSION = '(none)';
