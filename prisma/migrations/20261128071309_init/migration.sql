-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "conversations" (
    "conversation_id" TEXT NOT NULL,
    "conversation_start" TIMESTAMPTZ(3) NOT NULL,
    "conversation_end" TIMESTAMPTZ(3),
    "originating_direction" TEXT,
    "conversation_initiator" TEXT,
    "external_tag" TEXT,
    "division_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "media_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "agent_user_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "raw" JSONB NOT NULL,
    "raw_hash" TEXT NOT NULL,
    "first_synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversations_pkey" PRIMARY KEY ("conversation_id")
);

-- CreateTable
CREATE TABLE "participants" (
    "conversation_id" TEXT NOT NULL,
    "participant_id" TEXT NOT NULL,
    "participant_index" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "user_id" TEXT,
    "participant_name" TEXT,
    "team_id" TEXT,
    "external_contact_id" TEXT,
    "external_organization_id" TEXT,
    "flagged_reason" TEXT,
    "screen_recording" BOOLEAN,

    CONSTRAINT "participants_pkey" PRIMARY KEY ("conversation_id","participant_id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "conversation_id" TEXT NOT NULL,
    "participant_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "session_index" INTEGER NOT NULL,
    "media_type" TEXT,
    "direction" TEXT,
    "ani" TEXT,
    "dnis" TEXT,
    "session_dnis" TEXT,
    "address_from" TEXT,
    "address_to" TEXT,
    "address_self" TEXT,
    "address_other" TEXT,
    "remote" TEXT,
    "provider" TEXT,
    "message_type" TEXT,
    "edge_id" TEXT,
    "protocol_call_id" TEXT,
    "recording" BOOLEAN,
    "selected_agent_id" TEXT,
    "used_routing" TEXT,
    "outbound_campaign_id" TEXT,
    "flow_id" TEXT,
    "flow_name" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("conversation_id","session_id")
);

-- CreateTable
CREATE TABLE "segments" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "segment_index" INTEGER NOT NULL,
    "participant_id" TEXT NOT NULL,
    "segment_start" TIMESTAMPTZ(3) NOT NULL,
    "segment_end" TIMESTAMPTZ(3),
    "segment_type" TEXT,
    "queue_id" TEXT,
    "group_id" TEXT,
    "wrap_up_code" TEXT,
    "wrap_up_note" TEXT,
    "disconnect_type" TEXT,
    "error_code" TEXT,
    "conference" BOOLEAN,
    "subject" TEXT,
    "requested_language_id" TEXT,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("conversation_id","session_id","segment_index")
);

-- CreateTable
CREATE TABLE "session_metrics" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "metric_index" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "value" BIGINT NOT NULL,
    "emit_date" TIMESTAMPTZ(3),

    CONSTRAINT "session_metrics_pkey" PRIMARY KEY ("conversation_id","session_id","metric_index")
);

-- CreateTable
CREATE TABLE "agents" (
    "user_id" TEXT NOT NULL,
    "name" TEXT,
    "username" TEXT,
    "email" TEXT,
    "state" TEXT,
    "division_id" TEXT,
    "division_name" TEXT,
    "department" TEXT,
    "title" TEXT,
    "manager_id" TEXT,
    "raw" JSONB NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "run_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "interval_end" TIMESTAMPTZ(3) NOT NULL,
    "agent_ids" TEXT[],
    "plan_key" TEXT NOT NULL,
    "host" TEXT,
    "pid" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "windows_total" INTEGER NOT NULL DEFAULT 0,
    "windows_done" INTEGER NOT NULL DEFAULT 0,
    "windows_failed" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "rate_limited" INTEGER NOT NULL DEFAULT 0,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "conversations_written" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("run_id")
);

-- CreateTable
CREATE TABLE "sync_windows" (
    "window_id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "scope_key" TEXT NOT NULL,
    "scope_agent_ids" TEXT[],
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "total_hits" INTEGER,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "conversations_written" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "parent_window_id" BIGINT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_windows_pkey" PRIMARY KEY ("window_id")
);

-- CreateIndex
CREATE INDEX "conversations_start_idx" ON "conversations"("conversation_start");

-- CreateIndex
CREATE INDEX "conversations_last_changed_idx" ON "conversations"("last_changed_at");

-- CreateIndex
CREATE INDEX "conversations_agent_user_ids_idx" ON "conversations" USING GIN ("agent_user_ids");

-- CreateIndex
CREATE INDEX "participants_user_id_idx" ON "participants"("user_id");

-- CreateIndex
CREATE INDEX "sessions_participant_idx" ON "sessions"("conversation_id", "participant_id");

-- CreateIndex
CREATE INDEX "segments_queue_id_idx" ON "segments"("queue_id");

-- CreateIndex
CREATE INDEX "sync_runs_kind_started_idx" ON "sync_runs"("kind", "started_at");

-- CreateIndex
CREATE INDEX "sync_runs_plan_key_idx" ON "sync_runs"("plan_key");

-- CreateIndex
CREATE INDEX "sync_windows_run_status_idx" ON "sync_windows"("run_id", "status");

-- CreateIndex
CREATE INDEX "sync_windows_scope_start_idx" ON "sync_windows"("scope_key", "window_start");

-- AddForeignKey
ALTER TABLE "participants" ADD CONSTRAINT "participants_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_metrics" ADD CONSTRAINT "session_metrics_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_windows" ADD CONSTRAINT "sync_windows_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("run_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- agent_interactions: one row per agent session, the first thing a supervisor queries.
-- Durations come from the session's metrics (milliseconds, as Genesys reports them).
-- last_segment_end is null while any segment of the session is still open (live).
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
  seg.wrap_up_code
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
WHERE p.purpose = 'agent';
