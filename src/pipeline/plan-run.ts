/**
 * Plans a run, for the run itself and for its dry run alike: the plan's size is checked before
 * any request (a usage error, exit 2), the jobs API's data-availability date is asked for only
 * when the run's lanes need it, and the windows earlier runs with the same plan key finished are
 * read from the ledger when the run resumes. The windows themselves come from the one pure
 * planner (src/decisions/run-plan.ts).
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

export interface ResolvedPlan<T extends PlanRunInput> {
  planKey: string;
  /** The input with the data-availability date filled in where the lanes needed it. */
  options: T;
  plan: RunPlan;
  /** What earlier runs with the same plan key finished, by scope key (read even when the run does not resume: the dry run shows it). */
  done: ReadonlyMap<string, readonly Window[]>;
}

export async function resolvePlan<T extends PlanRunInput>(db: Db, input: T, availability: () => Promise<Date>): Promise<ResolvedPlan<T>> {
  assertPlanSize(input);
  const lanes = input.lanes;
  const needsDate = lanes !== undefined && lanes.mode !== 'query' && lanes.availability === undefined;
  const options: T = needsDate ? { ...input, lanes: { ...lanes, availability: await availability() } } : input;
  const planKey = makePlanKey({ ...options, laneMode: laneModeOf(options) });
  const done = await findDoneWindows(db, planKey);
  return { planKey, options, plan: planRunWindows(options, options.resume ? done : undefined), done };
}
