-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN     "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "agent_presence" (
    "user_id" TEXT NOT NULL,
    "start_time" TIMESTAMPTZ(3) NOT NULL,
    "end_time" TIMESTAMPTZ(3),
    "system_presence" TEXT NOT NULL,
    "organization_presence_id" TEXT,
    "raw" JSONB NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_presence_pkey" PRIMARY KEY ("user_id","start_time")
);

-- CreateTable
CREATE TABLE "agent_routing_status" (
    "user_id" TEXT NOT NULL,
    "start_time" TIMESTAMPTZ(3) NOT NULL,
    "end_time" TIMESTAMPTZ(3),
    "routing_status" TEXT NOT NULL,
    "raw" JSONB NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_routing_status_pkey" PRIMARY KEY ("user_id","start_time")
);

-- CreateTable
CREATE TABLE "presence_definitions" (
    "presence_id" TEXT NOT NULL,
    "system_presence" TEXT,
    "label" TEXT,
    "deactivated" BOOLEAN,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "presence_definitions_pkey" PRIMARY KEY ("presence_id")
);

-- CreateIndex
CREATE INDEX "agent_presence_start_idx" ON "agent_presence"("start_time");

-- CreateIndex
CREATE INDEX "agent_routing_status_start_idx" ON "agent_routing_status"("start_time");

DROP VIEW IF EXISTS "agent_interactions";
DROP VIEW IF EXISTS "agent_status_time";

-- agent_interactions: one row per agent session, the first thing a supervisor queries.
-- Durations come from the session's metrics (milliseconds, as Genesys reports them).
-- last_segment_end is null while any segment of the session is still open (live).
-- A metric can repeat within a session (one tHeld per hold, one tTalk per talk stretch): sum.
-- queue_name / wrap_up_name come from the reference tables. A queue or code Genesys deleted
-- keeps its row there (inactive), so old interactions keep their names.
CREATE VIEW "agent_interactions" AS
SELECT
  s.conversation_id,
  s.session_id,
  p.participant_id,
  p.user_id AS agent_user_id,
  COALESCE(a.name, p.participant_name) AS agent_name,
  s.media_type,
  s.direction,
  c.originating_direction,
  c.conversation_start,
  c.conversation_end,
  seg.queue_id,
  seg.first_segment_start,
  seg.last_segment_end,
  m.alert_ms,
  m.talk_ms,
  m.hold_ms,
  m.acw_ms,
  m.handle_ms,
  seg.wrap_up_code,
  q.name AS queue_name,
  w.name AS wrap_up_name
FROM "sessions" s
JOIN "participants" p
  ON p.conversation_id = s.conversation_id AND p.participant_id = s.participant_id
JOIN "conversations" c ON c.conversation_id = s.conversation_id
LEFT JOIN "agents" a ON a.user_id = p.user_id
LEFT JOIN LATERAL (
  SELECT
    min(g.segment_start) AS first_segment_start,
    CASE WHEN count(*) = count(g.segment_end) THEN max(g.segment_end) END AS last_segment_end,
    (array_agg(g.queue_id ORDER BY g.segment_index) FILTER (WHERE g.queue_id IS NOT NULL))[1] AS queue_id,
    (array_agg(g.wrap_up_code ORDER BY g.segment_index DESC) FILTER (WHERE g.wrap_up_code IS NOT NULL))[1] AS wrap_up_code
  FROM "segments" g
  WHERE g.conversation_id = s.conversation_id AND g.session_id = s.session_id
) seg ON true
LEFT JOIN LATERAL (
  SELECT
    sum(sm.value) FILTER (WHERE sm.name = 'tAlert')::bigint AS alert_ms,
    sum(sm.value) FILTER (WHERE sm.name = 'tTalkComplete')::bigint AS talk_ms,
    sum(sm.value) FILTER (WHERE sm.name = 'tHeldComplete')::bigint AS hold_ms,
    sum(sm.value) FILTER (WHERE sm.name = 'tAcw')::bigint AS acw_ms,
    sum(sm.value) FILTER (WHERE sm.name = 'tHandle')::bigint AS handle_ms
  FROM "session_metrics" sm
  WHERE sm.conversation_id = s.conversation_id AND sm.session_id = s.session_id
) m ON true
LEFT JOIN "queues" q ON q.queue_id = seg.queue_id
LEFT JOIN "wrap_up_codes" w ON w.wrap_up_code_id = seg.wrap_up_code
WHERE p.purpose = 'agent';

-- agent_status_time: seconds each agent spent in each presence and routing status per UTC day.
-- A status spanning midnight is clipped to each day it covers (its seconds split between them);
-- each status is one row of agent_presence / agent_routing_status (keyed by user and start), so
-- nothing is counted twice. A status still open counts up to when it was last read (fetched_at).
-- Agents who left keep their history: agent_name comes from agents when the user is known.
CREATE VIEW "agent_status_time" AS
WITH statuses AS (
  SELECT user_id, 'presence'::text AS kind, system_presence AS status, start_time,
         GREATEST(start_time, COALESCE(end_time, fetched_at)) AS end_at
    FROM "agent_presence"
  UNION ALL
  SELECT user_id, 'routing'::text, routing_status, start_time,
         GREATEST(start_time, COALESCE(end_time, fetched_at))
    FROM "agent_routing_status"
)
SELECT
  s.user_id,
  a.name AS agent_name,
  d.day::date AS day,
  s.kind,
  s.status,
  SUM(EXTRACT(EPOCH FROM (
    LEAST(s.end_at, (d.day + INTERVAL '1 day') AT TIME ZONE 'UTC') - GREATEST(s.start_time, d.day AT TIME ZONE 'UTC')
  )))::double precision AS seconds
FROM statuses s
CROSS JOIN LATERAL generate_series(
  date_trunc('day', s.start_time AT TIME ZONE 'UTC'),
  date_trunc('day', (s.end_at - INTERVAL '1 millisecond') AT TIME ZONE 'UTC'),
  INTERVAL '1 day'
) AS d(day)
LEFT JOIN "agents" a ON a.user_id = s.user_id
WHERE s.end_at > s.start_time
GROUP BY s.user_id, a.name, d.day, s.kind, s.status;
