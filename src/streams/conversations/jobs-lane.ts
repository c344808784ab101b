/**
 * The jobs lane: reads a window through one conversation-details job (docs/sync.md "Lanes").
 * Create the job (`startOfDayIntervalMatching: true`: only conversations that started on or
 * after the window's first UTC midnight, docs/sync.md §13), poll it with backoff through
 * QUEUED/PENDING, then read its results by cursor, handing each page to the runner (which
 * re-filters [from, to), dedups and writes one transaction per batch of 100). A job that ends FAILED,
 * CANCELLED or EXPIRED, whose results vanish while being read, or that outlives the timeout is
 * tried again, up to `maxAttempts` jobs; then the window falls back to the query lane, and the
 * result says so (`lane: 'query'`, `fallbackReason`). Every request goes through the Genesys
 * client's one gate. At most `maxConcurrentJobs` jobs of this lane are QUEUED or PENDING at once,
 * and the results of at most two are read at once: the jobs of the next windows are processed at
 * Genesys while the windows before them are written, which is what makes the ramp of small first
 * windows pay (src/decisions/lanes.ts, planJobWindows).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { formatInterval, isJobGone, MAX_JOB_RESULTS_PAGE_SIZE, type DetailsJobResultsPage, type GenesysClient } from '../../genesys/index.ts';
import { nextPollDelayMs } from '../../decisions/job-poll.ts';
import { classifyRecord, countedDays, endsData, judgeJobResults } from '../../decisions/paging.ts';
import { DAY_MS } from '../../time.ts';
import { sleep as realSleep } from '../../time.ts';
import { describeError } from '../../pipeline/describe-error.ts';
import type { Lane, LanePage, LaneReadRequest, LaneResult } from '../../pipeline/lanes/lane.ts';
import { readRecords, receivedOf, type ReadRecord, type RecordsRead } from '../../pipeline/lanes/read-records.ts';
import { Slots } from '../../pipeline/lanes/slots.ts';
import type { JobsLaneSettings } from '../../pipeline/lanes/jobs-settings.ts';

/**
 * The jobs API, and the details query when the client has it: a job announces no count, so the
 * query's totalHits for the same UTC days is the count its results are checked against
 * (src/decisions/paging.ts, judgeJobResults).
 */
type JobsClient = Pick<GenesysClient, 'createDetailsJob' | 'getDetailsJob' | 'getDetailsJobResults' | 'deleteDetailsJob'> &
  Partial<Pick<GenesysClient, 'queryConversationDetailsPage'>>;

export interface JobsLaneOptions extends JobsLaneSettings {
  client: JobsClient;
  /** Reads a window when its jobs keep failing (the query lane). */
  fallback: Lane;
  /** The stream's contract: each record is read once, as its page arrives. */
  readRecord: ReadRecord;
  logger: Logger;
  nowMs: () => number;
  /** Records per write transaction (a results page is handed to the runner in batches); default 100. */
  writeBatchSize?: number;
  /** Batches written at once, across every window the lane reads; default 3. */
  writeConcurrency?: number;
  /** Results pages held at once across every window; default 2. */
  pagesInMemory?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The query lane's page size: the write path's tested batch. */
const DEFAULT_WRITE_BATCH = 100;
const DEFAULT_WRITE_CONCURRENCY = 3;
/** One page being written and one prefetched, for the whole process: what keeps a backfill under 250 MB. */
const DEFAULT_PAGES_IN_MEMORY = 2;

/**
 * How one job went: delivered (with the count its results were checked against, if any, and the
 * contradictions noted on the way), or not, and why (`contradiction`: its results contradicted
 * themselves or the count, rather than the job failing).
 */
type JobOutcome = { ok: true; count?: number; contradictions: number } | { ok: false; reason: string; contradiction?: boolean };
type ReadOutcome = { ok: true } | { ok: false; reason: string; contradiction?: boolean };

/**
 * What the current job has delivered: pages, the records with an id on the days it selects (each
 * conversation once: what a count would count), and how its results ended.
 */
interface Received {
  ids: number;
  pages: number;
  /** Records from outside the job's days: never counted (src/decisions/paging.ts). */
  strays: number;
  /** The last page was full although it carried no cursor: an end only a count can confirm. */
  lastPageFull: boolean;
}

/** Pages in a row that came back empty with a cursor before the job counts as failed (a cursor that never ends). */
const MAX_EMPTY_PAGES_WITH_CURSOR = 3;

/**
 * Windows whose results are downloaded at once. One is enough to keep the writes busy (its pages
 * flow into the write limiter without waiting for one another, and the next window starts
 * downloading while its last batches are written); more would only spread the page budget thin
 * and finish every window late.
 */
const READS_AT_ONCE = 1;

/** While a late-noticed job would hold up the run, it is polled every fifth of its age (see pollPause). */
const URGENT_POLL_AGE_DIVISOR = 5;

export class JobsLane implements Lane {
  readonly name = 'jobs' as const;
  /** Windows the runner should hand this lane at once: those being read, and those whose jobs are being processed. */
  readonly windowsAtOnce: number;
  /**
   * Jobs QUEUED or PENDING at Genesys at once (maxConcurrentJobs), handed out by window start:
   * the windows read first are processed first, whichever asked first.
   */
  private readonly processing: Slots;
  /** The window whose results are being downloaded (READS_AT_ONCE), by window start too. */
  private readonly reads: Slots;
  /**
   * Results pages held at once, across every window. A results page is up to 1,000
   * conversations, tens of MB once parsed; with a page prefetched per window and two windows
   * reading, four pages at once took the worker past its memory target (docs/performance.md).
   * A page's slot is taken before it is requested and given back once its last write batch is
   * written, so the next page downloads while the one before is still being written, but only
   * while the budget allows.
   */
  private readonly pages: Slots;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly pageSize: number;
  /** One write limiter for the lane, not one per page: a bound on the batches in memory. */
  private readonly writes: LimitFunction;
  /** Polls sleeping their backoff; woken when polling becomes urgent (see pollPause). */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly o: JobsLaneOptions) {
    if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${o.maxAttempts}`);
    // Polling turns urgent (see pollPause) when a window queues for a job's place, or when the
    // reader is left with nothing to read: sleeping polls look now rather than after their backoff.
    const wakePolls = () => {
      for (const wake of [...this.sleepers]) wake();
    };
    this.processing = new Slots(Math.max(1, o.maxConcurrentJobs), (change) => {
      if (change === 'queued') wakePolls();
    });
    this.reads = new Slots(READS_AT_ONCE, (change) => {
      if (change === 'released' && this.reads.available > 0) wakePolls();
    });
    // Being read, processing at Genesys, and one fulfilled and waiting for the read slot.
    this.windowsAtOnce = Math.max(1, o.maxConcurrentJobs) + READS_AT_ONCE + 1;
    this.sleep = o.sleep ?? realSleep;
    this.pageSize = o.resultsPageSize ?? MAX_JOB_RESULTS_PAGE_SIZE;
    this.pages = new Slots(o.pagesInMemory ?? DEFAULT_PAGES_IN_MEMORY);
    this.writes = pLimit(Math.max(1, o.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY));
  }

  async read(request: LaneReadRequest): Promise<LaneResult> {
    const log = this.o.logger.child({ lane: 'jobs', window: formatInterval(request.window) });
    // A job's results are a snapshot listing each conversation once, so the records with an id of
    // the job that delivered are the ids received: counted, not kept (a window of weeks holds
    // hundreds of thousands of ids, which a set would hold in memory until the window ends).
    const received: Received = { ids: 0, pages: 0, strays: 0, lastPageFull: false };
    const reasons: string[] = [];
    let contradictions = 0;
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      request.signal.throwIfAborted();
      Object.assign(received, { ids: 0, pages: 0, strays: 0, lastPageFull: false });
      const outcome = await this.runJob(request, attempt, received, log);
      if (outcome.ok) {
        contradictions += outcome.contradictions;
        const done = { kind: 'done', lane: 'jobs', hitsAnnounced: outcome.count ?? null, idsReceived: received.ids, pages: received.pages } as const;
        return contradictions > 0 ? { ...done, contradictions } : done;
      }
      // A job whose results contradicted themselves counts; so does every failed job's reason.
      if (outcome.contradiction) contradictions += 1;
      // The next job (or the fallback) delivers the whole window again, these pages included.
      if (received.pages > 0) request.onRestart?.();
      reasons.push(`job ${attempt}: ${outcome.reason}`);
      log.warn({ attempt, maxAttempts: this.o.maxAttempts, reason: outcome.reason }, 'details job did not deliver the window');
    }
    const fallbackReason = `${this.o.maxAttempts} details job(s) failed (${reasons.join('; ')}); read through the query lane`;
    log.warn({ fallbackReason }, 'falling back to the query lane for this window');
    const result = await this.o.fallback.read(request);
    if (result.kind !== 'done') return result;
    const total = contradictions + (result.contradictions ?? 0);
    return { ...result, lane: 'query', fallbackReason, ...(total > 0 ? { contradictions: total } : {}) };
  }

  /** One job, start to finish; the job is cancelled when it fails here or the read is aborted. */
  private async runJob(request: LaneReadRequest, attempt: number, received: Received, log: Logger): Promise<JobOutcome> {
    const { signal } = request;
    const job: { id?: string; log: Logger } = { log };
    // The count is asked for while the job is processed, so checking the results adds no wait
    // between the last write and the window's end (a rejection is awaited, and reported, below).
    const count = this.countDays(request);
    count.catch(() => {});
    // Cancelled unless it ended on its own: a job still queued, running or holding results
    // after a timeout, an error or an interrupt should not keep running at Genesys.
    let settled = false;
    try {
      // A processing slot from creation until the job leaves QUEUED/PENDING; reading its results
      // needs none, so the next windows' jobs are processed at Genesys while this one is written.
      const ready = await this.holding(this.processing, request, async () => {
        const id = await this.o.client.createDetailsJob({ interval: request.window, scope: request.scope, startOfDayIntervalMatching: true, signal });
        job.id = id;
        job.log = log.child({ jobId: id, attempt });
        job.log.debug('details job created');
        await request.onRemoteJob?.(id);
        return this.waitFulfilled(id, signal);
      });
      const jobId = job.id!;
      if (ready.kind === 'timeout') return { ok: false, reason: ready.reason };
      if (ready.kind === 'ended') {
        settled = true;
        await request.onRemoteJob?.(null);
        return { ok: false, reason: ready.reason };
      }
      const read = await this.readResults(request, jobId, received);
      settled = true; // fully read, or its results are gone: either way nothing is left to cancel
      await request.onRemoteJob?.(null);
      if (!read.ok) return read;
      job.log.debug({ pages: received.pages }, 'details job read');
      return await this.judgeResults(await count, received, job.log);
    } finally {
      if (job.id !== undefined && !settled) await this.cancelQuietly(job.id, job.log);
    }
  }

  /**
   * Reads a fulfilled job's results by cursor and has them written; resolves once every record
   * received is written (or the results are gone, or a write failed: then once the writes in
   * flight have settled, so nothing of this job is still being counted when the caller moves on).
   *
   * Pages flow without waiting for one another: each page received is cut into write batches
   * that join the lane's one write limiter at once, and the next page is requested as soon as the
   * process-wide page budget allows (a page holds its slot until its last batch is written). So
   * the writes never wait for a download, nor a download for the tail of a page's writes. The
   * read slot (one window at a time, in the order jobs were fulfilled) is held while pages are
   * downloaded and given back when the last one has arrived: the next window's first page then
   * downloads while this one's last batches are written, and windows finish one after another,
   * each freeing its place for a later window's job, instead of all together at the end.
   */
  private async readResults(request: LaneReadRequest, jobId: string, received: Received): Promise<ReadOutcome> {
    const { signal } = request;
    const writing: Array<Promise<void>> = [];
    let writeError: { error: unknown } | undefined;
    const days = countedDays(request.window);
    const cursors = new Set<string>();
    let emptyInARow = 0;
    const fetched = await this.holding(this.reads, request, async (): Promise<ReadOutcome> => {
      for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
        signal.throwIfAborted();
        if (writeError) break;
        const release = await this.pages.acquire(signal);
        let page: DetailsJobResultsPage;
        try {
          page = await this.o.client.getDetailsJobResults({ jobId, cursor, pageSize: this.pageSize, signal });
        } catch (error) {
          release();
          if (!isJobGone(error)) throw error;
          return { ok: false, reason: `results gone after ${received.pages} page(s) (${describeError(error)})` };
        }
        received.pages++;
        const read = readRecords(page.records, this.o.readRecord);
        countResults(read, days, received);
        received.lastPageFull = page.cursor === undefined && page.records.length > 0 && !endsData(page.records.length, this.pageSize);
        // A cursor must lead somewhere: one seen before, or empty pages that keep handing out cursors, never end.
        emptyInARow = page.records.length === 0 && page.cursor !== undefined ? emptyInARow + 1 : 0;
        const loop = page.cursor !== undefined && (cursors.has(page.cursor) || emptyInARow >= MAX_EMPTY_PAGES_WITH_CURSOR);
        if (page.cursor !== undefined) cursors.add(page.cursor);
        const written = this.write(request, read, `job ${jobId} page ${received.pages}`).finally(release);
        writing.push(written.catch((error: unknown) => {
          writeError ??= { error };
        }));
        if (loop) {
          return { ok: false, contradiction: true, reason: `the results cursor does not end (a cursor repeated, or ${MAX_EMPTY_PAGES_WITH_CURSOR} empty pages with a cursor) after ${received.pages} page(s)` };
        }
        cursor = page.cursor;
      }
      return { ok: true };
    }).finally(() => Promise.all(writing));
    if (writeError) throw writeError.error;
    return fetched;
  }

  /**
   * How the job's results ended, against the details query's count of the same UTC days (the jobs
   * API announces none): a job whose results ended early, or on a full page no count confirms,
   * did not deliver its window (the next job, or the query lane, reads it again).
   * `count`: the query's totalHits for the window's days (countDays), undefined without one.
   */
  private judgeResults(count: number | undefined, received: Received, log: Logger): JobOutcome {
    const verdict = judgeJobResults({ idsReceived: received.ids, lastPageFull: received.lastPageFull, count });
    let contradictions = 0;
    if (received.strays > 0) {
      contradictions += 1;
      log.warn({ strays: received.strays }, 'the job returned conversations from outside its days; they do not count towards the proof');
    }
    if (verdict.kind === 'incomplete') return { ok: false, reason: verdict.reason, contradiction: true };
    if (verdict.contradiction) {
      contradictions += 1;
      log.warn({ count, idsReceived: received.ids }, verdict.contradiction);
    }
    return { ok: true, ...(count !== undefined ? { count } : {}), contradictions };
  }

  /**
   * The details query's totalHits for the window's days (one request of one record), or
   * undefined without one: when the client has no query, or the window is not whole UTC days (the
   * query selects whole days, the job only from the window's start to its end, so they differ).
   */
  private async countDays(request: LaneReadRequest): Promise<number | undefined> {
    const { client } = this.o;
    const { start, end } = request.window;
    if (!client.queryConversationDetailsPage || start.getTime() % DAY_MS !== 0 || end.getTime() % DAY_MS !== 0) return undefined;
    const page = await client.queryConversationDetailsPage({ interval: request.window, scope: request.scope, pageNumber: 1, pageSize: 1, signal: request.signal });
    return page.totalHits;
  }

  /**
   * Hands one results page to the runner in batches of `writeBatchSize` records through the
   * lane's write limiter (`writeConcurrency` batches at once, across every window): each batch is
   * one write transaction. A whole 1,000-record page in one transaction needs several times the
   * page's size in memory while it is written (raw JSON, extracted rows, query parameters); with
   * two windows reading, that exhausted the 128 MB heap the container runs with
   * (docs/performance.md, lanes benchmark). Batches keep the write path the query lane already
   * has, while the API still serves 1,000 records a request.
   */
  private async write(request: LaneReadRequest, read: RecordsRead, label: string): Promise<void> {
    const size = this.o.writeBatchSize ?? DEFAULT_WRITE_BATCH;
    const { records, rejects } = read;
    const whole = records.length <= size;
    // A job's results list each conversation once: the runner need not remember what it wrote.
    const batches: LanePage[] = [];
    // The page's unplaceable records go with its first batch.
    for (let i = 0; i < Math.max(records.length, rejects.length > 0 ? 1 : 0); i += size) {
      batches.push({
        records: whole ? records : records.slice(i, i + size),
        rejects: i === 0 ? rejects : [],
        label: whole ? label : `${label} records ${i + 1}-${Math.min(records.length, i + size)}`,
        onceInRead: true,
      });
    }
    const results = await Promise.allSettled(batches.map((b) => this.writes(() => request.onPage(b))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Runs `fn` holding one of `slots`, waiting behind windows that start earlier. */
  private async holding<T>(slots: Slots, request: LaneReadRequest, fn: () => Promise<T>): Promise<T> {
    const release = await slots.acquire(request.signal, request.window.start.getTime());
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Whether a job noticed late would hold up the run: the reader is idle, or a window waits for a job's place. */
  private pollsUrgent(): boolean {
    return this.reads.available > 0 || this.processing.waiting > 0;
  }

  /**
   * The wait between two polls of a job that is `ageMs` old. A fulfilled job noticed late holds
   * up the run when the reader is idle (it waits for that job) or when a window waits for the
   * job's place among the `maxConcurrentJobs` (its own job cannot be created yet). Then the wait
   * is a fifth of the job's age (between `pollInitialMs` and the backoff), so a job is noticed
   * within ~20 % of its run time, at the cost of a few more polls (with the defaults: 14 for a
   * 20-second job instead of 6, 26 for a 2-minute job instead of 16); and a poll sleeping its
   * backoff is woken the moment either becomes true. Otherwise a fulfilled job would only wait
   * for the reader, so polls back off (`backoffMs`: doubling up to `pollMaxMs`) and spend little
   * of the shared request budget.
   */
  private async pollPause(backoffMs: number, ageMs: number, signal: AbortSignal): Promise<void> {
    const wait = this.pollsUrgent() ? Math.min(backoffMs, Math.max(this.o.pollInitialMs, ageMs / URGENT_POLL_AGE_DIVISOR)) : backoffMs;
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.sleepers.add(wake);
    try {
      await this.sleep(wait, AbortSignal.any([signal, woken.signal]));
    } catch (error) {
      if (signal.aborted || !woken.signal.aborted) throw error;
    } finally {
      this.sleepers.delete(wake);
    }
  }

  /** Polls until the job leaves QUEUED/PENDING or outlives the timeout. */
  private async waitFulfilled(jobId: string, signal: AbortSignal): Promise<{ kind: 'fulfilled' } | { kind: 'ended' | 'timeout'; reason: string }> {
    const started = this.o.nowMs();
    for (let poll = 1; ; poll++) {
      const status = await this.o.client.getDetailsJob(jobId, signal);
      if (status.state === 'FULFILLED') return { kind: 'fulfilled' };
      if (status.state !== 'QUEUED' && status.state !== 'PENDING') {
        // FAILED, CANCELLED, EXPIRED, or a state this version does not know: the job is over.
        return { kind: 'ended', reason: status.errorMessage ? `${status.state}: ${status.errorMessage}` : status.state };
      }
      const elapsed = this.o.nowMs() - started;
      if (elapsed >= this.o.timeoutMs) return { kind: 'timeout', reason: `still ${status.state} after ${Math.round(elapsed / 1000)}s (timeout)` };
      await this.pollPause(Math.min(nextPollDelayMs(poll, this.o.pollInitialMs, this.o.pollMaxMs), this.o.timeoutMs - elapsed), elapsed, signal);
    }
  }

  /** Best effort: a job we give up on (failed, timed out, interrupted) should not keep running at Genesys. */
  private async cancelQuietly(jobId: string, log: Logger): Promise<void> {
    try {
      await this.o.client.deleteDetailsJob(jobId);
    } catch (error) {
      log.warn({ err: error }, 'could not cancel the details job; it expires on its own');
    }
  }
}

/** Counts a results page's records towards the proof: ids on the job's days; strays apart (src/decisions/paging.ts). */
function countResults(read: RecordsRead, days: { startMs: number; endMs: number }, received: Received): void {
  for (const { id, timeMs } of receivedOf(read)) {
    const kind = classifyRecord(id, timeMs, days);
    if (kind === 'counted') received.ids += 1;
    else if (kind === 'stray') received.strays += 1;
  }
}
