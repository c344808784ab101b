/**
 * The one planner of a run's windows, for every kind of run (sync, backfill, settle) and for the
 * dry run: the windows left to read with their lanes, and how many of the whole plan earlier
 * runs with the same plan key finished ("already done" means the same thing everywhere: no
 * piece of the window is left to read).
 */
import { planLaneRun, type LaneMode } from './lanes.ts';
import { planRun, type PlanOptions, type PlannedWindow } from './plan.ts';
import { subtractCovered, type Window } from './windows.ts';

export interface RunPlanOptions extends Omit<PlanOptions, 'done' | 'windows'> {
  /** Lanes by part of the interval (backfill, settle); absent: every window through the query. */
  lanes?: { mode: LaneMode; availability: Date | undefined; jobWindowDays: number };
}

export interface RunPlan {
  /** The windows left to read, in plan order, each with its lane. */
  windows: PlannedWindow[];
  /** Windows of the whole plan, done ones included. */
  total: number;
  /** Windows of the whole plan that earlier runs with the same plan key finished. */
  resumed: number;
}

/** The lane mode a plan key records: a run without lanes reads through the query. */
export function laneModeOf(options: Pick<RunPlanOptions, 'lanes'>): LaneMode {
  return options.lanes?.mode ?? 'query';
}

/**
 * Plans the run; `done` (by scope key, from the ledger) is what earlier runs with the same plan
 * key finished, given only when the run resumes (a backfill). Throws InvalidRequestError (a
 * usage error) for a plan that is too large or a lane that cannot read the range.
 */
export function planRunWindows(options: RunPlanOptions, done?: ReadonlyMap<string, readonly Window[]>): RunPlan {
  const whole = windowsOf(options);
  if (!done) return { windows: whole, total: whole.length, resumed: 0 };
  const resumed = whole.filter((w) => isWindowDone(w, done)).length;
  return { windows: windowsOf(options, done), total: whole.length, resumed };
}

function windowsOf(options: RunPlanOptions, done?: ReadonlyMap<string, readonly Window[]>): PlannedWindow[] {
  const base = { ...options, ...(done ? { done } : {}) };
  if (!options.lanes) return planRun(base);
  const { mode, availability, jobWindowDays } = options.lanes;
  return planLaneRun({ ...base, mode, availability, queryWindowDays: options.windowDays, jobWindowDays });
}

/** Whether earlier runs finished every piece of this window (`done` by scope key). */
export function isWindowDone(w: PlannedWindow, done: ReadonlyMap<string, readonly Window[]>): boolean {
  return subtractCovered(w, done.get(w.scopeKey) ?? []).length === 0;
}
