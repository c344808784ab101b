/**
 * The agent-activity stream (docs/sync.md §17): every agent's presence and routing-status
 * timeline from the users details API, one record per status, keyed by (kind, user, start) and
 * placed in the window that read it (contract.ts). Windows are at most 7 days (the users details
 * query's cap without a user filter); they are read by the query lane (query-lane.ts) and, for
 * backfills and settling before the users details jobs' own data-availability date (the run
 * cuts this stream's lanes at it: `jobsAvailability`), by the jobs lane (jobs-lane.ts);
 * statuses are written to agent_presence and agent_routing_status (src/db/agent-activity.ts).
 */
import { createAgentActivityWriter } from '../../db/agent-activity.ts';
import { type GenesysClient, MAX_REACHABLE_HITS, MAX_USER_DETAILS_PAGE_SIZE, MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS } from '../../genesys/index.ts';
import type { RunStream, StreamRunContext } from '../../pipeline/stream.ts';
import type { StreamDeps } from '../conversations/stream.ts';
import { createUserJobsLane } from './jobs-lane.ts';
import { judgeUserDetailsError } from './permission.ts';
import { createUserQueryLane } from './query-lane.ts';

const AGENT_ACTIVITY = 'agent-activity';

/** The longest window this stream reads at once: the users details query without a user filter takes 7 days. */
export const AGENT_ACTIVITY_MAX_WINDOW_DAYS = MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS;

/** This stream's own jobs data-availability date (the users details jobs'), which its lanes are cut at; the dry run reads it too. */
export function agentActivityJobsAvailability(genesys: GenesysClient, signal?: AbortSignal): Promise<Date> {
  return genesys.getUserDetailsJobsAvailability(signal);
}

export interface AgentActivityOpen {
  /** The run asked for this stream by name (--streams, SYNC_STREAMS): a 403 then fails the run instead of warning. */
  explicit: boolean;
}

export function openAgentActivityStream(deps: StreamDeps, run: StreamRunContext, open: AgentActivityOpen = { explicit: false }): RunStream {
  const { settings, logger } = run;
  const log = logger.child({ stream: AGENT_ACTIVITY });
  const query = createUserQueryLane({
    client: deps.genesys,
    pageSize: Math.min(settings.pageSize, MAX_USER_DETAILS_PAGE_SIZE),
    maxHits: settings.windowMaxHits,
    maxReachableHits: MAX_REACHABLE_HITS,
    pageConcurrency: settings.concurrency,
    logger: log,
  });
  const lanes = settings.lanes;
  const jobs =
    lanes && lanes.mode !== 'query'
      ? createUserJobsLane({ ...lanes.jobs, client: deps.genesys, fallback: query, logger: log, nowMs: () => deps.clock().getTime() })
      : undefined;
  // Read once per run, by the probe and by the planner (the jobs lane reads it again for itself).
  let availability: Promise<Date> | undefined;
  const jobsAvailability = (signal?: AbortSignal) => (availability ??= agentActivityJobsAvailability(deps.genesys, signal));
  return {
    name: AGENT_ACTIVITY,
    recordNoun: 'agent status',
    lanes: { query, ...(jobs ? { jobs } : {}) },
    writer: createAgentActivityWriter(deps.db),
    maxWindowDays: AGENT_ACTIVITY_MAX_WINDOW_DAYS,
    // DELETE /api/v2/analytics/users/details/jobs/{jobId} (deleteAnalyticsUsersDetailsJob).
    cancelJob: (jobId, signal) => deps.genesys.deleteUserDetailsJob(jobId, signal),
    ...(jobs ? { jobsAvailability } : {}),
    ...(open.explicit ? {} : { probe: (signal?: AbortSignal) => probeAccess(deps, jobs ? jobsAvailability : undefined, signal) }),
  };
}

/**
 * One one-entry page of the last hour, and when the run's lanes use jobs, the jobs' availability
 * date: a 403 or 404 is the warning naming the missing permission or endpoint (the stream is left
 * out); anything else is left to the windows.
 */
async function probeAccess(deps: StreamDeps, jobsAvailability: ((signal?: AbortSignal) => Promise<Date>) | undefined, signal?: AbortSignal): Promise<string | undefined> {
  const end = deps.clock();
  try {
    await deps.genesys.queryUserDetailsPage({ interval: { start: new Date(end.getTime() - 3_600_000), end }, pageNumber: 1, pageSize: 1, signal });
    await jobsAvailability?.(signal);
    return undefined;
  } catch (error) {
    const judged = judgeUserDetailsError(error, false);
    return judged.action === 'leave-out' ? judged.warning : undefined;
  }
}
