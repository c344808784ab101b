/**
 * Plans a run, for the run itself and for its dry run alike: the plan's size is checked before
 * any request (a usage error, exit 2), the jobs API's data-availability date is asked for only
 * when the run's lanes need it, and each stream's windows are planned with the windows that
 * earlier runs with the same plan key finished for that stream (read from the ledger). The
 * windows themselves come from the one pure planner (src/decisions/run-plan.ts).
 */
import type { Db } from '../db/client.ts';
import { findDoneWindows } from '../db/ledger.ts';
import { assertPlanSize, planKey as makePlanKey } from '../decisions/plan.ts';
import { laneModeOf, planRunWindows, type RunPlan, type RunPlanOptions } from '../decisions/run-plan.ts';
import type { Window } from '../decisions/windows.ts';

export interface PlanRunInput extends RunPlanOptions {
  kind: string;
  resume: boolean;
  /** The names of the streams the run reads (part of the plan key). */
  streams: readonly string[];
}

export interface ResolvedRun<T extends PlanRunInput> {
  planKey: string;
  /** The input with the data-availability date filled in where the lanes needed it. */
  options: T;
}

export interface StreamPlan {
  stream: string;
  plan: RunPlan;
  /** What earlier runs with the same plan key finished for this stream, by scope key (read even when the run does not resume: the dry run shows it). */
  done: ReadonlyMap<string, readonly Window[]>;
}

/** Checks the plan's size, fills in the data-availability date where the lanes need it, and names the plan. */
export async function resolveRun<T extends PlanRunInput>(input: T, availability: () => Promise<Date>): Promise<ResolvedRun<T>> {
  assertPlanSize(input);
  const lanes = input.lanes;
  const needsDate = lanes !== undefined && lanes.mode !== 'query' && lanes.availability === undefined;
  const options: T = needsDate ? { ...input, lanes: { ...lanes, availability: await availability() } } : input;
  return { planKey: makePlanKey({ ...options, laneMode: laneModeOf(options) }), options };
}

/**
 * The run as a stream with a jobs API of its own plans it: lanes that use jobs are cut at that
 * API's data-availability date (`own`, RunStream.jobsAvailability) instead of the run's. Without
 * such a date, or with no jobs in the lanes, the run is the stream's as it is. The run and the
 * dry run both plan through this.
 */
export async function atOwnAvailability<T extends PlanRunInput>(run: ResolvedRun<T>, own: (() => Promise<Date>) | undefined): Promise<ResolvedRun<T>> {
  const lanes = run.options.lanes;
  if (!own || !lanes || lanes.mode === 'query') return run;
  return { ...run, options: { ...run.options, lanes: { ...lanes, availability: await own() } } };
}

/**
 * One stream's windows, minus what it finished under this plan key when the run resumes.
 * `maxWindowDays`: the longest window the stream's API reads at once (the users details query
 * takes at most 7 days without a user filter); the run's window lengths are cut down to it.
 */
export async function planStream(db: Db, run: ResolvedRun<PlanRunInput>, stream: string, maxWindowDays?: number): Promise<StreamPlan> {
  const done = await findDoneWindows(db, run.planKey, stream);
  return { stream, plan: planRunWindows(capWindowDays(run.options, maxWindowDays), run.options.resume ? done : undefined), done };
}

function capWindowDays<T extends PlanRunInput>(options: T, maxWindowDays: number | undefined): T {
  if (maxWindowDays === undefined) return options;
  const lanes = options.lanes;
  return {
    ...options,
    windowDays: Math.min(options.windowDays, maxWindowDays),
    ...(lanes ? { lanes: { ...lanes, jobWindowDays: Math.min(lanes.jobWindowDays, maxWindowDays) } } : {}),
  };
}
