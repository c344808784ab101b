/**
 * The worker's Prometheus metrics (docs/operations.md §6), on a Registry the caller owns (no
 * global registry: tests and two clients in one process never share counters).
 *
 * Three feeds:
 *  - the Genesys client's RequestObserver (requestObserver below, passed to
 *    createGenesysClient): requests by route template and status class, retries, 429s, counted
 *    in the client's one retry loop as they happen;
 *  - the report of each finished run (observeRun, from the worker's runOnce): duration by kind
 *    and status, conversations written, windows failed, the last success;
 *  - gauges that read the database when scraped (registerLedgerGauges: open rejects, coverage
 *    per scope). prom-client calls a metric's `collect()` (which may be async) on every
 *    scrape, so another such gauge is a few lines:
 *
 *        new Gauge({ name: 'genesys_sync_something', help: '...', registers: [registry],
 *          async collect() { this.set(await readSomething(db)); } });
 *
 *    A collect() that throws fails the whole scrape (HTTP 500), so the ledger gauges catch
 *    their errors and export no sample instead.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RequestObserver } from '../genesys/index.ts';
import { RUN_KINDS, type FinalRunStatus, type RunKind } from '../decisions/states.ts';

const METRIC_PREFIX = 'genesys_sync_';

/** How a run ended: the ledger's statuses, plus `error` for a run that threw before it could record one. */
export type RunOutcomeStatus = FinalRunStatus | 'error';

interface RunObservation {
  kind: RunKind;
  status: RunOutcomeStatus;
  durationSeconds: number;
  finishedAt: Date;
  conversationsWritten: number;
  windowsFailed: number;
  /** Records found deleted upstream (marked or purged), windows whose deletions were withheld, records removed by retention. */
  recordsDeleted?: number;
  deletionsWithheld?: number;
  recordsExpired?: number;
  /** Each stream's share (records written, windows failed); absent for a run that threw before it had any. */
  streams?: ReadonlyArray<{ stream: string; recordsWritten: number; windowsFailed: number }>;
}

export interface SyncMetrics {
  readonly registry: Registry;
  /** Pass to createGenesysClient({ observer }). */
  readonly requestObserver: RequestObserver;
  observeRun(run: RunObservation): void;
  /** The last successful run's end as the ledger has it, so a restart does not reset the gauge to "never". */
  seedLastSuccess(finishedAt: Date): void;
}

/** From a few seconds (a quiet nightly sync) to the Kubernetes job deadline (6 h). */
const RUN_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200, 14_400, 21_600];

export interface SyncMetricsOptions {
  defaultMetrics?: boolean;
  /** The streams the worker reads: their counters are present at 0 from the first scrape. */
  streams?: readonly string[];
}

export function createSyncMetrics(registry: Registry, options: SyncMetricsOptions = {}): SyncMetrics {
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const runs = runMetrics([registry], options.streams ?? []);
  return { registry, requestObserver: requestMetrics([registry]), observeRun: runs.observe, seedLastSuccess: runs.success };
}

/** Requests by route template and status class, retries and 429s, counted by the client as they happen. */
function requestMetrics(registers: Registry[]): RequestObserver {
  const counter = (name: string, help: string, labelNames: readonly string[]) => new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
  const requests = counter('requests_total', 'HTTP attempts to Genesys (token requests included), by route template and status class (network = no response).', ['endpoint', 'status_class']);
  const rateLimited = counter('rate_limited_total', '429 responses from Genesys.', ['endpoint']);
  const retries = counter('retries_total', 'Genesys requests repeated after a 429, 5xx/408, network error or 401.', ['endpoint']);
  return {
    request: (endpoint, statusClass) => requests.inc({ endpoint, status_class: statusClass }),
    retry: (endpoint) => retries.inc({ endpoint }),
    rateLimited: (endpoint) => rateLimited.inc({ endpoint }),
  };
}

/** What finished runs report: duration, records written and windows failed (by kind and stream), the last success. */
function runMetrics(registers: Registry[], streams: readonly string[]) {
  const lastSuccess = new Gauge({ name: `${METRIC_PREFIX}last_success_timestamp_seconds`, help: 'End of the last successful rolling sync (kind sync; Unix seconds); 0 until one succeeded.', registers });
  const runDuration = new Histogram({ name: `${METRIC_PREFIX}run_duration_seconds`, help: 'Duration of finished runs, by run kind and how they ended.', labelNames: ['kind', 'status'] as const, buckets: RUN_DURATION_BUCKETS, registers });
  const conversationsWritten = new Counter({ name: `${METRIC_PREFIX}conversations_written_total`, help: 'Conversations written (new, changed or re-confirmed unchanged) by finished runs.', labelNames: ['kind'] as const, registers });
  const recordsWritten = new Counter({ name: `${METRIC_PREFIX}records_written_total`, help: 'Records written by finished runs, by stream (conversations, ...) and run kind.', labelNames: ['stream', 'kind'] as const, registers });
  const windowsFailed = new Counter({ name: `${METRIC_PREFIX}windows_failed_total`, help: 'Windows that failed in finished runs, by stream and run kind (the next run covers them again).', labelNames: ['stream', 'kind'] as const, registers });
  const mirror = mirrorMetrics(registers);
  let lastSuccessSeconds = 0;
  const success = (at: Date) => {
    lastSuccessSeconds = Math.max(lastSuccessSeconds, at.getTime() / 1000);
    lastSuccess.set(lastSuccessSeconds);
  };
  // Present from the first scrape (at 0), so rate() and increase() see the first failure.
  for (const kind of RUN_KINDS) {
    conversationsWritten.inc({ kind }, 0);
    for (const stream of streams) {
      recordsWritten.inc({ stream, kind }, 0);
      windowsFailed.inc({ stream, kind }, 0);
    }
  }
  const observe = (run: RunObservation) => {
    runDuration.observe({ kind: run.kind, status: run.status }, run.durationSeconds);
    conversationsWritten.inc({ kind: run.kind }, run.conversationsWritten);
    mirror.observe(run);
    for (const s of run.streams ?? []) {
      recordsWritten.inc({ stream: s.stream, kind: run.kind }, s.recordsWritten);
      windowsFailed.inc({ stream: s.stream, kind: run.kind }, s.windowsFailed);
    }
    // Freshness is the rolling sync's, as in `status`: a backfill or a settle run says nothing about today.
    if (run.status === 'succeeded' && run.kind === 'sync') success(run.finishedAt);
  };
  return { observe, success };
}

/** The mirror's counters (docs/sync.md §18–19): deletions upstream, withheld ones, retention; present at 0 from the first scrape. */
function mirrorMetrics(registers: Registry[]) {
  const labelNames = ['kind'] as const;
  const deleted = new Counter({ name: `${METRIC_PREFIX}records_deleted_total`, help: 'Records a complete read no longer returned (deleted upstream), marked deleted_at or purged (SYNC_DELETES), by run kind.', labelNames, registers });
  const withheld = new Counter({ name: `${METRIC_PREFIX}deletions_withheld_total`, help: 'Windows whose deletions the safety valve withheld (SYNC_DELETE_MAX_FRACTION), by run kind.', labelNames, registers });
  const expired = new Counter({ name: `${METRIC_PREFIX}records_expired_total`, help: 'Records deleted by retention (RETENTION_DAYS).', registers });
  for (const kind of RUN_KINDS) {
    deleted.inc({ kind }, 0);
    withheld.inc({ kind }, 0);
  }
  return {
    observe(run: RunObservation): void {
      deleted.inc({ kind: run.kind }, run.recordsDeleted ?? 0);
      withheld.inc({ kind: run.kind }, run.deletionsWithheld ?? 0);
      expired.inc(run.recordsExpired ?? 0);
    },
  };
}

/** What the database-backed gauges read on each scrape (the worker wires these to src/db/). */
export interface LedgerGaugeSource {
  /** Records in quarantine (sync_rejects) not resolved yet. */
  openRejects(): Promise<number>;
  /** Per agent scope ('all', or a key of the agent list), the end of its newest covered range; newest scopes first. */
  newestCovered(): Promise<Array<{ scope: string; end: Date | undefined }>>;
  nowMs(): number;
  /** Told when a read fails; the gauge then has no samples for that scrape (rather than a stale value). */
  onError(error: unknown): void;
}

/** More scopes than this (one per distinct agent list ever synced) are not exported, to bound the label set. */
const MAX_COVERAGE_SCOPES = 20;
/** Both coverage gauges come from one read per scrape. */
const COVERAGE_READ_REUSE_MS = 1_000;

/**
 * Gauges read from the ledger when scraped: open quarantined records, and per scope the newest
 * covered instant and how far it lags behind now.
 */
export function registerLedgerGauges(registry: Registry, source: LedgerGaugeSource): void {
  const registers = [registry];
  let lastRead: { atMs: number; rows: Promise<Array<{ scope: string; end: Date | undefined }>> } | undefined;
  const coverage = () => {
    const now = source.nowMs();
    if (!lastRead || now - lastRead.atMs > COVERAGE_READ_REUSE_MS) {
      lastRead = { atMs: now, rows: source.newestCovered().then((rows) => rows.slice(0, MAX_COVERAGE_SCOPES)) };
    }
    return lastRead.rows;
  };
  new Gauge({
    name: `${METRIC_PREFIX}open_rejects`,
    help: 'Records in quarantine (sync_rejects) not resolved yet.',
    registers,
    async collect() {
      this.reset();
      try {
        this.set(await source.openRejects());
      } catch (error) {
        source.onError(error);
      }
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}covered_until_timestamp_seconds`,
    help: 'End of the newest range the ledger shows as covered, per agent scope (Unix seconds).',
    labelNames: ['scope'] as const,
    registers,
    async collect() {
      this.reset();
      try {
        for (const { scope, end } of await coverage()) if (end) this.set({ scope }, end.getTime() / 1000);
      } catch (error) {
        source.onError(error);
      }
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}coverage_lag_seconds`,
    help: 'How far the newest covered instant lags behind now, per agent scope (seconds).',
    labelNames: ['scope'] as const,
    registers,
    async collect() {
      this.reset();
      try {
        const now = source.nowMs();
        for (const { scope, end } of await coverage()) if (end) this.set({ scope }, (now - end.getTime()) / 1000);
      } catch (error) {
        source.onError(error);
      }
    },
  });
}
