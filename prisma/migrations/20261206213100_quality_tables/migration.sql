-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "access_attributes" TEXT[],
ADD COLUMN     "associated_conversation_id" TEXT,
ADD COLUMN     "conference_start" TIMESTAMPTZ(3),
ADD COLUMN     "consultation_conversation_ids" TEXT[],
ADD COLUMN     "customer_participation" BOOLEAN,
ADD COLUMN     "inactivity_timeout" TIMESTAMPTZ(3),
ADD COLUMN     "knowledge_base_ids" TEXT[],
ADD COLUMN     "media_stats_min_conversation_mos" DOUBLE PRECISION,
ADD COLUMN     "media_stats_min_conversation_r_factor" DOUBLE PRECISION,
ADD COLUMN     "originating_social_media_public" BOOLEAN,
ADD COLUMN     "self_served" BOOLEAN;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "active_skill_ids" TEXT[],
ADD COLUMN     "acw_skipped" BOOLEAN,
ADD COLUMN     "agent_assistant_id" TEXT,
ADD COLUMN     "agent_bullseye_ring" BIGINT,
ADD COLUMN     "agent_owned" BOOLEAN,
ADD COLUMN     "assigner_id" TEXT,
ADD COLUMN     "authenticated" BOOLEAN,
ADD COLUMN     "barged_participant_id" TEXT,
ADD COLUMN     "bcc" TEXT[],
ADD COLUMN     "callback_numbers" TEXT[],
ADD COLUMN     "callback_scheduled_time" TIMESTAMPTZ(3),
ADD COLUMN     "callback_user_name" TEXT,
ADD COLUMN     "cc" TEXT[],
ADD COLUMN     "cleared" BOOLEAN,
ADD COLUMN     "coached_participant_id" TEXT,
ADD COLUMN     "cobrowse_role" TEXT,
ADD COLUMN     "cobrowse_room_id" TEXT,
ADD COLUMN     "delivery_pushed" BOOLEAN,
ADD COLUMN     "delivery_status" TEXT,
ADD COLUMN     "delivery_status_change_date" TIMESTAMPTZ(3),
ADD COLUMN     "destination_addresses" TEXT[],
ADD COLUMN     "detected_speech_end" TIMESTAMPTZ(3),
ADD COLUMN     "detected_speech_start" TIMESTAMPTZ(3),
ADD COLUMN     "disposition_analyzer" TEXT,
ADD COLUMN     "disposition_name" TEXT,
ADD COLUMN     "eligible_agent_counts" BIGINT[],
ADD COLUMN     "engagement_source" TEXT,
ADD COLUMN     "error_code_description" TEXT,
ADD COLUMN     "extended_delivery_status" TEXT,
ADD COLUMN     "flow_ending_language" TEXT,
ADD COLUMN     "flow_entry_reason" TEXT,
ADD COLUMN     "flow_entry_type" TEXT,
ADD COLUMN     "flow_exit_reason" TEXT,
ADD COLUMN     "flow_in_type" TEXT,
ADD COLUMN     "flow_issued_callback" BOOLEAN,
ADD COLUMN     "flow_out_type" TEXT,
ADD COLUMN     "flow_recognition_failure_reason" TEXT,
ADD COLUMN     "flow_starting_language" TEXT,
ADD COLUMN     "flow_transfer_target_address" TEXT,
ADD COLUMN     "flow_transfer_target_name" TEXT,
ADD COLUMN     "flow_transfer_type" TEXT,
ADD COLUMN     "flow_type" TEXT,
ADD COLUMN     "flow_version" TEXT,
ADD COLUMN     "journey_action_id" TEXT,
ADD COLUMN     "journey_action_map_id" TEXT,
ADD COLUMN     "journey_action_map_version" BIGINT,
ADD COLUMN     "journey_customer_id" TEXT,
ADD COLUMN     "journey_customer_id_type" TEXT,
ADD COLUMN     "journey_customer_session_id" TEXT,
ADD COLUMN     "journey_customer_session_id_type" TEXT,
ADD COLUMN     "media_bridge_id" TEXT,
ADD COLUMN     "media_count" BIGINT,
ADD COLUMN     "monitored_participant_id" TEXT,
ADD COLUMN     "outbound_contact_id" TEXT,
ADD COLUMN     "outbound_contact_list_id" TEXT,
ADD COLUMN     "peer_id" TEXT,
ADD COLUMN     "remote_name_displayable" TEXT,
ADD COLUMN     "removed_skill_ids" TEXT[],
ADD COLUMN     "requested_routings" TEXT[],
ADD COLUMN     "room_id" TEXT,
ADD COLUMN     "routing_ring" BIGINT,
ADD COLUMN     "routing_rule" TEXT,
ADD COLUMN     "routing_rule_type" TEXT,
ADD COLUMN     "screen_monitored_user_id" TEXT,
ADD COLUMN     "screen_share_address_self" TEXT,
ADD COLUMN     "screen_share_room_id" TEXT,
ADD COLUMN     "script_id" TEXT,
ADD COLUMN     "selected_agent_rank" BIGINT,
ADD COLUMN     "sharing_screen" BOOLEAN,
ADD COLUMN     "skill_expression_id" TEXT,
ADD COLUMN     "skip_enabled" BOOLEAN,
ADD COLUMN     "snippet_recording" BOOLEAN,
ADD COLUMN     "timeout_seconds" BIGINT,
ADD COLUMN     "video_address_self" TEXT,
ADD COLUMN     "video_room_id" TEXT,
ADD COLUMN     "waiting_interaction_counts" BIGINT[];

-- AlterTable
ALTER TABLE "segments" ADD COLUMN     "audio_muted" BOOLEAN,
ADD COLUMN     "destination_conversation_id" TEXT,
ADD COLUMN     "destination_session_id" TEXT,
ADD COLUMN     "q850_response_codes" BIGINT[],
ADD COLUMN     "requested_routing_skill_ids" TEXT[],
ADD COLUMN     "requested_routing_user_ids" TEXT[],
ADD COLUMN     "sip_response_codes" BIGINT[],
ADD COLUMN     "source_conversation_id" TEXT,
ADD COLUMN     "source_session_id" TEXT,
ADD COLUMN     "video_muted" BOOLEAN,
ADD COLUMN     "wrap_up_tags" TEXT[];

-- CreateTable
CREATE TABLE "evaluations" (
    "conversation_id" TEXT NOT NULL,
    "evaluation_index" INTEGER NOT NULL,
    "evaluation_id" TEXT,
    "evaluator_id" TEXT,
    "user_id" TEXT,
    "queue_id" TEXT,
    "form_id" TEXT,
    "context_id" TEXT,
    "form_name" TEXT,
    "calibration_id" TEXT,
    "assignee_id" TEXT,
    "assignee_applicable" BOOLEAN,
    "evaluation_status" TEXT,
    "event_time" TIMESTAMPTZ(3),
    "released" BOOLEAN,
    "rescored" BOOLEAN,
    "deleted" BOOLEAN,
    "system_submitted" BOOLEAN,
    "total_score" DOUBLE PRECISION,
    "total_critical_score" DOUBLE PRECISION,

    CONSTRAINT "evaluations_pkey" PRIMARY KEY ("conversation_id","evaluation_index")
);

-- CreateTable
CREATE TABLE "surveys" (
    "conversation_id" TEXT NOT NULL,
    "survey_index" INTEGER NOT NULL,
    "survey_id" TEXT,
    "survey_form_id" TEXT,
    "survey_form_context_id" TEXT,
    "survey_form_name" TEXT,
    "survey_type" TEXT,
    "survey_status" TEXT,
    "partial_response" BOOLEAN,
    "user_id" TEXT,
    "queue_id" TEXT,
    "event_time" TIMESTAMPTZ(3),
    "completed_date" TIMESTAMPTZ(3),
    "promoter_score" DOUBLE PRECISION,
    "total_score" DOUBLE PRECISION,

    CONSTRAINT "surveys_pkey" PRIMARY KEY ("conversation_id","survey_index")
);

-- CreateTable
CREATE TABLE "resolutions" (
    "conversation_id" TEXT NOT NULL,
    "resolution_index" INTEGER NOT NULL,
    "queue_id" TEXT,
    "user_id" TEXT,
    "event_time" TIMESTAMPTZ(3),
    "next_contact_avoided" BIGINT,

    CONSTRAINT "resolutions_pkey" PRIMARY KEY ("conversation_id","resolution_index")
);

-- CreateTable
CREATE TABLE "flow_outcomes" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "outcome_index" INTEGER NOT NULL,
    "flow_outcome_id" TEXT,
    "flow_outcome" TEXT,
    "flow_outcome_value" TEXT,
    "flow_outcome_start_timestamp" TIMESTAMPTZ(3),
    "flow_outcome_end_timestamp" TIMESTAMPTZ(3),

    CONSTRAINT "flow_outcomes_pkey" PRIMARY KEY ("conversation_id","session_id","outcome_index")
);

-- CreateTable
CREATE TABLE "media_endpoint_stats" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "stat_index" INTEGER NOT NULL,
    "event_time" TIMESTAMPTZ(3),
    "codecs" TEXT[],
    "min_mos" DOUBLE PRECISION,
    "min_r_factor" DOUBLE PRECISION,
    "max_latency_ms" BIGINT,
    "received_packets" BIGINT,
    "invalid_packets" BIGINT,
    "discarded_packets" BIGINT,
    "duplicate_packets" BIGINT,
    "overrun_packets" BIGINT,
    "underrun_packets" BIGINT,

    CONSTRAINT "media_endpoint_stats_pkey" PRIMARY KEY ("conversation_id","session_id","stat_index")
);

-- CreateTable
CREATE TABLE "session_proposed_agents" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "agent_index" INTEGER NOT NULL,
    "proposed_agent_id" TEXT,
    "agent_rank" BIGINT,

    CONSTRAINT "session_proposed_agents_pkey" PRIMARY KEY ("conversation_id","session_id","agent_index")
);

-- CreateTable
CREATE TABLE "session_agent_groups" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "group_index" INTEGER NOT NULL,
    "agent_group_id" TEXT,
    "agent_group_type" TEXT,

    CONSTRAINT "session_agent_groups_pkey" PRIMARY KEY ("conversation_id","session_id","group_index")
);

-- CreateTable
CREATE TABLE "segment_scored_agents" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "segment_index" INTEGER NOT NULL,
    "agent_index" INTEGER NOT NULL,
    "scored_agent_id" TEXT,
    "agent_score" DOUBLE PRECISION,

    CONSTRAINT "segment_scored_agents_pkey" PRIMARY KEY ("conversation_id","session_id","segment_index","agent_index")
);

-- CreateTable
CREATE TABLE "segment_properties" (
    "conversation_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "segment_index" INTEGER NOT NULL,
    "property_index" INTEGER NOT NULL,
    "property" TEXT,
    "property_type" TEXT,
    "value" TEXT,

    CONSTRAINT "segment_properties_pkey" PRIMARY KEY ("conversation_id","session_id","segment_index","property_index")
);

-- CreateIndex
CREATE INDEX "evaluations_evaluation_id_idx" ON "evaluations"("evaluation_id");

-- CreateIndex
CREATE INDEX "evaluations_user_id_idx" ON "evaluations"("user_id");

-- CreateIndex
CREATE INDEX "surveys_survey_id_idx" ON "surveys"("survey_id");

-- CreateIndex
CREATE INDEX "surveys_user_id_idx" ON "surveys"("user_id");

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resolutions" ADD CONSTRAINT "resolutions_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flow_outcomes" ADD CONSTRAINT "flow_outcomes_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "media_endpoint_stats" ADD CONSTRAINT "media_endpoint_stats_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_proposed_agents" ADD CONSTRAINT "session_proposed_agents_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_agent_groups" ADD CONSTRAINT "session_agent_groups_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_scored_agents" ADD CONSTRAINT "segment_scored_agents_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_properties" ADD CONSTRAINT "segment_properties_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("conversation_id") ON DELETE CASCADE ON UPDATE CASCADE;

DROP VIEW IF EXISTS "agent_interactions";
DROP VIEW IF EXISTS "agent_quality";

-- agent_interactions: one row per agent session, the first thing a supervisor queries.
-- Durations come from the session's metrics (milliseconds, as Genesys reports them).
-- last_segment_end is null while any segment of the session is still open (live).
-- A metric can repeat within a session (one tHeld per hold, one tTalk per talk stretch): sum.
-- queue_name / wrap_up_name come from the reference tables. A queue or code Genesys deleted
-- keeps its row there (inactive), so old interactions keep their names.
-- evaluation_score / survey_promoter_score: the agent's latest scored evaluation of the
-- conversation (deleted and retracted ones left out) and latest answered survey, where present.
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
  w.name AS wrap_up_name,
  ev.total_score AS evaluation_score,
  sv.promoter_score AS survey_promoter_score
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
LEFT JOIN LATERAL (
  SELECT e.total_score FROM "evaluations" e
  WHERE e.conversation_id = s.conversation_id AND e.user_id = p.user_id AND e.total_score IS NOT NULL
    AND e.deleted IS NOT TRUE AND e.evaluation_status IS DISTINCT FROM 'Retracted'
  ORDER BY e.event_time DESC NULLS LAST, e.evaluation_index DESC LIMIT 1
) ev ON true
LEFT JOIN LATERAL (
  SELECT v.promoter_score FROM "surveys" v
  WHERE v.conversation_id = s.conversation_id AND v.user_id = p.user_id AND v.promoter_score IS NOT NULL
  ORDER BY v.event_time DESC NULLS LAST, v.survey_index DESC LIMIT 1
) sv ON true
WHERE p.purpose = 'agent';

-- agent_quality: one row per agent and day (the UTC day the conversation started, not the day
-- it was evaluated or surveyed), from the evaluations and surveys stored today. Evaluations
-- counted: scored, not deleted, not retracted (calibrations included). NPS: % of answered
-- surveys scoring 9-10 minus % scoring 0-6, from surveys.promoter_score.
CREATE VIEW "agent_quality" AS
WITH ev AS (
  SELECT e.user_id AS agent_user_id, (c.conversation_start AT TIME ZONE 'UTC')::date AS day,
         count(*) AS evaluations,
         avg(e.total_score) AS average_score,
         avg(e.total_critical_score) AS average_critical_score
  FROM "evaluations" e
  JOIN "conversations" c ON c.conversation_id = e.conversation_id
  WHERE e.user_id IS NOT NULL AND e.total_score IS NOT NULL
    AND e.deleted IS NOT TRUE AND e.evaluation_status IS DISTINCT FROM 'Retracted'
  GROUP BY 1, 2
), sv AS (
  SELECT v.user_id AS agent_user_id, (c.conversation_start AT TIME ZONE 'UTC')::date AS day,
         count(*) AS surveys_sent,
         count(v.promoter_score) AS surveys_answered,
         round(100.0 * (count(*) FILTER (WHERE v.promoter_score >= 9) - count(*) FILTER (WHERE v.promoter_score <= 6))
               / nullif(count(v.promoter_score), 0), 1) AS nps
  FROM "surveys" v
  JOIN "conversations" c ON c.conversation_id = v.conversation_id
  WHERE v.user_id IS NOT NULL
  GROUP BY 1, 2
)
SELECT
  agent_user_id,
  day,
  a.name AS agent_name,
  coalesce(ev.evaluations, 0) AS evaluations,
  ev.average_score,
  ev.average_critical_score,
  coalesce(sv.surveys_sent, 0) AS surveys_sent,
  coalesce(sv.surveys_answered, 0) AS surveys_answered,
  sv.nps
FROM ev
FULL JOIN sv USING (agent_user_id, day)
LEFT JOIN "agents" a ON a.user_id = agent_user_id;
