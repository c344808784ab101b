/**
 * How a run and its windows end, as pure decisions. A run fails when any window failed, when
 * any record was quarantined (exit 1, naming the conversation: a reject is data not stored),
 * or when something outside the windows failed (the agents refresh); it is interrupted when a
 * stop signal cut it short and nothing failed. A rejected credential fails it whatever else
 * happened (the command maps that to exit 3).
 */
import type { FinalRunStatus, FinishedWindowStatus } from './states.ts';

export interface RunFacts {
  windowFailures: number;
  /** The first failed window, described (scope, interval, error). */
  firstWindowFailure?: string;
  recordsRejected: number;
  /** The first quarantined record, described (conversation id and problem). */
  firstReject?: string;
  /** A failure outside the windows (agents refresh, planning, an aborted run). */
  runError?: string;
  /** A stop signal (SIGINT/SIGTERM) cut the run short. */
  interrupted: boolean;
  /** Windows whose deletions the safety valve withheld, and why the first was (docs/sync.md §18). */
  deletionsWithheld?: number;
  firstDeletionsWithheld?: string;
}

export interface RunOutcome {
  status: FinalRunStatus;
  error?: string;
}

export function decideRunOutcome(f: RunFacts): RunOutcome {
  const problems: string[] = [];
  if (f.runError && !f.interrupted) problems.push(f.runError);
  if (f.windowFailures > 0) problems.push(`${f.windowFailures} window(s) failed; first: ${f.firstWindowFailure}`);
  if ((f.deletionsWithheld ?? 0) > 0) problems.push(`deletions withheld in ${f.deletionsWithheld} window(s); first: ${f.firstDeletionsWithheld}`);
  if (f.recordsRejected > 0) problems.push(`${f.recordsRejected} record(s) quarantined in sync_rejects; first: ${f.firstReject}`);
  if (problems.length > 0) return { status: 'failed', error: problems.join('; ') };
  if (f.interrupted) return { status: 'interrupted', error: f.runError ?? 'interrupted by a stop signal before the run finished' };
  return { status: 'succeeded' };
}

export function finishedWindowStatus(recordsRejected: number): FinishedWindowStatus {
  return recordsRejected > 0 ? 'done_with_rejects' : 'done';
}
