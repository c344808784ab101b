/**
 * `--dry-run`: what a run with these arguments would do, read from the plan and the ledger
 * only. Nothing is written and Genesys is not called, so it is safe against production
 * before a large backfill (how many windows, how many already done, roughly how many
 * requests and so how long at the rate limit). The screen is src/present/plan.ts.
 */
import type { Db } from '../db/client.ts';
import type { RunKind } from '../decisions/states.ts';
import { readSizedWindows } from '../db/status-queries.ts';
import type { Interval } from '../decisions/interval.ts';
import type { LaneMode, LaneName } from '../decisions/lanes.ts';
import type { PlannedWindow } from '../decisions/plan.ts';
import { isWindowDone, planRunWindows } from '../decisions/run-plan.ts';
import { atOwnAvailability, planStream, resolveRun, type StreamPlan } from './plan-run.ts';

/** The fields of SyncOptions the plan depends on. */
export interface DryRunOptions {
  kind: RunKind;
  interval: Interval;
  agentIds: string[];
  agentGroupSize: number;
  windowDays: number;
  pageSize: number;
  /** The longest window each stream's API reads at once, by stream name (RunStream.maxWindowDays). */
  maxWindowDays?: Partial<Record<string, number>>;
  /** Whether windows done by earlier runs with the same plan key are skipped (backfill). */
  resume: boolean;
  /** Backfill lanes; absent: every window through the query. */
  lanes?: LanePlanning;
  /** The streams the run would read (their names, as in the plan key). */
  streams: readonly string[];
  /**
   * Streams whose jobs API has a data-availability date of its own (RunStream.jobsAvailability):
   * their lanes are cut at it, as the run cuts them (sync.ts, withOwnAvailability).
   */
  ownAvailability?: Partial<Record<string, () => Promise<Date>>>;
}

/** What lane planning needs (src/decisions/lanes.ts): the mode, the availability date when it matters, the job window. */
interface LanePlanning {
  mode: LaneMode;
  availability: Date | undefined;
  jobWindowDays: number;
}

/**
 * Requests made once per run besides the windows: the OAuth token and the agents refresh
 * (one users page for each of the active, inactive and deleted states, at the least).
 */
export const RUN_OVERHEAD_REQUESTS = 4;

interface KnownSize {
  pages: number;
  /** From a row marked split: hits are known, the pages it will take are estimated. */
  estimated: boolean;
}

interface ScopePlan {
  scopeKey: string;
  windows: number;
  alreadyDone: number;
  toFetch: number;
  /** Lower bound plus known page counts (see estimateRequests). */
  requests: number;
  /** Windows whose page count came from earlier ledger rows. */
  sizedFromLedger: number;
}

export interface DryRunPlan {
  planKey: string;
  kind: RunKind;
  interval: Interval;
  resume: boolean;
  scopes: ScopePlan[];
  totalWindows: number;
  alreadyDone: number;
  toFetch: number;
  requests: number;
  /** The jobs API's data-availability date the lanes were cut at (lanes auto and jobs). */
  availability?: Date;
  /** Every window left to fetch, with its lane. */
  windows: Array<{ scopeKey: string; start: Date; end: Date; lane: LaneName }>;
}

/** A jobs-lane window costs at least a create, a poll and one results page. */
export const JOB_MIN_REQUESTS = 3;

/**
 * Builds the plan with the run's own planner and "already done" rule (plan-run.ts), stream by
 * stream; reads the ledger, and asks Genesys for nothing but the data-availability date when the
 * lanes need it. With several streams a scope is named with its stream ('conversations all').
 */
export async function buildPlan(db: Db, asked: DryRunOptions, availability: () => Promise<Date>): Promise<DryRunPlan> {
  const run = await resolveRun(asked, availability);
  const { options } = run;
  const byScope = new Map<string, ScopePlan>();
  const windows: DryRunPlan['windows'] = [];
  for (const stream of options.streams) {
    const planned = await planStream(db, await atOwnAvailability(run, options.ownAvailability?.[stream]), stream, options.maxWindowDays?.[stream]);
    const label = (scopeKey: string) => (options.streams.length > 1 ? `${stream} ${scopeKey}` : scopeKey);
    await tallyStream(db, options, planned, label, byScope);
    windows.push(...planned.plan.windows.map((w) => ({ scopeKey: label(w.scopeKey), start: w.start, end: w.end, lane: w.lane })));
  }
  const scopes = [...byScope.values()];
  const sum = (f: (s: ScopePlan) => number) => scopes.reduce((n, s) => n + f(s), 0);
  return {
    planKey: run.planKey,
    kind: options.kind,
    interval: options.interval,
    resume: options.resume,
    ...(options.lanes?.availability ? { availability: options.lanes.availability } : {}),
    windows,
    scopes,
    totalWindows: sum((s) => s.windows),
    alreadyDone: sum((s) => s.alreadyDone),
    toFetch: sum((s) => s.toFetch),
    requests: sum((s) => s.requests) + (scopes.length > 0 ? RUN_OVERHEAD_REQUESTS : 0),
  };
}

/** Counts one stream's windows into its scopes: planned, already done, left to fetch, and what they will cost. */
async function tallyStream(db: Db, options: DryRunOptions, planned: StreamPlan, label: (scopeKey: string) => string, byScope: Map<string, ScopePlan>): Promise<void> {
  const remaining = planned.plan.windows;
  const full = options.resume ? planRunWindows(options).windows : remaining;
  const sizes = await knownSizes(db, remaining.filter((w) => w.lane === 'query'), options.pageSize);
  for (const w of full) {
    const s = scopeEntry(byScope, label(w.scopeKey));
    s.windows += 1;
    // A planned window counts as done when no piece of it is left to fetch.
    if (isWindowDone(w, planned.done)) s.alreadyDone += 1;
  }
  for (const w of remaining) {
    const s = scopeEntry(byScope, label(w.scopeKey));
    s.toFetch += 1;
    if (w.lane === 'jobs') {
      s.requests += JOB_MIN_REQUESTS;
      continue;
    }
    const known = sizes.get(sizeKey(w));
    s.requests += Math.max(1, known?.pages ?? 1);
    if (known) s.sizedFromLedger += 1;
  }
}

function scopeEntry(map: Map<string, ScopePlan>, scopeKey: string): ScopePlan {
  let s = map.get(scopeKey);
  if (!s) {
    s = { scopeKey, windows: 0, alreadyDone: 0, toFetch: 0, requests: 0, sizedFromLedger: 0 };
    map.set(scopeKey, s);
  }
  return s;
}

function sizeKey(w: { scopeKey: string; start: Date; end: Date }): string {
  return `${w.scopeKey}|${w.start.getTime()}|${w.end.getTime()}`;
}

/**
 * Page counts of the same windows (scope, start, end) from earlier runs of any plan: the
 * latest done row wins; a window once split for too many hits is estimated from its hits
 * (one probe page, then its parts' pages).
 */
async function knownSizes(db: Db, windows: PlannedWindow[], pageSize: number): Promise<Map<string, KnownSize>> {
  const out = new Map<string, KnownSize>();
  if (windows.length === 0) return out;
  const wanted = new Set(windows.map(sizeKey));
  const rows = await readSizedWindows(db, {
    scopeKeys: [...new Set(windows.map((w) => w.scopeKey))],
    from: new Date(Math.min(...windows.map((w) => w.start.getTime()))),
    to: new Date(Math.max(...windows.map((w) => w.end.getTime()))),
  });
  for (const row of rows) {
    const key = sizeKey({ scopeKey: row.scopeKey, start: row.windowStart, end: row.windowEnd });
    if (!wanted.has(key)) continue;
    if (row.status === 'done') out.set(key, { pages: Math.max(1, row.pages), estimated: false });
    else if (row.totalHits !== null && !out.get(key)) {
      out.set(key, { pages: 1 + Math.ceil(row.totalHits / Math.max(1, pageSize)), estimated: true });
    }
  }
  return out;
}
