import { randomUUID } from 'node:crypto';
import { DAY_MS, SECOND_MS } from '../time.ts';
import type { FaultSettings } from './faults.ts';
import { RateLimiter } from './faults.ts';
import type { DayIndex } from './day-index.ts';
import { QueryError, filterKey, matchesFilterSet, parseFilterSet, parseInterval, type FilterSet, type MatchRef } from './query.ts';
import type { ConversationStore } from './store.ts';
import type { SimConversation } from './types.ts';

/*
 * Conversation-details jobs (docs/sync.md §13), served with the semantics the project relies on:
 * - Matching: by default a job returns every conversation whose lifetime overlaps the interval
 *   ("all conversations that had activity during the interval"). With
 *   `startOfDayIntervalMatching: true` the SDK documents an added filter: "only include
 *   conversations that started after the beginning of the interval start date (UTC)". The
 *   simulator implements exactly that: overlap AND conversationStart >= 00:00 UTC of the
 *   interval's start day. A conversation starting after the interval's end never matches
 *   (it had no activity in it), so callers still re-filter [from, to) on conversationStart.
 * - The data lake: `dataAvailabilityDate` = simulated now − `lakeLagMs`; a job never returns a
 *   conversation that started at or after the availability date of its creation.
 * - Lifecycle on the wall clock: QUEUED for `jobQueueMs`, PENDING for `jobMsPerThousand` per
 *   1,000 matches, then FULFILLED (or FAILED); results readable until `expirationDate`
 *   (fulfilment + `jobRetentionMs`), then EXPIRED and results answer 410.
 * - Results by cursor, pageSize 1..1,000 (default 100: undocumented upstream); the cursor is
 *   opaque and absent on the last page. Records carry participant attributes (sim/attributes.ts).
 * - DELETE cancels: the job reads CANCELLED (its summary says `deleted`) and its results answer 404.
 * - Limits: `jobConcurrencyLimit` jobs QUEUED/PENDING per token and `jobCreatesPerMinute`
 *   creates per token answer 429 (Retry-After), as Genesys' org limits for jobs would.
 * Unconfirmed upstream and chosen here: max interval (`maxJobIntervalDays`, 31), page sizes,
 * retention, the 410 for expired results and the 400 for results of an unfinished job.
 */

export type JobState = 'QUEUED' | 'PENDING' | 'FULFILLED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

/**
 * Scripted fate of the next created job: 'fail' ends FAILED; 'expire' is EXPIRED as soon as it
 * is done; 'stuck' never leaves PENDING; 'expire-after-first-page' expires once one results page
 * was read; 'ok' behaves normally.
 */
export type JobFault = 'ok' | 'fail' | 'expire' | 'stuck' | 'expire-after-first-page';

const DEFAULT_JOB_PAGE_SIZE = 100;
const MAX_JOB_PAGE_SIZE = 1_000;
/** How far before the interval start the overlap scan looks for conversations still active in it. */
const OVERLAP_LOOKBACK_DAYS = 3;
/**
 * Conversations a job may generate while its create request waits (~1 s). Beyond, it matches
 * through the store's day indexes in the background and stays PENDING until they are read: a
 * 31-day job of a 50,000-a-day org is 1.5 million records, minutes of generation.
 */
export const SYNC_MATCH_WORK = 20_000;

interface SimJob<R> {
  id: string;
  owner: string;
  submittedMs: number;
  queuedUntilMs: number;
  doneAtMs: number;
  expiresAtMs: number;
  availabilityMs: number;
  refs: R[];
  /** How many records the job matched (its refs are forgotten once nobody can read them). */
  matched: number;
  fault: JobFault;
  failed: boolean;
  cancelled: boolean;
  /** Cancelled by a DELETE request (not by the test hook `cancel`): what cleanup tests look for. */
  deleted: boolean;
  expiredEarly: boolean;
}

export interface JobSummary {
  id: string;
  state: JobState;
  matches: number;
  submissionDate: string;
  /** A DELETE request cancelled it. */
  deleted: boolean;
}

/** An HTTP answer from the jobs API: status, body, extra headers. */
export type JobAnswer = { status: number; body?: unknown; code?: string; message?: string; headers?: Record<string, string> };

/**
 * What one jobs API serves (conversation details, user details): how a create body selects its
 * records and how a results page carries them. The lifecycle, limits and cursors are JobStore's.
 */
export interface JobSource<R> {
  /** The key of the records array in a results page (`conversations`, `userDetails`). */
  readonly recordsKey: string;
  /** The simulated now (the lake's availability is measured from it). */
  readonly nowMs: number;
  /**
   * The records a job with this body returns, in order; `availabilityMs` is the lake's horizon.
   * Throws QueryError (a 400) for a body this API refuses. Interval, limit and paging are checked before.
   * A promise: the matches take long to find; the job is PENDING until it settles.
   */
  select(body: Record<string, unknown>, interval: { startMs: number; endMs: number }, availabilityMs: number): R[] | Promise<R[]>;
  /** One results page's records as served. */
  serve(records: readonly R[]): unknown[];
}

export interface JobEnv<R> {
  source: JobSource<R>;
  settings: () => FaultSettings;
  /** Chance draw for random job failures (seeded). */
  chance: (p: number) => boolean;
  wallNowMs?: () => number;
}

/** The conversation-details jobs' source: overlap matching (see above) over the conversation store. */
export function conversationJobSource(store: ConversationStore, serve: (c: SimConversation) => unknown): JobSource<MatchRef> {
  return {
    recordsKey: 'conversations',
    nowMs: store.ctx.nowMs,
    select(body, interval, availabilityMs) {
      const filters = parseFilterSet(body);
      const startOfDay = body['startOfDayIntervalMatching'];
      if (startOfDay !== undefined && typeof startOfDay !== 'boolean') throw new QueryError('invalid.value', 'startOfDayIntervalMatching must be a boolean');
      const days = overlapDays(interval, startOfDay === true, availabilityMs);
      const key = filterKey(filters);
      if (!store.indexable || store.matchWork(days) <= SYNC_MATCH_WORK) return selectOverlapping(store, interval, filters, startOfDay === true, availabilityMs);
      return store.matchIndex(days, key, (c) => matchesFilterSet(c, filters)).then((indexes) => selectIndexed(indexes, key, interval, availabilityMs));
    },
    serve: (refs) => refs.map((ref) => serve(store.at(ref.day, ref.index))),
  };
}

export class JobStore<R = MatchRef> {
  private readonly jobs = new Map<string, SimJob<R>>();
  private readonly creates = new RateLimiter();
  private script: JobFault[] = [];
  created = 0;

  constructor(private readonly env: JobEnv<R>) {}

  private now(): number {
    return (this.env.wallNowMs ?? Date.now)();
  }

  /** The lake's horizon: conversations that started before it are complete in job results. */
  availabilityMs(): number {
    return this.env.source.nowMs - this.env.settings().lakeLagMs;
  }

  queueFaults(faults: readonly JobFault[]): void {
    this.script.push(...faults);
  }

  clearFaults(): void {
    this.script = [];
  }

  list(): JobSummary[] {
    const now = this.now();
    return [...this.jobs.values()].map((j) => ({ id: j.id, state: this.stateOf(j, now), matches: j.matched, submissionDate: new Date(j.submittedMs).toISOString(), deleted: j.deleted }));
  }

  /** Marks a job CANCELLED as if someone else deleted it (tests). */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    job.cancelled = true;
    job.refs = [];
    return true;
  }

  create(owner: string, raw: unknown): JobAnswer {
    const s = this.env.settings();
    const now = this.now();
    this.sweep(now);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('The request body must be a JSON object');
    const body = raw as Record<string, unknown>;
    let interval: { startMs: number; endMs: number };
    try {
      interval = parseInterval(body['interval']);
    } catch (err) {
      if (err instanceof QueryError) return { status: 400, code: err.code, message: err.message };
      throw err;
    }
    if (interval.endMs - interval.startMs > s.maxJobIntervalDays * DAY_MS) {
      return bad(`Job interval exceeds the maximum of ${s.maxJobIntervalDays} days`);
    }
    const limit = body['limit'];
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) return { status: 400, code: 'invalid.value', message: 'limit must be a positive integer' };
    if (body['paging'] !== undefined) return bad('paging is not supported by details jobs; read results by cursor');

    if (s.jobConcurrencyLimit > 0) {
      const active = [...this.jobs.values()].filter((j) => j.owner === owner && isRunning(this.stateOf(j, now)));
      if (active.length >= s.jobConcurrencyLimit) {
        // A job still matching has no end yet: ask again in a second.
        const soonest = Math.min(...active.map((j) => (j.fault === 'stuck' || !Number.isFinite(j.doneAtMs) ? now + SECOND_MS : j.doneAtMs)));
        return limited(Math.max(1, Math.ceil((soonest - now) / 1000)), `Maximum of ${s.jobConcurrencyLimit} concurrent details jobs reached`);
      }
    }
    if (s.jobCreatesPerMinute > 0) {
      const r = this.creates.take(owner, s.jobCreatesPerMinute, now);
      if (!r.allowed) return limited(r.resetSeconds, `Details job create rate exceeded the maximum [${s.jobCreatesPerMinute}] per minute`);
    }

    const availabilityMs = this.availabilityMs();
    let selected: R[] | Promise<R[]>;
    try {
      selected = this.env.source.select(body, interval, availabilityMs);
    } catch (err) {
      if (err instanceof QueryError) return { status: 400, code: err.code, message: err.message };
      throw err;
    }
    // QUEUED until its matches are known (see settle): Infinity until then.
    const job: SimJob<R> = {
      id: randomUUID(), owner, submittedMs: now, queuedUntilMs: Infinity, doneAtMs: Infinity, expiresAtMs: Infinity,
      availabilityMs, refs: [], matched: 0, fault: this.script.shift() ?? 'ok',
      failed: false, cancelled: false, deleted: false, expiredEarly: false,
    };
    if (Array.isArray(selected)) this.settle(job, selected, limit);
    else selected.then((refs) => this.settle(job, refs, limit), () => this.settleFailed(job));
    this.jobs.set(job.id, job);
    this.created++;
    return { status: 202, body: { jobId: job.id } };
  }

  /** The job's matches are known: its lifecycle on the wall clock starts from now. */
  private settle(job: SimJob<R>, matched: R[], limit: unknown): void {
    const s = this.env.settings();
    let refs = typeof limit === 'number' ? matched.slice(0, limit) : matched;
    // A job whose results end early without saying so: nine tenths of its matches (at least one fewer).
    if (s.jobResultsEnd === 'results' && refs.length > 0) refs = refs.slice(0, Math.min(refs.length - 1, Math.ceil(refs.length * 0.9)));
    // The queue starts once the match list is built (which may itself take a while on 31 days).
    job.queuedUntilMs = this.now() + s.jobQueueMs;
    job.doneAtMs = job.queuedUntilMs + Math.max(1, Math.round((s.jobMsPerThousand * refs.length) / 1000));
    job.expiresAtMs = job.fault === 'expire' ? job.doneAtMs : job.doneAtMs + s.jobRetentionMs;
    job.matched = refs.length;
    job.refs = job.cancelled ? [] : refs;
    job.failed = job.fault === 'fail' || (job.fault === 'ok' && s.jobFailureRate > 0 && this.env.chance(s.jobFailureRate));
  }

  /** Matching itself failed (a bug, not a scripted fault): the job reads FAILED, as a lake error would. */
  private settleFailed(job: SimJob<R>): void {
    job.queuedUntilMs = job.doneAtMs = this.now();
    job.expiresAtMs = job.doneAtMs + this.env.settings().jobRetentionMs;
    job.failed = true;
  }

  status(id: string): JobAnswer {
    const job = this.jobs.get(id);
    if (!job) return notFound(id);
    const now = this.now();
    const state = this.stateOf(job, now);
    const body: Record<string, unknown> = { state, submissionDate: new Date(job.submittedMs).toISOString() };
    if (state === 'FAILED') body['errorMessage'] = 'The job failed while reading the data lake (simulated failure)';
    if (state === 'FULFILLED' || state === 'FAILED' || state === 'EXPIRED') body['completionDate'] = new Date(job.doneAtMs).toISOString();
    if (job.fault !== 'stuck' && Number.isFinite(job.expiresAtMs)) body['expirationDate'] = new Date(job.expiresAtMs).toISOString();
    return { status: 200, body };
  }

  results(id: string, params: URLSearchParams): JobAnswer {
    const job = this.jobs.get(id);
    if (!job || job.cancelled) return notFound(id);
    const state = this.stateOf(job, this.now());
    if (state === 'EXPIRED') return { status: 410, code: 'results.expired', message: `The results of job ${id} have expired` };
    if (state !== 'FULFILLED') return bad(`Job ${id} is ${state}; results are available once it is FULFILLED`);
    const sizeText = params.get('pageSize');
    const pageSize = sizeText === null ? DEFAULT_JOB_PAGE_SIZE : Number(sizeText);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_JOB_PAGE_SIZE) return bad(`pageSize must be between 1 and ${MAX_JOB_PAGE_SIZE}`);
    const cursor = params.get('cursor');
    const offset = cursor === null || cursor === '' ? 0 : decodeCursor(id, cursor);
    if (offset === undefined || offset > job.refs.length) return bad(`Invalid cursor for job ${id}`);
    const slice = job.refs.slice(offset, offset + pageSize);
    const next = offset + slice.length;
    if (job.fault === 'expire-after-first-page') job.expiredEarly = true;
    return {
      status: 200,
      body: {
        [this.env.source.recordsKey]: this.env.source.serve(slice),
        ...(next < job.refs.length && !(offset === 0 && this.env.settings().jobResultsEnd === 'cursor') ? { cursor: encodeCursor(id, next) } : {}),
        dataAvailabilityDate: new Date(job.availabilityMs).toISOString(),
      },
    };
  }

  delete(id: string): JobAnswer {
    if (!this.cancel(id)) return notFound(id);
    this.jobs.get(id)!.deleted = true;
    return { status: 204 };
  }

  private stateOf(job: SimJob<R>, now: number): JobState {
    if (job.cancelled) return 'CANCELLED';
    if (now < job.queuedUntilMs) return 'QUEUED';
    if (job.fault === 'stuck' || now < job.doneAtMs) return 'PENDING';
    if (job.failed) return 'FAILED';
    if (job.expiredEarly || now >= job.expiresAtMs) return 'EXPIRED';
    return 'FULFILLED';
  }

  /** Forgets the match lists of jobs nobody can read any more. */
  private sweep(now: number): void {
    for (const job of this.jobs.values()) {
      const state = this.stateOf(job, now);
      if (state === 'EXPIRED' || state === 'FAILED' || state === 'CANCELLED') job.refs = [];
    }
  }
}

/** The days whose conversations a details job may return: from its start (or the lookback before it) to the lake's horizon. */
function overlapDays(interval: { startMs: number; endMs: number }, startOfDay: boolean, availabilityMs: number): number[] {
  const startDay = Math.floor(interval.startMs / DAY_MS);
  const firstDay = startOfDay ? startDay : startDay - OVERLAP_LOOKBACK_DAYS;
  const lastDay = Math.floor((Math.min(interval.endMs, availabilityMs) - 1) / DAY_MS);
  const days: number[] = [];
  for (let d = firstDay; d <= lastDay; d++) days.push(d);
  return days;
}

/** What selectOverlapping returns, read from the days' indexes (the same tests on the same start and end). */
function selectIndexed(indexes: ReadonlyMap<number, DayIndex>, key: string, interval: { startMs: number; endMs: number }, availabilityMs: number): MatchRef[] {
  const refs: MatchRef[] = [];
  for (const [d, index] of [...indexes].sort((a, b) => a[0] - b[0])) {
    const matches = index.matches.get(key)!;
    for (let k = 0; k < index.order.length; k++) {
      const startMs = index.startMs[k]!;
      if (startMs >= availabilityMs || startMs >= interval.endMs) continue;
      if (index.endMs[k]! <= interval.startMs) continue; // no activity in the interval
      if (matches[k] === 1) refs.push({ day: d, index: k });
    }
  }
  return refs;
}

/** Conversations a details job returns, in ascending (conversationStart, conversationId) order. */
function selectOverlapping(store: ConversationStore, interval: { startMs: number; endMs: number }, filters: FilterSet, startOfDay: boolean, availabilityMs: number): MatchRef[] {
  const refs: MatchRef[] = [];
  for (const d of overlapDays(interval, startOfDay, availabilityMs)) {
    store.day(d).forEach((c, index) => {
      const startMs = Date.parse(c.conversationStart);
      if (startMs >= availabilityMs || startMs >= interval.endMs) return;
      const endMs = c.conversationEnd === undefined ? Infinity : Date.parse(c.conversationEnd);
      if (endMs <= interval.startMs) return; // no activity in the interval
      if (matchesFilterSet(c, filters)) refs.push({ day: d, index });
    });
  }
  return refs;
}

const isRunning = (state: JobState) => state === 'QUEUED' || state === 'PENDING';
const bad = (message: string): JobAnswer => ({ status: 400, code: 'bad.request', message });
const notFound = (id: string): JobAnswer => ({ status: 404, code: 'not.found', message: `Job ${id} not found` });
const limited = (seconds: number, message: string): JobAnswer => ({
  status: 429, code: 'too.many.requests.retry.after', message: `${message}. Retry the request in [${seconds}] seconds`,
  headers: { 'retry-after': String(seconds) },
});

function encodeCursor(jobId: string, offset: number): string {
  return Buffer.from(`${jobId}:${offset}`).toString('base64url');
}

function decodeCursor(jobId: string, cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [id, offset] = text.split(':');
  if (id !== jobId || offset === undefined || !/^\d+$/.test(offset)) return undefined;
  return Number(offset);
}
