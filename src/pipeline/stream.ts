/**
 * A stream is one kind of Genesys data synced window by window: conversations today (its folder
 * is src/streams/conversations/), agent activity next. The run core (planner, window runner,
 * ledger, coverage, quarantine, settling, status) takes streams and never names one: a stream
 * declares, in its own folder, how a window is read (its lanes and their API limits), how one
 * record is read at the boundary (its key and time), and how a batch is written (its tables).
 * The composition root builds each run's streams (src/streams/index.ts, src/runtime.ts).
 */
import type { Logger } from 'pino';
import type { AbsenceVerdict, DeleteMode } from '../db/deletions.ts';
import type { RejectedRecord, StreamRecord, StreamWriter } from '../db/stream-writer.ts';
import type { QueryScope } from '../genesys/index.ts';
import type { Window } from '../decisions/windows.ts';
import type { LaneMode } from '../decisions/lanes.ts';
import type { JobsLaneSettings } from './lanes/jobs-settings.ts';
import type { Lane, LaneName } from './lanes/lane.ts';

/** One record read at the boundary: placed (key and time), or refused with why. */
export type RecordRead = { ok: true; record: StreamRecord } | { ok: false; reject: RejectedRecord };

/** What a run needs of a stream: the lanes that read its windows and the writer of its tables. */
export interface RunStream {
  /** The ledger's name for it (sync_windows.stream, the metrics' `stream` label). */
  readonly name: string;
  /** What one record is called in messages ('conversation'). */
  readonly recordNoun: string;
  readonly lanes: Partial<Record<LaneName, Lane>>;
  readonly writer: StreamWriter;
  /** The longest window its lanes can read at once (days); the run's windows are cut to it. Absent: no cap. */
  readonly maxWindowDays?: number;
  /**
   * Present when the stream is read only because it is on by default (not asked for): asked
   * before the stream is planned, it resolves with a warning when the stream cannot be read
   * (Genesys refuses its permission), and the run then leaves the stream out, records the
   * warning in its ledger row and reads the other streams as before. A stream asked for
   * explicitly has none: its refusal fails its windows and the run.
   */
  readonly probe?: (signal?: AbortSignal) => Promise<string | undefined>;
  /**
   * Optional: the data-availability date of this stream's own jobs API, when it has one apart
   * from the conversation details jobs' (the users details jobs API does). A run whose lanes
   * use jobs cuts this stream's lanes at it: history before it through jobs, the rest through
   * the query.
   */
  readonly jobsAvailability?: (signal?: AbortSignal) => Promise<Date>;
  /**
   * Optional: which stored records a complete read of a window no longer returned (deleted
   * upstream), judged and applied before the window is marked done (docs/sync.md §18). A
   * stream without it never deletes.
   */
  readonly absences?: AbsenceJudge;
  /**
   * Deletes a job of this stream's jobs API by id (a job already gone is not an error): how a
   * run cancels the jobs a killed run's windows of this stream still name (abandoned-jobs.ts).
   */
  readonly cancelJob?: (jobId: string, signal?: AbortSignal) => Promise<void>;
}

/** A read of one window that passed its lane's paging proof (done, not failed, not partial). */
interface CompleteRead {
  windowId: bigint;
  scope: QueryScope;
  window: Window;
  /** When the read began: what it returned was written after this instant. */
  readStartedAt: Date;
  at: Date;
}

export interface AbsenceJudge {
  judge(read: CompleteRead): Promise<AbsenceVerdict>;
}

/** What a run does about records a complete read no longer returns (SYNC_DELETES, SYNC_DELETE_MAX_FRACTION). */
export interface DeleteSettings {
  mode: DeleteMode;
  maxFraction: number;
}

/** How a run reads its windows: what the lanes are built from. */
export interface RunReadSettings {
  pageSize: number;
  /** Above this many hits a query window is split rather than paged. */
  windowMaxHits: number;
  /** Requests in flight for this run (the Genesys client enforces the process-wide cap). */
  concurrency: number;
  /** Lanes by part of the interval (backfill, settle); absent: every window through the query. */
  lanes?: LaneRunOptions;
  /** Deletions upstream; absent: none are judged. */
  deletes?: DeleteSettings;
}

export interface LaneRunOptions {
  mode: LaneMode;
  /** The jobs API's data-availability date; needed for modes auto and jobs. */
  availability: Date | undefined;
  /** Days per jobs-lane window (BACKFILL_JOB_WINDOW_DAYS): one job per window. */
  jobWindowDays: number;
  jobs: JobsLaneSettings;
}

export interface StreamRunContext {
  /** The run's logger (carries its run id). */
  logger: Logger;
  settings: RunReadSettings;
}

/** The streams a run reads (given by the composition root): their names, and how to build them for one run. */
export interface OpenStreams {
  readonly names: readonly string[];
  open(run: StreamRunContext): RunStream[];
}

/** The one stream `name` of `streams`, opened the same way (same deps, same explicitness). */
export function onlyStream(streams: OpenStreams, name: string): OpenStreams {
  return { names: [name], open: (run) => streams.open(run).filter((s) => s.name === name) };
}
