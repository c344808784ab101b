-- The child tables keep conversation_id but lose their foreign key to conversations: the
-- conversation writer always writes and deletes children with their conversation, in one
-- transaction, and the per-row foreign-key check was the largest single cost of a first load.
-- Deleting a conversation no longer cascades: the code deletes the children in the same
-- statement (docs/schema.md, "Integrity"). The views are recreated by the script, unchanged.

-- DropForeignKey
ALTER TABLE "participants" DROP CONSTRAINT "participants_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "segments" DROP CONSTRAINT "segments_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "session_metrics" DROP CONSTRAINT "session_metrics_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "evaluations" DROP CONSTRAINT "evaluations_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "surveys" DROP CONSTRAINT "surveys_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "resolutions" DROP CONSTRAINT "resolutions_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "flow_outcomes" DROP CONSTRAINT "flow_outcomes_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "media_endpoint_stats" DROP CONSTRAINT "media_endpoint_stats_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "session_proposed_agents" DROP CONSTRAINT "session_proposed_agents_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "session_agent_groups" DROP CONSTRAINT "session_agent_groups_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "segment_scored_agents" DROP CONSTRAINT "segment_scored_agents_conversation_id_fkey";

-- DropForeignKey
ALTER TABLE "segment_properties" DROP CONSTRAINT "segment_properties_conversation_id_fkey";

DROP VIEW IF EXISTS "agent_interactions";
DROP VIEW IF EXISTS "agent_status_time";
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
