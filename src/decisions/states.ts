/**
 * The vocabulary of the run ledger, defined once: what kinds of run there are and which
 * statuses a run (`sync_runs.status`) and a window (`sync_windows.status`) go through
 * (docs/schema.md documents the columns). Everything else imports these names.
 */

/** `settle`: the worker re-reading query-read days through jobs (docs/sync.md §15). */
export const RUN_KINDS = ['sync', 'backfill', 'settle'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** How a run can end. */
const FINAL_RUN_STATUSES = ['succeeded', 'failed', 'interrupted'] as const;
export type FinalRunStatus = (typeof FINAL_RUN_STATUSES)[number];

export const RUN_STATUSES = ['running', ...FINAL_RUN_STATUSES] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What `status` shows for a run: a `running` row whose process is gone is `abandoned`. */
const DISPLAY_RUN_STATUSES = [...RUN_STATUSES, 'abandoned'] as const;
export type DisplayStatus = (typeof DISPLAY_RUN_STATUSES)[number];

/**
 * Window statuses whose conversations are all stored or quarantined. `done_with_rejects`:
 * done, with the records that could not be stored quarantined and tracked on their own
 * (sync_rejects), so the window is not a hole.
 */
export const FINISHED_WINDOW_STATUSES = ['done', 'done_with_rejects'] as const;
export type FinishedWindowStatus = (typeof FINISHED_WINDOW_STATUSES)[number];

/** A window cut into child windows; it covers what its children cover. */
export const SPLIT_WINDOW_STATUS = 'split';

/** Windows that have not finished: never started, in flight, or failed (retried by a resume). */
export const UNFINISHED_WINDOW_STATUSES = ['pending', 'running', 'failed'] as const;

export const WINDOW_STATUSES = [...UNFINISHED_WINDOW_STATUSES, ...FINISHED_WINDOW_STATUSES, SPLIT_WINDOW_STATUS] as const;
export type WindowStatus = (typeof WINDOW_STATUSES)[number];

/** `{ a: 'a', b: 'b' }`: each value of a vocabulary by name, so SQL and queries spell none of them by hand. */
function byName<T extends string>(values: readonly T[]): { readonly [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { readonly [K in T]: K };
}

/** `RUN_KIND.sync`, ...: the values of sync_runs.kind (a CHECK constraint lists RUN_KINDS). */
export const RUN_KIND = byName(RUN_KINDS);
/** `RUN_STATUS.running`, ...: the values of sync_runs.status (a CHECK constraint lists RUN_STATUSES). */
export const RUN_STATUS = byName(RUN_STATUSES);
/** `WINDOW_STATUS.pending`, ...: the values of sync_windows.status (a CHECK constraint lists WINDOW_STATUSES). */
export const WINDOW_STATUS = byName(WINDOW_STATUSES);

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

/** `'a', 'b'`: a status list for a SQL `IN (...)`, from constants above (never from input). */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}
