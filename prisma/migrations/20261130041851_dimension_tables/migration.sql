-- CreateTable
CREATE TABLE "queues" (
    "queue_id" TEXT NOT NULL,
    "name" TEXT,
    "division_id" TEXT,
    "description" TEXT,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "queues_pkey" PRIMARY KEY ("queue_id")
);

-- CreateTable
CREATE TABLE "wrap_up_codes" (
    "wrap_up_code_id" TEXT NOT NULL,
    "name" TEXT,
    "division_id" TEXT,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "wrap_up_codes_pkey" PRIMARY KEY ("wrap_up_code_id")
);

-- CreateTable
CREATE TABLE "divisions" (
    "division_id" TEXT NOT NULL,
    "name" TEXT,
    "description" TEXT,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "divisions_pkey" PRIMARY KEY ("division_id")
);

-- CreateTable
CREATE TABLE "skills" (
    "skill_id" TEXT NOT NULL,
    "name" TEXT,
    "state" TEXT,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "skills_pkey" PRIMARY KEY ("skill_id")
);

-- CreateTable
CREATE TABLE "languages" (
    "language_id" TEXT NOT NULL,
    "name" TEXT,
    "state" TEXT,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "languages_pkey" PRIMARY KEY ("language_id")
);

-- CreateTable
CREATE TABLE "reference_list_refreshes" (
    "list" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,
    "entries" INTEGER,
    "permission" TEXT NOT NULL,
    "error" TEXT,
    "last_success_at" TIMESTAMPTZ(3),

    CONSTRAINT "reference_list_refreshes_pkey" PRIMARY KEY ("list")
);

DROP VIEW IF EXISTS "agent_interactions";

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
