/**
 * The conversation stream: conversation detail records, keyed by `conversationId` and placed by
 * `conversationStart` (docs/sync.md). Its windows are read by the query lane (the synchronous
 * details query, pages of up to 100, split above SYNC_WINDOW_MAX_HITS, paged at most to the
 * API's 100,000 results) and, for backfills and settling, by the jobs lane (async details jobs,
 * results pages of up to 1,000; docs/sync.md §13); its records are written to conversations and
 * their children (src/db/conversations.ts) in one transaction per batch.
 */
import type { Db } from '../../db/client.ts';
import type { GenesysClient } from '../../genesys/index.ts';
import { MAX_REACHABLE_HITS } from '../../genesys/limits.ts';
import type { RunStream, StreamRunContext } from '../../pipeline/stream.ts';
import type { Clock } from '../../time.ts';
import { conversationRecordReader } from './contract.ts';
import { KEEP_ALL, type PersonalDataPolicy } from './personal-data.ts';
import { JobsLane } from './jobs-lane.ts';
import { createQueryLane } from './query-lane.ts';
import { createConversationWriter } from '../../db/conversations.ts';
import { judgeAbsences } from '../../db/deletions.ts';
import type { AbsenceJudge, DeleteSettings } from '../../pipeline/stream.ts';
import { agentIdsOf } from '../../pipeline/window-runner.ts';

export interface StreamDeps {
  db: Db;
  genesys: GenesysClient;
  clock: Clock;
  /** PII_MODE and PII_ATTRIBUTES (personal-data.ts); every field kept when absent. */
  personalData?: PersonalDataPolicy;
}

/**
 * Batches written at once across the jobs lane's windows: three keep both the database and this
 * process busy (one batch prepared while two are in Postgres; two were measured slower,
 * docs/performance.md), and bound what a backfill holds in memory.
 */
const JOBS_WRITE_CONCURRENCY = 3;

export function openConversationStream(deps: StreamDeps, run: StreamRunContext): RunStream {
  const { settings, logger } = run;
  const readConversationRecord = conversationRecordReader(deps.personalData ?? KEEP_ALL);
  const query = createQueryLane({
    client: deps.genesys,
    pageSize: settings.pageSize,
    maxHits: settings.windowMaxHits,
    maxReachableHits: MAX_REACHABLE_HITS,
    pageConcurrency: settings.concurrency,
    readRecord: readConversationRecord,
    logger,
  });
  const lanes = settings.lanes;
  const jobs =
    lanes && lanes.mode !== 'query'
      ? new JobsLane({
          ...lanes.jobs,
          client: deps.genesys,
          fallback: query,
          readRecord: readConversationRecord,
          logger,
          nowMs: () => deps.clock().getTime(),
          writeConcurrency: Math.min(JOBS_WRITE_CONCURRENCY, settings.concurrency),
        })
      : undefined;
  const absences = settings.deletes ? absenceJudge(deps.db, settings.deletes) : undefined;
  return {
    name: 'conversations',
    recordNoun: 'conversation',
    lanes: { query, ...(jobs ? { jobs } : {}) },
    writer: createConversationWriter(deps.db),
    cancelJob: (jobId, signal) => deps.genesys.deleteDetailsJob(jobId, signal),
    ...(absences ? { absences } : {}),
  };
}

/** Conversations stored in a completely read window and scope that it no longer returned (src/db/deletions.ts). */
function absenceJudge(db: Db, deletes: DeleteSettings): AbsenceJudge | undefined {
  const mode = deletes.mode;
  if (mode === 'off') return undefined;
  return {
    judge: (read) =>
      judgeAbsences(db, {
        windowId: read.windowId,
        start: read.window.start,
        end: read.window.end,
        agentIds: agentIdsOf(read.scope),
        readStartedAt: read.readStartedAt,
        mode,
        maxFraction: deletes.maxFraction,
        at: read.at,
      }),
  };
}
