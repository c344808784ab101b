import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  AuthError,
  ConfigError,
  EMBEDDED_DATABASE_URL,
  GenesysApiError,
  createGenesysClient,
  formatInterval,
  isJobGone,
  pLimit,
  parseConversation,
  parseUserDetail,
  readConversationEnvelope,
  requireGenesys,
  retry
} from "./chunk-THCJX753.js";
import {
  DEFAULT_STREAM,
  readMigrationsList
} from "./chunk-KA34AMGA.js";
import {
  DatabaseError,
  MAX_JOB_RESULTS_PAGE_SIZE,
  MAX_REACHABLE_HITS,
  MAX_USER_DETAILS_PAGE_SIZE,
  MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS,
  describeDatabaseError,
  describeTarget,
  isInWindow,
  redactText,
  scopeKey,
  splitScope,
  splitWindow
} from "./chunk-PBIHHMKK.js";
import {
  DAY_MS,
  MINUTE_MS,
  SECOND_MS,
  sleep
} from "./chunk-CTOUFHIB.js";

// dist/db/migrate.js
import pg4 from "pg";

// dist/db/schema-engine.js
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path2 from "node:path";
import { PrismaPg as PrismaPg2 } from "@prisma/adapter-pg";
import pg3 from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

// dist/db/client.js
import { PrismaPg } from "@prisma/adapter-pg";
import pg2 from "pg";

// dist/generated/prisma/client.js
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as runtime3 from "@prisma/client/runtime/client";

// dist/generated/prisma/internal/class.js
import * as runtime from "@prisma/client/runtime/client";
var config = {
  "previewFeatures": [],
  "clientVersion": "7.10.1",
  "engineVersion": "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8",
  "activeProvider": "postgresql",
  "inlineSchema": `// The analyst schema. Table and column names are a public interface: analysts write SQL
// against them, so they are snake_case in Postgres and documented in docs/schema.md.
// Enum-like Genesys values (purpose, media_type, segment_type, ...) are text on purpose:
// Genesys adds values often, and a Postgres enum would reject them.
// To change the schema: edit this file, then \`npm run migration:create -- <name>\`.

generator client {
  provider     = "prisma-client"
  output       = "../src/generated/prisma"
  moduleFormat = "esm"
}

datasource db {
  provider = "postgresql"
}

/// One row per conversation, as last returned by the analytics details query.
model Conversation {
  conversationId                   String    @id @map("conversation_id")
  conversationStart                DateTime  @map("conversation_start") @db.Timestamptz(3)
  conversationEnd                  DateTime? @map("conversation_end") @db.Timestamptz(3)
  originatingDirection             String?   @map("originating_direction")
  conversationInitiator            String?   @map("conversation_initiator")
  externalTag                      String?   @map("external_tag")
  divisionIds                      String[]  @default([]) @map("division_ids")
  mediaTypes                       String[]  @default([]) @map("media_types")
  agentUserIds                     String[]  @default([]) @map("agent_user_ids")
  // Quality and the rest of AnalyticsConversation (docs/record-fields.md); null when the record carries none.
  mediaStatsMinConversationMos     Float?    @map("media_stats_min_conversation_mos")
  mediaStatsMinConversationRFactor Float?    @map("media_stats_min_conversation_r_factor")
  customerParticipation            Boolean?  @map("customer_participation")
  selfServed                       Boolean?  @map("self_served")
  originatingSocialMediaPublic     Boolean?  @map("originating_social_media_public")
  associatedConversationId         String?   @map("associated_conversation_id")
  conferenceStart                  DateTime? @map("conference_start") @db.Timestamptz(3)
  inactivityTimeout                DateTime? @map("inactivity_timeout") @db.Timestamptz(3)
  knowledgeBaseIds                 String[]  @map("knowledge_base_ids")
  consultationConversationIds      String[]  @map("consultation_conversation_ids")
  accessAttributes                 String[]  @map("access_attributes")
  /// The conversation exactly as the API returned it (every field, unknown ones included).
  raw                              Json      @map("raw") @db.JsonB
  /// md5 of the canonical JSON text of raw: lets a re-sync skip unchanged conversations.
  rawHash                          String    @map("raw_hash")
  firstSyncedAt                    DateTime  @default(now()) @map("first_synced_at") @db.Timestamptz(3)
  lastSyncedAt                     DateTime  @default(now()) @map("last_synced_at") @db.Timestamptz(3)
  /// When raw last changed (first load included): the column for incremental warehouse loads.
  lastChangedAt                    DateTime  @default(now()) @map("last_changed_at") @db.Timestamptz(3)
  /// When the stored version was fetched from Genesys: a version fetched earlier never replaces it.
  fetchedAt                        DateTime? @map("fetched_at") @db.Timestamptz(3)
  /// When a complete read of its window and scope no longer returned it (erased upstream); null while Genesys returns it.
  deletedAt                        DateTime? @map("deleted_at") @db.Timestamptz(3)

  // No relation fields: the child tables (participants, sessions, segments, ...) carry
  // conversation_id without a foreign key. The conversation writer always writes and deletes
  // them with their conversation, in one transaction, and a foreign-key check per child row was
  // the largest single cost of a first load (docs/schema.md, "Integrity"; docs/performance.md).

  @@index([conversationStart], map: "conversations_start_idx")
  @@index([lastChangedAt], map: "conversations_last_changed_idx")
  @@index([agentUserIds], map: "conversations_agent_user_ids_idx", type: Gin)
  @@index([deletedAt], map: "conversations_deleted_at_idx")
  @@map("conversations")
}

model Participant {
  conversationId         String   @map("conversation_id")
  participantId          String   @map("participant_id")
  /// Position of the participant in the API's participants array (0-based).
  participantIndex       Int      @map("participant_index")
  purpose                String   @map("purpose")
  userId                 String?  @map("user_id")
  participantName        String?  @map("participant_name")
  teamId                 String?  @map("team_id")
  externalContactId      String?  @map("external_contact_id")
  externalOrganizationId String?  @map("external_organization_id")
  flaggedReason          String?  @map("flagged_reason")
  screenRecording        Boolean? @map("screen_recording")
  /// Participant attributes (custom data from flows and scripts), as the jobs API sends them; kept when a later read carries none.
  attributes             Json?    @map("attributes") @db.JsonB

  @@id([conversationId, participantId])
  @@index([userId], map: "participants_user_id_idx")
  @@map("participants")
}

model Session {
  conversationId               String    @map("conversation_id")
  participantId                String    @map("participant_id")
  sessionId                    String    @map("session_id")
  /// Position of the session within its participant (0-based).
  sessionIndex                 Int       @map("session_index")
  mediaType                    String?   @map("media_type")
  direction                    String?   @map("direction")
  ani                          String?   @map("ani")
  dnis                         String?   @map("dnis")
  sessionDnis                  String?   @map("session_dnis")
  addressFrom                  String?   @map("address_from")
  addressTo                    String?   @map("address_to")
  addressSelf                  String?   @map("address_self")
  addressOther                 String?   @map("address_other")
  remote                       String?   @map("remote")
  provider                     String?   @map("provider")
  messageType                  String?   @map("message_type")
  edgeId                       String?   @map("edge_id")
  protocolCallId               String?   @map("protocol_call_id")
  recording                    Boolean?  @map("recording")
  selectedAgentId              String?   @map("selected_agent_id")
  usedRouting                  String?   @map("used_routing")
  outboundCampaignId           String?   @map("outbound_campaign_id")
  flowId                       String?   @map("flow_id")
  flowName                     String?   @map("flow_name")
  // The session's flow (AnalyticsFlow) and the rest of AnalyticsSession (docs/record-fields.md).
  flowType                     String?   @map("flow_type")
  flowVersion                  String?   @map("flow_version")
  flowEntryType                String?   @map("flow_entry_type")
  flowEntryReason              String?   @map("flow_entry_reason")
  flowExitReason               String?   @map("flow_exit_reason")
  flowTransferType             String?   @map("flow_transfer_type")
  flowTransferTargetName       String?   @map("flow_transfer_target_name")
  flowTransferTargetAddress    String?   @map("flow_transfer_target_address")
  flowIssuedCallback           Boolean?  @map("flow_issued_callback")
  flowStartingLanguage         String?   @map("flow_starting_language")
  flowEndingLanguage           String?   @map("flow_ending_language")
  flowRecognitionFailureReason String?   @map("flow_recognition_failure_reason")
  activeSkillIds               String[]  @map("active_skill_ids")
  removedSkillIds              String[]  @map("removed_skill_ids")
  requestedRoutings            String[]  @map("requested_routings")
  eligibleAgentCounts          BigInt[]  @map("eligible_agent_counts")
  waitingInteractionCounts     BigInt[]  @map("waiting_interaction_counts")
  agentBullseyeRing            BigInt?   @map("agent_bullseye_ring")
  routingRing                  BigInt?   @map("routing_ring")
  routingRule                  String?   @map("routing_rule")
  routingRuleType              String?   @map("routing_rule_type")
  selectedAgentRank            BigInt?   @map("selected_agent_rank")
  skillExpressionId            String?   @map("skill_expression_id")
  agentOwned                   Boolean?  @map("agent_owned")
  assignerId                   String?   @map("assigner_id")
  timeoutSeconds               BigInt?   @map("timeout_seconds")
  skipEnabled                  Boolean?  @map("skip_enabled")
  acwSkipped                   Boolean?  @map("acw_skipped")
  flowInType                   String?   @map("flow_in_type")
  flowOutType                  String?   @map("flow_out_type")
  callbackNumbers              String[]  @map("callback_numbers")
  callbackScheduledTime        DateTime? @map("callback_scheduled_time") @db.Timestamptz(3)
  callbackUserName             String?   @map("callback_user_name")
  outboundContactId            String?   @map("outbound_contact_id")
  outboundContactListId        String?   @map("outbound_contact_list_id")
  dispositionAnalyzer          String?   @map("disposition_analyzer")
  dispositionName              String?   @map("disposition_name")
  detectedSpeechStart          DateTime? @map("detected_speech_start") @db.Timestamptz(3)
  detectedSpeechEnd            DateTime? @map("detected_speech_end") @db.Timestamptz(3)
  scriptId                     String?   @map("script_id")
  destinationAddresses         String[]  @map("destination_addresses")
  cc                           String[]  @map("cc")
  bcc                          String[]  @map("bcc")
  deliveryStatus               String?   @map("delivery_status")
  deliveryStatusChangeDate     DateTime? @map("delivery_status_change_date") @db.Timestamptz(3)
  deliveryPushed               Boolean?  @map("delivery_pushed")
  extendedDeliveryStatus       String?   @map("extended_delivery_status")
  engagementSource             String?   @map("engagement_source")
  authenticated                Boolean?  @map("authenticated")
  remoteNameDisplayable        String?   @map("remote_name_displayable")
  roomId                       String?   @map("room_id")
  mediaCount                   BigInt?   @map("media_count")
  peerId                       String?   @map("peer_id")
  mediaBridgeId                String?   @map("media_bridge_id")
  errorCodeDescription         String?   @map("error_code_description")
  journeyActionId              String?   @map("journey_action_id")
  journeyActionMapId           String?   @map("journey_action_map_id")
  journeyActionMapVersion      BigInt?   @map("journey_action_map_version")
  journeyCustomerId            String?   @map("journey_customer_id")
  journeyCustomerIdType        String?   @map("journey_customer_id_type")
  journeyCustomerSessionId     String?   @map("journey_customer_session_id")
  journeyCustomerSessionIdType String?   @map("journey_customer_session_id_type")
  monitoredParticipantId       String?   @map("monitored_participant_id")
  coachedParticipantId         String?   @map("coached_participant_id")
  bargedParticipantId          String?   @map("barged_participant_id")
  screenMonitoredUserId        String?   @map("screen_monitored_user_id")
  cobrowseRole                 String?   @map("cobrowse_role")
  cobrowseRoomId               String?   @map("cobrowse_room_id")
  screenShareAddressSelf       String?   @map("screen_share_address_self")
  screenShareRoomId            String?   @map("screen_share_room_id")
  sharingScreen                Boolean?  @map("sharing_screen")
  videoAddressSelf             String?   @map("video_address_self")
  videoRoomId                  String?   @map("video_room_id")
  agentAssistantId             String?   @map("agent_assistant_id")
  cleared                      Boolean?  @map("cleared")
  snippetRecording             Boolean?  @map("snippet_recording")

  @@id([conversationId, sessionId])
  @@index([conversationId, participantId], map: "sessions_participant_idx")
  @@map("sessions")
}

model Segment {
  conversationId            String    @map("conversation_id")
  sessionId                 String    @map("session_id")
  /// Order of the segment within its session (0-based, as the API listed them).
  segmentIndex              Int       @map("segment_index")
  participantId             String    @map("participant_id")
  segmentStart              DateTime  @map("segment_start") @db.Timestamptz(3)
  segmentEnd                DateTime? @map("segment_end") @db.Timestamptz(3)
  segmentType               String?   @map("segment_type")
  queueId                   String?   @map("queue_id")
  groupId                   String?   @map("group_id")
  wrapUpCode                String?   @map("wrap_up_code")
  wrapUpNote                String?   @map("wrap_up_note")
  disconnectType            String?   @map("disconnect_type")
  errorCode                 String?   @map("error_code")
  conference                Boolean?  @map("conference")
  subject                   String?   @map("subject")
  requestedLanguageId       String?   @map("requested_language_id")
  audioMuted                Boolean?  @map("audio_muted")
  videoMuted                Boolean?  @map("video_muted")
  sourceConversationId      String?   @map("source_conversation_id")
  sourceSessionId           String?   @map("source_session_id")
  destinationConversationId String?   @map("destination_conversation_id")
  destinationSessionId      String?   @map("destination_session_id")
  requestedRoutingSkillIds  String[]  @map("requested_routing_skill_ids")
  requestedRoutingUserIds   String[]  @map("requested_routing_user_ids")
  wrapUpTags                String[]  @map("wrap_up_tags")
  sipResponseCodes          BigInt[]  @map("sip_response_codes")
  q850ResponseCodes         BigInt[]  @map("q850_response_codes")

  @@id([conversationId, sessionId, segmentIndex])
  @@index([queueId], map: "segments_queue_id_idx")
  @@map("segments")
}

model SessionMetric {
  conversationId String    @map("conversation_id")
  sessionId      String    @map("session_id")
  /// Position of the metric in the session's metrics array (0-based).
  metricIndex    Int       @map("metric_index")
  name           String    @map("name")
  value          BigInt    @map("value")
  emitDate       DateTime? @map("emit_date") @db.Timestamptz(3)

  @@id([conversationId, sessionId, metricIndex])
  @@map("session_metrics")
}

// The quality and outcome parts of the record, and the arrays of objects in sessions and segments:
// one row per array element, keyed by its parent and its 0-based position (docs/schema.md).

/// Quality evaluations of a conversation (AnalyticsEvaluation), replaced with each newer version of it.
model Evaluation {
  conversationId     String    @map("conversation_id")
  evaluationIndex    Int       @map("evaluation_index")
  evaluationId       String?   @map("evaluation_id")
  evaluatorId        String?   @map("evaluator_id")
  userId             String?   @map("user_id")
  queueId            String?   @map("queue_id")
  formId             String?   @map("form_id")
  contextId          String?   @map("context_id")
  formName           String?   @map("form_name")
  calibrationId      String?   @map("calibration_id")
  assigneeId         String?   @map("assignee_id")
  assigneeApplicable Boolean?  @map("assignee_applicable")
  evaluationStatus   String?   @map("evaluation_status")
  eventTime          DateTime? @map("event_time") @db.Timestamptz(3)
  released           Boolean?  @map("released")
  rescored           Boolean?  @map("rescored")
  deleted            Boolean?  @map("deleted")
  systemSubmitted    Boolean?  @map("system_submitted")
  totalScore         Float?    @map("total_score")
  totalCriticalScore Float?    @map("total_critical_score")

  @@id([conversationId, evaluationIndex])
  @@index([evaluationId], map: "evaluations_evaluation_id_idx")
  @@index([userId], map: "evaluations_user_id_idx")
  @@map("evaluations")
}

/// Post-contact surveys of a conversation (AnalyticsSurvey), replaced with each newer version of it.
model Survey {
  conversationId      String    @map("conversation_id")
  surveyIndex         Int       @map("survey_index")
  surveyId            String?   @map("survey_id")
  surveyFormId        String?   @map("survey_form_id")
  surveyFormContextId String?   @map("survey_form_context_id")
  surveyFormName      String?   @map("survey_form_name")
  surveyType          String?   @map("survey_type")
  surveyStatus        String?   @map("survey_status")
  partialResponse     Boolean?  @map("partial_response")
  userId              String?   @map("user_id")
  queueId             String?   @map("queue_id")
  eventTime           DateTime? @map("event_time") @db.Timestamptz(3)
  completedDate       DateTime? @map("completed_date") @db.Timestamptz(3)
  promoterScore       Float?    @map("promoter_score")
  totalScore          Float?    @map("total_score")

  @@id([conversationId, surveyIndex])
  @@index([surveyId], map: "surveys_survey_id_idx")
  @@index([userId], map: "surveys_user_id_idx")
  @@map("surveys")
}

/// First-contact resolutions of a conversation (AnalyticsResolution).
model Resolution {
  conversationId     String    @map("conversation_id")
  resolutionIndex    Int       @map("resolution_index")
  queueId            String?   @map("queue_id")
  userId             String?   @map("user_id")
  eventTime          DateTime? @map("event_time") @db.Timestamptz(3)
  nextContactAvoided BigInt?   @map("next_contact_avoided")

  @@id([conversationId, resolutionIndex])
  @@map("resolutions")
}

/// Outcomes of a session's flow (AnalyticsFlowOutcome).
model FlowOutcome {
  conversationId            String    @map("conversation_id")
  sessionId                 String    @map("session_id")
  outcomeIndex              Int       @map("outcome_index")
  flowOutcomeId             String?   @map("flow_outcome_id")
  flowOutcome               String?   @map("flow_outcome")
  flowOutcomeValue          String?   @map("flow_outcome_value")
  flowOutcomeStartTimestamp DateTime? @map("flow_outcome_start_timestamp") @db.Timestamptz(3)
  flowOutcomeEndTimestamp   DateTime? @map("flow_outcome_end_timestamp") @db.Timestamptz(3)

  @@id([conversationId, sessionId, outcomeIndex])
  @@map("flow_outcomes")
}

/// Voice quality of a session's media endpoints (AnalyticsMediaEndpointStat).
model MediaEndpointStat {
  conversationId   String    @map("conversation_id")
  sessionId        String    @map("session_id")
  statIndex        Int       @map("stat_index")
  eventTime        DateTime? @map("event_time") @db.Timestamptz(3)
  codecs           String[]  @map("codecs")
  minMos           Float?    @map("min_mos")
  minRFactor       Float?    @map("min_r_factor")
  maxLatencyMs     BigInt?   @map("max_latency_ms")
  receivedPackets  BigInt?   @map("received_packets")
  invalidPackets   BigInt?   @map("invalid_packets")
  discardedPackets BigInt?   @map("discarded_packets")
  duplicatePackets BigInt?   @map("duplicate_packets")
  overrunPackets   BigInt?   @map("overrun_packets")
  underrunPackets  BigInt?   @map("underrun_packets")

  @@id([conversationId, sessionId, statIndex])
  @@map("media_endpoint_stats")
}

/// Agents predictive routing proposed for a session (AnalyticsProposedAgent).
model SessionProposedAgent {
  conversationId  String  @map("conversation_id")
  sessionId       String  @map("session_id")
  agentIndex      Int     @map("agent_index")
  proposedAgentId String? @map("proposed_agent_id")
  agentRank       BigInt? @map("agent_rank")

  @@id([conversationId, sessionId, agentIndex])
  @@map("session_proposed_agents")
}

/// Groups a session was routed to (AnalyticsAgentGroup).
model SessionAgentGroup {
  conversationId String  @map("conversation_id")
  sessionId      String  @map("session_id")
  groupIndex     Int     @map("group_index")
  agentGroupId   String? @map("agent_group_id")
  agentGroupType String? @map("agent_group_type")

  @@id([conversationId, sessionId, groupIndex])
  @@map("session_agent_groups")
}

/// Agents predictive routing scored during a segment (AnalyticsScoredAgent).
model SegmentScoredAgent {
  conversationId String  @map("conversation_id")
  sessionId      String  @map("session_id")
  segmentIndex   Int     @map("segment_index")
  agentIndex     Int     @map("agent_index")
  scoredAgentId  String? @map("scored_agent_id")
  agentScore     Float?  @map("agent_score")

  @@id([conversationId, sessionId, segmentIndex, agentIndex])
  @@map("segment_scored_agents")
}

/// Properties of a segment (AnalyticsProperty).
model SegmentProperty {
  conversationId String  @map("conversation_id")
  sessionId      String  @map("session_id")
  segmentIndex   Int     @map("segment_index")
  propertyIndex  Int     @map("property_index")
  property       String? @map("property")
  propertyType   String? @map("property_type")
  value          String? @map("value")

  @@id([conversationId, sessionId, segmentIndex, propertyIndex])
  @@map("segment_properties")
}

/// Users from GET /api/v2/users (active, inactive and deleted), refreshed at the start of each run.
model Agent {
  userId       String   @id @map("user_id")
  name         String?  @map("name")
  username     String?  @map("username")
  email        String?  @map("email")
  state        String?  @map("state")
  divisionId   String?  @map("division_id")
  divisionName String?  @map("division_name")
  department   String?  @map("department")
  title        String?  @map("title")
  managerId    String?  @map("manager_id")
  raw          Json     @map("raw") @db.JsonB
  syncedAt     DateTime @default(now()) @map("synced_at") @db.Timestamptz(3)

  @@map("agents")
}

// Reference lists: names for the ids in conversation records, refreshed at the start of each
// run. An entry Genesys no longer lists keeps its row (history still needs its name) with
// active = false. Same shape for all five, so one writer serves them (src/db/reference-lists.ts).

/// Queues from GET /api/v2/routing/queues (= segments.queue_id).
model Queue {
  queueId     String   @id @map("queue_id")
  name        String?  @map("name")
  divisionId  String?  @map("division_id")
  description String?  @map("description")
  raw         Json     @map("raw") @db.JsonB
  firstSeenAt DateTime @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt  DateTime @map("last_seen_at") @db.Timestamptz(3)
  active      Boolean  @default(true) @map("active")

  @@map("queues")
}

/// Wrap-up codes from GET /api/v2/routing/wrapupcodes (= segments.wrap_up_code).
model WrapUpCode {
  wrapUpCodeId String   @id @map("wrap_up_code_id")
  name         String?  @map("name")
  divisionId   String?  @map("division_id")
  raw          Json     @map("raw") @db.JsonB
  firstSeenAt  DateTime @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt   DateTime @map("last_seen_at") @db.Timestamptz(3)
  active       Boolean  @default(true) @map("active")

  @@map("wrap_up_codes")
}

/// Divisions from GET /api/v2/authorization/divisions (= conversations.division_ids).
model Division {
  divisionId  String   @id @map("division_id")
  name        String?  @map("name")
  description String?  @map("description")
  raw         Json     @map("raw") @db.JsonB
  firstSeenAt DateTime @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt  DateTime @map("last_seen_at") @db.Timestamptz(3)
  active      Boolean  @default(true) @map("active")

  @@map("divisions")
}

/// Routing skills from GET /api/v2/routing/skills.
model Skill {
  skillId     String   @id @map("skill_id")
  name        String?  @map("name")
  state       String?  @map("state")
  raw         Json     @map("raw") @db.JsonB
  firstSeenAt DateTime @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt  DateTime @map("last_seen_at") @db.Timestamptz(3)
  active      Boolean  @default(true) @map("active")

  @@map("skills")
}

/// Routing languages from GET /api/v2/routing/languages (= segments.requested_language_id).
model Language {
  languageId  String   @id @map("language_id")
  name        String?  @map("name")
  state       String?  @map("state")
  raw         Json     @map("raw") @db.JsonB
  firstSeenAt DateTime @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt  DateTime @map("last_seen_at") @db.Timestamptz(3)
  active      Boolean  @default(true) @map("active")

  @@map("languages")
}

/// The outcome of the last refresh of each reference list (what \`status\` shows).
model ReferenceListRefresh {
  /// queues | wrap_up_codes | divisions | skills | languages
  list          String    @id @map("list")
  /// ok | forbidden | failed
  status        String    @map("status")
  refreshedAt   DateTime  @map("refreshed_at") @db.Timestamptz(3)
  /// Entries listed, when the list was read.
  entries       Int?      @map("entries")
  permission    String    @map("permission")
  error         String?   @map("error")
  lastSuccessAt DateTime? @map("last_success_at") @db.Timestamptz(3)

  @@map("reference_list_refreshes")
}

/// One row per run of sync or backfill.
model SyncRun {
  runId                String    @id @map("run_id") @db.Uuid
  /// sync | backfill | settle (a CHECK constraint lists RUN_KINDS of src/decisions/states.ts)
  kind                 String    @map("kind")
  /// running | succeeded | failed | interrupted (a CHECK constraint lists RUN_STATUSES)
  status               String    @map("status")
  intervalStart        DateTime  @map("interval_start") @db.Timestamptz(3)
  intervalEnd          DateTime  @map("interval_end") @db.Timestamptz(3)
  /// null = every agent
  agentIds             String[]  @map("agent_ids")
  /// Identifies "the same arguments": a restarted backfill resumes the windows of runs with this key.
  planKey              String    @map("plan_key")
  /// Rolling runs only (worker tick, sync without an interval): where the run aimed to start, the
  /// earlier of now \u2212 lag \u2212 lookback and the end of its scope's newest coverage, before
  /// SYNC_MAX_CATCH_UP shortened it. Null for runs given an explicit interval.
  catchUpFrom          DateTime? @map("catch_up_from") @db.Timestamptz(3)
  host                 String?   @map("host")
  pid                  Int?      @map("pid")
  startedAt            DateTime  @default(now()) @map("started_at") @db.Timestamptz(3)
  heartbeatAt          DateTime  @default(now()) @map("heartbeat_at") @db.Timestamptz(3)
  finishedAt           DateTime? @map("finished_at") @db.Timestamptz(3)
  durationMs           Int?      @map("duration_ms")
  windowsTotal         Int       @default(0) @map("windows_total")
  windowsDone          Int       @default(0) @map("windows_done")
  windowsFailed        Int       @default(0) @map("windows_failed")
  requests             Int       @default(0) @map("requests")
  retries              Int       @default(0) @map("retries")
  rateLimited          Int       @default(0) @map("rate_limited")
  pages                Int       @default(0) @map("pages")
  conversationsWritten Int       @default(0) @map("conversations_written")
  /// Records found erased upstream by this run's complete reads: marked deleted_at (SYNC_DELETES=mark) or purged (purge).
  recordsDeleted       Int       @default(0) @map("records_deleted")
  /// Windows whose deletions were withheld by the safety valve (SYNC_DELETE_MAX_FRACTION): the run failed.
  deletionsWithheld    Int       @default(0) @map("deletions_withheld")
  /// Records deleted by retention (RETENTION_DAYS) after this run.
  recordsExpired       Int       @default(0) @map("records_expired")
  error                String?   @map("error")
  /// Warnings the run recorded without failing (a stream on by default that Genesys refused, naming the permission).
  warnings             String[]  @default([]) @map("warnings")

  windows SyncWindow[]

  @@index([kind, startedAt], map: "sync_runs_kind_started_idx")
  @@index([planKey], map: "sync_runs_plan_key_idx")
  @@map("sync_runs")
}

/// One row per planned query window of a run.
model SyncWindow {
  windowId             BigInt    @id @default(autoincrement()) @map("window_id")
  runId                String    @map("run_id") @db.Uuid
  /// The stream the window reads.
  stream               String    @default("conversations") @map("stream")
  /// 'all' for every agent, else 'agents:<id,id,...>' (sorted)
  scopeKey             String    @map("scope_key")
  scopeAgentIds        String[]  @map("scope_agent_ids")
  windowStart          DateTime  @map("window_start") @db.Timestamptz(3)
  windowEnd            DateTime  @map("window_end") @db.Timestamptz(3)
  /// pending | running | done | done_with_rejects | failed | split (a CHECK constraint lists WINDOW_STATUSES)
  status               String    @map("status")
  totalHits            Int?      @map("total_hits")
  pages                Int       @default(0) @map("pages")
  conversationsWritten Int       @default(0) @map("conversations_written")
  attempts             Int       @default(0) @map("attempts")
  error                String?   @map("error")
  /// The window this one was split from (too many hits), if any.
  parentWindowId       BigInt?   @map("parent_window_id")
  /// query | jobs: the lane that read (or was planned to read) the window.
  lane                 String    @default("query") @map("lane")
  /// The async details job reading this window (jobs lane), so an abandoned one can be cancelled.
  jobId                String?   @map("job_id")
  /// Distinct conversation ids received from the API, before the [from, to) re-filter.
  idsReceived          Int?      @map("ids_received")
  /// Records quarantined in sync_rejects by this window.
  recordsRejected      Int       @default(0) @map("records_rejected")
  /// Why the window was read by another lane than planned (a jobs window that fell back to the query).
  laneNote             String?   @map("lane_note")
  startedAt            DateTime? @map("started_at") @db.Timestamptz(3)
  finishedAt           DateTime? @map("finished_at") @db.Timestamptz(3)

  run SyncRun @relation(fields: [runId], references: [runId], onDelete: Cascade)

  @@index([runId, status], map: "sync_windows_run_status_idx")
  @@index([scopeKey, windowStart], map: "sync_windows_scope_start_idx")
  @@map("sync_windows")
}

/// Records that could not be validated or stored, quarantined so the rest of their page is kept.
/// One open row per conversation (or per raw text when no id is readable); resolved_at is set once a
/// later run stores a valid version of the conversation.
model SyncReject {
  rejectId       BigInt    @id @default(autoincrement()) @map("reject_id")
  /// The stream the record belongs to.
  stream         String    @default("conversations") @map("stream")
  /// conversation_id when readable (its JSON string literal when Postgres cannot store it as text),
  /// else 'sha256:<hash of the raw text>': one open row per stream and key.
  rejectKey      String    @map("reject_key")
  conversationId String?   @map("conversation_id")
  runId          String    @map("run_id") @db.Uuid
  windowId       BigInt?   @map("window_id")
  /// Where the record came from: 'page 3', 'job \u2026 page 2'.
  page           String    @map("page")
  error          String    @map("error")
  /// The record exactly as received, as JSON text (text, not jsonb: a record may hold what jsonb refuses).
  rawJson        String    @map("raw_json")
  firstSeenAt    DateTime  @default(now()) @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt     DateTime  @default(now()) @map("last_seen_at") @db.Timestamptz(3)
  timesSeen      Int       @default(1) @map("times_seen")
  resolvedAt     DateTime? @map("resolved_at") @db.Timestamptz(3)

  @@index([conversationId], map: "sync_rejects_conversation_idx")
  @@map("sync_rejects")
}

// Agent activity (the agent-activity stream, docs/sync.md \xA717): each agent's presence and
// routing-status timeline from the users details API, one row per status, keyed by (user, start).
// A status crossing a window edge is read by both windows and stored once, with its latest end.

/// One primary-presence status of an agent (users details \`primaryPresence[]\`).
model AgentPresence {
  userId                 String    @map("user_id")
  startTime              DateTime  @map("start_time") @db.Timestamptz(3)
  /// null while the status is still open (current when it was read)
  endTime                DateTime? @map("end_time") @db.Timestamptz(3)
  /// AVAILABLE, AWAY, BUSY, OFFLINE, IDLE, ON_QUEUE, MEAL, TRAINING, MEETING, BREAK, or any new value as sent
  systemPresence         String    @map("system_presence")
  /// = presence_definitions.presence_id
  organizationPresenceId String?   @map("organization_presence_id")
  raw                    Json      @map("raw") @db.JsonB
  fetchedAt              DateTime  @map("fetched_at") @db.Timestamptz(3)
  syncedAt               DateTime  @map("synced_at") @db.Timestamptz(3)

  @@id([userId, startTime])
  @@index([startTime], map: "agent_presence_start_idx")
  @@map("agent_presence")
}

/// One ACD routing status of an agent (users details \`routingStatus[]\`).
model AgentRoutingStatus {
  userId        String    @map("user_id")
  startTime     DateTime  @map("start_time") @db.Timestamptz(3)
  /// null while the status is still open
  endTime       DateTime? @map("end_time") @db.Timestamptz(3)
  /// OFF_QUEUE, IDLE, INTERACTING, NOT_RESPONDING, COMMUNICATING, or any new value as sent
  routingStatus String    @map("routing_status")
  raw           Json      @map("raw") @db.JsonB
  fetchedAt     DateTime  @map("fetched_at") @db.Timestamptz(3)
  syncedAt      DateTime  @map("synced_at") @db.Timestamptz(3)

  @@id([userId, startTime])
  @@index([startTime], map: "agent_routing_status_start_idx")
  @@map("agent_routing_status")
}

/// The org's presences from GET /api/v2/presencedefinitions?deleted=all (= agent_presence.organization_presence_id).
model PresenceDefinition {
  presenceId     String   @id @map("presence_id")
  /// As the definitions spell it (OnQueue, Available), not as analytics records do (ON_QUEUE)
  systemPresence String?  @map("system_presence")
  label          String?  @map("label")
  deactivated    Boolean? @map("deactivated")
  raw            Json     @map("raw") @db.JsonB
  firstSeenAt    DateTime @map("first_seen_at") @db.Timestamptz(3)
  lastSeenAt     DateTime @map("last_seen_at") @db.Timestamptz(3)
  /// false once Genesys no longer lists it
  active         Boolean  @default(true) @map("active")

  @@map("presence_definitions")
}

/// What retention (RETENTION_DAYS) has removed: every record of the stream that started before purged_before is
/// gone on purpose, so coverage reports that time as purged, not as a hole.
model RetentionPurge {
  stream        String   @id @map("stream")
  purgedBefore  DateTime @map("purged_before") @db.Timestamptz(3)
  recordsPurged BigInt   @default(0) @map("records_purged")
  updatedAt     DateTime @default(now()) @map("updated_at") @db.Timestamptz(3)

  @@map("retention_purges")
}
`,
  "runtimeDataModel": {
    "models": {},
    "enums": {},
    "types": {}
  },
  "parameterizationSchema": {
    "strings": [],
    "graph": ""
  }
};
config.runtimeDataModel = JSON.parse('{"models":{"Conversation":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"conversationStart","kind":"scalar","type":"DateTime","dbName":"conversation_start"},{"name":"conversationEnd","kind":"scalar","type":"DateTime","dbName":"conversation_end"},{"name":"originatingDirection","kind":"scalar","type":"String","dbName":"originating_direction"},{"name":"conversationInitiator","kind":"scalar","type":"String","dbName":"conversation_initiator"},{"name":"externalTag","kind":"scalar","type":"String","dbName":"external_tag"},{"name":"divisionIds","kind":"scalar","type":"String","dbName":"division_ids"},{"name":"mediaTypes","kind":"scalar","type":"String","dbName":"media_types"},{"name":"agentUserIds","kind":"scalar","type":"String","dbName":"agent_user_ids"},{"name":"mediaStatsMinConversationMos","kind":"scalar","type":"Float","dbName":"media_stats_min_conversation_mos"},{"name":"mediaStatsMinConversationRFactor","kind":"scalar","type":"Float","dbName":"media_stats_min_conversation_r_factor"},{"name":"customerParticipation","kind":"scalar","type":"Boolean","dbName":"customer_participation"},{"name":"selfServed","kind":"scalar","type":"Boolean","dbName":"self_served"},{"name":"originatingSocialMediaPublic","kind":"scalar","type":"Boolean","dbName":"originating_social_media_public"},{"name":"associatedConversationId","kind":"scalar","type":"String","dbName":"associated_conversation_id"},{"name":"conferenceStart","kind":"scalar","type":"DateTime","dbName":"conference_start"},{"name":"inactivityTimeout","kind":"scalar","type":"DateTime","dbName":"inactivity_timeout"},{"name":"knowledgeBaseIds","kind":"scalar","type":"String","dbName":"knowledge_base_ids"},{"name":"consultationConversationIds","kind":"scalar","type":"String","dbName":"consultation_conversation_ids"},{"name":"accessAttributes","kind":"scalar","type":"String","dbName":"access_attributes"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"rawHash","kind":"scalar","type":"String","dbName":"raw_hash"},{"name":"firstSyncedAt","kind":"scalar","type":"DateTime","dbName":"first_synced_at"},{"name":"lastSyncedAt","kind":"scalar","type":"DateTime","dbName":"last_synced_at"},{"name":"lastChangedAt","kind":"scalar","type":"DateTime","dbName":"last_changed_at"},{"name":"fetchedAt","kind":"scalar","type":"DateTime","dbName":"fetched_at"},{"name":"deletedAt","kind":"scalar","type":"DateTime","dbName":"deleted_at"}],"dbName":"conversations","schema":null},"Participant":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"participantId","kind":"scalar","type":"String","dbName":"participant_id"},{"name":"participantIndex","kind":"scalar","type":"Int","dbName":"participant_index"},{"name":"purpose","kind":"scalar","type":"String","dbName":"purpose"},{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"participantName","kind":"scalar","type":"String","dbName":"participant_name"},{"name":"teamId","kind":"scalar","type":"String","dbName":"team_id"},{"name":"externalContactId","kind":"scalar","type":"String","dbName":"external_contact_id"},{"name":"externalOrganizationId","kind":"scalar","type":"String","dbName":"external_organization_id"},{"name":"flaggedReason","kind":"scalar","type":"String","dbName":"flagged_reason"},{"name":"screenRecording","kind":"scalar","type":"Boolean","dbName":"screen_recording"},{"name":"attributes","kind":"scalar","type":"Json","dbName":"attributes"}],"dbName":"participants","schema":null},"Session":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"participantId","kind":"scalar","type":"String","dbName":"participant_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"sessionIndex","kind":"scalar","type":"Int","dbName":"session_index"},{"name":"mediaType","kind":"scalar","type":"String","dbName":"media_type"},{"name":"direction","kind":"scalar","type":"String","dbName":"direction"},{"name":"ani","kind":"scalar","type":"String","dbName":"ani"},{"name":"dnis","kind":"scalar","type":"String","dbName":"dnis"},{"name":"sessionDnis","kind":"scalar","type":"String","dbName":"session_dnis"},{"name":"addressFrom","kind":"scalar","type":"String","dbName":"address_from"},{"name":"addressTo","kind":"scalar","type":"String","dbName":"address_to"},{"name":"addressSelf","kind":"scalar","type":"String","dbName":"address_self"},{"name":"addressOther","kind":"scalar","type":"String","dbName":"address_other"},{"name":"remote","kind":"scalar","type":"String","dbName":"remote"},{"name":"provider","kind":"scalar","type":"String","dbName":"provider"},{"name":"messageType","kind":"scalar","type":"String","dbName":"message_type"},{"name":"edgeId","kind":"scalar","type":"String","dbName":"edge_id"},{"name":"protocolCallId","kind":"scalar","type":"String","dbName":"protocol_call_id"},{"name":"recording","kind":"scalar","type":"Boolean","dbName":"recording"},{"name":"selectedAgentId","kind":"scalar","type":"String","dbName":"selected_agent_id"},{"name":"usedRouting","kind":"scalar","type":"String","dbName":"used_routing"},{"name":"outboundCampaignId","kind":"scalar","type":"String","dbName":"outbound_campaign_id"},{"name":"flowId","kind":"scalar","type":"String","dbName":"flow_id"},{"name":"flowName","kind":"scalar","type":"String","dbName":"flow_name"},{"name":"flowType","kind":"scalar","type":"String","dbName":"flow_type"},{"name":"flowVersion","kind":"scalar","type":"String","dbName":"flow_version"},{"name":"flowEntryType","kind":"scalar","type":"String","dbName":"flow_entry_type"},{"name":"flowEntryReason","kind":"scalar","type":"String","dbName":"flow_entry_reason"},{"name":"flowExitReason","kind":"scalar","type":"String","dbName":"flow_exit_reason"},{"name":"flowTransferType","kind":"scalar","type":"String","dbName":"flow_transfer_type"},{"name":"flowTransferTargetName","kind":"scalar","type":"String","dbName":"flow_transfer_target_name"},{"name":"flowTransferTargetAddress","kind":"scalar","type":"String","dbName":"flow_transfer_target_address"},{"name":"flowIssuedCallback","kind":"scalar","type":"Boolean","dbName":"flow_issued_callback"},{"name":"flowStartingLanguage","kind":"scalar","type":"String","dbName":"flow_starting_language"},{"name":"flowEndingLanguage","kind":"scalar","type":"String","dbName":"flow_ending_language"},{"name":"flowRecognitionFailureReason","kind":"scalar","type":"String","dbName":"flow_recognition_failure_reason"},{"name":"activeSkillIds","kind":"scalar","type":"String","dbName":"active_skill_ids"},{"name":"removedSkillIds","kind":"scalar","type":"String","dbName":"removed_skill_ids"},{"name":"requestedRoutings","kind":"scalar","type":"String","dbName":"requested_routings"},{"name":"eligibleAgentCounts","kind":"scalar","type":"BigInt","dbName":"eligible_agent_counts"},{"name":"waitingInteractionCounts","kind":"scalar","type":"BigInt","dbName":"waiting_interaction_counts"},{"name":"agentBullseyeRing","kind":"scalar","type":"BigInt","dbName":"agent_bullseye_ring"},{"name":"routingRing","kind":"scalar","type":"BigInt","dbName":"routing_ring"},{"name":"routingRule","kind":"scalar","type":"String","dbName":"routing_rule"},{"name":"routingRuleType","kind":"scalar","type":"String","dbName":"routing_rule_type"},{"name":"selectedAgentRank","kind":"scalar","type":"BigInt","dbName":"selected_agent_rank"},{"name":"skillExpressionId","kind":"scalar","type":"String","dbName":"skill_expression_id"},{"name":"agentOwned","kind":"scalar","type":"Boolean","dbName":"agent_owned"},{"name":"assignerId","kind":"scalar","type":"String","dbName":"assigner_id"},{"name":"timeoutSeconds","kind":"scalar","type":"BigInt","dbName":"timeout_seconds"},{"name":"skipEnabled","kind":"scalar","type":"Boolean","dbName":"skip_enabled"},{"name":"acwSkipped","kind":"scalar","type":"Boolean","dbName":"acw_skipped"},{"name":"flowInType","kind":"scalar","type":"String","dbName":"flow_in_type"},{"name":"flowOutType","kind":"scalar","type":"String","dbName":"flow_out_type"},{"name":"callbackNumbers","kind":"scalar","type":"String","dbName":"callback_numbers"},{"name":"callbackScheduledTime","kind":"scalar","type":"DateTime","dbName":"callback_scheduled_time"},{"name":"callbackUserName","kind":"scalar","type":"String","dbName":"callback_user_name"},{"name":"outboundContactId","kind":"scalar","type":"String","dbName":"outbound_contact_id"},{"name":"outboundContactListId","kind":"scalar","type":"String","dbName":"outbound_contact_list_id"},{"name":"dispositionAnalyzer","kind":"scalar","type":"String","dbName":"disposition_analyzer"},{"name":"dispositionName","kind":"scalar","type":"String","dbName":"disposition_name"},{"name":"detectedSpeechStart","kind":"scalar","type":"DateTime","dbName":"detected_speech_start"},{"name":"detectedSpeechEnd","kind":"scalar","type":"DateTime","dbName":"detected_speech_end"},{"name":"scriptId","kind":"scalar","type":"String","dbName":"script_id"},{"name":"destinationAddresses","kind":"scalar","type":"String","dbName":"destination_addresses"},{"name":"cc","kind":"scalar","type":"String","dbName":"cc"},{"name":"bcc","kind":"scalar","type":"String","dbName":"bcc"},{"name":"deliveryStatus","kind":"scalar","type":"String","dbName":"delivery_status"},{"name":"deliveryStatusChangeDate","kind":"scalar","type":"DateTime","dbName":"delivery_status_change_date"},{"name":"deliveryPushed","kind":"scalar","type":"Boolean","dbName":"delivery_pushed"},{"name":"extendedDeliveryStatus","kind":"scalar","type":"String","dbName":"extended_delivery_status"},{"name":"engagementSource","kind":"scalar","type":"String","dbName":"engagement_source"},{"name":"authenticated","kind":"scalar","type":"Boolean","dbName":"authenticated"},{"name":"remoteNameDisplayable","kind":"scalar","type":"String","dbName":"remote_name_displayable"},{"name":"roomId","kind":"scalar","type":"String","dbName":"room_id"},{"name":"mediaCount","kind":"scalar","type":"BigInt","dbName":"media_count"},{"name":"peerId","kind":"scalar","type":"String","dbName":"peer_id"},{"name":"mediaBridgeId","kind":"scalar","type":"String","dbName":"media_bridge_id"},{"name":"errorCodeDescription","kind":"scalar","type":"String","dbName":"error_code_description"},{"name":"journeyActionId","kind":"scalar","type":"String","dbName":"journey_action_id"},{"name":"journeyActionMapId","kind":"scalar","type":"String","dbName":"journey_action_map_id"},{"name":"journeyActionMapVersion","kind":"scalar","type":"BigInt","dbName":"journey_action_map_version"},{"name":"journeyCustomerId","kind":"scalar","type":"String","dbName":"journey_customer_id"},{"name":"journeyCustomerIdType","kind":"scalar","type":"String","dbName":"journey_customer_id_type"},{"name":"journeyCustomerSessionId","kind":"scalar","type":"String","dbName":"journey_customer_session_id"},{"name":"journeyCustomerSessionIdType","kind":"scalar","type":"String","dbName":"journey_customer_session_id_type"},{"name":"monitoredParticipantId","kind":"scalar","type":"String","dbName":"monitored_participant_id"},{"name":"coachedParticipantId","kind":"scalar","type":"String","dbName":"coached_participant_id"},{"name":"bargedParticipantId","kind":"scalar","type":"String","dbName":"barged_participant_id"},{"name":"screenMonitoredUserId","kind":"scalar","type":"String","dbName":"screen_monitored_user_id"},{"name":"cobrowseRole","kind":"scalar","type":"String","dbName":"cobrowse_role"},{"name":"cobrowseRoomId","kind":"scalar","type":"String","dbName":"cobrowse_room_id"},{"name":"screenShareAddressSelf","kind":"scalar","type":"String","dbName":"screen_share_address_self"},{"name":"screenShareRoomId","kind":"scalar","type":"String","dbName":"screen_share_room_id"},{"name":"sharingScreen","kind":"scalar","type":"Boolean","dbName":"sharing_screen"},{"name":"videoAddressSelf","kind":"scalar","type":"String","dbName":"video_address_self"},{"name":"videoRoomId","kind":"scalar","type":"String","dbName":"video_room_id"},{"name":"agentAssistantId","kind":"scalar","type":"String","dbName":"agent_assistant_id"},{"name":"cleared","kind":"scalar","type":"Boolean","dbName":"cleared"},{"name":"snippetRecording","kind":"scalar","type":"Boolean","dbName":"snippet_recording"}],"dbName":"sessions","schema":null},"Segment":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"segmentIndex","kind":"scalar","type":"Int","dbName":"segment_index"},{"name":"participantId","kind":"scalar","type":"String","dbName":"participant_id"},{"name":"segmentStart","kind":"scalar","type":"DateTime","dbName":"segment_start"},{"name":"segmentEnd","kind":"scalar","type":"DateTime","dbName":"segment_end"},{"name":"segmentType","kind":"scalar","type":"String","dbName":"segment_type"},{"name":"queueId","kind":"scalar","type":"String","dbName":"queue_id"},{"name":"groupId","kind":"scalar","type":"String","dbName":"group_id"},{"name":"wrapUpCode","kind":"scalar","type":"String","dbName":"wrap_up_code"},{"name":"wrapUpNote","kind":"scalar","type":"String","dbName":"wrap_up_note"},{"name":"disconnectType","kind":"scalar","type":"String","dbName":"disconnect_type"},{"name":"errorCode","kind":"scalar","type":"String","dbName":"error_code"},{"name":"conference","kind":"scalar","type":"Boolean","dbName":"conference"},{"name":"subject","kind":"scalar","type":"String","dbName":"subject"},{"name":"requestedLanguageId","kind":"scalar","type":"String","dbName":"requested_language_id"},{"name":"audioMuted","kind":"scalar","type":"Boolean","dbName":"audio_muted"},{"name":"videoMuted","kind":"scalar","type":"Boolean","dbName":"video_muted"},{"name":"sourceConversationId","kind":"scalar","type":"String","dbName":"source_conversation_id"},{"name":"sourceSessionId","kind":"scalar","type":"String","dbName":"source_session_id"},{"name":"destinationConversationId","kind":"scalar","type":"String","dbName":"destination_conversation_id"},{"name":"destinationSessionId","kind":"scalar","type":"String","dbName":"destination_session_id"},{"name":"requestedRoutingSkillIds","kind":"scalar","type":"String","dbName":"requested_routing_skill_ids"},{"name":"requestedRoutingUserIds","kind":"scalar","type":"String","dbName":"requested_routing_user_ids"},{"name":"wrapUpTags","kind":"scalar","type":"String","dbName":"wrap_up_tags"},{"name":"sipResponseCodes","kind":"scalar","type":"BigInt","dbName":"sip_response_codes"},{"name":"q850ResponseCodes","kind":"scalar","type":"BigInt","dbName":"q850_response_codes"}],"dbName":"segments","schema":null},"SessionMetric":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"metricIndex","kind":"scalar","type":"Int","dbName":"metric_index"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"value","kind":"scalar","type":"BigInt","dbName":"value"},{"name":"emitDate","kind":"scalar","type":"DateTime","dbName":"emit_date"}],"dbName":"session_metrics","schema":null},"Evaluation":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"evaluationIndex","kind":"scalar","type":"Int","dbName":"evaluation_index"},{"name":"evaluationId","kind":"scalar","type":"String","dbName":"evaluation_id"},{"name":"evaluatorId","kind":"scalar","type":"String","dbName":"evaluator_id"},{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"queueId","kind":"scalar","type":"String","dbName":"queue_id"},{"name":"formId","kind":"scalar","type":"String","dbName":"form_id"},{"name":"contextId","kind":"scalar","type":"String","dbName":"context_id"},{"name":"formName","kind":"scalar","type":"String","dbName":"form_name"},{"name":"calibrationId","kind":"scalar","type":"String","dbName":"calibration_id"},{"name":"assigneeId","kind":"scalar","type":"String","dbName":"assignee_id"},{"name":"assigneeApplicable","kind":"scalar","type":"Boolean","dbName":"assignee_applicable"},{"name":"evaluationStatus","kind":"scalar","type":"String","dbName":"evaluation_status"},{"name":"eventTime","kind":"scalar","type":"DateTime","dbName":"event_time"},{"name":"released","kind":"scalar","type":"Boolean","dbName":"released"},{"name":"rescored","kind":"scalar","type":"Boolean","dbName":"rescored"},{"name":"deleted","kind":"scalar","type":"Boolean","dbName":"deleted"},{"name":"systemSubmitted","kind":"scalar","type":"Boolean","dbName":"system_submitted"},{"name":"totalScore","kind":"scalar","type":"Float","dbName":"total_score"},{"name":"totalCriticalScore","kind":"scalar","type":"Float","dbName":"total_critical_score"}],"dbName":"evaluations","schema":null},"Survey":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"surveyIndex","kind":"scalar","type":"Int","dbName":"survey_index"},{"name":"surveyId","kind":"scalar","type":"String","dbName":"survey_id"},{"name":"surveyFormId","kind":"scalar","type":"String","dbName":"survey_form_id"},{"name":"surveyFormContextId","kind":"scalar","type":"String","dbName":"survey_form_context_id"},{"name":"surveyFormName","kind":"scalar","type":"String","dbName":"survey_form_name"},{"name":"surveyType","kind":"scalar","type":"String","dbName":"survey_type"},{"name":"surveyStatus","kind":"scalar","type":"String","dbName":"survey_status"},{"name":"partialResponse","kind":"scalar","type":"Boolean","dbName":"partial_response"},{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"queueId","kind":"scalar","type":"String","dbName":"queue_id"},{"name":"eventTime","kind":"scalar","type":"DateTime","dbName":"event_time"},{"name":"completedDate","kind":"scalar","type":"DateTime","dbName":"completed_date"},{"name":"promoterScore","kind":"scalar","type":"Float","dbName":"promoter_score"},{"name":"totalScore","kind":"scalar","type":"Float","dbName":"total_score"}],"dbName":"surveys","schema":null},"Resolution":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"resolutionIndex","kind":"scalar","type":"Int","dbName":"resolution_index"},{"name":"queueId","kind":"scalar","type":"String","dbName":"queue_id"},{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"eventTime","kind":"scalar","type":"DateTime","dbName":"event_time"},{"name":"nextContactAvoided","kind":"scalar","type":"BigInt","dbName":"next_contact_avoided"}],"dbName":"resolutions","schema":null},"FlowOutcome":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"outcomeIndex","kind":"scalar","type":"Int","dbName":"outcome_index"},{"name":"flowOutcomeId","kind":"scalar","type":"String","dbName":"flow_outcome_id"},{"name":"flowOutcome","kind":"scalar","type":"String","dbName":"flow_outcome"},{"name":"flowOutcomeValue","kind":"scalar","type":"String","dbName":"flow_outcome_value"},{"name":"flowOutcomeStartTimestamp","kind":"scalar","type":"DateTime","dbName":"flow_outcome_start_timestamp"},{"name":"flowOutcomeEndTimestamp","kind":"scalar","type":"DateTime","dbName":"flow_outcome_end_timestamp"}],"dbName":"flow_outcomes","schema":null},"MediaEndpointStat":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"statIndex","kind":"scalar","type":"Int","dbName":"stat_index"},{"name":"eventTime","kind":"scalar","type":"DateTime","dbName":"event_time"},{"name":"codecs","kind":"scalar","type":"String","dbName":"codecs"},{"name":"minMos","kind":"scalar","type":"Float","dbName":"min_mos"},{"name":"minRFactor","kind":"scalar","type":"Float","dbName":"min_r_factor"},{"name":"maxLatencyMs","kind":"scalar","type":"BigInt","dbName":"max_latency_ms"},{"name":"receivedPackets","kind":"scalar","type":"BigInt","dbName":"received_packets"},{"name":"invalidPackets","kind":"scalar","type":"BigInt","dbName":"invalid_packets"},{"name":"discardedPackets","kind":"scalar","type":"BigInt","dbName":"discarded_packets"},{"name":"duplicatePackets","kind":"scalar","type":"BigInt","dbName":"duplicate_packets"},{"name":"overrunPackets","kind":"scalar","type":"BigInt","dbName":"overrun_packets"},{"name":"underrunPackets","kind":"scalar","type":"BigInt","dbName":"underrun_packets"}],"dbName":"media_endpoint_stats","schema":null},"SessionProposedAgent":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"agentIndex","kind":"scalar","type":"Int","dbName":"agent_index"},{"name":"proposedAgentId","kind":"scalar","type":"String","dbName":"proposed_agent_id"},{"name":"agentRank","kind":"scalar","type":"BigInt","dbName":"agent_rank"}],"dbName":"session_proposed_agents","schema":null},"SessionAgentGroup":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"groupIndex","kind":"scalar","type":"Int","dbName":"group_index"},{"name":"agentGroupId","kind":"scalar","type":"String","dbName":"agent_group_id"},{"name":"agentGroupType","kind":"scalar","type":"String","dbName":"agent_group_type"}],"dbName":"session_agent_groups","schema":null},"SegmentScoredAgent":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"segmentIndex","kind":"scalar","type":"Int","dbName":"segment_index"},{"name":"agentIndex","kind":"scalar","type":"Int","dbName":"agent_index"},{"name":"scoredAgentId","kind":"scalar","type":"String","dbName":"scored_agent_id"},{"name":"agentScore","kind":"scalar","type":"Float","dbName":"agent_score"}],"dbName":"segment_scored_agents","schema":null},"SegmentProperty":{"fields":[{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"sessionId","kind":"scalar","type":"String","dbName":"session_id"},{"name":"segmentIndex","kind":"scalar","type":"Int","dbName":"segment_index"},{"name":"propertyIndex","kind":"scalar","type":"Int","dbName":"property_index"},{"name":"property","kind":"scalar","type":"String","dbName":"property"},{"name":"propertyType","kind":"scalar","type":"String","dbName":"property_type"},{"name":"value","kind":"scalar","type":"String","dbName":"value"}],"dbName":"segment_properties","schema":null},"Agent":{"fields":[{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"username","kind":"scalar","type":"String","dbName":"username"},{"name":"email","kind":"scalar","type":"String","dbName":"email"},{"name":"state","kind":"scalar","type":"String","dbName":"state"},{"name":"divisionId","kind":"scalar","type":"String","dbName":"division_id"},{"name":"divisionName","kind":"scalar","type":"String","dbName":"division_name"},{"name":"department","kind":"scalar","type":"String","dbName":"department"},{"name":"title","kind":"scalar","type":"String","dbName":"title"},{"name":"managerId","kind":"scalar","type":"String","dbName":"manager_id"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"syncedAt","kind":"scalar","type":"DateTime","dbName":"synced_at"}],"dbName":"agents","schema":null},"Queue":{"fields":[{"name":"queueId","kind":"scalar","type":"String","dbName":"queue_id"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"divisionId","kind":"scalar","type":"String","dbName":"division_id"},{"name":"description","kind":"scalar","type":"String","dbName":"description"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"active","kind":"scalar","type":"Boolean","dbName":"active"}],"dbName":"queues","schema":null},"WrapUpCode":{"fields":[{"name":"wrapUpCodeId","kind":"scalar","type":"String","dbName":"wrap_up_code_id"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"divisionId","kind":"scalar","type":"String","dbName":"division_id"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"active","kind":"scalar","type":"Boolean","dbName":"active"}],"dbName":"wrap_up_codes","schema":null},"Division":{"fields":[{"name":"divisionId","kind":"scalar","type":"String","dbName":"division_id"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"description","kind":"scalar","type":"String","dbName":"description"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"active","kind":"scalar","type":"Boolean","dbName":"active"}],"dbName":"divisions","schema":null},"Skill":{"fields":[{"name":"skillId","kind":"scalar","type":"String","dbName":"skill_id"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"state","kind":"scalar","type":"String","dbName":"state"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"active","kind":"scalar","type":"Boolean","dbName":"active"}],"dbName":"skills","schema":null},"Language":{"fields":[{"name":"languageId","kind":"scalar","type":"String","dbName":"language_id"},{"name":"name","kind":"scalar","type":"String","dbName":"name"},{"name":"state","kind":"scalar","type":"String","dbName":"state"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"active","kind":"scalar","type":"Boolean","dbName":"active"}],"dbName":"languages","schema":null},"ReferenceListRefresh":{"fields":[{"name":"list","kind":"scalar","type":"String","dbName":"list"},{"name":"status","kind":"scalar","type":"String","dbName":"status"},{"name":"refreshedAt","kind":"scalar","type":"DateTime","dbName":"refreshed_at"},{"name":"entries","kind":"scalar","type":"Int","dbName":"entries"},{"name":"permission","kind":"scalar","type":"String","dbName":"permission"},{"name":"error","kind":"scalar","type":"String","dbName":"error"},{"name":"lastSuccessAt","kind":"scalar","type":"DateTime","dbName":"last_success_at"}],"dbName":"reference_list_refreshes","schema":null},"SyncRun":{"fields":[{"name":"runId","kind":"scalar","type":"String","dbName":"run_id"},{"name":"kind","kind":"scalar","type":"String","dbName":"kind"},{"name":"status","kind":"scalar","type":"String","dbName":"status"},{"name":"intervalStart","kind":"scalar","type":"DateTime","dbName":"interval_start"},{"name":"intervalEnd","kind":"scalar","type":"DateTime","dbName":"interval_end"},{"name":"agentIds","kind":"scalar","type":"String","dbName":"agent_ids"},{"name":"planKey","kind":"scalar","type":"String","dbName":"plan_key"},{"name":"catchUpFrom","kind":"scalar","type":"DateTime","dbName":"catch_up_from"},{"name":"host","kind":"scalar","type":"String","dbName":"host"},{"name":"pid","kind":"scalar","type":"Int","dbName":"pid"},{"name":"startedAt","kind":"scalar","type":"DateTime","dbName":"started_at"},{"name":"heartbeatAt","kind":"scalar","type":"DateTime","dbName":"heartbeat_at"},{"name":"finishedAt","kind":"scalar","type":"DateTime","dbName":"finished_at"},{"name":"durationMs","kind":"scalar","type":"Int","dbName":"duration_ms"},{"name":"windowsTotal","kind":"scalar","type":"Int","dbName":"windows_total"},{"name":"windowsDone","kind":"scalar","type":"Int","dbName":"windows_done"},{"name":"windowsFailed","kind":"scalar","type":"Int","dbName":"windows_failed"},{"name":"requests","kind":"scalar","type":"Int","dbName":"requests"},{"name":"retries","kind":"scalar","type":"Int","dbName":"retries"},{"name":"rateLimited","kind":"scalar","type":"Int","dbName":"rate_limited"},{"name":"pages","kind":"scalar","type":"Int","dbName":"pages"},{"name":"conversationsWritten","kind":"scalar","type":"Int","dbName":"conversations_written"},{"name":"recordsDeleted","kind":"scalar","type":"Int","dbName":"records_deleted"},{"name":"deletionsWithheld","kind":"scalar","type":"Int","dbName":"deletions_withheld"},{"name":"recordsExpired","kind":"scalar","type":"Int","dbName":"records_expired"},{"name":"error","kind":"scalar","type":"String","dbName":"error"},{"name":"warnings","kind":"scalar","type":"String","dbName":"warnings"},{"name":"windows","kind":"object","type":"SyncWindow","relationName":"SyncRunToSyncWindow"}],"dbName":"sync_runs","schema":null},"SyncWindow":{"fields":[{"name":"windowId","kind":"scalar","type":"BigInt","dbName":"window_id"},{"name":"runId","kind":"scalar","type":"String","dbName":"run_id"},{"name":"stream","kind":"scalar","type":"String","dbName":"stream"},{"name":"scopeKey","kind":"scalar","type":"String","dbName":"scope_key"},{"name":"scopeAgentIds","kind":"scalar","type":"String","dbName":"scope_agent_ids"},{"name":"windowStart","kind":"scalar","type":"DateTime","dbName":"window_start"},{"name":"windowEnd","kind":"scalar","type":"DateTime","dbName":"window_end"},{"name":"status","kind":"scalar","type":"String","dbName":"status"},{"name":"totalHits","kind":"scalar","type":"Int","dbName":"total_hits"},{"name":"pages","kind":"scalar","type":"Int","dbName":"pages"},{"name":"conversationsWritten","kind":"scalar","type":"Int","dbName":"conversations_written"},{"name":"attempts","kind":"scalar","type":"Int","dbName":"attempts"},{"name":"error","kind":"scalar","type":"String","dbName":"error"},{"name":"parentWindowId","kind":"scalar","type":"BigInt","dbName":"parent_window_id"},{"name":"lane","kind":"scalar","type":"String","dbName":"lane"},{"name":"jobId","kind":"scalar","type":"String","dbName":"job_id"},{"name":"idsReceived","kind":"scalar","type":"Int","dbName":"ids_received"},{"name":"recordsRejected","kind":"scalar","type":"Int","dbName":"records_rejected"},{"name":"laneNote","kind":"scalar","type":"String","dbName":"lane_note"},{"name":"startedAt","kind":"scalar","type":"DateTime","dbName":"started_at"},{"name":"finishedAt","kind":"scalar","type":"DateTime","dbName":"finished_at"},{"name":"run","kind":"object","type":"SyncRun","relationName":"SyncRunToSyncWindow"}],"dbName":"sync_windows","schema":null},"SyncReject":{"fields":[{"name":"rejectId","kind":"scalar","type":"BigInt","dbName":"reject_id"},{"name":"stream","kind":"scalar","type":"String","dbName":"stream"},{"name":"rejectKey","kind":"scalar","type":"String","dbName":"reject_key"},{"name":"conversationId","kind":"scalar","type":"String","dbName":"conversation_id"},{"name":"runId","kind":"scalar","type":"String","dbName":"run_id"},{"name":"windowId","kind":"scalar","type":"BigInt","dbName":"window_id"},{"name":"page","kind":"scalar","type":"String","dbName":"page"},{"name":"error","kind":"scalar","type":"String","dbName":"error"},{"name":"rawJson","kind":"scalar","type":"String","dbName":"raw_json"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"timesSeen","kind":"scalar","type":"Int","dbName":"times_seen"},{"name":"resolvedAt","kind":"scalar","type":"DateTime","dbName":"resolved_at"}],"dbName":"sync_rejects","schema":null},"AgentPresence":{"fields":[{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"startTime","kind":"scalar","type":"DateTime","dbName":"start_time"},{"name":"endTime","kind":"scalar","type":"DateTime","dbName":"end_time"},{"name":"systemPresence","kind":"scalar","type":"String","dbName":"system_presence"},{"name":"organizationPresenceId","kind":"scalar","type":"String","dbName":"organization_presence_id"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"fetchedAt","kind":"scalar","type":"DateTime","dbName":"fetched_at"},{"name":"syncedAt","kind":"scalar","type":"DateTime","dbName":"synced_at"}],"dbName":"agent_presence","schema":null},"AgentRoutingStatus":{"fields":[{"name":"userId","kind":"scalar","type":"String","dbName":"user_id"},{"name":"startTime","kind":"scalar","type":"DateTime","dbName":"start_time"},{"name":"endTime","kind":"scalar","type":"DateTime","dbName":"end_time"},{"name":"routingStatus","kind":"scalar","type":"String","dbName":"routing_status"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"fetchedAt","kind":"scalar","type":"DateTime","dbName":"fetched_at"},{"name":"syncedAt","kind":"scalar","type":"DateTime","dbName":"synced_at"}],"dbName":"agent_routing_status","schema":null},"PresenceDefinition":{"fields":[{"name":"presenceId","kind":"scalar","type":"String","dbName":"presence_id"},{"name":"systemPresence","kind":"scalar","type":"String","dbName":"system_presence"},{"name":"label","kind":"scalar","type":"String","dbName":"label"},{"name":"deactivated","kind":"scalar","type":"Boolean","dbName":"deactivated"},{"name":"raw","kind":"scalar","type":"Json","dbName":"raw"},{"name":"firstSeenAt","kind":"scalar","type":"DateTime","dbName":"first_seen_at"},{"name":"lastSeenAt","kind":"scalar","type":"DateTime","dbName":"last_seen_at"},{"name":"active","kind":"scalar","type":"Boolean","dbName":"active"}],"dbName":"presence_definitions","schema":null},"RetentionPurge":{"fields":[{"name":"stream","kind":"scalar","type":"String","dbName":"stream"},{"name":"purgedBefore","kind":"scalar","type":"DateTime","dbName":"purged_before"},{"name":"recordsPurged","kind":"scalar","type":"BigInt","dbName":"records_purged"},{"name":"updatedAt","kind":"scalar","type":"DateTime","dbName":"updated_at"}],"dbName":"retention_purges","schema":null}},"enums":{},"types":{}}');
config.parameterizationSchema = {
  strings: JSON.parse('["where","Conversation.findUnique","Conversation.findUniqueOrThrow","orderBy","cursor","Conversation.findFirst","Conversation.findFirstOrThrow","Conversation.findMany","data","Conversation.createOne","Conversation.createMany","Conversation.createManyAndReturn","Conversation.updateOne","Conversation.updateMany","Conversation.updateManyAndReturn","create","update","Conversation.upsertOne","Conversation.deleteOne","Conversation.deleteMany","having","_count","_avg","_sum","_min","_max","Conversation.groupBy","Conversation.aggregate","Participant.findUnique","Participant.findUniqueOrThrow","Participant.findFirst","Participant.findFirstOrThrow","Participant.findMany","Participant.createOne","Participant.createMany","Participant.createManyAndReturn","Participant.updateOne","Participant.updateMany","Participant.updateManyAndReturn","Participant.upsertOne","Participant.deleteOne","Participant.deleteMany","Participant.groupBy","Participant.aggregate","Session.findUnique","Session.findUniqueOrThrow","Session.findFirst","Session.findFirstOrThrow","Session.findMany","Session.createOne","Session.createMany","Session.createManyAndReturn","Session.updateOne","Session.updateMany","Session.updateManyAndReturn","Session.upsertOne","Session.deleteOne","Session.deleteMany","Session.groupBy","Session.aggregate","Segment.findUnique","Segment.findUniqueOrThrow","Segment.findFirst","Segment.findFirstOrThrow","Segment.findMany","Segment.createOne","Segment.createMany","Segment.createManyAndReturn","Segment.updateOne","Segment.updateMany","Segment.updateManyAndReturn","Segment.upsertOne","Segment.deleteOne","Segment.deleteMany","Segment.groupBy","Segment.aggregate","SessionMetric.findUnique","SessionMetric.findUniqueOrThrow","SessionMetric.findFirst","SessionMetric.findFirstOrThrow","SessionMetric.findMany","SessionMetric.createOne","SessionMetric.createMany","SessionMetric.createManyAndReturn","SessionMetric.updateOne","SessionMetric.updateMany","SessionMetric.updateManyAndReturn","SessionMetric.upsertOne","SessionMetric.deleteOne","SessionMetric.deleteMany","SessionMetric.groupBy","SessionMetric.aggregate","Evaluation.findUnique","Evaluation.findUniqueOrThrow","Evaluation.findFirst","Evaluation.findFirstOrThrow","Evaluation.findMany","Evaluation.createOne","Evaluation.createMany","Evaluation.createManyAndReturn","Evaluation.updateOne","Evaluation.updateMany","Evaluation.updateManyAndReturn","Evaluation.upsertOne","Evaluation.deleteOne","Evaluation.deleteMany","Evaluation.groupBy","Evaluation.aggregate","Survey.findUnique","Survey.findUniqueOrThrow","Survey.findFirst","Survey.findFirstOrThrow","Survey.findMany","Survey.createOne","Survey.createMany","Survey.createManyAndReturn","Survey.updateOne","Survey.updateMany","Survey.updateManyAndReturn","Survey.upsertOne","Survey.deleteOne","Survey.deleteMany","Survey.groupBy","Survey.aggregate","Resolution.findUnique","Resolution.findUniqueOrThrow","Resolution.findFirst","Resolution.findFirstOrThrow","Resolution.findMany","Resolution.createOne","Resolution.createMany","Resolution.createManyAndReturn","Resolution.updateOne","Resolution.updateMany","Resolution.updateManyAndReturn","Resolution.upsertOne","Resolution.deleteOne","Resolution.deleteMany","Resolution.groupBy","Resolution.aggregate","FlowOutcome.findUnique","FlowOutcome.findUniqueOrThrow","FlowOutcome.findFirst","FlowOutcome.findFirstOrThrow","FlowOutcome.findMany","FlowOutcome.createOne","FlowOutcome.createMany","FlowOutcome.createManyAndReturn","FlowOutcome.updateOne","FlowOutcome.updateMany","FlowOutcome.updateManyAndReturn","FlowOutcome.upsertOne","FlowOutcome.deleteOne","FlowOutcome.deleteMany","FlowOutcome.groupBy","FlowOutcome.aggregate","MediaEndpointStat.findUnique","MediaEndpointStat.findUniqueOrThrow","MediaEndpointStat.findFirst","MediaEndpointStat.findFirstOrThrow","MediaEndpointStat.findMany","MediaEndpointStat.createOne","MediaEndpointStat.createMany","MediaEndpointStat.createManyAndReturn","MediaEndpointStat.updateOne","MediaEndpointStat.updateMany","MediaEndpointStat.updateManyAndReturn","MediaEndpointStat.upsertOne","MediaEndpointStat.deleteOne","MediaEndpointStat.deleteMany","MediaEndpointStat.groupBy","MediaEndpointStat.aggregate","SessionProposedAgent.findUnique","SessionProposedAgent.findUniqueOrThrow","SessionProposedAgent.findFirst","SessionProposedAgent.findFirstOrThrow","SessionProposedAgent.findMany","SessionProposedAgent.createOne","SessionProposedAgent.createMany","SessionProposedAgent.createManyAndReturn","SessionProposedAgent.updateOne","SessionProposedAgent.updateMany","SessionProposedAgent.updateManyAndReturn","SessionProposedAgent.upsertOne","SessionProposedAgent.deleteOne","SessionProposedAgent.deleteMany","SessionProposedAgent.groupBy","SessionProposedAgent.aggregate","SessionAgentGroup.findUnique","SessionAgentGroup.findUniqueOrThrow","SessionAgentGroup.findFirst","SessionAgentGroup.findFirstOrThrow","SessionAgentGroup.findMany","SessionAgentGroup.createOne","SessionAgentGroup.createMany","SessionAgentGroup.createManyAndReturn","SessionAgentGroup.updateOne","SessionAgentGroup.updateMany","SessionAgentGroup.updateManyAndReturn","SessionAgentGroup.upsertOne","SessionAgentGroup.deleteOne","SessionAgentGroup.deleteMany","SessionAgentGroup.groupBy","SessionAgentGroup.aggregate","SegmentScoredAgent.findUnique","SegmentScoredAgent.findUniqueOrThrow","SegmentScoredAgent.findFirst","SegmentScoredAgent.findFirstOrThrow","SegmentScoredAgent.findMany","SegmentScoredAgent.createOne","SegmentScoredAgent.createMany","SegmentScoredAgent.createManyAndReturn","SegmentScoredAgent.updateOne","SegmentScoredAgent.updateMany","SegmentScoredAgent.updateManyAndReturn","SegmentScoredAgent.upsertOne","SegmentScoredAgent.deleteOne","SegmentScoredAgent.deleteMany","SegmentScoredAgent.groupBy","SegmentScoredAgent.aggregate","SegmentProperty.findUnique","SegmentProperty.findUniqueOrThrow","SegmentProperty.findFirst","SegmentProperty.findFirstOrThrow","SegmentProperty.findMany","SegmentProperty.createOne","SegmentProperty.createMany","SegmentProperty.createManyAndReturn","SegmentProperty.updateOne","SegmentProperty.updateMany","SegmentProperty.updateManyAndReturn","SegmentProperty.upsertOne","SegmentProperty.deleteOne","SegmentProperty.deleteMany","SegmentProperty.groupBy","SegmentProperty.aggregate","Agent.findUnique","Agent.findUniqueOrThrow","Agent.findFirst","Agent.findFirstOrThrow","Agent.findMany","Agent.createOne","Agent.createMany","Agent.createManyAndReturn","Agent.updateOne","Agent.updateMany","Agent.updateManyAndReturn","Agent.upsertOne","Agent.deleteOne","Agent.deleteMany","Agent.groupBy","Agent.aggregate","Queue.findUnique","Queue.findUniqueOrThrow","Queue.findFirst","Queue.findFirstOrThrow","Queue.findMany","Queue.createOne","Queue.createMany","Queue.createManyAndReturn","Queue.updateOne","Queue.updateMany","Queue.updateManyAndReturn","Queue.upsertOne","Queue.deleteOne","Queue.deleteMany","Queue.groupBy","Queue.aggregate","WrapUpCode.findUnique","WrapUpCode.findUniqueOrThrow","WrapUpCode.findFirst","WrapUpCode.findFirstOrThrow","WrapUpCode.findMany","WrapUpCode.createOne","WrapUpCode.createMany","WrapUpCode.createManyAndReturn","WrapUpCode.updateOne","WrapUpCode.updateMany","WrapUpCode.updateManyAndReturn","WrapUpCode.upsertOne","WrapUpCode.deleteOne","WrapUpCode.deleteMany","WrapUpCode.groupBy","WrapUpCode.aggregate","Division.findUnique","Division.findUniqueOrThrow","Division.findFirst","Division.findFirstOrThrow","Division.findMany","Division.createOne","Division.createMany","Division.createManyAndReturn","Division.updateOne","Division.updateMany","Division.updateManyAndReturn","Division.upsertOne","Division.deleteOne","Division.deleteMany","Division.groupBy","Division.aggregate","Skill.findUnique","Skill.findUniqueOrThrow","Skill.findFirst","Skill.findFirstOrThrow","Skill.findMany","Skill.createOne","Skill.createMany","Skill.createManyAndReturn","Skill.updateOne","Skill.updateMany","Skill.updateManyAndReturn","Skill.upsertOne","Skill.deleteOne","Skill.deleteMany","Skill.groupBy","Skill.aggregate","Language.findUnique","Language.findUniqueOrThrow","Language.findFirst","Language.findFirstOrThrow","Language.findMany","Language.createOne","Language.createMany","Language.createManyAndReturn","Language.updateOne","Language.updateMany","Language.updateManyAndReturn","Language.upsertOne","Language.deleteOne","Language.deleteMany","Language.groupBy","Language.aggregate","ReferenceListRefresh.findUnique","ReferenceListRefresh.findUniqueOrThrow","ReferenceListRefresh.findFirst","ReferenceListRefresh.findFirstOrThrow","ReferenceListRefresh.findMany","ReferenceListRefresh.createOne","ReferenceListRefresh.createMany","ReferenceListRefresh.createManyAndReturn","ReferenceListRefresh.updateOne","ReferenceListRefresh.updateMany","ReferenceListRefresh.updateManyAndReturn","ReferenceListRefresh.upsertOne","ReferenceListRefresh.deleteOne","ReferenceListRefresh.deleteMany","ReferenceListRefresh.groupBy","ReferenceListRefresh.aggregate","run","windows","SyncRun.findUnique","SyncRun.findUniqueOrThrow","SyncRun.findFirst","SyncRun.findFirstOrThrow","SyncRun.findMany","SyncRun.createOne","SyncRun.createMany","SyncRun.createManyAndReturn","SyncRun.updateOne","SyncRun.updateMany","SyncRun.updateManyAndReturn","SyncRun.upsertOne","SyncRun.deleteOne","SyncRun.deleteMany","SyncRun.groupBy","SyncRun.aggregate","SyncWindow.findUnique","SyncWindow.findUniqueOrThrow","SyncWindow.findFirst","SyncWindow.findFirstOrThrow","SyncWindow.findMany","SyncWindow.createOne","SyncWindow.createMany","SyncWindow.createManyAndReturn","SyncWindow.updateOne","SyncWindow.updateMany","SyncWindow.updateManyAndReturn","SyncWindow.upsertOne","SyncWindow.deleteOne","SyncWindow.deleteMany","SyncWindow.groupBy","SyncWindow.aggregate","SyncReject.findUnique","SyncReject.findUniqueOrThrow","SyncReject.findFirst","SyncReject.findFirstOrThrow","SyncReject.findMany","SyncReject.createOne","SyncReject.createMany","SyncReject.createManyAndReturn","SyncReject.updateOne","SyncReject.updateMany","SyncReject.updateManyAndReturn","SyncReject.upsertOne","SyncReject.deleteOne","SyncReject.deleteMany","SyncReject.groupBy","SyncReject.aggregate","AgentPresence.findUnique","AgentPresence.findUniqueOrThrow","AgentPresence.findFirst","AgentPresence.findFirstOrThrow","AgentPresence.findMany","AgentPresence.createOne","AgentPresence.createMany","AgentPresence.createManyAndReturn","AgentPresence.updateOne","AgentPresence.updateMany","AgentPresence.updateManyAndReturn","AgentPresence.upsertOne","AgentPresence.deleteOne","AgentPresence.deleteMany","AgentPresence.groupBy","AgentPresence.aggregate","AgentRoutingStatus.findUnique","AgentRoutingStatus.findUniqueOrThrow","AgentRoutingStatus.findFirst","AgentRoutingStatus.findFirstOrThrow","AgentRoutingStatus.findMany","AgentRoutingStatus.createOne","AgentRoutingStatus.createMany","AgentRoutingStatus.createManyAndReturn","AgentRoutingStatus.updateOne","AgentRoutingStatus.updateMany","AgentRoutingStatus.updateManyAndReturn","AgentRoutingStatus.upsertOne","AgentRoutingStatus.deleteOne","AgentRoutingStatus.deleteMany","AgentRoutingStatus.groupBy","AgentRoutingStatus.aggregate","PresenceDefinition.findUnique","PresenceDefinition.findUniqueOrThrow","PresenceDefinition.findFirst","PresenceDefinition.findFirstOrThrow","PresenceDefinition.findMany","PresenceDefinition.createOne","PresenceDefinition.createMany","PresenceDefinition.createManyAndReturn","PresenceDefinition.updateOne","PresenceDefinition.updateMany","PresenceDefinition.updateManyAndReturn","PresenceDefinition.upsertOne","PresenceDefinition.deleteOne","PresenceDefinition.deleteMany","PresenceDefinition.groupBy","PresenceDefinition.aggregate","RetentionPurge.findUnique","RetentionPurge.findUniqueOrThrow","RetentionPurge.findFirst","RetentionPurge.findFirstOrThrow","RetentionPurge.findMany","RetentionPurge.createOne","RetentionPurge.createMany","RetentionPurge.createManyAndReturn","RetentionPurge.updateOne","RetentionPurge.updateMany","RetentionPurge.updateManyAndReturn","RetentionPurge.upsertOne","RetentionPurge.deleteOne","RetentionPurge.deleteMany","RetentionPurge.groupBy","RetentionPurge.aggregate","AND","OR","NOT","stream","purgedBefore","recordsPurged","updatedAt","equals","in","notIn","lt","lte","gt","gte","not","contains","startsWith","endsWith","presenceId","systemPresence","label","deactivated","raw","firstSeenAt","lastSeenAt","active","string_contains","string_starts_with","string_ends_with","array_starts_with","array_ends_with","array_contains","userId","startTime","endTime","routingStatus","fetchedAt","syncedAt","userId_startTime","organizationPresenceId","rejectId","rejectKey","conversationId","runId","windowId","page","error","rawJson","timesSeen","resolvedAt","scopeKey","scopeAgentIds","windowStart","windowEnd","status","totalHits","pages","conversationsWritten","attempts","parentWindowId","lane","jobId","idsReceived","recordsRejected","laneNote","startedAt","finishedAt","has","hasEvery","hasSome","kind","intervalStart","intervalEnd","agentIds","planKey","catchUpFrom","host","pid","heartbeatAt","durationMs","windowsTotal","windowsDone","windowsFailed","requests","retries","rateLimited","recordsDeleted","deletionsWithheld","recordsExpired","warnings","every","some","none","list","refreshedAt","entries","permission","lastSuccessAt","languageId","name","state","skillId","divisionId","description","wrapUpCodeId","queueId","username","email","divisionName","department","title","managerId","sessionId","segmentIndex","propertyIndex","property","propertyType","value","conversationId_sessionId_segmentIndex_propertyIndex","agentIndex","scoredAgentId","agentScore","conversationId_sessionId_segmentIndex_agentIndex","groupIndex","agentGroupId","agentGroupType","conversationId_sessionId_groupIndex","proposedAgentId","agentRank","conversationId_sessionId_agentIndex","statIndex","eventTime","codecs","minMos","minRFactor","maxLatencyMs","receivedPackets","invalidPackets","discardedPackets","duplicatePackets","overrunPackets","underrunPackets","conversationId_sessionId_statIndex","outcomeIndex","flowOutcomeId","flowOutcome","flowOutcomeValue","flowOutcomeStartTimestamp","flowOutcomeEndTimestamp","conversationId_sessionId_outcomeIndex","resolutionIndex","nextContactAvoided","conversationId_resolutionIndex","surveyIndex","surveyId","surveyFormId","surveyFormContextId","surveyFormName","surveyType","surveyStatus","partialResponse","completedDate","promoterScore","totalScore","conversationId_surveyIndex","evaluationIndex","evaluationId","evaluatorId","formId","contextId","formName","calibrationId","assigneeId","assigneeApplicable","evaluationStatus","released","rescored","deleted","systemSubmitted","totalCriticalScore","conversationId_evaluationIndex","metricIndex","emitDate","conversationId_sessionId_metricIndex","participantId","segmentStart","segmentEnd","segmentType","groupId","wrapUpCode","wrapUpNote","disconnectType","errorCode","conference","subject","requestedLanguageId","audioMuted","videoMuted","sourceConversationId","sourceSessionId","destinationConversationId","destinationSessionId","requestedRoutingSkillIds","requestedRoutingUserIds","wrapUpTags","sipResponseCodes","q850ResponseCodes","conversationId_sessionId_segmentIndex","sessionIndex","mediaType","direction","ani","dnis","sessionDnis","addressFrom","addressTo","addressSelf","addressOther","remote","provider","messageType","edgeId","protocolCallId","recording","selectedAgentId","usedRouting","outboundCampaignId","flowId","flowName","flowType","flowVersion","flowEntryType","flowEntryReason","flowExitReason","flowTransferType","flowTransferTargetName","flowTransferTargetAddress","flowIssuedCallback","flowStartingLanguage","flowEndingLanguage","flowRecognitionFailureReason","activeSkillIds","removedSkillIds","requestedRoutings","eligibleAgentCounts","waitingInteractionCounts","agentBullseyeRing","routingRing","routingRule","routingRuleType","selectedAgentRank","skillExpressionId","agentOwned","assignerId","timeoutSeconds","skipEnabled","acwSkipped","flowInType","flowOutType","callbackNumbers","callbackScheduledTime","callbackUserName","outboundContactId","outboundContactListId","dispositionAnalyzer","dispositionName","detectedSpeechStart","detectedSpeechEnd","scriptId","destinationAddresses","cc","bcc","deliveryStatus","deliveryStatusChangeDate","deliveryPushed","extendedDeliveryStatus","engagementSource","authenticated","remoteNameDisplayable","roomId","mediaCount","peerId","mediaBridgeId","errorCodeDescription","journeyActionId","journeyActionMapId","journeyActionMapVersion","journeyCustomerId","journeyCustomerIdType","journeyCustomerSessionId","journeyCustomerSessionIdType","monitoredParticipantId","coachedParticipantId","bargedParticipantId","screenMonitoredUserId","cobrowseRole","cobrowseRoomId","screenShareAddressSelf","screenShareRoomId","sharingScreen","videoAddressSelf","videoRoomId","agentAssistantId","cleared","snippetRecording","conversationId_sessionId","participantIndex","purpose","participantName","teamId","externalContactId","externalOrganizationId","flaggedReason","screenRecording","attributes","conversationId_participantId","conversationStart","conversationEnd","originatingDirection","conversationInitiator","externalTag","divisionIds","mediaTypes","agentUserIds","mediaStatsMinConversationMos","mediaStatsMinConversationRFactor","customerParticipation","selfServed","originatingSocialMediaPublic","associatedConversationId","conferenceStart","inactivityTimeout","knowledgeBaseIds","consultationConversationIds","accessAttributes","rawHash","firstSyncedAt","lastSyncedAt","lastChangedAt","deletedAt","is","isNot","connectOrCreate","upsert","createMany","set","disconnect","delete","connect","updateMany","deleteMany","push","increment","decrement","multiply","divide"]'),
  graph: "jgiIAsADHs4DAADABgAwzwMAAAQAENADAADABgAw5AMAAN8FACDyA0AA5gUAIfgDAQAAAAGKBkAAzQUAIYsGQADmBQAhjAYBAN0FACGNBgEA3QUAIY4GAQDdBQAhjwYAAPoFACCQBgAA-gUAIJEGAAD6BQAgkgYIAJgGACGTBggAmAYAIZQGIADeBQAhlQYgAN4FACGWBiAA3gUAIZcGAQDdBQAhmAZAAOYFACGZBkAA5gUAIZoGAAD6BQAgmwYAAPoFACCcBgAA-gUAIJ0GAQDMBQAhngZAAM0FACGfBkAAzQUAIaAGQADNBQAhoQZAAOYFACEBAAAAAQAgAQAAAAEAIB7OAwAAwAYAMM8DAAAEABDQAwAAwAYAMOQDAADfBQAg8gNAAOYFACH4AwEAzAUAIYoGQADNBQAhiwZAAOYFACGMBgEA3QUAIY0GAQDdBQAhjgYBAN0FACGPBgAA-gUAIJAGAAD6BQAgkQYAAPoFACCSBggAmAYAIZMGCACYBgAhlAYgAN4FACGVBiAA3gUAIZYGIADeBQAhlwYBAN0FACGYBkAA5gUAIZkGQADmBQAhmgYAAPoFACCbBgAA-gUAIJwGAAD6BQAgnQYBAMwFACGeBkAAzQUAIZ8GQADNBQAhoAZAAM0FACGhBkAA5gUAIQ7yAwAAyQYAIIsGAADJBgAgjAYAAMkGACCNBgAAyQYAII4GAADJBgAgkgYAAMkGACCTBgAAyQYAIJQGAADJBgAglQYAAMkGACCWBgAAyQYAIJcGAADJBgAgmAYAAMkGACCZBgAAyQYAIKEGAADJBgAgAwAAAAQAIAMAAAUAMAQAAAEAIAMAAAAEACADAAAFADAEAAABACADAAAABAAgAwAABQAwBAAAAQAgG-QDgAAAAAHyA0AAAAAB-AMBAAAAAYoGQAAAAAGLBkAAAAABjAYBAAAAAY0GAQAAAAGOBgEAAAABjwYAAIMIACCQBgAAhAgAIJEGAACFCAAgkgYIAAAAAZMGCAAAAAGUBiAAAAABlQYgAAAAAZYGIAAAAAGXBgEAAAABmAZAAAAAAZkGQAAAAAGaBgAAhggAIJsGAACHCAAgnAYAAIgIACCdBgEAAAABngZAAAAAAZ8GQAAAAAGgBkAAAAABoQZAAAAAAQEIAAAJACAb5AOAAAAAAfIDQAAAAAH4AwEAAAABigZAAAAAAYsGQAAAAAGMBgEAAAABjQYBAAAAAY4GAQAAAAGPBgAAgwgAIJAGAACECAAgkQYAAIUIACCSBggAAAABkwYIAAAAAZQGIAAAAAGVBiAAAAABlgYgAAAAAZcGAQAAAAGYBkAAAAABmQZAAAAAAZoGAACGCAAgmwYAAIcIACCcBgAAiAgAIJ0GAQAAAAGeBkAAAAABnwZAAAAAAaAGQAAAAAGhBkAAAAABAQgAAAsAMAEIAAALADAb5AOAAAAAAfIDQADTBgAh-AMBAMYGACGKBkAAxwYAIYsGQADTBgAhjAYBAM0GACGNBgEAzQYAIY4GAQDNBgAhjwYAAP0HACCQBgAA_gcAIJEGAAD_BwAgkgYIAKIHACGTBggAogcAIZQGIADOBgAhlQYgAM4GACGWBiAAzgYAIZcGAQDNBgAhmAZAANMGACGZBkAA0wYAIZoGAACACAAgmwYAAIEIACCcBgAAgggAIJ0GAQDGBgAhngZAAMcGACGfBkAAxwYAIaAGQADHBgAhoQZAANMGACECAAAAAQAgCAAADgAgG-QDgAAAAAHyA0AA0wYAIfgDAQDGBgAhigZAAMcGACGLBkAA0wYAIYwGAQDNBgAhjQYBAM0GACGOBgEAzQYAIY8GAAD9BwAgkAYAAP4HACCRBgAA_wcAIJIGCACiBwAhkwYIAKIHACGUBiAAzgYAIZUGIADOBgAhlgYgAM4GACGXBgEAzQYAIZgGQADTBgAhmQZAANMGACGaBgAAgAgAIJsGAACBCAAgnAYAAIIIACCdBgEAxgYAIZ4GQADHBgAhnwZAAMcGACGgBkAAxwYAIaEGQADTBgAhAgAAAAQAIAgAABAAIAIAAAAEACAIAAAQACADAAAAAQAgDwAACQAgEAAADgAgAQAAAAEAIAEAAAAEACATFQAA-AcAIBYAAPkHACAXAAD8BwAgGAAA-wcAIBkAAPoHACDyAwAAyQYAIIsGAADJBgAgjAYAAMkGACCNBgAAyQYAII4GAADJBgAgkgYAAMkGACCTBgAAyQYAIJQGAADJBgAglQYAAMkGACCWBgAAyQYAIJcGAADJBgAgmAYAAMkGACCZBgAAyQYAIKEGAADJBgAgHs4DAAC_BgAwzwMAABcAENADAAC_BgAw5AMAANIFACDyA0AA4gUAIfgDAQDABQAhigZAAMEFACGLBkAA4gUAIYwGAQDQBQAhjQYBANAFACGOBgEA0AUAIY8GAAD6BQAgkAYAAPoFACCRBgAA-gUAIJIGCACVBgAhkwYIAJUGACGUBiAA0QUAIZUGIADRBQAhlgYgANEFACGXBgEA0AUAIZgGQADiBQAhmQZAAOIFACGaBgAA-gUAIJsGAAD6BQAgnAYAAPoFACCdBgEAwAUAIZ4GQADBBQAhnwZAAMEFACGgBkAAwQUAIaEGQADiBQAhAwAAAAQAIAMAABYAMBQAABcAIAMAAAAEACADAAAFADAEAAABACAQzgMAALwGADDPAwAAHQAQ0AMAALwGADDuAwEA3QUAIfgDAQDMBQAhhgUBAMwFACGABgIA9wUAIYEGAQDMBQAhggYBAN0FACGDBgEA3QUAIYQGAQDdBQAhhQYBAN0FACGGBgEA3QUAIYcGIADeBQAhiAYAAL0GACCJBgAAvgYAIAEAAAAaACABAAAAGgAgD84DAAC8BgAwzwMAAB0AENADAAC8BgAw7gMBAN0FACH4AwEAzAUAIYYFAQDMBQAhgAYCAPcFACGBBgEAzAUAIYIGAQDdBQAhgwYBAN0FACGEBgEA3QUAIYUGAQDdBQAhhgYBAN0FACGHBiAA3gUAIYgGAAC9BgAgCO4DAADJBgAgggYAAMkGACCDBgAAyQYAIIQGAADJBgAghQYAAMkGACCGBgAAyQYAIIcGAADJBgAgiAYAAMkGACADAAAAHQAgAwAAHgAwBAAAGgAgAwAAAB0AIAMAAB4AMAQAABoAIAMAAAAdACADAAAeADAEAAAaACAM7gMBAAAAAfgDAQAAAAGGBQEAAAABgAYCAAAAAYEGAQAAAAGCBgEAAAABgwYBAAAAAYQGAQAAAAGFBgEAAAABhgYBAAAAAYcGIAAAAAGIBoAAAAABAQgAACIAIAzuAwEAAAAB-AMBAAAAAYYFAQAAAAGABgIAAAABgQYBAAAAAYIGAQAAAAGDBgEAAAABhAYBAAAAAYUGAQAAAAGGBgEAAAABhwYgAAAAAYgGgAAAAAEBCAAAJAAwAQgAACQAMAzuAwEAzQYAIfgDAQDGBgAhhgUBAMYGACGABgIA3QYAIYEGAQDGBgAhggYBAM0GACGDBgEAzQYAIYQGAQDNBgAhhQYBAM0GACGGBgEAzQYAIYcGIADOBgAhiAaAAAAAAQIAAAAaACAIAAAnACAM7gMBAM0GACH4AwEAxgYAIYYFAQDGBgAhgAYCAN0GACGBBgEAxgYAIYIGAQDNBgAhgwYBAM0GACGEBgEAzQYAIYUGAQDNBgAhhgYBAM0GACGHBiAAzgYAIYgGgAAAAAECAAAAHQAgCAAAKQAgAgAAAB0AIAgAACkAIAMAAAAaACAPAAAiACAQAAAnACABAAAAGgAgAQAAAB0AIA0VAADzBwAgFgAA9AcAIBcAAPcHACAYAAD2BwAgGQAA9QcAIO4DAADJBgAgggYAAMkGACCDBgAAyQYAIIQGAADJBgAghQYAAMkGACCGBgAAyQYAIIcGAADJBgAgiAYAAMkGACAPzgMAALkGADDPAwAAMAAQ0AMAALkGADDuAwEA0AUAIfgDAQDABQAhhgUBAMAFACGABgIA7gUAIYEGAQDABQAhggYBANAFACGDBgEA0AUAIYQGAQDQBQAhhQYBANAFACGGBgEA0AUAIYcGIADRBQAhiAYAALoGACADAAAAHQAgAwAALwAwFAAAMAAgAwAAAB0AIAMAAB4AMAQAABoAIGjOAwAAtwYAMM8DAAA2ABDQAwAAtwYAMPgDAQDMBQAhvgQBAMwFACGGBQEAzAUAIZ4FAgD3BQAhnwUBAN0FACGgBQEA3QUAIaEFAQDdBQAhogUBAN0FACGjBQEA3QUAIaQFAQDdBQAhpQUBAN0FACGmBQEA3QUAIacFAQDdBQAhqAUBAN0FACGpBQEA3QUAIaoFAQDdBQAhqwUBAN0FACGsBQEA3QUAIa0FIADeBQAhrgUBAN0FACGvBQEA3QUAIbAFAQDdBQAhsQUBAN0FACGyBQEA3QUAIbMFAQDdBQAhtAUBAN0FACG1BQEA3QUAIbYFAQDdBQAhtwUBAN0FACG4BQEA3QUAIbkFAQDdBQAhugUBAN0FACG7BSAA3gUAIbwFAQDdBQAhvQUBAN0FACG-BQEA3QUAIb8FAAD6BQAgwAUAAPoFACDBBQAA-gUAIMIFAACzBgAgwwUAALMGACDEBQQA9gUAIcUFBAD2BQAhxgUBAN0FACHHBQEA3QUAIcgFBAD2BQAhyQUBAN0FACHKBSAA3gUAIcsFAQDdBQAhzAUEAPYFACHNBSAA3gUAIc4FIADeBQAhzwUBAN0FACHQBQEA3QUAIdEFAAD6BQAg0gVAAOYFACHTBQEA3QUAIdQFAQDdBQAh1QUBAN0FACHWBQEA3QUAIdcFAQDdBQAh2AVAAOYFACHZBUAA5gUAIdoFAQDdBQAh2wUAAPoFACDcBQAA-gUAIN0FAAD6BQAg3gUBAN0FACHfBUAA5gUAIeAFIADeBQAh4QUBAN0FACHiBQEA3QUAIeMFIADeBQAh5AUBAN0FACHlBQEA3QUAIeYFBAD2BQAh5wUBAN0FACHoBQEA3QUAIekFAQDdBQAh6gUBAN0FACHrBQEA3QUAIewFBAD2BQAh7QUBAN0FACHuBQEA3QUAIe8FAQDdBQAh8AUBAN0FACHxBQEA3QUAIfIFAQDdBQAh8wUBAN0FACH0BQEA3QUAIfUFAQDdBQAh9gUBAN0FACH3BQEA3QUAIfgFAQDdBQAh-QUgAN4FACH6BQEA3QUAIfsFAQDdBQAh_AUBAN0FACH9BSAA3gUAIf4FIADeBQAh_wUAALgGACABAAAAMwAgAQAAADMAIGfOAwAAtwYAMM8DAAA2ABDQAwAAtwYAMPgDAQDMBQAhvgQBAMwFACGGBQEAzAUAIZ4FAgD3BQAhnwUBAN0FACGgBQEA3QUAIaEFAQDdBQAhogUBAN0FACGjBQEA3QUAIaQFAQDdBQAhpQUBAN0FACGmBQEA3QUAIacFAQDdBQAhqAUBAN0FACGpBQEA3QUAIaoFAQDdBQAhqwUBAN0FACGsBQEA3QUAIa0FIADeBQAhrgUBAN0FACGvBQEA3QUAIbAFAQDdBQAhsQUBAN0FACGyBQEA3QUAIbMFAQDdBQAhtAUBAN0FACG1BQEA3QUAIbYFAQDdBQAhtwUBAN0FACG4BQEA3QUAIbkFAQDdBQAhugUBAN0FACG7BSAA3gUAIbwFAQDdBQAhvQUBAN0FACG-BQEA3QUAIb8FAAD6BQAgwAUAAPoFACDBBQAA-gUAIMIFAACzBgAgwwUAALMGACDEBQQA9gUAIcUFBAD2BQAhxgUBAN0FACHHBQEA3QUAIcgFBAD2BQAhyQUBAN0FACHKBSAA3gUAIcsFAQDdBQAhzAUEAPYFACHNBSAA3gUAIc4FIADeBQAhzwUBAN0FACHQBQEA3QUAIdEFAAD6BQAg0gVAAOYFACHTBQEA3QUAIdQFAQDdBQAh1QUBAN0FACHWBQEA3QUAIdcFAQDdBQAh2AVAAOYFACHZBUAA5gUAIdoFAQDdBQAh2wUAAPoFACDcBQAA-gUAIN0FAAD6BQAg3gUBAN0FACHfBUAA5gUAIeAFIADeBQAh4QUBAN0FACHiBQEA3QUAIeMFIADeBQAh5AUBAN0FACHlBQEA3QUAIeYFBAD2BQAh5wUBAN0FACHoBQEA3QUAIekFAQDdBQAh6gUBAN0FACHrBQEA3QUAIewFBAD2BQAh7QUBAN0FACHuBQEA3QUAIe8FAQDdBQAh8AUBAN0FACHxBQEA3QUAIfIFAQDdBQAh8wUBAN0FACH0BQEA3QUAIfUFAQDdBQAh9gUBAN0FACH3BQEA3QUAIfgFAQDdBQAh-QUgAN4FACH6BQEA3QUAIfsFAQDdBQAh_AUBAN0FACH9BSAA3gUAIf4FIADeBQAhV58FAADJBgAgoAUAAMkGACChBQAAyQYAIKIFAADJBgAgowUAAMkGACCkBQAAyQYAIKUFAADJBgAgpgUAAMkGACCnBQAAyQYAIKgFAADJBgAgqQUAAMkGACCqBQAAyQYAIKsFAADJBgAgrAUAAMkGACCtBQAAyQYAIK4FAADJBgAgrwUAAMkGACCwBQAAyQYAILEFAADJBgAgsgUAAMkGACCzBQAAyQYAILQFAADJBgAgtQUAAMkGACC2BQAAyQYAILcFAADJBgAguAUAAMkGACC5BQAAyQYAILoFAADJBgAguwUAAMkGACC8BQAAyQYAIL0FAADJBgAgvgUAAMkGACDEBQAAyQYAIMUFAADJBgAgxgUAAMkGACDHBQAAyQYAIMgFAADJBgAgyQUAAMkGACDKBQAAyQYAIMsFAADJBgAgzAUAAMkGACDNBQAAyQYAIM4FAADJBgAgzwUAAMkGACDQBQAAyQYAINIFAADJBgAg0wUAAMkGACDUBQAAyQYAINUFAADJBgAg1gUAAMkGACDXBQAAyQYAINgFAADJBgAg2QUAAMkGACDaBQAAyQYAIN4FAADJBgAg3wUAAMkGACDgBQAAyQYAIOEFAADJBgAg4gUAAMkGACDjBQAAyQYAIOQFAADJBgAg5QUAAMkGACDmBQAAyQYAIOcFAADJBgAg6AUAAMkGACDpBQAAyQYAIOoFAADJBgAg6wUAAMkGACDsBQAAyQYAIO0FAADJBgAg7gUAAMkGACDvBQAAyQYAIPAFAADJBgAg8QUAAMkGACDyBQAAyQYAIPMFAADJBgAg9AUAAMkGACD1BQAAyQYAIPYFAADJBgAg9wUAAMkGACD4BQAAyQYAIPkFAADJBgAg-gUAAMkGACD7BQAAyQYAIPwFAADJBgAg_QUAAMkGACD-BQAAyQYAIAMAAAA2ACADAAA3ADAEAAAzACADAAAANgAgAwAANwAwBAAAMwAgAwAAADYAIAMAADcAMAQAADMAIGT4AwEAAAABvgQBAAAAAYYFAQAAAAGeBQIAAAABnwUBAAAAAaAFAQAAAAGhBQEAAAABogUBAAAAAaMFAQAAAAGkBQEAAAABpQUBAAAAAaYFAQAAAAGnBQEAAAABqAUBAAAAAakFAQAAAAGqBQEAAAABqwUBAAAAAawFAQAAAAGtBSAAAAABrgUBAAAAAa8FAQAAAAGwBQEAAAABsQUBAAAAAbIFAQAAAAGzBQEAAAABtAUBAAAAAbUFAQAAAAG2BQEAAAABtwUBAAAAAbgFAQAAAAG5BQEAAAABugUBAAAAAbsFIAAAAAG8BQEAAAABvQUBAAAAAb4FAQAAAAG_BQAA6gcAIMAFAADrBwAgwQUAAOwHACDCBQAA7QcAIMMFAADuBwAgxAUEAAAAAcUFBAAAAAHGBQEAAAABxwUBAAAAAcgFBAAAAAHJBQEAAAABygUgAAAAAcsFAQAAAAHMBQQAAAABzQUgAAAAAc4FIAAAAAHPBQEAAAAB0AUBAAAAAdEFAADvBwAg0gVAAAAAAdMFAQAAAAHUBQEAAAAB1QUBAAAAAdYFAQAAAAHXBQEAAAAB2AVAAAAAAdkFQAAAAAHaBQEAAAAB2wUAAPAHACDcBQAA8QcAIN0FAADyBwAg3gUBAAAAAd8FQAAAAAHgBSAAAAAB4QUBAAAAAeIFAQAAAAHjBSAAAAAB5AUBAAAAAeUFAQAAAAHmBQQAAAAB5wUBAAAAAegFAQAAAAHpBQEAAAAB6gUBAAAAAesFAQAAAAHsBQQAAAAB7QUBAAAAAe4FAQAAAAHvBQEAAAAB8AUBAAAAAfEFAQAAAAHyBQEAAAAB8wUBAAAAAfQFAQAAAAH1BQEAAAAB9gUBAAAAAfcFAQAAAAH4BQEAAAAB-QUgAAAAAfoFAQAAAAH7BQEAAAAB_AUBAAAAAf0FIAAAAAH-BSAAAAABAQgAADsAIGT4AwEAAAABvgQBAAAAAYYFAQAAAAGeBQIAAAABnwUBAAAAAaAFAQAAAAGhBQEAAAABogUBAAAAAaMFAQAAAAGkBQEAAAABpQUBAAAAAaYFAQAAAAGnBQEAAAABqAUBAAAAAakFAQAAAAGqBQEAAAABqwUBAAAAAawFAQAAAAGtBSAAAAABrgUBAAAAAa8FAQAAAAGwBQEAAAABsQUBAAAAAbIFAQAAAAGzBQEAAAABtAUBAAAAAbUFAQAAAAG2BQEAAAABtwUBAAAAAbgFAQAAAAG5BQEAAAABugUBAAAAAbsFIAAAAAG8BQEAAAABvQUBAAAAAb4FAQAAAAG_BQAA6gcAIMAFAADrBwAgwQUAAOwHACDCBQAA7QcAIMMFAADuBwAgxAUEAAAAAcUFBAAAAAHGBQEAAAABxwUBAAAAAcgFBAAAAAHJBQEAAAABygUgAAAAAcsFAQAAAAHMBQQAAAABzQUgAAAAAc4FIAAAAAHPBQEAAAAB0AUBAAAAAdEFAADvBwAg0gVAAAAAAdMFAQAAAAHUBQEAAAAB1QUBAAAAAdYFAQAAAAHXBQEAAAAB2AVAAAAAAdkFQAAAAAHaBQEAAAAB2wUAAPAHACDcBQAA8QcAIN0FAADyBwAg3gUBAAAAAd8FQAAAAAHgBSAAAAAB4QUBAAAAAeIFAQAAAAHjBSAAAAAB5AUBAAAAAeUFAQAAAAHmBQQAAAAB5wUBAAAAAegFAQAAAAHpBQEAAAAB6gUBAAAAAesFAQAAAAHsBQQAAAAB7QUBAAAAAe4FAQAAAAHvBQEAAAAB8AUBAAAAAfEFAQAAAAHyBQEAAAAB8wUBAAAAAfQFAQAAAAH1BQEAAAAB9gUBAAAAAfcFAQAAAAH4BQEAAAAB-QUgAAAAAfoFAQAAAAH7BQEAAAAB_AUBAAAAAf0FIAAAAAH-BSAAAAABAQgAAD0AMAEIAAA9ADBk-AMBAMYGACG-BAEAxgYAIYYFAQDGBgAhngUCAN0GACGfBQEAzQYAIaAFAQDNBgAhoQUBAM0GACGiBQEAzQYAIaMFAQDNBgAhpAUBAM0GACGlBQEAzQYAIaYFAQDNBgAhpwUBAM0GACGoBQEAzQYAIakFAQDNBgAhqgUBAM0GACGrBQEAzQYAIawFAQDNBgAhrQUgAM4GACGuBQEAzQYAIa8FAQDNBgAhsAUBAM0GACGxBQEAzQYAIbIFAQDNBgAhswUBAM0GACG0BQEAzQYAIbUFAQDNBgAhtgUBAM0GACG3BQEAzQYAIbgFAQDNBgAhuQUBAM0GACG6BQEAzQYAIbsFIADOBgAhvAUBAM0GACG9BQEAzQYAIb4FAQDNBgAhvwUAAOEHACDABQAA4gcAIMEFAADjBwAgwgUAAOQHACDDBQAA5QcAIMQFBADcBgAhxQUEANwGACHGBQEAzQYAIccFAQDNBgAhyAUEANwGACHJBQEAzQYAIcoFIADOBgAhywUBAM0GACHMBQQA3AYAIc0FIADOBgAhzgUgAM4GACHPBQEAzQYAIdAFAQDNBgAh0QUAAOYHACDSBUAA0wYAIdMFAQDNBgAh1AUBAM0GACHVBQEAzQYAIdYFAQDNBgAh1wUBAM0GACHYBUAA0wYAIdkFQADTBgAh2gUBAM0GACHbBQAA5wcAINwFAADoBwAg3QUAAOkHACDeBQEAzQYAId8FQADTBgAh4AUgAM4GACHhBQEAzQYAIeIFAQDNBgAh4wUgAM4GACHkBQEAzQYAIeUFAQDNBgAh5gUEANwGACHnBQEAzQYAIegFAQDNBgAh6QUBAM0GACHqBQEAzQYAIesFAQDNBgAh7AUEANwGACHtBQEAzQYAIe4FAQDNBgAh7wUBAM0GACHwBQEAzQYAIfEFAQDNBgAh8gUBAM0GACHzBQEAzQYAIfQFAQDNBgAh9QUBAM0GACH2BQEAzQYAIfcFAQDNBgAh-AUBAM0GACH5BSAAzgYAIfoFAQDNBgAh-wUBAM0GACH8BQEAzQYAIf0FIADOBgAh_gUgAM4GACECAAAAMwAgCAAAQAAgZPgDAQDGBgAhvgQBAMYGACGGBQEAxgYAIZ4FAgDdBgAhnwUBAM0GACGgBQEAzQYAIaEFAQDNBgAhogUBAM0GACGjBQEAzQYAIaQFAQDNBgAhpQUBAM0GACGmBQEAzQYAIacFAQDNBgAhqAUBAM0GACGpBQEAzQYAIaoFAQDNBgAhqwUBAM0GACGsBQEAzQYAIa0FIADOBgAhrgUBAM0GACGvBQEAzQYAIbAFAQDNBgAhsQUBAM0GACGyBQEAzQYAIbMFAQDNBgAhtAUBAM0GACG1BQEAzQYAIbYFAQDNBgAhtwUBAM0GACG4BQEAzQYAIbkFAQDNBgAhugUBAM0GACG7BSAAzgYAIbwFAQDNBgAhvQUBAM0GACG-BQEAzQYAIb8FAADhBwAgwAUAAOIHACDBBQAA4wcAIMIFAADkBwAgwwUAAOUHACDEBQQA3AYAIcUFBADcBgAhxgUBAM0GACHHBQEAzQYAIcgFBADcBgAhyQUBAM0GACHKBSAAzgYAIcsFAQDNBgAhzAUEANwGACHNBSAAzgYAIc4FIADOBgAhzwUBAM0GACHQBQEAzQYAIdEFAADmBwAg0gVAANMGACHTBQEAzQYAIdQFAQDNBgAh1QUBAM0GACHWBQEAzQYAIdcFAQDNBgAh2AVAANMGACHZBUAA0wYAIdoFAQDNBgAh2wUAAOcHACDcBQAA6AcAIN0FAADpBwAg3gUBAM0GACHfBUAA0wYAIeAFIADOBgAh4QUBAM0GACHiBQEAzQYAIeMFIADOBgAh5AUBAM0GACHlBQEAzQYAIeYFBADcBgAh5wUBAM0GACHoBQEAzQYAIekFAQDNBgAh6gUBAM0GACHrBQEAzQYAIewFBADcBgAh7QUBAM0GACHuBQEAzQYAIe8FAQDNBgAh8AUBAM0GACHxBQEAzQYAIfIFAQDNBgAh8wUBAM0GACH0BQEAzQYAIfUFAQDNBgAh9gUBAM0GACH3BQEAzQYAIfgFAQDNBgAh-QUgAM4GACH6BQEAzQYAIfsFAQDNBgAh_AUBAM0GACH9BSAAzgYAIf4FIADOBgAhAgAAADYAIAgAAEIAIAIAAAA2ACAIAABCACADAAAAMwAgDwAAOwAgEAAAQAAgAQAAADMAIAEAAAA2ACBcFQAA3AcAIBYAAN0HACAXAADgBwAgGAAA3wcAIBkAAN4HACCfBQAAyQYAIKAFAADJBgAgoQUAAMkGACCiBQAAyQYAIKMFAADJBgAgpAUAAMkGACClBQAAyQYAIKYFAADJBgAgpwUAAMkGACCoBQAAyQYAIKkFAADJBgAgqgUAAMkGACCrBQAAyQYAIKwFAADJBgAgrQUAAMkGACCuBQAAyQYAIK8FAADJBgAgsAUAAMkGACCxBQAAyQYAILIFAADJBgAgswUAAMkGACC0BQAAyQYAILUFAADJBgAgtgUAAMkGACC3BQAAyQYAILgFAADJBgAguQUAAMkGACC6BQAAyQYAILsFAADJBgAgvAUAAMkGACC9BQAAyQYAIL4FAADJBgAgxAUAAMkGACDFBQAAyQYAIMYFAADJBgAgxwUAAMkGACDIBQAAyQYAIMkFAADJBgAgygUAAMkGACDLBQAAyQYAIMwFAADJBgAgzQUAAMkGACDOBQAAyQYAIM8FAADJBgAg0AUAAMkGACDSBQAAyQYAINMFAADJBgAg1AUAAMkGACDVBQAAyQYAINYFAADJBgAg1wUAAMkGACDYBQAAyQYAINkFAADJBgAg2gUAAMkGACDeBQAAyQYAIN8FAADJBgAg4AUAAMkGACDhBQAAyQYAIOIFAADJBgAg4wUAAMkGACDkBQAAyQYAIOUFAADJBgAg5gUAAMkGACDnBQAAyQYAIOgFAADJBgAg6QUAAMkGACDqBQAAyQYAIOsFAADJBgAg7AUAAMkGACDtBQAAyQYAIO4FAADJBgAg7wUAAMkGACDwBQAAyQYAIPEFAADJBgAg8gUAAMkGACDzBQAAyQYAIPQFAADJBgAg9QUAAMkGACD2BQAAyQYAIPcFAADJBgAg-AUAAMkGACD5BQAAyQYAIPoFAADJBgAg-wUAAMkGACD8BQAAyQYAIP0FAADJBgAg_gUAAMkGACBnzgMAALYGADDPAwAASQAQ0AMAALYGADD4AwEAwAUAIb4EAQDABQAhhgUBAMAFACGeBQIA7gUAIZ8FAQDQBQAhoAUBANAFACGhBQEA0AUAIaIFAQDQBQAhowUBANAFACGkBQEA0AUAIaUFAQDQBQAhpgUBANAFACGnBQEA0AUAIagFAQDQBQAhqQUBANAFACGqBQEA0AUAIasFAQDQBQAhrAUBANAFACGtBSAA0QUAIa4FAQDQBQAhrwUBANAFACGwBQEA0AUAIbEFAQDQBQAhsgUBANAFACGzBQEA0AUAIbQFAQDQBQAhtQUBANAFACG2BQEA0AUAIbcFAQDQBQAhuAUBANAFACG5BQEA0AUAIboFAQDQBQAhuwUgANEFACG8BQEA0AUAIb0FAQDQBQAhvgUBANAFACG_BQAA-gUAIMAFAAD6BQAgwQUAAPoFACDCBQAAswYAIMMFAACzBgAgxAUEAO0FACHFBQQA7QUAIcYFAQDQBQAhxwUBANAFACHIBQQA7QUAIckFAQDQBQAhygUgANEFACHLBQEA0AUAIcwFBADtBQAhzQUgANEFACHOBSAA0QUAIc8FAQDQBQAh0AUBANAFACHRBQAA-gUAINIFQADiBQAh0wUBANAFACHUBQEA0AUAIdUFAQDQBQAh1gUBANAFACHXBQEA0AUAIdgFQADiBQAh2QVAAOIFACHaBQEA0AUAIdsFAAD6BQAg3AUAAPoFACDdBQAA-gUAIN4FAQDQBQAh3wVAAOIFACHgBSAA0QUAIeEFAQDQBQAh4gUBANAFACHjBSAA0QUAIeQFAQDQBQAh5QUBANAFACHmBQQA7QUAIecFAQDQBQAh6AUBANAFACHpBQEA0AUAIeoFAQDQBQAh6wUBANAFACHsBQQA7QUAIe0FAQDQBQAh7gUBANAFACHvBQEA0AUAIfAFAQDQBQAh8QUBANAFACHyBQEA0AUAIfMFAQDQBQAh9AUBANAFACH1BQEA0AUAIfYFAQDQBQAh9wUBANAFACH4BQEA0AUAIfkFIADRBQAh-gUBANAFACH7BQEA0AUAIfwFAQDQBQAh_QUgANEFACH-BSAA0QUAIQMAAAA2ACADAABIADAUAABJACADAAAANgAgAwAANwAwBAAAMwAgH84DAAC0BgAwzwMAAE8AENADAAC0BgAw-AMBAMwFACG3BAEA3QUAIb4EAQDMBQAhvwQCAPcFACGGBQEAzAUAIYcFQADNBQAhiAVAAOYFACGJBQEA3QUAIYoFAQDdBQAhiwUBAN0FACGMBQEA3QUAIY0FAQDdBQAhjgUBAN0FACGPBSAA3gUAIZAFAQDdBQAhkQUBAN0FACGSBSAA3gUAIZMFIADeBQAhlAUBAN0FACGVBQEA3QUAIZYFAQDdBQAhlwUBAN0FACGYBQAA-gUAIJkFAAD6BQAgmgUAAPoFACCbBQAAswYAIJwFAACzBgAgnQUAALUGACABAAAATAAgAQAAAEwAIB7OAwAAtAYAMM8DAABPABDQAwAAtAYAMPgDAQDMBQAhtwQBAN0FACG-BAEAzAUAIb8EAgD3BQAhhgUBAMwFACGHBUAAzQUAIYgFQADmBQAhiQUBAN0FACGKBQEA3QUAIYsFAQDdBQAhjAUBAN0FACGNBQEA3QUAIY4FAQDdBQAhjwUgAN4FACGQBQEA3QUAIZEFAQDdBQAhkgUgAN4FACGTBSAA3gUAIZQFAQDdBQAhlQUBAN0FACGWBQEA3QUAIZcFAQDdBQAhmAUAAPoFACCZBQAA-gUAIJoFAAD6BQAgmwUAALMGACCcBQAAswYAIBG3BAAAyQYAIIgFAADJBgAgiQUAAMkGACCKBQAAyQYAIIsFAADJBgAgjAUAAMkGACCNBQAAyQYAII4FAADJBgAgjwUAAMkGACCQBQAAyQYAIJEFAADJBgAgkgUAAMkGACCTBQAAyQYAIJQFAADJBgAglQUAAMkGACCWBQAAyQYAIJcFAADJBgAgAwAAAE8AIAMAAFAAMAQAAEwAIAMAAABPACADAABQADAEAABMACADAAAATwAgAwAAUAAwBAAATAAgG_gDAQAAAAG3BAEAAAABvgQBAAAAAb8EAgAAAAGGBQEAAAABhwVAAAAAAYgFQAAAAAGJBQEAAAABigUBAAAAAYsFAQAAAAGMBQEAAAABjQUBAAAAAY4FAQAAAAGPBSAAAAABkAUBAAAAAZEFAQAAAAGSBSAAAAABkwUgAAAAAZQFAQAAAAGVBQEAAAABlgUBAAAAAZcFAQAAAAGYBQAA1wcAIJkFAADYBwAgmgUAANkHACCbBQAA2gcAIJwFAADbBwAgAQgAAFQAIBv4AwEAAAABtwQBAAAAAb4EAQAAAAG_BAIAAAABhgUBAAAAAYcFQAAAAAGIBUAAAAABiQUBAAAAAYoFAQAAAAGLBQEAAAABjAUBAAAAAY0FAQAAAAGOBQEAAAABjwUgAAAAAZAFAQAAAAGRBQEAAAABkgUgAAAAAZMFIAAAAAGUBQEAAAABlQUBAAAAAZYFAQAAAAGXBQEAAAABmAUAANcHACCZBQAA2AcAIJoFAADZBwAgmwUAANoHACCcBQAA2wcAIAEIAABWADABCAAAVgAwG_gDAQDGBgAhtwQBAM0GACG-BAEAxgYAIb8EAgDdBgAhhgUBAMYGACGHBUAAxwYAIYgFQADTBgAhiQUBAM0GACGKBQEAzQYAIYsFAQDNBgAhjAUBAM0GACGNBQEAzQYAIY4FAQDNBgAhjwUgAM4GACGQBQEAzQYAIZEFAQDNBgAhkgUgAM4GACGTBSAAzgYAIZQFAQDNBgAhlQUBAM0GACGWBQEAzQYAIZcFAQDNBgAhmAUAANIHACCZBQAA0wcAIJoFAADUBwAgmwUAANUHACCcBQAA1gcAIAIAAABMACAIAABZACAb-AMBAMYGACG3BAEAzQYAIb4EAQDGBgAhvwQCAN0GACGGBQEAxgYAIYcFQADHBgAhiAVAANMGACGJBQEAzQYAIYoFAQDNBgAhiwUBAM0GACGMBQEAzQYAIY0FAQDNBgAhjgUBAM0GACGPBSAAzgYAIZAFAQDNBgAhkQUBAM0GACGSBSAAzgYAIZMFIADOBgAhlAUBAM0GACGVBQEAzQYAIZYFAQDNBgAhlwUBAM0GACGYBQAA0gcAIJkFAADTBwAgmgUAANQHACCbBQAA1QcAIJwFAADWBwAgAgAAAE8AIAgAAFsAIAIAAABPACAIAABbACADAAAATAAgDwAAVAAgEAAAWQAgAQAAAEwAIAEAAABPACAWFQAAzQcAIBYAAM4HACAXAADRBwAgGAAA0AcAIBkAAM8HACC3BAAAyQYAIIgFAADJBgAgiQUAAMkGACCKBQAAyQYAIIsFAADJBgAgjAUAAMkGACCNBQAAyQYAII4FAADJBgAgjwUAAMkGACCQBQAAyQYAIJEFAADJBgAgkgUAAMkGACCTBQAAyQYAIJQFAADJBgAglQUAAMkGACCWBQAAyQYAIJcFAADJBgAgHs4DAACyBgAwzwMAAGIAENADAACyBgAw-AMBAMAFACG3BAEA0AUAIb4EAQDABQAhvwQCAO4FACGGBQEAwAUAIYcFQADBBQAhiAVAAOIFACGJBQEA0AUAIYoFAQDQBQAhiwUBANAFACGMBQEA0AUAIY0FAQDQBQAhjgUBANAFACGPBSAA0QUAIZAFAQDQBQAhkQUBANAFACGSBSAA0QUAIZMFIADRBQAhlAUBANAFACGVBQEA0AUAIZYFAQDQBQAhlwUBANAFACGYBQAA-gUAIJkFAAD6BQAgmgUAAPoFACCbBQAAswYAIJwFAACzBgAgAwAAAE8AIAMAAGEAMBQAAGIAIAMAAABPACADAABQADAEAABMACAKzgMAALAGADDPAwAAaAAQ0AMAALAGADD4AwEAzAUAIbEEAQDMBQAhvgQBAMwFACHDBAQAzgUAIYMFAgD3BQAhhAVAAOYFACGFBQAAsQYAIAEAAABlACABAAAAZQAgCc4DAACwBgAwzwMAAGgAENADAACwBgAw-AMBAMwFACGxBAEAzAUAIb4EAQDMBQAhwwQEAM4FACGDBQIA9wUAIYQFQADmBQAhAYQFAADJBgAgAwAAAGgAIAMAAGkAMAQAAGUAIAMAAABoACADAABpADAEAABlACADAAAAaAAgAwAAaQAwBAAAZQAgBvgDAQAAAAGxBAEAAAABvgQBAAAAAcMEBAAAAAGDBQIAAAABhAVAAAAAAQEIAABtACAG-AMBAAAAAbEEAQAAAAG-BAEAAAABwwQEAAAAAYMFAgAAAAGEBUAAAAABAQgAAG8AMAEIAABvADAG-AMBAMYGACGxBAEAxgYAIb4EAQDGBgAhwwQEAMgGACGDBQIA3QYAIYQFQADTBgAhAgAAAGUAIAgAAHIAIAb4AwEAxgYAIbEEAQDGBgAhvgQBAMYGACHDBAQAyAYAIYMFAgDdBgAhhAVAANMGACECAAAAaAAgCAAAdAAgAgAAAGgAIAgAAHQAIAMAAABlACAPAABtACAQAAByACABAAAAZQAgAQAAAGgAIAYVAADIBwAgFgAAyQcAIBcAAMwHACAYAADLBwAgGQAAygcAIIQFAADJBgAgCc4DAACvBgAwzwMAAHsAENADAACvBgAw-AMBAMAFACGxBAEAwAUAIb4EAQDABQAhwwQEAMIFACGDBQIA7gUAIYQFQADiBQAhAwAAAGgAIAMAAHoAMBQAAHsAIAMAAABoACADAABpADAEAABlACAYzgMAAK0GADDPAwAAgQEAENADAACtBgAw7gMBAN0FACH4AwEAzAUAIbcEAQDdBQAh0QRAAOYFACHxBAgAmAYAIfMEAgD3BQAh9AQBAN0FACH1BAEA3QUAIfYEAQDdBQAh9wQBAN0FACH4BAEA3QUAIfkEAQDdBQAh-gQBAN0FACH7BCAA3gUAIfwEAQDdBQAh_QQgAN4FACH-BCAA3gUAIf8EIADeBQAhgAUgAN4FACGBBQgAmAYAIYIFAACuBgAgAQAAAH4AIAEAAAB-ACAXzgMAAK0GADDPAwAAgQEAENADAACtBgAw7gMBAN0FACH4AwEAzAUAIbcEAQDdBQAh0QRAAOYFACHxBAgAmAYAIfMEAgD3BQAh9AQBAN0FACH1BAEA3QUAIfYEAQDdBQAh9wQBAN0FACH4BAEA3QUAIfkEAQDdBQAh-gQBAN0FACH7BCAA3gUAIfwEAQDdBQAh_QQgAN4FACH-BCAA3gUAIf8EIADeBQAhgAUgAN4FACGBBQgAmAYAIRLuAwAAyQYAILcEAADJBgAg0QQAAMkGACDxBAAAyQYAIPQEAADJBgAg9QQAAMkGACD2BAAAyQYAIPcEAADJBgAg-AQAAMkGACD5BAAAyQYAIPoEAADJBgAg-wQAAMkGACD8BAAAyQYAIP0EAADJBgAg_gQAAMkGACD_BAAAyQYAIIAFAADJBgAggQUAAMkGACADAAAAgQEAIAMAAIIBADAEAAB-ACADAAAAgQEAIAMAAIIBADAEAAB-ACADAAAAgQEAIAMAAIIBADAEAAB-ACAU7gMBAAAAAfgDAQAAAAG3BAEAAAAB0QRAAAAAAfEECAAAAAHzBAIAAAAB9AQBAAAAAfUEAQAAAAH2BAEAAAAB9wQBAAAAAfgEAQAAAAH5BAEAAAAB-gQBAAAAAfsEIAAAAAH8BAEAAAAB_QQgAAAAAf4EIAAAAAH_BCAAAAABgAUgAAAAAYEFCAAAAAEBCAAAhgEAIBTuAwEAAAAB-AMBAAAAAbcEAQAAAAHRBEAAAAAB8QQIAAAAAfMEAgAAAAH0BAEAAAAB9QQBAAAAAfYEAQAAAAH3BAEAAAAB-AQBAAAAAfkEAQAAAAH6BAEAAAAB-wQgAAAAAfwEAQAAAAH9BCAAAAAB_gQgAAAAAf8EIAAAAAGABSAAAAABgQUIAAAAAQEIAACIAQAwAQgAAIgBADAU7gMBAM0GACH4AwEAxgYAIbcEAQDNBgAh0QRAANMGACHxBAgAogcAIfMEAgDdBgAh9AQBAM0GACH1BAEAzQYAIfYEAQDNBgAh9wQBAM0GACH4BAEAzQYAIfkEAQDNBgAh-gQBAM0GACH7BCAAzgYAIfwEAQDNBgAh_QQgAM4GACH-BCAAzgYAIf8EIADOBgAhgAUgAM4GACGBBQgAogcAIQIAAAB-ACAIAACLAQAgFO4DAQDNBgAh-AMBAMYGACG3BAEAzQYAIdEEQADTBgAh8QQIAKIHACHzBAIA3QYAIfQEAQDNBgAh9QQBAM0GACH2BAEAzQYAIfcEAQDNBgAh-AQBAM0GACH5BAEAzQYAIfoEAQDNBgAh-wQgAM4GACH8BAEAzQYAIf0EIADOBgAh_gQgAM4GACH_BCAAzgYAIYAFIADOBgAhgQUIAKIHACECAAAAgQEAIAgAAI0BACACAAAAgQEAIAgAAI0BACADAAAAfgAgDwAAhgEAIBAAAIsBACABAAAAfgAgAQAAAIEBACAXFQAAwwcAIBYAAMQHACAXAADHBwAgGAAAxgcAIBkAAMUHACDuAwAAyQYAILcEAADJBgAg0QQAAMkGACDxBAAAyQYAIPQEAADJBgAg9QQAAMkGACD2BAAAyQYAIPcEAADJBgAg-AQAAMkGACD5BAAAyQYAIPoEAADJBgAg-wQAAMkGACD8BAAAyQYAIP0EAADJBgAg_gQAAMkGACD_BAAAyQYAIIAFAADJBgAggQUAAMkGACAXzgMAAKwGADDPAwAAlAEAENADAACsBgAw7gMBANAFACH4AwEAwAUAIbcEAQDQBQAh0QRAAOIFACHxBAgAlQYAIfMEAgDuBQAh9AQBANAFACH1BAEA0AUAIfYEAQDQBQAh9wQBANAFACH4BAEA0AUAIfkEAQDQBQAh-gQBANAFACH7BCAA0QUAIfwEAQDQBQAh_QQgANEFACH-BCAA0QUAIf8EIADRBQAhgAUgANEFACGBBQgAlQYAIQMAAACBAQAgAwAAkwEAMBQAAJQBACADAAAAgQEAIAMAAIIBADAEAAB-ACATzgMAAKoGADDPAwAAmgEAENADAACqBgAw7gMBAN0FACH4AwEAzAUAIbcEAQDdBQAh0QRAAOYFACHnBAIA9wUAIegEAQDdBQAh6QQBAN0FACHqBAEA3QUAIesEAQDdBQAh7AQBAN0FACHtBAEA3QUAIe4EIADeBQAh7wRAAOYFACHwBAgAmAYAIfEECACYBgAh8gQAAKsGACABAAAAlwEAIAEAAACXAQAgEs4DAACqBgAwzwMAAJoBABDQAwAAqgYAMO4DAQDdBQAh-AMBAMwFACG3BAEA3QUAIdEEQADmBQAh5wQCAPcFACHoBAEA3QUAIekEAQDdBQAh6gQBAN0FACHrBAEA3QUAIewEAQDdBQAh7QQBAN0FACHuBCAA3gUAIe8EQADmBQAh8AQIAJgGACHxBAgAmAYAIQ3uAwAAyQYAILcEAADJBgAg0QQAAMkGACDoBAAAyQYAIOkEAADJBgAg6gQAAMkGACDrBAAAyQYAIOwEAADJBgAg7QQAAMkGACDuBAAAyQYAIO8EAADJBgAg8AQAAMkGACDxBAAAyQYAIAMAAACaAQAgAwAAmwEAMAQAAJcBACADAAAAmgEAIAMAAJsBADAEAACXAQAgAwAAAJoBACADAACbAQAwBAAAlwEAIA_uAwEAAAAB-AMBAAAAAbcEAQAAAAHRBEAAAAAB5wQCAAAAAegEAQAAAAHpBAEAAAAB6gQBAAAAAesEAQAAAAHsBAEAAAAB7QQBAAAAAe4EIAAAAAHvBEAAAAAB8AQIAAAAAfEECAAAAAEBCAAAnwEAIA_uAwEAAAAB-AMBAAAAAbcEAQAAAAHRBEAAAAAB5wQCAAAAAegEAQAAAAHpBAEAAAAB6gQBAAAAAesEAQAAAAHsBAEAAAAB7QQBAAAAAe4EIAAAAAHvBEAAAAAB8AQIAAAAAfEECAAAAAEBCAAAoQEAMAEIAAChAQAwD-4DAQDNBgAh-AMBAMYGACG3BAEAzQYAIdEEQADTBgAh5wQCAN0GACHoBAEAzQYAIekEAQDNBgAh6gQBAM0GACHrBAEAzQYAIewEAQDNBgAh7QQBAM0GACHuBCAAzgYAIe8EQADTBgAh8AQIAKIHACHxBAgAogcAIQIAAACXAQAgCAAApAEAIA_uAwEAzQYAIfgDAQDGBgAhtwQBAM0GACHRBEAA0wYAIecEAgDdBgAh6AQBAM0GACHpBAEAzQYAIeoEAQDNBgAh6wQBAM0GACHsBAEAzQYAIe0EAQDNBgAh7gQgAM4GACHvBEAA0wYAIfAECACiBwAh8QQIAKIHACECAAAAmgEAIAgAAKYBACACAAAAmgEAIAgAAKYBACADAAAAlwEAIA8AAJ8BACAQAACkAQAgAQAAAJcBACABAAAAmgEAIBIVAAC-BwAgFgAAvwcAIBcAAMIHACAYAADBBwAgGQAAwAcAIO4DAADJBgAgtwQAAMkGACDRBAAAyQYAIOgEAADJBgAg6QQAAMkGACDqBAAAyQYAIOsEAADJBgAg7AQAAMkGACDtBAAAyQYAIO4EAADJBgAg7wQAAMkGACDwBAAAyQYAIPEEAADJBgAgEs4DAACpBgAwzwMAAK0BABDQAwAAqQYAMO4DAQDQBQAh-AMBAMAFACG3BAEA0AUAIdEEQADiBQAh5wQCAO4FACHoBAEA0AUAIekEAQDQBQAh6gQBANAFACHrBAEA0AUAIewEAQDQBQAh7QQBANAFACHuBCAA0QUAIe8EQADiBQAh8AQIAJUGACHxBAgAlQYAIQMAAACaAQAgAwAArAEAMBQAAK0BACADAAAAmgEAIAMAAJsBADAEAACXAQAgCs4DAACnBgAwzwMAALMBABDQAwAApwYAMO4DAQDdBQAh-AMBAMwFACG3BAEA3QUAIdEEQADmBQAh5AQCAPcFACHlBAQA9gUAIeYEAACoBgAgAQAAALABACABAAAAsAEAIAnOAwAApwYAMM8DAACzAQAQ0AMAAKcGADDuAwEA3QUAIfgDAQDMBQAhtwQBAN0FACHRBEAA5gUAIeQEAgD3BQAh5QQEAPYFACEE7gMAAMkGACC3BAAAyQYAINEEAADJBgAg5QQAAMkGACADAAAAswEAIAMAALQBADAEAACwAQAgAwAAALMBACADAAC0AQAwBAAAsAEAIAMAAACzAQAgAwAAtAEAMAQAALABACAG7gMBAAAAAfgDAQAAAAG3BAEAAAAB0QRAAAAAAeQEAgAAAAHlBAQAAAABAQgAALgBACAG7gMBAAAAAfgDAQAAAAG3BAEAAAAB0QRAAAAAAeQEAgAAAAHlBAQAAAABAQgAALoBADABCAAAugEAMAbuAwEAzQYAIfgDAQDGBgAhtwQBAM0GACHRBEAA0wYAIeQEAgDdBgAh5QQEANwGACECAAAAsAEAIAgAAL0BACAG7gMBAM0GACH4AwEAxgYAIbcEAQDNBgAh0QRAANMGACHkBAIA3QYAIeUEBADcBgAhAgAAALMBACAIAAC_AQAgAgAAALMBACAIAAC_AQAgAwAAALABACAPAAC4AQAgEAAAvQEAIAEAAACwAQAgAQAAALMBACAJFQAAuQcAIBYAALoHACAXAAC9BwAgGAAAvAcAIBkAALsHACDuAwAAyQYAILcEAADJBgAg0QQAAMkGACDlBAAAyQYAIAnOAwAApgYAMM8DAADGAQAQ0AMAAKYGADDuAwEA0AUAIfgDAQDABQAhtwQBANAFACHRBEAA4gUAIeQEAgDuBQAh5QQEAO0FACEDAAAAswEAIAMAAMUBADAUAADGAQAgAwAAALMBACADAAC0AQAwBAAAsAEAIAzOAwAApAYAMM8DAADMAQAQ0AMAAKQGADD4AwEAzAUAIb4EAQDMBQAh3QQCAPcFACHeBAEA3QUAId8EAQDdBQAh4AQBAN0FACHhBEAA5gUAIeIEQADmBQAh4wQAAKUGACABAAAAyQEAIAEAAADJAQAgC84DAACkBgAwzwMAAMwBABDQAwAApAYAMPgDAQDMBQAhvgQBAMwFACHdBAIA9wUAId4EAQDdBQAh3wQBAN0FACHgBAEA3QUAIeEEQADmBQAh4gRAAOYFACEF3gQAAMkGACDfBAAAyQYAIOAEAADJBgAg4QQAAMkGACDiBAAAyQYAIAMAAADMAQAgAwAAzQEAMAQAAMkBACADAAAAzAEAIAMAAM0BADAEAADJAQAgAwAAAMwBACADAADNAQAwBAAAyQEAIAj4AwEAAAABvgQBAAAAAd0EAgAAAAHeBAEAAAAB3wQBAAAAAeAEAQAAAAHhBEAAAAAB4gRAAAAAAQEIAADRAQAgCPgDAQAAAAG-BAEAAAAB3QQCAAAAAd4EAQAAAAHfBAEAAAAB4AQBAAAAAeEEQAAAAAHiBEAAAAABAQgAANMBADABCAAA0wEAMAj4AwEAxgYAIb4EAQDGBgAh3QQCAN0GACHeBAEAzQYAId8EAQDNBgAh4AQBAM0GACHhBEAA0wYAIeIEQADTBgAhAgAAAMkBACAIAADWAQAgCPgDAQDGBgAhvgQBAMYGACHdBAIA3QYAId4EAQDNBgAh3wQBAM0GACHgBAEAzQYAIeEEQADTBgAh4gRAANMGACECAAAAzAEAIAgAANgBACACAAAAzAEAIAgAANgBACADAAAAyQEAIA8AANEBACAQAADWAQAgAQAAAMkBACABAAAAzAEAIAoVAAC0BwAgFgAAtQcAIBcAALgHACAYAAC3BwAgGQAAtgcAIN4EAADJBgAg3wQAAMkGACDgBAAAyQYAIOEEAADJBgAg4gQAAMkGACALzgMAAKMGADDPAwAA3wEAENADAACjBgAw-AMBAMAFACG-BAEAwAUAId0EAgDuBQAh3gQBANAFACHfBAEA0AUAIeAEAQDQBQAh4QRAAOIFACHiBEAA4gUAIQMAAADMAQAgAwAA3gEAMBQAAN8BACADAAAAzAEAIAMAAM0BADAEAADJAQAgEs4DAAChBgAwzwMAAOUBABDQAwAAoQYAMPgDAQDMBQAhvgQBAMwFACHQBAIA9wUAIdEEQADmBQAh0gQAAPoFACDTBAgAmAYAIdQECACYBgAh1QQEAPYFACHWBAQA9gUAIdcEBAD2BQAh2AQEAPYFACHZBAQA9gUAIdoEBAD2BQAh2wQEAPYFACHcBAAAogYAIAEAAADiAQAgAQAAAOIBACARzgMAAKEGADDPAwAA5QEAENADAAChBgAw-AMBAMwFACG-BAEAzAUAIdAEAgD3BQAh0QRAAOYFACHSBAAA-gUAINMECACYBgAh1AQIAJgGACHVBAQA9gUAIdYEBAD2BQAh1wQEAPYFACHYBAQA9gUAIdkEBAD2BQAh2gQEAPYFACHbBAQA9gUAIQrRBAAAyQYAINMEAADJBgAg1AQAAMkGACDVBAAAyQYAINYEAADJBgAg1wQAAMkGACDYBAAAyQYAINkEAADJBgAg2gQAAMkGACDbBAAAyQYAIAMAAADlAQAgAwAA5gEAMAQAAOIBACADAAAA5QEAIAMAAOYBADAEAADiAQAgAwAAAOUBACADAADmAQAwBAAA4gEAIA74AwEAAAABvgQBAAAAAdAEAgAAAAHRBEAAAAAB0gQAALMHACDTBAgAAAAB1AQIAAAAAdUEBAAAAAHWBAQAAAAB1wQEAAAAAdgEBAAAAAHZBAQAAAAB2gQEAAAAAdsEBAAAAAEBCAAA6gEAIA74AwEAAAABvgQBAAAAAdAEAgAAAAHRBEAAAAAB0gQAALMHACDTBAgAAAAB1AQIAAAAAdUEBAAAAAHWBAQAAAAB1wQEAAAAAdgEBAAAAAHZBAQAAAAB2gQEAAAAAdsEBAAAAAEBCAAA7AEAMAEIAADsAQAwDvgDAQDGBgAhvgQBAMYGACHQBAIA3QYAIdEEQADTBgAh0gQAALIHACDTBAgAogcAIdQECACiBwAh1QQEANwGACHWBAQA3AYAIdcEBADcBgAh2AQEANwGACHZBAQA3AYAIdoEBADcBgAh2wQEANwGACECAAAA4gEAIAgAAO8BACAO-AMBAMYGACG-BAEAxgYAIdAEAgDdBgAh0QRAANMGACHSBAAAsgcAINMECACiBwAh1AQIAKIHACHVBAQA3AYAIdYEBADcBgAh1wQEANwGACHYBAQA3AYAIdkEBADcBgAh2gQEANwGACHbBAQA3AYAIQIAAADlAQAgCAAA8QEAIAIAAADlAQAgCAAA8QEAIAMAAADiAQAgDwAA6gEAIBAAAO8BACABAAAA4gEAIAEAAADlAQAgDxUAAK0HACAWAACuBwAgFwAAsQcAIBgAALAHACAZAACvBwAg0QQAAMkGACDTBAAAyQYAINQEAADJBgAg1QQAAMkGACDWBAAAyQYAINcEAADJBgAg2AQAAMkGACDZBAAAyQYAINoEAADJBgAg2wQAAMkGACARzgMAAKAGADDPAwAA-AEAENADAACgBgAw-AMBAMAFACG-BAEAwAUAIdAEAgDuBQAh0QRAAOIFACHSBAAA-gUAINMECACVBgAh1AQIAJUGACHVBAQA7QUAIdYEBADtBQAh1wQEAO0FACHYBAQA7QUAIdkEBADtBQAh2gQEAO0FACHbBAQA7QUAIQMAAADlAQAgAwAA9wEAMBQAAPgBACADAAAA5QEAIAMAAOYBADAEAADiAQAgCc4DAACeBgAwzwMAAP4BABDQAwAAngYAMPgDAQDMBQAhvgQBAMwFACHFBAIA9wUAIc0EAQDdBQAhzgQEAPYFACHPBAAAnwYAIAEAAAD7AQAgAQAAAPsBACAIzgMAAJ4GADDPAwAA_gEAENADAACeBgAw-AMBAMwFACG-BAEAzAUAIcUEAgD3BQAhzQQBAN0FACHOBAQA9gUAIQLNBAAAyQYAIM4EAADJBgAgAwAAAP4BACADAAD_AQAwBAAA-wEAIAMAAAD-AQAgAwAA_wEAMAQAAPsBACADAAAA_gEAIAMAAP8BADAEAAD7AQAgBfgDAQAAAAG-BAEAAAABxQQCAAAAAc0EAQAAAAHOBAQAAAABAQgAAIMCACAF-AMBAAAAAb4EAQAAAAHFBAIAAAABzQQBAAAAAc4EBAAAAAEBCAAAhQIAMAEIAACFAgAwBfgDAQDGBgAhvgQBAMYGACHFBAIA3QYAIc0EAQDNBgAhzgQEANwGACECAAAA-wEAIAgAAIgCACAF-AMBAMYGACG-BAEAxgYAIcUEAgDdBgAhzQQBAM0GACHOBAQA3AYAIQIAAAD-AQAgCAAAigIAIAIAAAD-AQAgCAAAigIAIAMAAAD7AQAgDwAAgwIAIBAAAIgCACABAAAA-wEAIAEAAAD-AQAgBxUAAKgHACAWAACpBwAgFwAArAcAIBgAAKsHACAZAACqBwAgzQQAAMkGACDOBAAAyQYAIAjOAwAAnQYAMM8DAACRAgAQ0AMAAJ0GADD4AwEAwAUAIb4EAQDABQAhxQQCAO4FACHNBAEA0AUAIc4EBADtBQAhAwAAAP4BACADAACQAgAwFAAAkQIAIAMAAAD-AQAgAwAA_wEAMAQAAPsBACAJzgMAAJsGADDPAwAAlwIAENADAACbBgAw-AMBAMwFACG-BAEAzAUAIckEAgD3BQAhygQBAN0FACHLBAEA3QUAIcwEAACcBgAgAQAAAJQCACABAAAAlAIAIAjOAwAAmwYAMM8DAACXAgAQ0AMAAJsGADD4AwEAzAUAIb4EAQDMBQAhyQQCAPcFACHKBAEA3QUAIcsEAQDdBQAhAsoEAADJBgAgywQAAMkGACADAAAAlwIAIAMAAJgCADAEAACUAgAgAwAAAJcCACADAACYAgAwBAAAlAIAIAMAAACXAgAgAwAAmAIAMAQAAJQCACAF-AMBAAAAAb4EAQAAAAHJBAIAAAABygQBAAAAAcsEAQAAAAEBCAAAnAIAIAX4AwEAAAABvgQBAAAAAckEAgAAAAHKBAEAAAABywQBAAAAAQEIAACeAgAwAQgAAJ4CADAF-AMBAMYGACG-BAEAxgYAIckEAgDdBgAhygQBAM0GACHLBAEAzQYAIQIAAACUAgAgCAAAoQIAIAX4AwEAxgYAIb4EAQDGBgAhyQQCAN0GACHKBAEAzQYAIcsEAQDNBgAhAgAAAJcCACAIAACjAgAgAgAAAJcCACAIAACjAgAgAwAAAJQCACAPAACcAgAgEAAAoQIAIAEAAACUAgAgAQAAAJcCACAHFQAAowcAIBYAAKQHACAXAACnBwAgGAAApgcAIBkAAKUHACDKBAAAyQYAIMsEAADJBgAgCM4DAACaBgAwzwMAAKoCABDQAwAAmgYAMPgDAQDABQAhvgQBAMAFACHJBAIA7gUAIcoEAQDQBQAhywQBANAFACEDAAAAlwIAIAMAAKkCADAUAACqAgAgAwAAAJcCACADAACYAgAwBAAAlAIAIArOAwAAlwYAMM8DAACwAgAQ0AMAAJcGADD4AwEAzAUAIb4EAQDMBQAhvwQCAPcFACHFBAIA9wUAIcYEAQDdBQAhxwQIAJgGACHIBAAAmQYAIAEAAACtAgAgAQAAAK0CACAJzgMAAJcGADDPAwAAsAIAENADAACXBgAw-AMBAMwFACG-BAEAzAUAIb8EAgD3BQAhxQQCAPcFACHGBAEA3QUAIccECACYBgAhAsYEAADJBgAgxwQAAMkGACADAAAAsAIAIAMAALECADAEAACtAgAgAwAAALACACADAACxAgAwBAAArQIAIAMAAACwAgAgAwAAsQIAMAQAAK0CACAG-AMBAAAAAb4EAQAAAAG_BAIAAAABxQQCAAAAAcYEAQAAAAHHBAgAAAABAQgAALUCACAG-AMBAAAAAb4EAQAAAAG_BAIAAAABxQQCAAAAAcYEAQAAAAHHBAgAAAABAQgAALcCADABCAAAtwIAMAb4AwEAxgYAIb4EAQDGBgAhvwQCAN0GACHFBAIA3QYAIcYEAQDNBgAhxwQIAKIHACECAAAArQIAIAgAALoCACAG-AMBAMYGACG-BAEAxgYAIb8EAgDdBgAhxQQCAN0GACHGBAEAzQYAIccECACiBwAhAgAAALACACAIAAC8AgAgAgAAALACACAIAAC8AgAgAwAAAK0CACAPAAC1AgAgEAAAugIAIAEAAACtAgAgAQAAALACACAHFQAAnQcAIBYAAJ4HACAXAAChBwAgGAAAoAcAIBkAAJ8HACDGBAAAyQYAIMcEAADJBgAgCc4DAACUBgAwzwMAAMMCABDQAwAAlAYAMPgDAQDABQAhvgQBAMAFACG_BAIA7gUAIcUEAgDuBQAhxgQBANAFACHHBAgAlQYAIQMAAACwAgAgAwAAwgIAMBQAAMMCACADAAAAsAIAIAMAALECADAEAACtAgAgC84DAACSBgAwzwMAAMkCABDQAwAAkgYAMPgDAQDMBQAhvgQBAMwFACG_BAIA9wUAIcAEAgD3BQAhwQQBAN0FACHCBAEA3QUAIcMEAQDdBQAhxAQAAJMGACABAAAAxgIAIAEAAADGAgAgCs4DAACSBgAwzwMAAMkCABDQAwAAkgYAMPgDAQDMBQAhvgQBAMwFACG_BAIA9wUAIcAEAgD3BQAhwQQBAN0FACHCBAEA3QUAIcMEAQDdBQAhA8EEAADJBgAgwgQAAMkGACDDBAAAyQYAIAMAAADJAgAgAwAAygIAMAQAAMYCACADAAAAyQIAIAMAAMoCADAEAADGAgAgAwAAAMkCACADAADKAgAwBAAAxgIAIAf4AwEAAAABvgQBAAAAAb8EAgAAAAHABAIAAAABwQQBAAAAAcIEAQAAAAHDBAEAAAABAQgAAM4CACAH-AMBAAAAAb4EAQAAAAG_BAIAAAABwAQCAAAAAcEEAQAAAAHCBAEAAAABwwQBAAAAAQEIAADQAgAwAQgAANACADAH-AMBAMYGACG-BAEAxgYAIb8EAgDdBgAhwAQCAN0GACHBBAEAzQYAIcIEAQDNBgAhwwQBAM0GACECAAAAxgIAIAgAANMCACAH-AMBAMYGACG-BAEAxgYAIb8EAgDdBgAhwAQCAN0GACHBBAEAzQYAIcIEAQDNBgAhwwQBAM0GACECAAAAyQIAIAgAANUCACACAAAAyQIAIAgAANUCACADAAAAxgIAIA8AAM4CACAQAADTAgAgAQAAAMYCACABAAAAyQIAIAgVAACYBwAgFgAAmQcAIBcAAJwHACAYAACbBwAgGQAAmgcAIMEEAADJBgAgwgQAAMkGACDDBAAAyQYAIArOAwAAkQYAMM8DAADcAgAQ0AMAAJEGADD4AwEAwAUAIb4EAQDABQAhvwQCAO4FACHABAIA7gUAIcEEAQDQBQAhwgQBANAFACHDBAEA0AUAIQMAAADJAgAgAwAA2wIAMBQAANwCACADAAAAyQIAIAMAAMoCADAEAADGAgAgD84DAACQBgAwzwMAAOICABDQAwAAkAYAMOQDAADfBQAg7gMBAAAAAfMDQADNBQAhsQQBAN0FACGyBAEA3QUAIbQEAQDdBQAhuAQBAN0FACG5BAEA3QUAIboEAQDdBQAhuwQBAN0FACG8BAEA3QUAIb0EAQDdBQAhAQAAAN8CACABAAAA3wIAIA_OAwAAkAYAMM8DAADiAgAQ0AMAAJAGADDkAwAA3wUAIO4DAQDMBQAh8wNAAM0FACGxBAEA3QUAIbIEAQDdBQAhtAQBAN0FACG4BAEA3QUAIbkEAQDdBQAhugQBAN0FACG7BAEA3QUAIbwEAQDdBQAhvQQBAN0FACEJsQQAAMkGACCyBAAAyQYAILQEAADJBgAguAQAAMkGACC5BAAAyQYAILoEAADJBgAguwQAAMkGACC8BAAAyQYAIL0EAADJBgAgAwAAAOICACADAADjAgAwBAAA3wIAIAMAAADiAgAgAwAA4wIAMAQAAN8CACADAAAA4gIAIAMAAOMCADAEAADfAgAgDOQDgAAAAAHuAwEAAAAB8wNAAAAAAbEEAQAAAAGyBAEAAAABtAQBAAAAAbgEAQAAAAG5BAEAAAABugQBAAAAAbsEAQAAAAG8BAEAAAABvQQBAAAAAQEIAADnAgAgDOQDgAAAAAHuAwEAAAAB8wNAAAAAAbEEAQAAAAGyBAEAAAABtAQBAAAAAbgEAQAAAAG5BAEAAAABugQBAAAAAbsEAQAAAAG8BAEAAAABvQQBAAAAAQEIAADpAgAwAQgAAOkCADAM5AOAAAAAAe4DAQDGBgAh8wNAAMcGACGxBAEAzQYAIbIEAQDNBgAhtAQBAM0GACG4BAEAzQYAIbkEAQDNBgAhugQBAM0GACG7BAEAzQYAIbwEAQDNBgAhvQQBAM0GACECAAAA3wIAIAgAAOwCACAM5AOAAAAAAe4DAQDGBgAh8wNAAMcGACGxBAEAzQYAIbIEAQDNBgAhtAQBAM0GACG4BAEAzQYAIbkEAQDNBgAhugQBAM0GACG7BAEAzQYAIbwEAQDNBgAhvQQBAM0GACECAAAA4gIAIAgAAO4CACACAAAA4gIAIAgAAO4CACADAAAA3wIAIA8AAOcCACAQAADsAgAgAQAAAN8CACABAAAA4gIAIAwVAACVBwAgGAAAlwcAIBkAAJYHACCxBAAAyQYAILIEAADJBgAgtAQAAMkGACC4BAAAyQYAILkEAADJBgAgugQAAMkGACC7BAAAyQYAILwEAADJBgAgvQQAAMkGACAPzgMAAI8GADDPAwAA9QIAENADAACPBgAw5AMAANIFACDuAwEAwAUAIfMDQADBBQAhsQQBANAFACGyBAEA0AUAIbQEAQDQBQAhuAQBANAFACG5BAEA0AUAIboEAQDQBQAhuwQBANAFACG8BAEA0AUAIb0EAQDQBQAhAwAAAOICACADAAD0AgAwFAAA9QIAIAMAAADiAgAgAwAA4wIAMAQAAN8CACALzgMAAI4GADDPAwAA-wIAENADAACOBgAw5AMAAN8FACDlA0AAzQUAIeYDQADNBQAh5wMgAOAFACGxBAEA3QUAIbQEAQDdBQAhtQQBAN0FACG3BAEAAAABAQAAAPgCACABAAAA-AIAIAvOAwAAjgYAMM8DAAD7AgAQ0AMAAI4GADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbEEAQDdBQAhtAQBAN0FACG1BAEA3QUAIbcEAQDMBQAhA7EEAADJBgAgtAQAAMkGACC1BAAAyQYAIAMAAAD7AgAgAwAA_AIAMAQAAPgCACADAAAA-wIAIAMAAPwCADAEAAD4AgAgAwAAAPsCACADAAD8AgAwBAAA-AIAIAjkA4AAAAAB5QNAAAAAAeYDQAAAAAHnAyAAAAABsQQBAAAAAbQEAQAAAAG1BAEAAAABtwQBAAAAAQEIAACAAwAgCOQDgAAAAAHlA0AAAAAB5gNAAAAAAecDIAAAAAGxBAEAAAABtAQBAAAAAbUEAQAAAAG3BAEAAAABAQgAAIIDADABCAAAggMAMAjkA4AAAAAB5QNAAMcGACHmA0AAxwYAIecDIADPBgAhsQQBAM0GACG0BAEAzQYAIbUEAQDNBgAhtwQBAMYGACECAAAA-AIAIAgAAIUDACAI5AOAAAAAAeUDQADHBgAh5gNAAMcGACHnAyAAzwYAIbEEAQDNBgAhtAQBAM0GACG1BAEAzQYAIbcEAQDGBgAhAgAAAPsCACAIAACHAwAgAgAAAPsCACAIAACHAwAgAwAAAPgCACAPAACAAwAgEAAAhQMAIAEAAAD4AgAgAQAAAPsCACAGFQAAkgcAIBgAAJQHACAZAACTBwAgsQQAAMkGACC0BAAAyQYAILUEAADJBgAgC84DAACNBgAwzwMAAI4DABDQAwAAjQYAMOQDAADSBQAg5QNAAMEFACHmA0AAwQUAIecDIADTBQAhsQQBANAFACG0BAEA0AUAIbUEAQDQBQAhtwQBAMAFACEDAAAA-wIAIAMAAI0DADAUAACOAwAgAwAAAPsCACADAAD8AgAwBAAA-AIAIArOAwAAjAYAMM8DAACUAwAQ0AMAAIwGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbEEAQDdBQAhtAQBAN0FACG2BAEAAAABAQAAAJEDACABAAAAkQMAIArOAwAAjAYAMM8DAACUAwAQ0AMAAIwGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbEEAQDdBQAhtAQBAN0FACG2BAEAzAUAIQKxBAAAyQYAILQEAADJBgAgAwAAAJQDACADAACVAwAwBAAAkQMAIAMAAACUAwAgAwAAlQMAMAQAAJEDACADAAAAlAMAIAMAAJUDADAEAACRAwAgB-QDgAAAAAHlA0AAAAAB5gNAAAAAAecDIAAAAAGxBAEAAAABtAQBAAAAAbYEAQAAAAEBCAAAmQMAIAfkA4AAAAAB5QNAAAAAAeYDQAAAAAHnAyAAAAABsQQBAAAAAbQEAQAAAAG2BAEAAAABAQgAAJsDADABCAAAmwMAMAfkA4AAAAAB5QNAAMcGACHmA0AAxwYAIecDIADPBgAhsQQBAM0GACG0BAEAzQYAIbYEAQDGBgAhAgAAAJEDACAIAACeAwAgB-QDgAAAAAHlA0AAxwYAIeYDQADHBgAh5wMgAM8GACGxBAEAzQYAIbQEAQDNBgAhtgQBAMYGACECAAAAlAMAIAgAAKADACACAAAAlAMAIAgAAKADACADAAAAkQMAIA8AAJkDACAQAACeAwAgAQAAAJEDACABAAAAlAMAIAUVAACPBwAgGAAAkQcAIBkAAJAHACCxBAAAyQYAILQEAADJBgAgCs4DAACLBgAwzwMAAKcDABDQAwAAiwYAMOQDAADSBQAg5QNAAMEFACHmA0AAwQUAIecDIADTBQAhsQQBANAFACG0BAEA0AUAIbYEAQDABQAhAwAAAJQDACADAACmAwAwFAAApwMAIAMAAACUAwAgAwAAlQMAMAQAAJEDACAKzgMAAIoGADDPAwAArQMAENADAACKBgAw5AMAAN8FACDlA0AAzQUAIeYDQADNBQAh5wMgAOAFACGxBAEA3QUAIbQEAQAAAAG1BAEA3QUAIQEAAACqAwAgAQAAAKoDACAKzgMAAIoGADDPAwAArQMAENADAACKBgAw5AMAAN8FACDlA0AAzQUAIeYDQADNBQAh5wMgAOAFACGxBAEA3QUAIbQEAQDMBQAhtQQBAN0FACECsQQAAMkGACC1BAAAyQYAIAMAAACtAwAgAwAArgMAMAQAAKoDACADAAAArQMAIAMAAK4DADAEAACqAwAgAwAAAK0DACADAACuAwAwBAAAqgMAIAfkA4AAAAAB5QNAAAAAAeYDQAAAAAHnAyAAAAABsQQBAAAAAbQEAQAAAAG1BAEAAAABAQgAALIDACAH5AOAAAAAAeUDQAAAAAHmA0AAAAAB5wMgAAAAAbEEAQAAAAG0BAEAAAABtQQBAAAAAQEIAAC0AwAwAQgAALQDADAH5AOAAAAAAeUDQADHBgAh5gNAAMcGACHnAyAAzwYAIbEEAQDNBgAhtAQBAMYGACG1BAEAzQYAIQIAAACqAwAgCAAAtwMAIAfkA4AAAAAB5QNAAMcGACHmA0AAxwYAIecDIADPBgAhsQQBAM0GACG0BAEAxgYAIbUEAQDNBgAhAgAAAK0DACAIAAC5AwAgAgAAAK0DACAIAAC5AwAgAwAAAKoDACAPAACyAwAgEAAAtwMAIAEAAACqAwAgAQAAAK0DACAFFQAAjAcAIBgAAI4HACAZAACNBwAgsQQAAMkGACC1BAAAyQYAIArOAwAAiQYAMM8DAADAAwAQ0AMAAIkGADDkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIbEEAQDQBQAhtAQBAMAFACG1BAEA0AUAIQMAAACtAwAgAwAAvwMAMBQAAMADACADAAAArQMAIAMAAK4DADAEAACqAwAgCs4DAACIBgAwzwMAAMYDABDQAwAAiAYAMOQDAADfBQAg5QNAAM0FACHmA0AAzQUAIecDIADgBQAhsQQBAN0FACGyBAEA3QUAIbMEAQAAAAEBAAAAwwMAIAEAAADDAwAgCs4DAACIBgAwzwMAAMYDABDQAwAAiAYAMOQDAADfBQAg5QNAAM0FACHmA0AAzQUAIecDIADgBQAhsQQBAN0FACGyBAEA3QUAIbMEAQDMBQAhArEEAADJBgAgsgQAAMkGACADAAAAxgMAIAMAAMcDADAEAADDAwAgAwAAAMYDACADAADHAwAwBAAAwwMAIAMAAADGAwAgAwAAxwMAMAQAAMMDACAH5AOAAAAAAeUDQAAAAAHmA0AAAAAB5wMgAAAAAbEEAQAAAAGyBAEAAAABswQBAAAAAQEIAADLAwAgB-QDgAAAAAHlA0AAAAAB5gNAAAAAAecDIAAAAAGxBAEAAAABsgQBAAAAAbMEAQAAAAEBCAAAzQMAMAEIAADNAwAwB-QDgAAAAAHlA0AAxwYAIeYDQADHBgAh5wMgAM8GACGxBAEAzQYAIbIEAQDNBgAhswQBAMYGACECAAAAwwMAIAgAANADACAH5AOAAAAAAeUDQADHBgAh5gNAAMcGACHnAyAAzwYAIbEEAQDNBgAhsgQBAM0GACGzBAEAxgYAIQIAAADGAwAgCAAA0gMAIAIAAADGAwAgCAAA0gMAIAMAAADDAwAgDwAAywMAIBAAANADACABAAAAwwMAIAEAAADGAwAgBRUAAIkHACAYAACLBwAgGQAAigcAILEEAADJBgAgsgQAAMkGACAKzgMAAIcGADDPAwAA2QMAENADAACHBgAw5AMAANIFACDlA0AAwQUAIeYDQADBBQAh5wMgANMFACGxBAEA0AUAIbIEAQDQBQAhswQBAMAFACEDAAAAxgMAIAMAANgDADAUAADZAwAgAwAAAMYDACADAADHAwAwBAAAwwMAIArOAwAAhgYAMM8DAADfAwAQ0AMAAIYGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbAEAQAAAAGxBAEA3QUAIbIEAQDdBQAhAQAAANwDACABAAAA3AMAIArOAwAAhgYAMM8DAADfAwAQ0AMAAIYGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbAEAQDMBQAhsQQBAN0FACGyBAEA3QUAIQKxBAAAyQYAILIEAADJBgAgAwAAAN8DACADAADgAwAwBAAA3AMAIAMAAADfAwAgAwAA4AMAMAQAANwDACADAAAA3wMAIAMAAOADADAEAADcAwAgB-QDgAAAAAHlA0AAAAAB5gNAAAAAAecDIAAAAAGwBAEAAAABsQQBAAAAAbIEAQAAAAEBCAAA5AMAIAfkA4AAAAAB5QNAAAAAAeYDQAAAAAHnAyAAAAABsAQBAAAAAbEEAQAAAAGyBAEAAAABAQgAAOYDADABCAAA5gMAMAfkA4AAAAAB5QNAAMcGACHmA0AAxwYAIecDIADPBgAhsAQBAMYGACGxBAEAzQYAIbIEAQDNBgAhAgAAANwDACAIAADpAwAgB-QDgAAAAAHlA0AAxwYAIeYDQADHBgAh5wMgAM8GACGwBAEAxgYAIbEEAQDNBgAhsgQBAM0GACECAAAA3wMAIAgAAOsDACACAAAA3wMAIAgAAOsDACADAAAA3AMAIA8AAOQDACAQAADpAwAgAQAAANwDACABAAAA3wMAIAUVAACGBwAgGAAAiAcAIBkAAIcHACCxBAAAyQYAILIEAADJBgAgCs4DAACFBgAwzwMAAPIDABDQAwAAhQYAMOQDAADSBQAg5QNAAMEFACHmA0AAwQUAIecDIADTBQAhsAQBAMAFACGxBAEA0AUAIbIEAQDQBQAhAwAAAN8DACADAADxAwAwFAAA8gMAIAMAAADfAwAgAwAA4AMAMAQAANwDACAKzgMAAIQGADDPAwAA-AMAENADAACEBgAw_AMBAN0FACGEBAEAzAUAIasEAQAAAAGsBEAAzQUAIa0EAgD_BQAhrgQBAMwFACGvBEAA5gUAIQEAAAD1AwAgAQAAAPUDACAKzgMAAIQGADDPAwAA-AMAENADAACEBgAw_AMBAN0FACGEBAEAzAUAIasEAQDMBQAhrARAAM0FACGtBAIA_wUAIa4EAQDMBQAhrwRAAOYFACED_AMAAMkGACCtBAAAyQYAIK8EAADJBgAgAwAAAPgDACADAAD5AwAwBAAA9QMAIAMAAAD4AwAgAwAA-QMAMAQAAPUDACADAAAA-AMAIAMAAPkDADAEAAD1AwAgB_wDAQAAAAGEBAEAAAABqwQBAAAAAawEQAAAAAGtBAIAAAABrgQBAAAAAa8EQAAAAAEBCAAA_QMAIAf8AwEAAAABhAQBAAAAAasEAQAAAAGsBEAAAAABrQQCAAAAAa4EAQAAAAGvBEAAAAABAQgAAP8DADABCAAA_wMAMAf8AwEAzQYAIYQEAQDGBgAhqwQBAMYGACGsBEAAxwYAIa0EAgDkBgAhrgQBAMYGACGvBEAA0wYAIQIAAAD1AwAgCAAAggQAIAf8AwEAzQYAIYQEAQDGBgAhqwQBAMYGACGsBEAAxwYAIa0EAgDkBgAhrgQBAMYGACGvBEAA0wYAIQIAAAD4AwAgCAAAhAQAIAIAAAD4AwAgCAAAhAQAIAMAAAD1AwAgDwAA_QMAIBAAAIIEACABAAAA9QMAIAEAAAD4AwAgCBUAAIEHACAWAACCBwAgFwAAhQcAIBgAAIQHACAZAACDBwAg_AMAAMkGACCtBAAAyQYAIK8EAADJBgAgCs4DAACDBgAwzwMAAIsEABDQAwAAgwYAMPwDAQDQBQAhhAQBAMAFACGrBAEAwAUAIawEQADBBQAhrQQCAPsFACGuBAEAwAUAIa8EQADiBQAhAwAAAPgDACADAACKBAAwFAAAiwQAIAMAAAD4AwAgAwAA-QMAMAQAAPUDACAf3QIAAIAGACDOAwAA_gUAMM8DAACWBAAQ0AMAAP4FADD5AwEAAAAB_AMBAN0FACGEBAEAzAUAIYYEAgD3BQAhhwQCAPcFACGPBEAAzQUAIZAEQADmBQAhlAQBAMwFACGVBEAAzQUAIZYEQADNBQAhlwQAAPoFACCYBAEAzAUAIZkEQADmBQAhmgQBAN0FACGbBAIA_wUAIZwEQADNBQAhnQQCAP8FACGeBAIA9wUAIZ8EAgD3BQAhoAQCAPcFACGhBAIA9wUAIaIEAgD3BQAhowQCAPcFACGkBAIA9wUAIaUEAgD3BQAhpgQCAPcFACGnBAAA-gUAIAEAAACOBAAgGdwCAACCBgAgzgMAAIEGADDPAwAAkAQAENADAACBBgAw0QMBAMwFACH5AwEA9QUAIfoDBADOBQAh_AMBAN0FACGABAEAzAUAIYEEAAD6BQAgggRAAM0FACGDBEAAzQUAIYQEAQDMBQAhhQQCAP8FACGGBAIA9wUAIYcEAgD3BQAhiAQCAPcFACGJBAQA9gUAIYoEAQDMBQAhiwQBAN0FACGMBAIA_wUAIY0EAgD3BQAhjgQBAN0FACGPBEAA5gUAIZAEQADmBQAhCdwCAACABwAg_AMAAMkGACCFBAAAyQYAIIkEAADJBgAgiwQAAMkGACCMBAAAyQYAII4EAADJBgAgjwQAAMkGACCQBAAAyQYAIBncAgAAggYAIM4DAACBBgAwzwMAAJAEABDQAwAAgQYAMNEDAQDMBQAh-QMBAPUFACH6AwQAAAAB_AMBAN0FACGABAEAzAUAIYEEAAD6BQAgggRAAM0FACGDBEAAzQUAIYQEAQDMBQAhhQQCAP8FACGGBAIA9wUAIYcEAgD3BQAhiAQCAPcFACGJBAQA9gUAIYoEAQDMBQAhiwQBAN0FACGMBAIA_wUAIY0EAgD3BQAhjgQBAN0FACGPBEAA5gUAIZAEQADmBQAhAwAAAJAEACADAACRBAAwBAAAkgQAIAEAAACQBAAgAQAAAI4EACAf3QIAAIAGACDOAwAA_gUAMM8DAACWBAAQ0AMAAP4FADD5AwEA9QUAIfwDAQDdBQAhhAQBAMwFACGGBAIA9wUAIYcEAgD3BQAhjwRAAM0FACGQBEAA5gUAIZQEAQDMBQAhlQRAAM0FACGWBEAAzQUAIZcEAAD6BQAgmAQBAMwFACGZBEAA5gUAIZoEAQDdBQAhmwQCAP8FACGcBEAAzQUAIZ0EAgD_BQAhngQCAPcFACGfBAIA9wUAIaAEAgD3BQAhoQQCAPcFACGiBAIA9wUAIaMEAgD3BQAhpAQCAPcFACGlBAIA9wUAIaYEAgD3BQAhpwQAAPoFACAH3QIAAP8GACD8AwAAyQYAIJAEAADJBgAgmQQAAMkGACCaBAAAyQYAIJsEAADJBgAgnQQAAMkGACADAAAAlgQAIAMAAJcEADAEAACOBAAgAwAAAJYEACADAACXBAAwBAAAjgQAIAMAAACWBAAgAwAAlwQAMAQAAI4EACAc3QIAAP4GACD5AwEAAAAB_AMBAAAAAYQEAQAAAAGGBAIAAAABhwQCAAAAAY8EQAAAAAGQBEAAAAABlAQBAAAAAZUEQAAAAAGWBEAAAAABlwQAAPwGACCYBAEAAAABmQRAAAAAAZoEAQAAAAGbBAIAAAABnARAAAAAAZ0EAgAAAAGeBAIAAAABnwQCAAAAAaAEAgAAAAGhBAIAAAABogQCAAAAAaMEAgAAAAGkBAIAAAABpQQCAAAAAaYEAgAAAAGnBAAA_QYAIAEIAACbBAAgG_kDAQAAAAH8AwEAAAABhAQBAAAAAYYEAgAAAAGHBAIAAAABjwRAAAAAAZAEQAAAAAGUBAEAAAABlQRAAAAAAZYEQAAAAAGXBAAA_AYAIJgEAQAAAAGZBEAAAAABmgQBAAAAAZsEAgAAAAGcBEAAAAABnQQCAAAAAZ4EAgAAAAGfBAIAAAABoAQCAAAAAaEEAgAAAAGiBAIAAAABowQCAAAAAaQEAgAAAAGlBAIAAAABpgQCAAAAAacEAAD9BgAgAQgAAJ0EADABCAAAnQQAMBzdAgAA7wYAIPkDAQDGBgAh_AMBAM0GACGEBAEAxgYAIYYEAgDdBgAhhwQCAN0GACGPBEAAxwYAIZAEQADTBgAhlAQBAMYGACGVBEAAxwYAIZYEQADHBgAhlwQAAO0GACCYBAEAxgYAIZkEQADTBgAhmgQBAM0GACGbBAIA5AYAIZwEQADHBgAhnQQCAOQGACGeBAIA3QYAIZ8EAgDdBgAhoAQCAN0GACGhBAIA3QYAIaIEAgDdBgAhowQCAN0GACGkBAIA3QYAIaUEAgDdBgAhpgQCAN0GACGnBAAA7gYAIAIAAACOBAAgCAAAoAQAIBv5AwEAxgYAIfwDAQDNBgAhhAQBAMYGACGGBAIA3QYAIYcEAgDdBgAhjwRAAMcGACGQBEAA0wYAIZQEAQDGBgAhlQRAAMcGACGWBEAAxwYAIZcEAADtBgAgmAQBAMYGACGZBEAA0wYAIZoEAQDNBgAhmwQCAOQGACGcBEAAxwYAIZ0EAgDkBgAhngQCAN0GACGfBAIA3QYAIaAEAgDdBgAhoQQCAN0GACGiBAIA3QYAIaMEAgDdBgAhpAQCAN0GACGlBAIA3QYAIaYEAgDdBgAhpwQAAO4GACACAAAAlgQAIAgAAKIEACACAAAAlgQAIAgAAKIEACADAAAAjgQAIA8AAJsEACAQAACgBAAgAQAAAI4EACABAAAAlgQAIAsVAADoBgAgFgAA6QYAIBcAAOwGACAYAADrBgAgGQAA6gYAIPwDAADJBgAgkAQAAMkGACCZBAAAyQYAIJoEAADJBgAgmwQAAMkGACCdBAAAyQYAIB7OAwAA_QUAMM8DAACpBAAQ0AMAAP0FADD5AwEA7AUAIfwDAQDQBQAhhAQBAMAFACGGBAIA7gUAIYcEAgDuBQAhjwRAAMEFACGQBEAA4gUAIZQEAQDABQAhlQRAAMEFACGWBEAAwQUAIZcEAAD6BQAgmAQBAMAFACGZBEAA4gUAIZoEAQDQBQAhmwQCAPsFACGcBEAAwQUAIZ0EAgD7BQAhngQCAO4FACGfBAIA7gUAIaAEAgDuBQAhoQQCAO4FACGiBAIA7gUAIaMEAgDuBQAhpAQCAO4FACGlBAIA7gUAIaYEAgDuBQAhpwQAAPoFACADAAAAlgQAIAMAAKgEADAUAACpBAAgAwAAAJYEACADAACXBAAwBAAAjgQAIAEAAACSBAAgAQAAAJIEACADAAAAkAQAIAMAAJEEADAEAACSBAAgAwAAAJAEACADAACRBAAwBAAAkgQAIAMAAACQBAAgAwAAkQQAMAQAAJIEACAW3AIAAOcGACDRAwEAAAAB-QMBAAAAAfoDBAAAAAH8AwEAAAABgAQBAAAAAYEEAADmBgAgggRAAAAAAYMEQAAAAAGEBAEAAAABhQQCAAAAAYYEAgAAAAGHBAIAAAABiAQCAAAAAYkEBAAAAAGKBAEAAAABiwQBAAAAAYwEAgAAAAGNBAIAAAABjgQBAAAAAY8EQAAAAAGQBEAAAAABAQgAALEEACAV0QMBAAAAAfkDAQAAAAH6AwQAAAAB_AMBAAAAAYAEAQAAAAGBBAAA5gYAIIIEQAAAAAGDBEAAAAABhAQBAAAAAYUEAgAAAAGGBAIAAAABhwQCAAAAAYgEAgAAAAGJBAQAAAABigQBAAAAAYsEAQAAAAGMBAIAAAABjQQCAAAAAY4EAQAAAAGPBEAAAAABkARAAAAAAQEIAACzBAAwAQgAALMEADAW3AIAAOUGACDRAwEAxgYAIfkDAQDGBgAh-gMEAMgGACH8AwEAzQYAIYAEAQDGBgAhgQQAAOMGACCCBEAAxwYAIYMEQADHBgAhhAQBAMYGACGFBAIA5AYAIYYEAgDdBgAhhwQCAN0GACGIBAIA3QYAIYkEBADcBgAhigQBAMYGACGLBAEAzQYAIYwEAgDkBgAhjQQCAN0GACGOBAEAzQYAIY8EQADTBgAhkARAANMGACECAAAAkgQAIAgAALYEACAV0QMBAMYGACH5AwEAxgYAIfoDBADIBgAh_AMBAM0GACGABAEAxgYAIYEEAADjBgAgggRAAMcGACGDBEAAxwYAIYQEAQDGBgAhhQQCAOQGACGGBAIA3QYAIYcEAgDdBgAhiAQCAN0GACGJBAQA3AYAIYoEAQDGBgAhiwQBAM0GACGMBAIA5AYAIY0EAgDdBgAhjgQBAM0GACGPBEAA0wYAIZAEQADTBgAhAgAAAJAEACAIAAC4BAAgAgAAAJAEACAIAAC4BAAgAwAAAJIEACAPAACxBAAgEAAAtgQAIAEAAACSBAAgAQAAAJAEACANFQAA3gYAIBYAAN8GACAXAADiBgAgGAAA4QYAIBkAAOAGACD8AwAAyQYAIIUEAADJBgAgiQQAAMkGACCLBAAAyQYAIIwEAADJBgAgjgQAAMkGACCPBAAAyQYAIJAEAADJBgAgGM4DAAD5BQAwzwMAAL8EABDQAwAA-QUAMNEDAQDABQAh-QMBAOwFACH6AwQAwgUAIfwDAQDQBQAhgAQBAMAFACGBBAAA-gUAIIIEQADBBQAhgwRAAMEFACGEBAEAwAUAIYUEAgD7BQAhhgQCAO4FACGHBAIA7gUAIYgEAgDuBQAhiQQEAO0FACGKBAEAwAUAIYsEAQDQBQAhjAQCAPsFACGNBAIA7gUAIY4EAQDQBQAhjwRAAOIFACGQBEAA4gUAIQMAAACQBAAgAwAAvgQAMBQAAL8EACADAAAAkAQAIAMAAJEEADAEAACSBAAgEM4DAAD0BQAwzwMAAMUEABDQAwAA9AUAMNEDAQDMBQAh5QNAAM0FACHmA0AAzQUAIfYDBAAAAAH3AwEAzAUAIfgDAQDdBQAh-QMBAPUFACH6AwQA9gUAIfsDAQDMBQAh_AMBAMwFACH9AwEAzAUAIf4DAgD3BQAh_wNAAOYFACEBAAAAwgQAIAEAAADCBAAgEM4DAAD0BQAwzwMAAMUEABDQAwAA9AUAMNEDAQDMBQAh5QNAAM0FACHmA0AAzQUAIfYDBADOBQAh9wMBAMwFACH4AwEA3QUAIfkDAQD1BQAh-gMEAPYFACH7AwEAzAUAIfwDAQDMBQAh_QMBAMwFACH-AwIA9wUAIf8DQADmBQAhA_gDAADJBgAg-gMAAMkGACD_AwAAyQYAIAMAAADFBAAgAwAAxgQAMAQAAMIEACADAAAAxQQAIAMAAMYEADAEAADCBAAgAwAAAMUEACADAADGBAAwBAAAwgQAIA3RAwEAAAAB5QNAAAAAAeYDQAAAAAH2AwQAAAAB9wMBAAAAAfgDAQAAAAH5AwEAAAAB-gMEAAAAAfsDAQAAAAH8AwEAAAAB_QMBAAAAAf4DAgAAAAH_A0AAAAABAQgAAMoEACAN0QMBAAAAAeUDQAAAAAHmA0AAAAAB9gMEAAAAAfcDAQAAAAH4AwEAAAAB-QMBAAAAAfoDBAAAAAH7AwEAAAAB_AMBAAAAAf0DAQAAAAH-AwIAAAAB_wNAAAAAAQEIAADMBAAwAQgAAMwEADAN0QMBAMYGACHlA0AAxwYAIeYDQADHBgAh9gMEAMgGACH3AwEAxgYAIfgDAQDNBgAh-QMBAMYGACH6AwQA3AYAIfsDAQDGBgAh_AMBAMYGACH9AwEAxgYAIf4DAgDdBgAh_wNAANMGACECAAAAwgQAIAgAAM8EACAN0QMBAMYGACHlA0AAxwYAIeYDQADHBgAh9gMEAMgGACH3AwEAxgYAIfgDAQDNBgAh-QMBAMYGACH6AwQA3AYAIfsDAQDGBgAh_AMBAMYGACH9AwEAxgYAIf4DAgDdBgAh_wNAANMGACECAAAAxQQAIAgAANEEACACAAAAxQQAIAgAANEEACADAAAAwgQAIA8AAMoEACAQAADPBAAgAQAAAMIEACABAAAAxQQAIAgVAADXBgAgFgAA2AYAIBcAANsGACAYAADaBgAgGQAA2QYAIPgDAADJBgAg-gMAAMkGACD_AwAAyQYAIBDOAwAA6wUAMM8DAADYBAAQ0AMAAOsFADDRAwEAwAUAIeUDQADBBQAh5gNAAMEFACH2AwQAwgUAIfcDAQDABQAh-AMBANAFACH5AwEA7AUAIfoDBADtBQAh-wMBAMAFACH8AwEAwAUAIf0DAQDABQAh_gMCAO4FACH_A0AA4gUAIQMAAADFBAAgAwAA1wQAMBQAANgEACADAAAAxQQAIAMAAMYEADAEAADCBAAgDM4DAADpBQAwzwMAAN4EABDQAwAA6QUAMOEDAQDMBQAh5AMAAN8FACDuAwEAzAUAIe8DQADNBQAh8ANAAOYFACHyA0AAzQUAIfMDQADNBQAh9AMAAOoFACD1AwEA3QUAIQEAAADbBAAgAQAAANsEACALzgMAAOkFADDPAwAA3gQAENADAADpBQAw4QMBAMwFACHkAwAA3wUAIO4DAQDMBQAh7wNAAM0FACHwA0AA5gUAIfIDQADNBQAh8wNAAM0FACH1AwEA3QUAIQLwAwAAyQYAIPUDAADJBgAgAwAAAN4EACADAADfBAAwBAAA2wQAIAMAAADeBAAgAwAA3wQAMAQAANsEACADAAAA3gQAIAMAAN8EADAEAADbBAAgCOEDAQAAAAHkA4AAAAAB7gMBAAAAAe8DQAAAAAHwA0AAAAAB8gNAAAAAAfMDQAAAAAH1AwEAAAABAQgAAOMEACAI4QMBAAAAAeQDgAAAAAHuAwEAAAAB7wNAAAAAAfADQAAAAAHyA0AAAAAB8wNAAAAAAfUDAQAAAAEBCAAA5QQAMAEIAADlBAAwCOEDAQDGBgAh5AOAAAAAAe4DAQDGBgAh7wNAAMcGACHwA0AA0wYAIfIDQADHBgAh8wNAAMcGACH1AwEAzQYAIQIAAADbBAAgCAAA6AQAIAjhAwEAxgYAIeQDgAAAAAHuAwEAxgYAIe8DQADHBgAh8ANAANMGACHyA0AAxwYAIfMDQADHBgAh9QMBAM0GACECAAAA3gQAIAgAAOoEACACAAAA3gQAIAgAAOoEACADAAAA2wQAIA8AAOMEACAQAADoBAAgAQAAANsEACABAAAA3gQAIAUVAADUBgAgGAAA1gYAIBkAANUGACDwAwAAyQYAIPUDAADJBgAgC84DAADoBQAwzwMAAPEEABDQAwAA6AUAMOEDAQDABQAh5AMAANIFACDuAwEAwAUAIe8DQADBBQAh8ANAAOIFACHyA0AAwQUAIfMDQADBBQAh9QMBANAFACEDAAAA3gQAIAMAAPAEADAUAADxBAAgAwAAAN4EACADAADfBAAwBAAA2wQAIAvOAwAA5QUAMM8DAAD3BAAQ0AMAAOUFADDkAwAA3wUAIO4DAQDMBQAh7wNAAM0FACHwA0AA5gUAIfEDAQDMBQAh8gNAAM0FACHzA0AAzQUAIfQDAADnBQAgAQAAAPQEACABAAAA9AQAIArOAwAA5QUAMM8DAAD3BAAQ0AMAAOUFADDkAwAA3wUAIO4DAQDMBQAh7wNAAM0FACHwA0AA5gUAIfEDAQDMBQAh8gNAAM0FACHzA0AAzQUAIQHwAwAAyQYAIAMAAAD3BAAgAwAA-AQAMAQAAPQEACADAAAA9wQAIAMAAPgEADAEAAD0BAAgAwAAAPcEACADAAD4BAAwBAAA9AQAIAfkA4AAAAAB7gMBAAAAAe8DQAAAAAHwA0AAAAAB8QMBAAAAAfIDQAAAAAHzA0AAAAABAQgAAPwEACAH5AOAAAAAAe4DAQAAAAHvA0AAAAAB8ANAAAAAAfEDAQAAAAHyA0AAAAAB8wNAAAAAAQEIAAD-BAAwAQgAAP4EADAH5AOAAAAAAe4DAQDGBgAh7wNAAMcGACHwA0AA0wYAIfEDAQDGBgAh8gNAAMcGACHzA0AAxwYAIQIAAAD0BAAgCAAAgQUAIAfkA4AAAAAB7gMBAMYGACHvA0AAxwYAIfADQADTBgAh8QMBAMYGACHyA0AAxwYAIfMDQADHBgAhAgAAAPcEACAIAACDBQAgAgAAAPcEACAIAACDBQAgAwAAAPQEACAPAAD8BAAgEAAAgQUAIAEAAAD0BAAgAQAAAPcEACAEFQAA0AYAIBgAANIGACAZAADRBgAg8AMAAMkGACAKzgMAAOEFADDPAwAAigUAENADAADhBQAw5AMAANIFACDuAwEAwAUAIe8DQADBBQAh8ANAAOIFACHxAwEAwAUAIfIDQADBBQAh8wNAAMEFACEDAAAA9wQAIAMAAIkFADAUAACKBQAgAwAAAPcEACADAAD4BAAwBAAA9AQAIAvOAwAA3AUAMM8DAACQBQAQ0AMAANwFADDgAwEAAAAB4QMBAN0FACHiAwEA3QUAIeMDIADeBQAh5AMAAN8FACDlA0AAzQUAIeYDQADNBQAh5wMgAOAFACEBAAAAjQUAIAEAAACNBQAgC84DAADcBQAwzwMAAJAFABDQAwAA3AUAMOADAQDMBQAh4QMBAN0FACHiAwEA3QUAIeMDIADeBQAh5AMAAN8FACDlA0AAzQUAIeYDQADNBQAh5wMgAOAFACED4QMAAMkGACDiAwAAyQYAIOMDAADJBgAgAwAAAJAFACADAACRBQAwBAAAjQUAIAMAAACQBQAgAwAAkQUAMAQAAI0FACADAAAAkAUAIAMAAJEFADAEAACNBQAgCOADAQAAAAHhAwEAAAAB4gMBAAAAAeMDIAAAAAHkA4AAAAAB5QNAAAAAAeYDQAAAAAHnAyAAAAABAQgAAJUFACAI4AMBAAAAAeEDAQAAAAHiAwEAAAAB4wMgAAAAAeQDgAAAAAHlA0AAAAAB5gNAAAAAAecDIAAAAAEBCAAAlwUAMAEIAACXBQAwCOADAQDGBgAh4QMBAM0GACHiAwEAzQYAIeMDIADOBgAh5AOAAAAAAeUDQADHBgAh5gNAAMcGACHnAyAAzwYAIQIAAACNBQAgCAAAmgUAIAjgAwEAxgYAIeEDAQDNBgAh4gMBAM0GACHjAyAAzgYAIeQDgAAAAAHlA0AAxwYAIeYDQADHBgAh5wMgAM8GACECAAAAkAUAIAgAAJwFACACAAAAkAUAIAgAAJwFACADAAAAjQUAIA8AAJUFACAQAACaBQAgAQAAAI0FACABAAAAkAUAIAYVAADKBgAgGAAAzAYAIBkAAMsGACDhAwAAyQYAIOIDAADJBgAg4wMAAMkGACALzgMAAM8FADDPAwAAowUAENADAADPBQAw4AMBAMAFACHhAwEA0AUAIeIDAQDQBQAh4wMgANEFACHkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIQMAAACQBQAgAwAAogUAMBQAAKMFACADAAAAkAUAIAMAAJEFADAEAACNBQAgB84DAADLBQAwzwMAAKkFABDQAwAAywUAMNEDAQAAAAHSA0AAzQUAIdMDBADOBQAh1ANAAM0FACEBAAAApgUAIAEAAACmBQAgB84DAADLBQAwzwMAAKkFABDQAwAAywUAMNEDAQDMBQAh0gNAAM0FACHTAwQAzgUAIdQDQADNBQAhAAMAAACpBQAgAwAAqgUAMAQAAKYFACADAAAAqQUAIAMAAKoFADAEAACmBQAgAwAAAKkFACADAACqBQAwBAAApgUAIATRAwEAAAAB0gNAAAAAAdMDBAAAAAHUA0AAAAABAQgAAK4FACAE0QMBAAAAAdIDQAAAAAHTAwQAAAAB1ANAAAAAAQEIAACwBQAwAQgAALAFADAE0QMBAMYGACHSA0AAxwYAIdMDBADIBgAh1ANAAMcGACECAAAApgUAIAgAALMFACAE0QMBAMYGACHSA0AAxwYAIdMDBADIBgAh1ANAAMcGACECAAAAqQUAIAgAALUFACACAAAAqQUAIAgAALUFACADAAAApgUAIA8AAK4FACAQAACzBQAgAQAAAKYFACABAAAAqQUAIAUVAADBBgAgFgAAwgYAIBcAAMUGACAYAADEBgAgGQAAwwYAIAfOAwAAvwUAMM8DAAC8BQAQ0AMAAL8FADDRAwEAwAUAIdIDQADBBQAh0wMEAMIFACHUA0AAwQUAIQMAAACpBQAgAwAAuwUAMBQAALwFACADAAAAqQUAIAMAAKoFADAEAACmBQAgB84DAAC_BQAwzwMAALwFABDQAwAAvwUAMNEDAQDABQAh0gNAAMEFACHTAwQAwgUAIdQDQADBBQAhDhUAAMQFACAYAADKBQAgGQAAygUAINUDAQAAAAHWAwEAAAAE1wMBAAAABNgDAQAAAAHZAwEAAAAB2gMBAAAAAdsDAQAAAAHcAwEAyQUAId0DAQAAAAHeAwEAAAAB3wMBAAAAAQsVAADEBQAgGAAAyAUAIBkAAMgFACDVA0AAAAAB1gNAAAAABNcDQAAAAATYA0AAAAAB2QNAAAAAAdoDQAAAAAHbA0AAAAAB3ANAAMcFACENFQAAxAUAIBYAAMUFACAXAADGBQAgGAAAxgUAIBkAAMYFACDVAwQAAAAB1gMEAAAABNcDBAAAAATYAwQAAAAB2QMEAAAAAdoDBAAAAAHbAwQAAAAB3AMEAMMFACENFQAAxAUAIBYAAMUFACAXAADGBQAgGAAAxgUAIBkAAMYFACDVAwQAAAAB1gMEAAAABNcDBAAAAATYAwQAAAAB2QMEAAAAAdoDBAAAAAHbAwQAAAAB3AMEAMMFACEI1QMCAAAAAdYDAgAAAATXAwIAAAAE2AMCAAAAAdkDAgAAAAHaAwIAAAAB2wMCAAAAAdwDAgDEBQAhCNUDCAAAAAHWAwgAAAAE1wMIAAAABNgDCAAAAAHZAwgAAAAB2gMIAAAAAdsDCAAAAAHcAwgAxQUAIQjVAwQAAAAB1gMEAAAABNcDBAAAAATYAwQAAAAB2QMEAAAAAdoDBAAAAAHbAwQAAAAB3AMEAMYFACELFQAAxAUAIBgAAMgFACAZAADIBQAg1QNAAAAAAdYDQAAAAATXA0AAAAAE2ANAAAAAAdkDQAAAAAHaA0AAAAAB2wNAAAAAAdwDQADHBQAhCNUDQAAAAAHWA0AAAAAE1wNAAAAABNgDQAAAAAHZA0AAAAAB2gNAAAAAAdsDQAAAAAHcA0AAyAUAIQ4VAADEBQAgGAAAygUAIBkAAMoFACDVAwEAAAAB1gMBAAAABNcDAQAAAATYAwEAAAAB2QMBAAAAAdoDAQAAAAHbAwEAAAAB3AMBAMkFACHdAwEAAAAB3gMBAAAAAd8DAQAAAAEL1QMBAAAAAdYDAQAAAATXAwEAAAAE2AMBAAAAAdkDAQAAAAHaAwEAAAAB2wMBAAAAAdwDAQDKBQAh3QMBAAAAAd4DAQAAAAHfAwEAAAABB84DAADLBQAwzwMAAKkFABDQAwAAywUAMNEDAQDMBQAh0gNAAM0FACHTAwQAzgUAIdQDQADNBQAhC9UDAQAAAAHWAwEAAAAE1wMBAAAABNgDAQAAAAHZAwEAAAAB2gMBAAAAAdsDAQAAAAHcAwEAygUAId0DAQAAAAHeAwEAAAAB3wMBAAAAAQjVA0AAAAAB1gNAAAAABNcDQAAAAATYA0AAAAAB2QNAAAAAAdoDQAAAAAHbA0AAAAAB3ANAAMgFACEI1QMEAAAAAdYDBAAAAATXAwQAAAAE2AMEAAAAAdkDBAAAAAHaAwQAAAAB2wMEAAAAAdwDBADGBQAhC84DAADPBQAwzwMAAKMFABDQAwAAzwUAMOADAQDABQAh4QMBANAFACHiAwEA0AUAIeMDIADRBQAh5AMAANIFACDlA0AAwQUAIeYDQADBBQAh5wMgANMFACEOFQAA2AUAIBgAANsFACAZAADbBQAg1QMBAAAAAdYDAQAAAAXXAwEAAAAF2AMBAAAAAdkDAQAAAAHaAwEAAAAB2wMBAAAAAdwDAQDaBQAh3QMBAAAAAd4DAQAAAAHfAwEAAAABBRUAANgFACAYAADZBQAgGQAA2QUAINUDIAAAAAHcAyAA1wUAIQ8VAADEBQAgGAAA1gUAIBkAANYFACDVA4AAAAAB2AOAAAAAAdkDgAAAAAHaA4AAAAAB2wOAAAAAAdwDgAAAAAHoAwEAAAAB6QMBAAAAAeoDAQAAAAHrA4AAAAAB7AOAAAAAAe0DgAAAAAEFFQAAxAUAIBgAANUFACAZAADVBQAg1QMgAAAAAdwDIADUBQAhBRUAAMQFACAYAADVBQAgGQAA1QUAINUDIAAAAAHcAyAA1AUAIQLVAyAAAAAB3AMgANUFACEM1QOAAAAAAdgDgAAAAAHZA4AAAAAB2gOAAAAAAdsDgAAAAAHcA4AAAAAB6AMBAAAAAekDAQAAAAHqAwEAAAAB6wOAAAAAAewDgAAAAAHtA4AAAAABBRUAANgFACAYAADZBQAgGQAA2QUAINUDIAAAAAHcAyAA1wUAIQjVAwIAAAAB1gMCAAAABdcDAgAAAAXYAwIAAAAB2QMCAAAAAdoDAgAAAAHbAwIAAAAB3AMCANgFACEC1QMgAAAAAdwDIADZBQAhDhUAANgFACAYAADbBQAgGQAA2wUAINUDAQAAAAHWAwEAAAAF1wMBAAAABdgDAQAAAAHZAwEAAAAB2gMBAAAAAdsDAQAAAAHcAwEA2gUAId0DAQAAAAHeAwEAAAAB3wMBAAAAAQvVAwEAAAAB1gMBAAAABdcDAQAAAAXYAwEAAAAB2QMBAAAAAdoDAQAAAAHbAwEAAAAB3AMBANsFACHdAwEAAAAB3gMBAAAAAd8DAQAAAAELzgMAANwFADDPAwAAkAUAENADAADcBQAw4AMBAMwFACHhAwEA3QUAIeIDAQDdBQAh4wMgAN4FACHkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIQvVAwEAAAAB1gMBAAAABdcDAQAAAAXYAwEAAAAB2QMBAAAAAdoDAQAAAAHbAwEAAAAB3AMBANsFACHdAwEAAAAB3gMBAAAAAd8DAQAAAAEC1QMgAAAAAdwDIADZBQAhDNUDgAAAAAHYA4AAAAAB2QOAAAAAAdoDgAAAAAHbA4AAAAAB3AOAAAAAAegDAQAAAAHpAwEAAAAB6gMBAAAAAesDgAAAAAHsA4AAAAAB7QOAAAAAAQLVAyAAAAAB3AMgANUFACEKzgMAAOEFADDPAwAAigUAENADAADhBQAw5AMAANIFACDuAwEAwAUAIe8DQADBBQAh8ANAAOIFACHxAwEAwAUAIfIDQADBBQAh8wNAAMEFACELFQAA2AUAIBgAAOQFACAZAADkBQAg1QNAAAAAAdYDQAAAAAXXA0AAAAAF2ANAAAAAAdkDQAAAAAHaA0AAAAAB2wNAAAAAAdwDQADjBQAhCxUAANgFACAYAADkBQAgGQAA5AUAINUDQAAAAAHWA0AAAAAF1wNAAAAABdgDQAAAAAHZA0AAAAAB2gNAAAAAAdsDQAAAAAHcA0AA4wUAIQjVA0AAAAAB1gNAAAAABdcDQAAAAAXYA0AAAAAB2QNAAAAAAdoDQAAAAAHbA0AAAAAB3ANAAOQFACEKzgMAAOUFADDPAwAA9wQAENADAADlBQAw5AMAAN8FACDuAwEAzAUAIe8DQADNBQAh8ANAAOYFACHxAwEAzAUAIfIDQADNBQAh8wNAAM0FACEI1QNAAAAAAdYDQAAAAAXXA0AAAAAF2ANAAAAAAdkDQAAAAAHaA0AAAAAB2wNAAAAAAdwDQADkBQAhAu4DAQAAAAHvA0AAAAABC84DAADoBQAwzwMAAPEEABDQAwAA6AUAMOEDAQDABQAh5AMAANIFACDuAwEAwAUAIe8DQADBBQAh8ANAAOIFACHyA0AAwQUAIfMDQADBBQAh9QMBANAFACELzgMAAOkFADDPAwAA3gQAENADAADpBQAw4QMBAMwFACHkAwAA3wUAIO4DAQDMBQAh7wNAAM0FACHwA0AA5gUAIfIDQADNBQAh8wNAAM0FACH1AwEA3QUAIQLuAwEAAAAB7wNAAAAAARDOAwAA6wUAMM8DAADYBAAQ0AMAAOsFADDRAwEAwAUAIeUDQADBBQAh5gNAAMEFACH2AwQAwgUAIfcDAQDABQAh-AMBANAFACH5AwEA7AUAIfoDBADtBQAh-wMBAMAFACH8AwEAwAUAIf0DAQDABQAh_gMCAO4FACH_A0AA4gUAIQsVAADEBQAgGAAAygUAIBkAAMoFACDVAwEAAAAB1gMBAAAABNcDAQAAAATYAwEAAAAB2QMBAAAAAdoDAQAAAAHbAwEAAAAB3AMBAPMFACENFQAA2AUAIBYAAPEFACAXAADyBQAgGAAA8gUAIBkAAPIFACDVAwQAAAAB1gMEAAAABdcDBAAAAAXYAwQAAAAB2QMEAAAAAdoDBAAAAAHbAwQAAAAB3AMEAPAFACENFQAAxAUAIBYAAMUFACAXAADEBQAgGAAAxAUAIBkAAMQFACDVAwIAAAAB1gMCAAAABNcDAgAAAATYAwIAAAAB2QMCAAAAAdoDAgAAAAHbAwIAAAAB3AMCAO8FACENFQAAxAUAIBYAAMUFACAXAADEBQAgGAAAxAUAIBkAAMQFACDVAwIAAAAB1gMCAAAABNcDAgAAAATYAwIAAAAB2QMCAAAAAdoDAgAAAAHbAwIAAAAB3AMCAO8FACENFQAA2AUAIBYAAPEFACAXAADyBQAgGAAA8gUAIBkAAPIFACDVAwQAAAAB1gMEAAAABdcDBAAAAAXYAwQAAAAB2QMEAAAAAdoDBAAAAAHbAwQAAAAB3AMEAPAFACEI1QMIAAAAAdYDCAAAAAXXAwgAAAAF2AMIAAAAAdkDCAAAAAHaAwgAAAAB2wMIAAAAAdwDCADxBQAhCNUDBAAAAAHWAwQAAAAF1wMEAAAABdgDBAAAAAHZAwQAAAAB2gMEAAAAAdsDBAAAAAHcAwQA8gUAIQsVAADEBQAgGAAAygUAIBkAAMoFACDVAwEAAAAB1gMBAAAABNcDAQAAAATYAwEAAAAB2QMBAAAAAdoDAQAAAAHbAwEAAAAB3AMBAPMFACEQzgMAAPQFADDPAwAAxQQAENADAAD0BQAw0QMBAMwFACHlA0AAzQUAIeYDQADNBQAh9gMEAM4FACH3AwEAzAUAIfgDAQDdBQAh-QMBAPUFACH6AwQA9gUAIfsDAQDMBQAh_AMBAMwFACH9AwEAzAUAIf4DAgD3BQAh_wNAAOYFACEI1QMBAAAAAdYDAQAAAATXAwEAAAAE2AMBAAAAAdkDAQAAAAHaAwEAAAAB2wMBAAAAAdwDAQD4BQAhCNUDBAAAAAHWAwQAAAAF1wMEAAAABdgDBAAAAAHZAwQAAAAB2gMEAAAAAdsDBAAAAAHcAwQA8gUAIQjVAwIAAAAB1gMCAAAABNcDAgAAAATYAwIAAAAB2QMCAAAAAdoDAgAAAAHbAwIAAAAB3AMCAMQFACEI1QMBAAAAAdYDAQAAAATXAwEAAAAE2AMBAAAAAdkDAQAAAAHaAwEAAAAB2wMBAAAAAdwDAQD4BQAhGM4DAAD5BQAwzwMAAL8EABDQAwAA-QUAMNEDAQDABQAh-QMBAOwFACH6AwQAwgUAIfwDAQDQBQAhgAQBAMAFACGBBAAA-gUAIIIEQADBBQAhgwRAAMEFACGEBAEAwAUAIYUEAgD7BQAhhgQCAO4FACGHBAIA7gUAIYgEAgDuBQAhiQQEAO0FACGKBAEAwAUAIYsEAQDQBQAhjAQCAPsFACGNBAIA7gUAIY4EAQDQBQAhjwRAAOIFACGQBEAA4gUAIQTVAwEAAAAFkQQBAAAAAZIEAQAAAASTBAEAAAAEDRUAANgFACAWAADxBQAgFwAA2AUAIBgAANgFACAZAADYBQAg1QMCAAAAAdYDAgAAAAXXAwIAAAAF2AMCAAAAAdkDAgAAAAHaAwIAAAAB2wMCAAAAAdwDAgD8BQAhDRUAANgFACAWAADxBQAgFwAA2AUAIBgAANgFACAZAADYBQAg1QMCAAAAAdYDAgAAAAXXAwIAAAAF2AMCAAAAAdkDAgAAAAHaAwIAAAAB2wMCAAAAAdwDAgD8BQAhHs4DAAD9BQAwzwMAAKkEABDQAwAA_QUAMPkDAQDsBQAh_AMBANAFACGEBAEAwAUAIYYEAgDuBQAhhwQCAO4FACGPBEAAwQUAIZAEQADiBQAhlAQBAMAFACGVBEAAwQUAIZYEQADBBQAhlwQAAPoFACCYBAEAwAUAIZkEQADiBQAhmgQBANAFACGbBAIA-wUAIZwEQADBBQAhnQQCAPsFACGeBAIA7gUAIZ8EAgDuBQAhoAQCAO4FACGhBAIA7gUAIaIEAgDuBQAhowQCAO4FACGkBAIA7gUAIaUEAgDuBQAhpgQCAO4FACGnBAAA-gUAIB_dAgAAgAYAIM4DAAD-BQAwzwMAAJYEABDQAwAA_gUAMPkDAQD1BQAh_AMBAN0FACGEBAEAzAUAIYYEAgD3BQAhhwQCAPcFACGPBEAAzQUAIZAEQADmBQAhlAQBAMwFACGVBEAAzQUAIZYEQADNBQAhlwQAAPoFACCYBAEAzAUAIZkEQADmBQAhmgQBAN0FACGbBAIA_wUAIZwEQADNBQAhnQQCAP8FACGeBAIA9wUAIZ8EAgD3BQAhoAQCAPcFACGhBAIA9wUAIaIEAgD3BQAhowQCAPcFACGkBAIA9wUAIaUEAgD3BQAhpgQCAPcFACGnBAAA-gUAIAjVAwIAAAAB1gMCAAAABdcDAgAAAAXYAwIAAAAB2QMCAAAAAdoDAgAAAAHbAwIAAAAB3AMCANgFACEDqAQAAJAEACCpBAAAkAQAIKoEAACQBAAgGdwCAACCBgAgzgMAAIEGADDPAwAAkAQAENADAACBBgAw0QMBAMwFACH5AwEA9QUAIfoDBADOBQAh_AMBAN0FACGABAEAzAUAIYEEAAD6BQAgggRAAM0FACGDBEAAzQUAIYQEAQDMBQAhhQQCAP8FACGGBAIA9wUAIYcEAgD3BQAhiAQCAPcFACGJBAQA9gUAIYoEAQDMBQAhiwQBAN0FACGMBAIA_wUAIY0EAgD3BQAhjgQBAN0FACGPBEAA5gUAIZAEQADmBQAhId0CAACABgAgzgMAAP4FADDPAwAAlgQAENADAAD-BQAw-QMBAPUFACH8AwEA3QUAIYQEAQDMBQAhhgQCAPcFACGHBAIA9wUAIY8EQADNBQAhkARAAOYFACGUBAEAzAUAIZUEQADNBQAhlgRAAM0FACGXBAAA-gUAIJgEAQDMBQAhmQRAAOYFACGaBAEA3QUAIZsEAgD_BQAhnARAAM0FACGdBAIA_wUAIZ4EAgD3BQAhnwQCAPcFACGgBAIA9wUAIaEEAgD3BQAhogQCAPcFACGjBAIA9wUAIaQEAgD3BQAhpQQCAPcFACGmBAIA9wUAIacEAAD6BQAgogYAAJYEACCjBgAAlgQAIArOAwAAgwYAMM8DAACLBAAQ0AMAAIMGADD8AwEA0AUAIYQEAQDABQAhqwQBAMAFACGsBEAAwQUAIa0EAgD7BQAhrgQBAMAFACGvBEAA4gUAIQrOAwAAhAYAMM8DAAD4AwAQ0AMAAIQGADD8AwEA3QUAIYQEAQDMBQAhqwQBAMwFACGsBEAAzQUAIa0EAgD_BQAhrgQBAMwFACGvBEAA5gUAIQrOAwAAhQYAMM8DAADyAwAQ0AMAAIUGADDkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIbAEAQDABQAhsQQBANAFACGyBAEA0AUAIQrOAwAAhgYAMM8DAADfAwAQ0AMAAIYGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbAEAQDMBQAhsQQBAN0FACGyBAEA3QUAIQrOAwAAhwYAMM8DAADZAwAQ0AMAAIcGADDkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIbEEAQDQBQAhsgQBANAFACGzBAEAwAUAIQrOAwAAiAYAMM8DAADGAwAQ0AMAAIgGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbEEAQDdBQAhsgQBAN0FACGzBAEAzAUAIQrOAwAAiQYAMM8DAADAAwAQ0AMAAIkGADDkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIbEEAQDQBQAhtAQBAMAFACG1BAEA0AUAIQrOAwAAigYAMM8DAACtAwAQ0AMAAIoGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbEEAQDdBQAhtAQBAMwFACG1BAEA3QUAIQrOAwAAiwYAMM8DAACnAwAQ0AMAAIsGADDkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIbEEAQDQBQAhtAQBANAFACG2BAEAwAUAIQrOAwAAjAYAMM8DAACUAwAQ0AMAAIwGADDkAwAA3wUAIOUDQADNBQAh5gNAAM0FACHnAyAA4AUAIbEEAQDdBQAhtAQBAN0FACG2BAEAzAUAIQvOAwAAjQYAMM8DAACOAwAQ0AMAAI0GADDkAwAA0gUAIOUDQADBBQAh5gNAAMEFACHnAyAA0wUAIbEEAQDQBQAhtAQBANAFACG1BAEA0AUAIbcEAQDABQAhC84DAACOBgAwzwMAAPsCABDQAwAAjgYAMOQDAADfBQAg5QNAAM0FACHmA0AAzQUAIecDIADgBQAhsQQBAN0FACG0BAEA3QUAIbUEAQDdBQAhtwQBAMwFACEPzgMAAI8GADDPAwAA9QIAENADAACPBgAw5AMAANIFACDuAwEAwAUAIfMDQADBBQAhsQQBANAFACGyBAEA0AUAIbQEAQDQBQAhuAQBANAFACG5BAEA0AUAIboEAQDQBQAhuwQBANAFACG8BAEA0AUAIb0EAQDQBQAhD84DAACQBgAwzwMAAOICABDQAwAAkAYAMOQDAADfBQAg7gMBAMwFACHzA0AAzQUAIbEEAQDdBQAhsgQBAN0FACG0BAEA3QUAIbgEAQDdBQAhuQQBAN0FACG6BAEA3QUAIbsEAQDdBQAhvAQBAN0FACG9BAEA3QUAIQrOAwAAkQYAMM8DAADcAgAQ0AMAAJEGADD4AwEAwAUAIb4EAQDABQAhvwQCAO4FACHABAIA7gUAIcEEAQDQBQAhwgQBANAFACHDBAEA0AUAIQrOAwAAkgYAMM8DAADJAgAQ0AMAAJIGADD4AwEAzAUAIb4EAQDMBQAhvwQCAPcFACHABAIA9wUAIcEEAQDdBQAhwgQBAN0FACHDBAEA3QUAIQT4AwEAAAABvgQBAAAAAb8EAgAAAAHABAIAAAABCc4DAACUBgAwzwMAAMMCABDQAwAAlAYAMPgDAQDABQAhvgQBAMAFACG_BAIA7gUAIcUEAgDuBQAhxgQBANAFACHHBAgAlQYAIQ0VAADYBQAgFgAA8QUAIBcAAPEFACAYAADxBQAgGQAA8QUAINUDCAAAAAHWAwgAAAAF1wMIAAAABdgDCAAAAAHZAwgAAAAB2gMIAAAAAdsDCAAAAAHcAwgAlgYAIQ0VAADYBQAgFgAA8QUAIBcAAPEFACAYAADxBQAgGQAA8QUAINUDCAAAAAHWAwgAAAAF1wMIAAAABdgDCAAAAAHZAwgAAAAB2gMIAAAAAdsDCAAAAAHcAwgAlgYAIQnOAwAAlwYAMM8DAACwAgAQ0AMAAJcGADD4AwEAzAUAIb4EAQDMBQAhvwQCAPcFACHFBAIA9wUAIcYEAQDdBQAhxwQIAJgGACEI1QMIAAAAAdYDCAAAAAXXAwgAAAAF2AMIAAAAAdkDCAAAAAHaAwgAAAAB2wMIAAAAAdwDCADxBQAhBPgDAQAAAAG-BAEAAAABvwQCAAAAAcUEAgAAAAEIzgMAAJoGADDPAwAAqgIAENADAACaBgAw-AMBAMAFACG-BAEAwAUAIckEAgDuBQAhygQBANAFACHLBAEA0AUAIQjOAwAAmwYAMM8DAACXAgAQ0AMAAJsGADD4AwEAzAUAIb4EAQDMBQAhyQQCAPcFACHKBAEA3QUAIcsEAQDdBQAhA_gDAQAAAAG-BAEAAAAByQQCAAAAAQjOAwAAnQYAMM8DAACRAgAQ0AMAAJ0GADD4AwEAwAUAIb4EAQDABQAhxQQCAO4FACHNBAEA0AUAIc4EBADtBQAhCM4DAACeBgAwzwMAAP4BABDQAwAAngYAMPgDAQDMBQAhvgQBAMwFACHFBAIA9wUAIc0EAQDdBQAhzgQEAPYFACED-AMBAAAAAb4EAQAAAAHFBAIAAAABEc4DAACgBgAwzwMAAPgBABDQAwAAoAYAMPgDAQDABQAhvgQBAMAFACHQBAIA7gUAIdEEQADiBQAh0gQAAPoFACDTBAgAlQYAIdQECACVBgAh1QQEAO0FACHWBAQA7QUAIdcEBADtBQAh2AQEAO0FACHZBAQA7QUAIdoEBADtBQAh2wQEAO0FACERzgMAAKEGADDPAwAA5QEAENADAAChBgAw-AMBAMwFACG-BAEAzAUAIdAEAgD3BQAh0QRAAOYFACHSBAAA-gUAINMECACYBgAh1AQIAJgGACHVBAQA9gUAIdYEBAD2BQAh1wQEAPYFACHYBAQA9gUAIdkEBAD2BQAh2gQEAPYFACHbBAQA9gUAIQP4AwEAAAABvgQBAAAAAdAEAgAAAAELzgMAAKMGADDPAwAA3wEAENADAACjBgAw-AMBAMAFACG-BAEAwAUAId0EAgDuBQAh3gQBANAFACHfBAEA0AUAIeAEAQDQBQAh4QRAAOIFACHiBEAA4gUAIQvOAwAApAYAMM8DAADMAQAQ0AMAAKQGADD4AwEAzAUAIb4EAQDMBQAh3QQCAPcFACHeBAEA3QUAId8EAQDdBQAh4AQBAN0FACHhBEAA5gUAIeIEQADmBQAhA_gDAQAAAAG-BAEAAAAB3QQCAAAAAQnOAwAApgYAMM8DAADGAQAQ0AMAAKYGADDuAwEA0AUAIfgDAQDABQAhtwQBANAFACHRBEAA4gUAIeQEAgDuBQAh5QQEAO0FACEJzgMAAKcGADDPAwAAswEAENADAACnBgAw7gMBAN0FACH4AwEAzAUAIbcEAQDdBQAh0QRAAOYFACHkBAIA9wUAIeUEBAD2BQAhAvgDAQAAAAHkBAIAAAABEs4DAACpBgAwzwMAAK0BABDQAwAAqQYAMO4DAQDQBQAh-AMBAMAFACG3BAEA0AUAIdEEQADiBQAh5wQCAO4FACHoBAEA0AUAIekEAQDQBQAh6gQBANAFACHrBAEA0AUAIewEAQDQBQAh7QQBANAFACHuBCAA0QUAIe8EQADiBQAh8AQIAJUGACHxBAgAlQYAIRLOAwAAqgYAMM8DAACaAQAQ0AMAAKoGADDuAwEA3QUAIfgDAQDMBQAhtwQBAN0FACHRBEAA5gUAIecEAgD3BQAh6AQBAN0FACHpBAEA3QUAIeoEAQDdBQAh6wQBAN0FACHsBAEA3QUAIe0EAQDdBQAh7gQgAN4FACHvBEAA5gUAIfAECACYBgAh8QQIAJgGACEC-AMBAAAAAecEAgAAAAEXzgMAAKwGADDPAwAAlAEAENADAACsBgAw7gMBANAFACH4AwEAwAUAIbcEAQDQBQAh0QRAAOIFACHxBAgAlQYAIfMEAgDuBQAh9AQBANAFACH1BAEA0AUAIfYEAQDQBQAh9wQBANAFACH4BAEA0AUAIfkEAQDQBQAh-gQBANAFACH7BCAA0QUAIfwEAQDQBQAh_QQgANEFACH-BCAA0QUAIf8EIADRBQAhgAUgANEFACGBBQgAlQYAIRfOAwAArQYAMM8DAACBAQAQ0AMAAK0GADDuAwEA3QUAIfgDAQDMBQAhtwQBAN0FACHRBEAA5gUAIfEECACYBgAh8wQCAPcFACH0BAEA3QUAIfUEAQDdBQAh9gQBAN0FACH3BAEA3QUAIfgEAQDdBQAh-QQBAN0FACH6BAEA3QUAIfsEIADeBQAh_AQBAN0FACH9BCAA3gUAIf4EIADeBQAh_wQgAN4FACGABSAA3gUAIYEFCACYBgAhAvgDAQAAAAHzBAIAAAABCc4DAACvBgAwzwMAAHsAENADAACvBgAw-AMBAMAFACGxBAEAwAUAIb4EAQDABQAhwwQEAMIFACGDBQIA7gUAIYQFQADiBQAhCc4DAACwBgAwzwMAAGgAENADAACwBgAw-AMBAMwFACGxBAEAzAUAIb4EAQDMBQAhwwQEAM4FACGDBQIA9wUAIYQFQADmBQAhA_gDAQAAAAG-BAEAAAABgwUCAAAAAR7OAwAAsgYAMM8DAABiABDQAwAAsgYAMPgDAQDABQAhtwQBANAFACG-BAEAwAUAIb8EAgDuBQAhhgUBAMAFACGHBUAAwQUAIYgFQADiBQAhiQUBANAFACGKBQEA0AUAIYsFAQDQBQAhjAUBANAFACGNBQEA0AUAIY4FAQDQBQAhjwUgANEFACGQBQEA0AUAIZEFAQDQBQAhkgUgANEFACGTBSAA0QUAIZQFAQDQBQAhlQUBANAFACGWBQEA0AUAIZcFAQDQBQAhmAUAAPoFACCZBQAA-gUAIJoFAAD6BQAgmwUAALMGACCcBQAAswYAIATVAwQAAAAFkQQEAAAAAZIEBAAAAASTBAQAAAAEHs4DAAC0BgAwzwMAAE8AENADAAC0BgAw-AMBAMwFACG3BAEA3QUAIb4EAQDMBQAhvwQCAPcFACGGBQEAzAUAIYcFQADNBQAhiAVAAOYFACGJBQEA3QUAIYoFAQDdBQAhiwUBAN0FACGMBQEA3QUAIY0FAQDdBQAhjgUBAN0FACGPBSAA3gUAIZAFAQDdBQAhkQUBAN0FACGSBSAA3gUAIZMFIADeBQAhlAUBAN0FACGVBQEA3QUAIZYFAQDdBQAhlwUBAN0FACGYBQAA-gUAIJkFAAD6BQAgmgUAAPoFACCbBQAAswYAIJwFAACzBgAgA_gDAQAAAAG-BAEAAAABvwQCAAAAAWfOAwAAtgYAMM8DAABJABDQAwAAtgYAMPgDAQDABQAhvgQBAMAFACGGBQEAwAUAIZ4FAgDuBQAhnwUBANAFACGgBQEA0AUAIaEFAQDQBQAhogUBANAFACGjBQEA0AUAIaQFAQDQBQAhpQUBANAFACGmBQEA0AUAIacFAQDQBQAhqAUBANAFACGpBQEA0AUAIaoFAQDQBQAhqwUBANAFACGsBQEA0AUAIa0FIADRBQAhrgUBANAFACGvBQEA0AUAIbAFAQDQBQAhsQUBANAFACGyBQEA0AUAIbMFAQDQBQAhtAUBANAFACG1BQEA0AUAIbYFAQDQBQAhtwUBANAFACG4BQEA0AUAIbkFAQDQBQAhugUBANAFACG7BSAA0QUAIbwFAQDQBQAhvQUBANAFACG-BQEA0AUAIb8FAAD6BQAgwAUAAPoFACDBBQAA-gUAIMIFAACzBgAgwwUAALMGACDEBQQA7QUAIcUFBADtBQAhxgUBANAFACHHBQEA0AUAIcgFBADtBQAhyQUBANAFACHKBSAA0QUAIcsFAQDQBQAhzAUEAO0FACHNBSAA0QUAIc4FIADRBQAhzwUBANAFACHQBQEA0AUAIdEFAAD6BQAg0gVAAOIFACHTBQEA0AUAIdQFAQDQBQAh1QUBANAFACHWBQEA0AUAIdcFAQDQBQAh2AVAAOIFACHZBUAA4gUAIdoFAQDQBQAh2wUAAPoFACDcBQAA-gUAIN0FAAD6BQAg3gUBANAFACHfBUAA4gUAIeAFIADRBQAh4QUBANAFACHiBQEA0AUAIeMFIADRBQAh5AUBANAFACHlBQEA0AUAIeYFBADtBQAh5wUBANAFACHoBQEA0AUAIekFAQDQBQAh6gUBANAFACHrBQEA0AUAIewFBADtBQAh7QUBANAFACHuBQEA0AUAIe8FAQDQBQAh8AUBANAFACHxBQEA0AUAIfIFAQDQBQAh8wUBANAFACH0BQEA0AUAIfUFAQDQBQAh9gUBANAFACH3BQEA0AUAIfgFAQDQBQAh-QUgANEFACH6BQEA0AUAIfsFAQDQBQAh_AUBANAFACH9BSAA0QUAIf4FIADRBQAhZ84DAAC3BgAwzwMAADYAENADAAC3BgAw-AMBAMwFACG-BAEAzAUAIYYFAQDMBQAhngUCAPcFACGfBQEA3QUAIaAFAQDdBQAhoQUBAN0FACGiBQEA3QUAIaMFAQDdBQAhpAUBAN0FACGlBQEA3QUAIaYFAQDdBQAhpwUBAN0FACGoBQEA3QUAIakFAQDdBQAhqgUBAN0FACGrBQEA3QUAIawFAQDdBQAhrQUgAN4FACGuBQEA3QUAIa8FAQDdBQAhsAUBAN0FACGxBQEA3QUAIbIFAQDdBQAhswUBAN0FACG0BQEA3QUAIbUFAQDdBQAhtgUBAN0FACG3BQEA3QUAIbgFAQDdBQAhuQUBAN0FACG6BQEA3QUAIbsFIADeBQAhvAUBAN0FACG9BQEA3QUAIb4FAQDdBQAhvwUAAPoFACDABQAA-gUAIMEFAAD6BQAgwgUAALMGACDDBQAAswYAIMQFBAD2BQAhxQUEAPYFACHGBQEA3QUAIccFAQDdBQAhyAUEAPYFACHJBQEA3QUAIcoFIADeBQAhywUBAN0FACHMBQQA9gUAIc0FIADeBQAhzgUgAN4FACHPBQEA3QUAIdAFAQDdBQAh0QUAAPoFACDSBUAA5gUAIdMFAQDdBQAh1AUBAN0FACHVBQEA3QUAIdYFAQDdBQAh1wUBAN0FACHYBUAA5gUAIdkFQADmBQAh2gUBAN0FACHbBQAA-gUAINwFAAD6BQAg3QUAAPoFACDeBQEA3QUAId8FQADmBQAh4AUgAN4FACHhBQEA3QUAIeIFAQDdBQAh4wUgAN4FACHkBQEA3QUAIeUFAQDdBQAh5gUEAPYFACHnBQEA3QUAIegFAQDdBQAh6QUBAN0FACHqBQEA3QUAIesFAQDdBQAh7AUEAPYFACHtBQEA3QUAIe4FAQDdBQAh7wUBAN0FACHwBQEA3QUAIfEFAQDdBQAh8gUBAN0FACHzBQEA3QUAIfQFAQDdBQAh9QUBAN0FACH2BQEA3QUAIfcFAQDdBQAh-AUBAN0FACH5BSAA3gUAIfoFAQDdBQAh-wUBAN0FACH8BQEA3QUAIf0FIADeBQAh_gUgAN4FACEC-AMBAAAAAb4EAQAAAAEPzgMAALkGADDPAwAAMAAQ0AMAALkGADDuAwEA0AUAIfgDAQDABQAhhgUBAMAFACGABgIA7gUAIYEGAQDABQAhggYBANAFACGDBgEA0AUAIYQGAQDQBQAhhQYBANAFACGGBgEA0AUAIYcGIADRBQAhiAYAALoGACAPFQAA2AUAIBgAALsGACAZAAC7BgAg1QOAAAAAAdgDgAAAAAHZA4AAAAAB2gOAAAAAAdsDgAAAAAHcA4AAAAAB6AMBAAAAAekDAQAAAAHqAwEAAAAB6wOAAAAAAewDgAAAAAHtA4AAAAABDNUDgAAAAAHYA4AAAAAB2QOAAAAAAdoDgAAAAAHbA4AAAAAB3AOAAAAAAegDAQAAAAHpAwEAAAAB6gMBAAAAAesDgAAAAAHsA4AAAAAB7QOAAAAAAQ_OAwAAvAYAMM8DAAAdABDQAwAAvAYAMO4DAQDdBQAh-AMBAMwFACGGBQEAzAUAIYAGAgD3BQAhgQYBAMwFACGCBgEA3QUAIYMGAQDdBQAhhAYBAN0FACGFBgEA3QUAIYYGAQDdBQAhhwYgAN4FACGIBgAAvQYAIAzVA4AAAAAB2AOAAAAAAdkDgAAAAAHaA4AAAAAB2wOAAAAAAdwDgAAAAAHoAwEAAAAB6QMBAAAAAeoDAQAAAAHrA4AAAAAB7AOAAAAAAe0DgAAAAAEC-AMBAAAAAYYFAQAAAAEezgMAAL8GADDPAwAAFwAQ0AMAAL8GADDkAwAA0gUAIPIDQADiBQAh-AMBAMAFACGKBkAAwQUAIYsGQADiBQAhjAYBANAFACGNBgEA0AUAIY4GAQDQBQAhjwYAAPoFACCQBgAA-gUAIJEGAAD6BQAgkgYIAJUGACGTBggAlQYAIZQGIADRBQAhlQYgANEFACGWBiAA0QUAIZcGAQDQBQAhmAZAAOIFACGZBkAA4gUAIZoGAAD6BQAgmwYAAPoFACCcBgAA-gUAIJ0GAQDABQAhngZAAMEFACGfBkAAwQUAIaAGQADBBQAhoQZAAOIFACEezgMAAMAGADDPAwAABAAQ0AMAAMAGADDkAwAA3wUAIPIDQADmBQAh-AMBAMwFACGKBkAAzQUAIYsGQADmBQAhjAYBAN0FACGNBgEA3QUAIY4GAQDdBQAhjwYAAPoFACCQBgAA-gUAIJEGAAD6BQAgkgYIAJgGACGTBggAmAYAIZQGIADeBQAhlQYgAN4FACGWBiAA3gUAIZcGAQDdBQAhmAZAAOYFACGZBkAA5gUAIZoGAAD6BQAgmwYAAPoFACCcBgAA-gUAIJ0GAQDMBQAhngZAAM0FACGfBkAAzQUAIaAGQADNBQAhoQZAAOYFACEAAAAAAAGnBgEAAAABAacGQAAAAAEFpwYEAAAAAa4GBAAAAAGvBgQAAAABsAYEAAAAAbEGBAAAAAEAAAAAAacGAQAAAAEBpwYgAAAAAQGnBiAAAAABAAAAAacGQAAAAAEAAAAAAAAAAAWnBgQAAAABrgYEAAAAAa8GBAAAAAGwBgQAAAABsQYEAAAAAQWnBgIAAAABrgYCAAAAAa8GAgAAAAGwBgIAAAABsQYCAAAAAQAAAAAAAqcGAQAAAAStBgEAAAAFBacGAgAAAAGuBgIAAAABrwYCAAAAAbAGAgAAAAGxBgIAAAABBQ8AAIoIACAQAACNCAAgpAYAAIsIACClBgAAjAgAIKoGAACOBAAgAacGAQAAAAQDDwAAiggAIKQGAACLCAAgqgYAAI4EACAAAAAAAAKnBgEAAAAErQYBAAAABQKnBgEAAAAErQYBAAAABQsPAADwBgAwEAAA9QYAMKQGAADxBgAwpQYAAPIGADCmBgAA8wYAIKcGAAD0BgAwqAYAAPQGADCpBgAA9AYAMKoGAAD0BgAwqwYAAPYGADCsBgAA9wYAMBTRAwEAAAAB-gMEAAAAAfwDAQAAAAGABAEAAAABgQQAAOYGACCCBEAAAAABgwRAAAAAAYQEAQAAAAGFBAIAAAABhgQCAAAAAYcEAgAAAAGIBAIAAAABiQQEAAAAAYoEAQAAAAGLBAEAAAABjAQCAAAAAY0EAgAAAAGOBAEAAAABjwRAAAAAAZAEQAAAAAECAAAAkgQAIA8AAPsGACADAAAAkgQAIA8AAPsGACAQAAD6BgAgAQgAAIkIADAZ3AIAAIIGACDOAwAAgQYAMM8DAACQBAAQ0AMAAIEGADDRAwEAzAUAIfkDAQD1BQAh-gMEAAAAAfwDAQDdBQAhgAQBAMwFACGBBAAA-gUAIIIEQADNBQAhgwRAAM0FACGEBAEAzAUAIYUEAgD_BQAhhgQCAPcFACGHBAIA9wUAIYgEAgD3BQAhiQQEAPYFACGKBAEAzAUAIYsEAQDdBQAhjAQCAP8FACGNBAIA9wUAIY4EAQDdBQAhjwRAAOYFACGQBEAA5gUAIQIAAACSBAAgCAAA-gYAIAIAAAD4BgAgCAAA-QYAIBjOAwAA9wYAMM8DAAD4BgAQ0AMAAPcGADDRAwEAzAUAIfkDAQD1BQAh-gMEAM4FACH8AwEA3QUAIYAEAQDMBQAhgQQAAPoFACCCBEAAzQUAIYMEQADNBQAhhAQBAMwFACGFBAIA_wUAIYYEAgD3BQAhhwQCAPcFACGIBAIA9wUAIYkEBAD2BQAhigQBAMwFACGLBAEA3QUAIYwEAgD_BQAhjQQCAPcFACGOBAEA3QUAIY8EQADmBQAhkARAAOYFACEYzgMAAPcGADDPAwAA-AYAENADAAD3BgAw0QMBAMwFACH5AwEA9QUAIfoDBADOBQAh_AMBAN0FACGABAEAzAUAIYEEAAD6BQAgggRAAM0FACGDBEAAzQUAIYQEAQDMBQAhhQQCAP8FACGGBAIA9wUAIYcEAgD3BQAhiAQCAPcFACGJBAQA9gUAIYoEAQDMBQAhiwQBAN0FACGMBAIA_wUAIY0EAgD3BQAhjgQBAN0FACGPBEAA5gUAIZAEQADmBQAhFNEDAQDGBgAh-gMEAMgGACH8AwEAzQYAIYAEAQDGBgAhgQQAAOMGACCCBEAAxwYAIYMEQADHBgAhhAQBAMYGACGFBAIA5AYAIYYEAgDdBgAhhwQCAN0GACGIBAIA3QYAIYkEBADcBgAhigQBAMYGACGLBAEAzQYAIYwEAgDkBgAhjQQCAN0GACGOBAEAzQYAIY8EQADTBgAhkARAANMGACEU0QMBAMYGACH6AwQAyAYAIfwDAQDNBgAhgAQBAMYGACGBBAAA4wYAIIIEQADHBgAhgwRAAMcGACGEBAEAxgYAIYUEAgDkBgAhhgQCAN0GACGHBAIA3QYAIYgEAgDdBgAhiQQEANwGACGKBAEAxgYAIYsEAQDNBgAhjAQCAOQGACGNBAIA3QYAIY4EAQDNBgAhjwRAANMGACGQBEAA0wYAIRTRAwEAAAAB-gMEAAAAAfwDAQAAAAGABAEAAAABgQQAAOYGACCCBEAAAAABgwRAAAAAAYQEAQAAAAGFBAIAAAABhgQCAAAAAYcEAgAAAAGIBAIAAAABiQQEAAAAAYoEAQAAAAGLBAEAAAABjAQCAAAAAY0EAgAAAAGOBAEAAAABjwRAAAAAAZAEQAAAAAEBpwYBAAAABAGnBgEAAAAEBA8AAPAGADCkBgAA8QYAMKYGAADzBgAgqgYAAPQGADAAB90CAAD_BgAg_AMAAMkGACCQBAAAyQYAIJkEAADJBgAgmgQAAMkGACCbBAAAyQYAIJ0EAADJBgAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABacGCAAAAAGuBggAAAABrwYIAAAAAbAGCAAAAAGxBggAAAABAAAAAAAAAAAAAAAAAAAAAqcGAQAAAAStBgEAAAAFAacGAQAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUCpwYEAAAABK0GBAAAAAUCpwYEAAAABK0GBAAAAAUBpwYBAAAABAGnBgEAAAAEAacGAQAAAAQBpwYEAAAABAGnBgQAAAAEAAAAAAACpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUCpwYEAAAABK0GBAAAAAUCpwYEAAAABK0GBAAAAAUCpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUCpwYBAAAABK0GAQAAAAUBpwYBAAAABAGnBgEAAAAEAacGAQAAAAQBpwYEAAAABAGnBgQAAAAEAacGAQAAAAQBpwYBAAAABAGnBgEAAAAEAacGAQAAAAQAAAAAAAAAAAAAAqcGAQAAAAStBgEAAAAFAqcGAQAAAAStBgEAAAAFAqcGAQAAAAStBgEAAAAFAqcGAQAAAAStBgEAAAAFAqcGAQAAAAStBgEAAAAFAqcGAQAAAAStBgEAAAAFAacGAQAAAAQBpwYBAAAABAGnBgEAAAAEAacGAQAAAAQBpwYBAAAABAGnBgEAAAAEFNEDAQAAAAH6AwQAAAAB_AMBAAAAAYAEAQAAAAGBBAAA5gYAIIIEQAAAAAGDBEAAAAABhAQBAAAAAYUEAgAAAAGGBAIAAAABhwQCAAAAAYgEAgAAAAGJBAQAAAABigQBAAAAAYsEAQAAAAGMBAIAAAABjQQCAAAAAY4EAQAAAAGPBEAAAAABkARAAAAAARv5AwEAAAAB_AMBAAAAAYQEAQAAAAGGBAIAAAABhwQCAAAAAY8EQAAAAAGQBEAAAAABlAQBAAAAAZUEQAAAAAGWBEAAAAABlwQAAPwGACCYBAEAAAABmQRAAAAAAZoEAQAAAAGbBAIAAAABnARAAAAAAZ0EAgAAAAGeBAIAAAABnwQCAAAAAaAEAgAAAAGhBAIAAAABogQCAAAAAaMEAgAAAAGkBAIAAAABpQQCAAAAAaYEAgAAAAGnBAAA_QYAIAIAAACOBAAgDwAAiggAIAMAAACWBAAgDwAAiggAIBAAAI4IACAdAAAAlgQAIAgAAI4IACD5AwEAxgYAIfwDAQDNBgAhhAQBAMYGACGGBAIA3QYAIYcEAgDdBgAhjwRAAMcGACGQBEAA0wYAIZQEAQDGBgAhlQRAAMcGACGWBEAAxwYAIZcEAADtBgAgmAQBAMYGACGZBEAA0wYAIZoEAQDNBgAhmwQCAOQGACGcBEAAxwYAIZ0EAgDkBgAhngQCAN0GACGfBAIA3QYAIaAEAgDdBgAhoQQCAN0GACGiBAIA3QYAIaMEAgDdBgAhpAQCAN0GACGlBAIA3QYAIaYEAgDdBgAhpwQAAO4GACAb-QMBAMYGACH8AwEAzQYAIYQEAQDGBgAhhgQCAN0GACGHBAIA3QYAIY8EQADHBgAhkARAANMGACGUBAEAxgYAIZUEQADHBgAhlgRAAMcGACGXBAAA7QYAIJgEAQDGBgAhmQRAANMGACGaBAEAzQYAIZsEAgDkBgAhnARAAMcGACGdBAIA5AYAIZ4EAgDdBgAhnwQCAN0GACGgBAIA3QYAIaEEAgDdBgAhogQCAN0GACGjBAIA3QYAIaQEAgDdBgAhpQQCAN0GACGmBAIA3QYAIacEAADuBgAgAAAAAAUVAAYWAAcXAAgYAAkZAAoAAAAAAAUVAAYWAAcXAAgYAAkZAAoAAAAFFQAQFgARFwASGAATGQAUAAAAAAAFFQAQFgARFwASGAATGQAUAAAABRUAGhYAGxcAHBgAHRkAHgAAAAAABRUAGhYAGxcAHBgAHRkAHgAAAAUVACQWACUXACYYACcZACgAAAAAAAUVACQWACUXACYYACcZACgAAAAFFQAuFgAvFwAwGAAxGQAyAAAAAAAFFQAuFgAvFwAwGAAxGQAyAAAABRUAOBYAORcAOhgAOxkAPAAAAAAABRUAOBYAORcAOhgAOxkAPAAAAAUVAEIWAEMXAEQYAEUZAEYAAAAAAAUVAEIWAEMXAEQYAEUZAEYAAAAFFQBMFgBNFwBOGABPGQBQAAAAAAAFFQBMFgBNFwBOGABPGQBQAAAABRUAVhYAVxcAWBgAWRkAWgAAAAAABRUAVhYAVxcAWBgAWRkAWgAAAAUVAGAWAGEXAGIYAGMZAGQAAAAAAAUVAGAWAGEXAGIYAGMZAGQAAAAFFQBqFgBrFwBsGABtGQBuAAAAAAAFFQBqFgBrFwBsGABtGQBuAAAABRUAdBYAdRcAdhgAdxkAeAAAAAAABRUAdBYAdRcAdhgAdxkAeAAAAAUVAH4WAH8XAIABGACBARkAggEAAAAAAAUVAH4WAH8XAIABGACBARkAggEAAAAFFQCIARYAiQEXAIoBGACLARkAjAEAAAAAAAUVAIgBFgCJARcAigEYAIsBGQCMAQAAAAMVAJIBGACTARkAlAEAAAADFQCSARgAkwEZAJQBAAAAAxUAmgEYAJsBGQCcAQAAAAMVAJoBGACbARkAnAEAAAADFQCiARgAowEZAKQBAAAAAxUAogEYAKMBGQCkAQAAAAMVAKoBGACrARkArAEAAAADFQCqARgAqwEZAKwBAAAAAxUAsgEYALMBGQC0AQAAAAMVALIBGACzARkAtAEAAAADFQC6ARgAuwEZALwBAAAAAxUAugEYALsBGQC8AQAAAAUVAMIBFgDDARcAxAEYAMUBGQDGAQAAAAAABRUAwgEWAMMBFwDEARgAxQEZAMYBAhUAygHdApMEyQEB3AIAyAEB3QKUBAAAAAUVAM4BFgDPARcA0AEYANEBGQDSAQAAAAAABRUAzgEWAM8BFwDQARgA0QEZANIBAdwCAMgBAdwCAMgBBRUA1wEWANgBFwDZARgA2gEZANsBAAAAAAAFFQDXARYA2AEXANkBGADaARkA2wEAAAAFFQDhARYA4gEXAOMBGADkARkA5QEAAAAAAAUVAOEBFgDiARcA4wEYAOQBGQDlAQAAAAMVAOsBGADsARkA7QEAAAADFQDrARgA7AEZAO0BAAAAAxUA8wEYAPQBGQD1AQAAAAMVAPMBGAD0ARkA9QEAAAADFQD7ARgA_AEZAP0BAAAAAxUA-wEYAPwBGQD9AQAAAAUVAIMCFgCEAhcAhQIYAIYCGQCHAgAAAAAABRUAgwIWAIQCFwCFAhgAhgIZAIcCAQIBAgMBBQYBBgcBBwgBCQoBCgwCCw0DDA8BDRECDhIEERMBEhQBExUCGhgFGxkLHBsMHRwMHh8MHyAMICEMISMMIiUCIyYNJCgMJSoCJisOJywMKC0MKS4CKjEPKzIVLDQWLTUWLjgWLzkWMDoWMTwWMj4CMz8XNEEWNUMCNkQYN0UWOEYWOUcCOkoZO0sfPE0gPU4gPlEgP1IgQFMgQVUgQlcCQ1ghRFogRVwCRl0iR14gSF8gSWACSmMjS2QpTGYqTWcqTmoqT2sqUGwqUW4qUnACU3ErVHMqVXUCVnYsV3cqWHgqWXkCWnwtW30zXH80XYABNF6DATRfhAE0YIUBNGGHATRiiQECY4oBNWSMATRljgECZo8BNmeQATRokQE0aZIBAmqVATdrlgE9bJgBPm2ZAT5unAE-b50BPnCeAT5xoAE-cqIBAnOjAT90pQE-dacBAnaoAUB3qQE-eKoBPnmrAQJ6rgFBe68BR3yxAUh9sgFIfrUBSH-2AUiAAbcBSIEBuQFIggG7AQKDAbwBSYQBvgFIhQHAAQKGAcEBSocBwgFIiAHDAUiJAcQBAooBxwFLiwHIAVGMAcoBUo0BywFSjgHOAVKPAc8BUpAB0AFSkQHSAVKSAdQBApMB1QFTlAHXAVKVAdkBApYB2gFUlwHbAVKYAdwBUpkB3QECmgHgAVWbAeEBW5wB4wFcnQHkAVyeAecBXJ8B6AFcoAHpAVyhAesBXKIB7QECowHuAV2kAfABXKUB8gECpgHzAV6nAfQBXKgB9QFcqQH2AQKqAfkBX6sB-gFlrAH8AWatAf0BZq4BgAJmrwGBAmawAYICZrEBhAJmsgGGAgKzAYcCZ7QBiQJmtQGLAgK2AYwCaLcBjQJmuAGOAma5AY8CAroBkgJpuwGTAm-8AZUCcL0BlgJwvgGZAnC_AZoCcMABmwJwwQGdAnDCAZ8CAsMBoAJxxAGiAnDFAaQCAsYBpQJyxwGmAnDIAacCcMkBqAICygGrAnPLAawCecwBrgJ6zQGvAnrOAbICes8BswJ60AG0AnrRAbYCetIBuAIC0wG5AnvUAbsCetUBvQIC1gG-AnzXAb8CetgBwAJ62QHBAgLaAcQCfdsBxQKDAdwBxwKEAd0ByAKEAd4BywKEAd8BzAKEAeABzQKEAeEBzwKEAeIB0QIC4wHSAoUB5AHUAoQB5QHWAgLmAdcChgHnAdgChAHoAdkChAHpAdoCAuoB3QKHAesB3gKNAewB4AKOAe0B4QKOAe4B5AKOAe8B5QKOAfAB5gKOAfEB6AKOAfIB6gIC8wHrAo8B9AHtAo4B9QHvAgL2AfACkAH3AfECjgH4AfICjgH5AfMCAvoB9gKRAfsB9wKVAfwB-QKWAf0B-gKWAf4B_QKWAf8B_gKWAYAC_wKWAYECgQOWAYICgwMCgwKEA5cBhAKGA5YBhQKIAwKGAokDmAGHAooDlgGIAosDlgGJAowDAooCjwOZAYsCkAOdAYwCkgOeAY0CkwOeAY4ClgOeAY8ClwOeAZACmAOeAZECmgOeAZICnAMCkwKdA58BlAKfA54BlQKhAwKWAqIDoAGXAqMDngGYAqQDngGZAqUDApoCqAOhAZsCqQOlAZwCqwOmAZ0CrAOmAZ4CrwOmAZ8CsAOmAaACsQOmAaECswOmAaICtQMCowK2A6cBpAK4A6YBpQK6AwKmArsDqAGnArwDpgGoAr0DpgGpAr4DAqoCwQOpAasCwgOtAawCxAOuAa0CxQOuAa4CyAOuAa8CyQOuAbACygOuAbECzAOuAbICzgMCswLPA68BtALRA64BtQLTAwK2AtQDsAG3AtUDrgG4AtYDrgG5AtcDAroC2gOxAbsC2wO1AbwC3QO2Ab0C3gO2Ab4C4QO2Ab8C4gO2AcAC4wO2AcEC5QO2AcIC5wMCwwLoA7cBxALqA7YBxQLsAwLGAu0DuAHHAu4DtgHIAu8DtgHJAvADAsoC8wO5AcsC9AO9AcwC9gO-Ac0C9wO-Ac4C-gO-Ac8C-wO-AdAC_AO-AdEC_gO-AdICgAQC0wKBBL8B1AKDBL4B1QKFBALWAoYEwAHXAocEvgHYAogEvgHZAokEAtoCjATBAdsCjQTHAd4CjwTIAd8ClQTIAeACmATIAeECmQTIAeICmgTIAeMCnATIAeQCngQC5QKfBMsB5gKhBMgB5wKjBALoAqQEzAHpAqUEyAHqAqYEyAHrAqcEAuwCqgTNAe0CqwTTAe4CrATJAe8CrQTJAfACrgTJAfECrwTJAfICsATJAfMCsgTJAfQCtAQC9QK1BNQB9gK3BMkB9wK5BAL4AroE1QH5ArsEyQH6ArwEyQH7Ar0EAvwCwATWAf0CwQTcAf4CwwTdAf8CxATdAYADxwTdAYEDyATdAYIDyQTdAYMDywTdAYQDzQQChQPOBN4BhgPQBN0BhwPSBAKIA9ME3wGJA9QE3QGKA9UE3QGLA9YEAowD2QTgAY0D2gTmAY4D3ATnAY8D3QTnAZAD4ATnAZED4QTnAZID4gTnAZMD5ATnAZQD5gQClQPnBOgBlgPpBOcBlwPrBAKYA-wE6QGZA-0E5wGaA-4E5wGbA-8EApwD8gTqAZ0D8wTuAZ4D9QTvAZ8D9gTvAaAD-QTvAaED-gTvAaID-wTvAaMD_QTvAaQD_wQCpQOABfABpgOCBe8BpwOEBQKoA4UF8QGpA4YF7wGqA4cF7wGrA4gFAqwDiwXyAa0DjAX2Aa4DjgX3Aa8DjwX3AbADkgX3AbEDkwX3AbIDlAX3AbMDlgX3AbQDmAUCtQOZBfgBtgObBfcBtwOdBQK4A54F-QG5A58F9wG6A6AF9wG7A6EFArwDpAX6Ab0DpQX-Ab4DpwX_Ab8DqAX_AcADqwX_AcEDrAX_AcIDrQX_AcMDrwX_AcQDsQUCxQOyBYACxgO0Bf8BxwO2BQLIA7cFgQLJA7gF_wHKA7kF_wHLA7oFAswDvQWCAs0DvgWIAg"
};
async function decodeBase64AsWasm(wasmBase64) {
  const { Buffer } = await import("node:buffer");
  const wasmArray = Buffer.from(wasmBase64, "base64");
  return new WebAssembly.Module(wasmArray);
}
config.compilerWasm = {
  getRuntime: async () => await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs"),
  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs");
    return await decodeBase64AsWasm(wasm);
  },
  importName: "./query_compiler_fast_bg.js"
};
function getPrismaClientClass() {
  return runtime.getPrismaClient(config);
}

// dist/generated/prisma/internal/prismaNamespace.js
import * as runtime2 from "@prisma/client/runtime/client";
var getExtensionContext = runtime2.Extensions.getExtensionContext;
var NullTypes2 = {
  DbNull: runtime2.NullTypes.DbNull,
  JsonNull: runtime2.NullTypes.JsonNull,
  AnyNull: runtime2.NullTypes.AnyNull
};
var TransactionIsolationLevel = runtime2.makeStrictEnum({
  ReadUncommitted: "ReadUncommitted",
  ReadCommitted: "ReadCommitted",
  RepeatableRead: "RepeatableRead",
  Serializable: "Serializable"
});
var defineExtension = runtime2.Extensions.defineExtension;

// dist/generated/prisma/client.js
globalThis["__dirname"] = path.dirname(fileURLToPath(import.meta.url));
var PrismaClient = getPrismaClientClass();

// dist/db/connection-settings.js
var SERVER_KEEPALIVE = { tcp_keepalives_idle: 30, tcp_keepalives_interval: 10, tcp_keepalives_count: 3 };
var CLIENT_KEEPALIVE = { keepAlive: true, keepAliveInitialDelayMillis: 30 * SECOND_MS };
var POOL_SESSION_SETTINGS = {
  statement_timeout: 10 * MINUTE_MS,
  lock_timeout: 3 * MINUTE_MS,
  idle_in_transaction_session_timeout: 5 * MINUTE_MS
};
var LOCK_SESSION_SETTINGS = {
  statement_timeout: 30 * SECOND_MS,
  lock_timeout: 10 * SECOND_MS,
  idle_in_transaction_session_timeout: 30 * SECOND_MS
};
function poolConnectionConfig(connectionString) {
  return {
    ...withSessionSettings(connectionString, { ...SERVER_KEEPALIVE, ...POOL_SESSION_SETTINGS }),
    connectionTimeoutMillis: 10 * SECOND_MS,
    ...CLIENT_KEEPALIVE
  };
}
function lockConnectionConfig(connectionString) {
  return {
    ...withSessionSettings(connectionString, { ...SERVER_KEEPALIVE, ...LOCK_SESSION_SETTINGS }),
    connectionTimeoutMillis: 10 * SECOND_MS,
    // Client-side cap on our own statements: a ping that gets no answer means a dead link.
    query_timeout: 15 * SECOND_MS,
    ...CLIENT_KEEPALIVE
  };
}
function withSessionSettings(connectionString, ours) {
  const url = parseUrl(connectionString);
  const userOptions = url?.searchParams.get("options") ?? "";
  const userNames = optionNames(userOptions);
  const added = Object.entries(ours).filter(([name]) => !userNames.has(name)).map(([name, value]) => `-c ${name}=${value}`);
  const options = [userOptions.trim(), ...added].filter(Boolean).join(" ");
  if (url?.searchParams.has("options")) {
    url.searchParams.set("options", options);
    return { connectionString: url.toString() };
  }
  return { connectionString, options };
}
function parseUrl(connectionString) {
  try {
    return new URL(connectionString);
  } catch {
    return void 0;
  }
}
function optionNames(options) {
  const words = options.match(/(?:\\.|[^\s\\])+/g) ?? [];
  const names = /* @__PURE__ */ new Set();
  for (let i = 0; i < words.length; i++) {
    let setting;
    if (words[i] === "-c")
      setting = words[++i];
    else if (words[i].startsWith("-c"))
      setting = words[i].slice(2);
    else if (words[i].startsWith("--"))
      setting = words[i].slice(2);
    const name = setting?.split("=")[0]?.replace(/\\(.)/g, "$1");
    if (name)
      names.add(name.toLowerCase().replace(/-/g, "_"));
  }
  return names;
}

// dist/db/advisory-lock.js
import pg from "pg";
var DEFAULT_PING_MS = 15 * SECOND_MS;
var DEFAULT_PING_TIMEOUT_MS = 10 * SECOND_MS;
var DEFAULT_RETRY_MS = 2 * SECOND_MS;
var CLOSE_TIMEOUT_MS = 5 * SECOND_MS;
var UNLOCK_TIMEOUT_MS = 3 * SECOND_MS;
function lockSql(key, fn) {
  const query = "namespace" in key ? { text: `SELECT ${fn}($1::int, $2::int) AS ok`, values: [String(key.namespace), String(key.key)] } : { text: `SELECT ${fn}($1::bigint) AS ok`, values: [key.key.toString()] };
  return fn === "pg_advisory_unlock" ? { ...query, query_timeout: UNLOCK_TIMEOUT_MS } : query;
}
async function closeClient(client) {
  let timer;
  const ended = await Promise.race([
    client.end().then(() => true, () => true),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
      timer.unref();
    })
  ]);
  clearTimeout(timer);
  if (!ended)
    client.connection?.stream?.destroy();
}
async function connectAndTry(url, key, onDrop) {
  const client = new pg.Client(lockConnectionConfig(url));
  client.on("error", (error) => onDrop(error));
  client.on("end", () => onDrop(new Error("the lock connection ended")));
  try {
    await client.connect();
    const result = await client.query(lockSql(key, "pg_try_advisory_lock"));
    if (result.rows[0]?.ok)
      return client;
  } catch (error) {
    await closeClient(client);
    throw error;
  }
  await closeClient(client);
  return void 0;
}
async function tryHoldAdvisoryLock(url, key, options = {}) {
  const holder = new LockHolder(url, key, options);
  return await holder.takeFirst() ? holder : void 0;
}
var LockHolder = class {
  url;
  key;
  options;
  // Not 'held' until the first attempt succeeds: ending a client that did not get the lock
  // emits 'end', which must not count as losing it.
  state = "released";
  #listeners = /* @__PURE__ */ new Set();
  #client;
  #generation = 0;
  #ping;
  #retry;
  constructor(url, key, options) {
    this.url = url;
    this.key = key;
    this.options = options;
  }
  get backendPid() {
    return this.#client?.processID;
  }
  async takeFirst() {
    const first = await connectAndTry(this.url, this.key, this.#dropHandler(0));
    if (!first)
      return false;
    this.#client = first;
    this.state = "held";
    this.#startPing(first, 0);
    return true;
  }
  on(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  async release() {
    if (this.state === "released")
      return;
    const held = this.state === "held";
    this.state = "released";
    clearInterval(this.#ping);
    clearTimeout(this.#retry);
    const c = this.#client;
    this.#client = void 0;
    if (!c)
      return;
    if (held)
      await c.query(lockSql(this.key, "pg_advisory_unlock")).catch(() => {
      });
    await closeClient(c);
  }
  #emit(event) {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
      }
    }
  }
  /** Each connection reports drops only for itself: a late event of a replaced one is ignored. */
  #dropHandler(gen) {
    return (error) => {
      if (gen !== this.#generation || this.state !== "held")
        return;
      this.state = "lost";
      clearInterval(this.#ping);
      const dead = this.#client;
      this.#client = void 0;
      if (dead)
        void closeClient(dead);
      this.#emit({ type: "lost", error });
      this.#scheduleRetry();
    };
  }
  #startPing(c, gen) {
    clearInterval(this.#ping);
    const timeout = this.options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.#ping = setInterval(() => {
      c.query({ text: "SELECT 1", query_timeout: timeout }).catch((error) => this.#dropHandler(gen)(error));
    }, this.options.pingEveryMs ?? DEFAULT_PING_MS);
    this.#ping.unref();
  }
  #scheduleRetry() {
    this.#retry = setTimeout(() => void this.#reacquire(), this.options.retryEveryMs ?? DEFAULT_RETRY_MS);
    this.#retry.unref();
  }
  async #reacquire() {
    if (this.state !== "lost")
      return;
    const gen = ++this.#generation;
    let next;
    try {
      next = await connectAndTry(this.url, this.key, this.#dropHandler(gen));
    } catch {
      if (this.state === "lost")
        this.#scheduleRetry();
      return;
    }
    if (this.state !== "lost")
      return void await this.#giveBack(next);
    if (!next) {
      this.state = "taken";
      this.#emit({ type: "taken" });
      return;
    }
    this.#client = next;
    await this.options.afterReacquire?.(next).catch(() => {
    });
    if (this.state !== "lost")
      return;
    this.state = "held";
    this.#startPing(next, gen);
    this.#emit({ type: "reacquired" });
  }
  async #giveBack(client) {
    if (!client)
      return;
    await client.query(lockSql(this.key, "pg_advisory_unlock")).catch(() => {
    });
    await closeClient(client);
  }
};

// dist/db/lock-keys.js
var RUN_LOCK_KEY = 0x6773796e63n;
var RUN_LEASE_NAMESPACE = 1735620978;
var CONVERSATION_LOCK_NAMESPACE = 1196621825;
var PRISMA_MIGRATE_LOCK_KEY = 72707369n;

// dist/db/run-liveness.js
var DEAD_RUN_ERROR = "the process stopped without finishing the run (killed or crashed)";
function runLeaseKey(runId) {
  const hex = runId.replace(/-/g, "").slice(0, 8);
  if (!/^[0-9a-f]{8}$/i.test(hex))
    throw new TypeError(`not a run id (UUID): "${runId}"`);
  return Number.parseInt(hex, 16) & 2147483647;
}
var LEASE_KEY_SQL = (column2) => `((('x' || left(replace(${column2}::text, '-', ''), 8))::bit(32)::int) & 2147483647)`;
var LEASE_STATE_SQL = (column2) => `(
  SELECT CASE WHEN bool_or(l.pid <> pg_backend_pid()) THEN 'held'
              WHEN count(*) > 0 THEN 'this-session'
              ELSE 'free' END
    FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.classid = ${RUN_LEASE_NAMESPACE}::oid
     AND l.objid = ${LEASE_KEY_SQL(column2)}::oid)`;
async function acquireRunLease(url, runId, timing = {}) {
  const held = await tryHoldAdvisoryLock(url, { namespace: RUN_LEASE_NAMESPACE, key: runLeaseKey(runId) }, {
    ...timing,
    afterReacquire: async (client) => {
      await client.query(`UPDATE sync_runs SET status = 'running', finished_at = NULL, error = NULL
            WHERE run_id = $1::uuid AND status = 'interrupted' AND error = $2`, [runId, DEAD_RUN_ERROR]);
    }
  });
  if (!held)
    throw new Error(`run ${runId}: its liveness lease is held by another session (a run id collision); start the run again`);
  return {
    runId,
    get state() {
      return held.state;
    },
    get backendPid() {
      return held.backendPid;
    },
    on: (listener) => held.on(listener),
    release: () => held.release()
  };
}
async function readRunningRuns(db, options) {
  const rows = await db.$queryRawUnsafe(`SELECT r.run_id::text AS "runId", ${LEASE_STATE_SQL("r.run_id")} AS lease,
            (EXTRACT(EPOCH FROM clock_timestamp() - r.heartbeat_at) * 1000)::float8 AS "heartbeatAgeMs"
       FROM sync_runs r
      WHERE r.status = 'running'`);
  return rows.map((r) => {
    const heartbeatAgeMs = Number(r.heartbeatAgeMs);
    const reason = deadReason(r.lease, heartbeatAgeMs, options.heartbeatStaleMs);
    return { runId: r.runId, lease: r.lease, heartbeatAgeMs, dead: reason !== null, deadReason: reason };
  });
}
function deadReason(lease, heartbeatAgeMs, staleMs) {
  if (lease === "free")
    return "its process is gone (its liveness lock is free)";
  if (lease === "this-session" && heartbeatAgeMs > staleMs) {
    return `no heartbeat for ${Math.round(heartbeatAgeMs / 1e3)} s (on the embedded database only the heartbeat tells)`;
  }
  return null;
}
async function markDeadRuns(db, options) {
  const rows = await db.$queryRawUnsafe(`WITH running AS (
       SELECT r.run_id, ${LEASE_STATE_SQL("r.run_id")} AS lease,
              r.heartbeat_at < clock_timestamp() - ($1::float8 * interval '1 millisecond') AS stale
         FROM sync_runs r
        WHERE r.status = 'running')
     UPDATE sync_runs s
        SET status = 'interrupted', finished_at = clock_timestamp(), error = $2
       FROM running
      WHERE s.run_id = running.run_id AND s.status = 'running'
        AND (running.lease = 'free' OR (running.lease = 'this-session' AND running.stale))
     RETURNING s.run_id::text AS "runId"`, options.heartbeatStaleMs, DEAD_RUN_ERROR);
  return rows.map((r) => r.runId);
}

// dist/db/client.js
var POOL_QUERY_TIMEOUT_MS = 4 * MINUTE_MS;
var CLOSE_DEADLINE_MS = 5 * SECOND_MS;
var pools = /* @__PURE__ */ new WeakMap();
function poolOf(db) {
  const pool = pools.get(db);
  if (!pool)
    throw new Error("this Prisma client was not made by openDatabase: its pg pool is unknown");
  return pool;
}
async function openDatabase(url, options = {}) {
  const pool = new pg2.Pool({
    ...poolConnectionConfig(url),
    query_timeout: options.queryTimeoutMs ?? POOL_QUERY_TIMEOUT_MS,
    max: options.poolSize ?? 4,
    idleTimeoutMillis: 1e4
  });
  pool.on("error", (error) => options.onPoolError?.(describeDatabaseError(error, url)));
  const sockets = trackSockets(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(prisma, pool);
  let closing;
  const close = () => closing ??= endPool(prisma, pool, sockets, options.closeDeadlineMs ?? CLOSE_DEADLINE_MS);
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    await close();
    throw describeDatabaseError(error, url);
  }
  return {
    prisma,
    url,
    runLease: (runId) => acquireRunLease(url, runId).catch((error) => {
      throw describeDatabaseError(error, url);
    }),
    cutConnections() {
      const cut = sockets.size;
      for (const socket of sockets)
        socket.destroy();
      sockets.clear();
      return cut;
    },
    close
  };
}
function trackSockets(pool) {
  const sockets = /* @__PURE__ */ new Set();
  pool.on("connect", (client) => {
    client.on("error", () => {
    });
    const stream = client.connection?.stream;
    if (!stream || stream.destroyed)
      return;
    sockets.add(stream);
    stream.once("close", () => sockets.delete(stream));
  });
  return sockets;
}
async function endPool(prisma, pool, sockets, deadlineMs) {
  const graceful = (async () => {
    await prisma.$disconnect().catch(() => {
    });
    await pool.end().catch(() => {
    });
    await Promise.all([...sockets].map(closed));
  })();
  if (await settlesWithin(graceful, deadlineMs))
    return;
  for (const socket of sockets)
    socket.destroy();
  sockets.clear();
}
function closed(socket) {
  return new Promise((resolve) => {
    if (socket.destroyed)
      resolve();
    else
      socket.once("close", () => resolve());
  });
}
async function settlesWithin(promise, ms) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

// dist/db/schema-engine.js
var bindingPromise;
function loadBinding() {
  bindingPromise ??= (async () => {
    const binding = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require2 = createRequire(import.meta.url);
    const jsPath = require2.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path2.join(path2.dirname(jsPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": binding });
    binding.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return binding;
  })();
  return bindingPromise;
}
async function openSchemaEngine(connectionString, datamodel, onLog = () => {
}) {
  const binding = await loadBinding();
  const pool = new pg3.Pool({ connectionString, max: 2, connectionTimeoutMillis: 1e4 });
  pool.on("error", () => {
  });
  try {
    const adapterFactory = bindMigrationAwareSqlAdapterFactory(withTransactionalScripts(new PrismaPg2(pool), pool));
    const engine = await binding.SchemaEngine.new({ datamodels: datamodel ? [[datamodel.path, datamodel.content]] : void 0 }, (log) => onLog(log), adapterFactory);
    return { engine, close: async () => {
      engine.free();
      await endWithin(pool);
    } };
  } catch (error) {
    await endWithin(pool);
    throw error;
  }
}
async function endWithin(pool) {
  await settlesWithin(pool.end(), CLOSE_DEADLINE_MS);
}
var NOT_IN_TRANSACTION = /\b(CONCURRENTLY|VACUUM|ALTER\s+SYSTEM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+TYPE\s+\S+\s+ADD\s+VALUE)\b/i;
function withTransactionalScripts(factory, pool) {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const statementByStatement = adapter.executeScript.bind(adapter);
    const fail = (error) => adapter.onError(error);
    adapter.executeScript = async (script) => {
      if (NOT_IN_TRANSACTION.test(script))
        return statementByStatement(script);
      const client = await pool.connect();
      let broken;
      try {
        await client.query("BEGIN");
        await client.query(script);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch((e) => broken = e);
        fail(error);
      } finally {
        client.release(broken);
      }
    };
    return adapter;
  };
  return factory;
}

// dist/db/migrate.js
async function applyMigrations(connectionString, migrationsDir, options = {}) {
  const migrationsList = await readMigrationsList(migrationsDir);
  const recovered = options.recover ? await recoverMigrations(connectionString, migrationsList) : [];
  let opened;
  try {
    opened = await openSchemaEngine(connectionString, void 0);
    const { engine } = opened;
    await engine.ensureConnectionValidity({ datasource: { tag: "ConnectionString", url: connectionString } });
    const out = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] }
    });
    return { applied: out.appliedMigrationNames, recovered };
  } catch (error) {
    const described = describeDatabaseError(error, connectionString);
    if (/P3009|failed migrations in the target database/i.test(described.message)) {
      throw new DatabaseError(`${described.message} \u2014 a migration was interrupted: run \`migrate --recover\` (docs/operations.md \xA75)`, { cause: error });
    }
    throw described;
  } finally {
    await opened?.close();
  }
}
var ALREADY_DONE = /* @__PURE__ */ new Set(["42P07", "42701", "42710", "42P06", "42723", "42P01", "42703", "42704"]);
var UNFINISHED_SQL = `SELECT id, migration_name FROM _prisma_migrations
  WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at`;
async function recoverMigrations(connectionString, migrations) {
  const client = new pg4.Client({ connectionString, connectionTimeoutMillis: 10 * SECOND_MS, query_timeout: 5 * 60 * SECOND_MS });
  client.on("error", () => {
  });
  try {
    await client.connect();
    const locked = await client.query("SELECT pg_try_advisory_lock($1::bigint) AS ok", [PRISMA_MIGRATE_LOCK_KEY.toString()]);
    if (!locked.rows[0]?.ok)
      throw new DatabaseError("another migrate holds the migration lock: let it finish, then run `migrate --recover` again");
    const exists = await client.query(`SELECT to_regclass('_prisma_migrations')::text AS t`);
    if (!exists.rows[0]?.t)
      return [];
    const rows = (await client.query(UNFINISHED_SQL)).rows;
    const out = [];
    for (const row of rows)
      out.push(await recoverOne(client, row, scriptOf(migrations, row.migration_name)));
    return out;
  } catch (error) {
    throw describeDatabaseError(error, connectionString);
  } finally {
    await settlesWithin(client.end(), 5 * SECOND_MS);
  }
}
function scriptOf(list, name) {
  const dir = list.migrationDirectories.find((d) => d.path === name);
  if (!dir || dir.migrationFile.content.tag !== "ok") {
    throw new DatabaseError(`migration ${name} is recorded as started but is not in prisma/migrations: recover it by hand (prisma migrate resolve)`);
  }
  return dir.migrationFile.content.value;
}
function splitStatements(script) {
  if (script.includes("$$"))
    throw new DatabaseError("a migration with dollar-quoted bodies cannot be split safely: recover it by hand (prisma migrate resolve)");
  return script.split(/;[ \t]*(?:\r?\n|$)/).map((s) => s.trim()).filter((s) => s.split("\n").some((line) => line.trim() !== "" && !line.trim().startsWith("--")));
}
async function recoverOne(client, row, script) {
  const statements = splitStatements(script);
  let present = 0;
  await client.query("BEGIN");
  try {
    for (const [i, statement] of statements.entries()) {
      await client.query("SAVEPOINT recover_step");
      try {
        await client.query(statement);
      } catch (error) {
        const code = error.code ?? "";
        if (!ALREADY_DONE.has(code))
          throw new DatabaseError(`migration ${row.migration_name}, statement ${i + 1}: ${error.message}; nothing was changed`, { cause: error });
        present++;
        await client.query("ROLLBACK TO SAVEPOINT recover_step");
      }
    }
    const missing = statements.length - present;
    if (present === 0) {
      await client.query("ROLLBACK");
      await client.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1`, [row.id]);
      return { migration: row.migration_name, action: "rolled-back", present, missing };
    }
    await client.query(`UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1, logs = NULL WHERE id = $1`, [row.id]);
    await client.query("COMMIT");
    return { migration: row.migration_name, action: "finished", present, missing };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
    });
    throw error;
  }
}

// dist/db/rejects.js
import { createHash as createHash2 } from "node:crypto";

// dist/db/extract.js
import { createHash } from "node:crypto";

// dist/db/array-literal.js
var BARE_ELEMENT = /^[A-Za-z0-9_.:+@-]+$/;
var NEEDS_BACKSLASH = /["\\]/g;
function arrayElement(value) {
  if (value === null)
    return "NULL";
  if (typeof value === "string") {
    if (BARE_ELEMENT.test(value) && !(value.length === 4 && value.toLowerCase() === "null"))
      return value;
    return `"${value.replace(NEEDS_BACKSLASH, "\\$&")}"`;
  }
  if (typeof value === "boolean")
    return value ? "t" : "f";
  if (!Number.isFinite(value))
    throw new RangeError(`cannot write ${value} to an array literal`);
  return String(value);
}
function arrayLiteral(values) {
  let out = "";
  for (let i = 0; i < values.length; i++)
    out += i === 0 ? arrayElement(values[i]) : `,${arrayElement(values[i])}`;
  return `{${out}}`;
}
var ColumnLiterals = class {
  columnCount;
  parts;
  rows = 0;
  constructor(columnCount) {
    this.columnCount = columnCount;
    this.parts = new Array(columnCount).fill("");
  }
  /** Appends one row; `values` must have exactly `columnCount` entries, in column order. */
  row(values) {
    if (values.length !== this.columnCount)
      throw new RangeError(`expected ${this.columnCount} values, got ${values.length}`);
    const parts = this.parts;
    if (this.rows++ === 0) {
      for (let i = 0; i < values.length; i++)
        parts[i] = arrayElement(values[i]);
    } else {
      for (let i = 0; i < values.length; i++)
        parts[i] += `,${arrayElement(values[i])}`;
    }
  }
  get rowCount() {
    return this.rows;
  }
  /** One `{...}` literal per column. */
  literals() {
    return this.parts.map((p) => `{${p}}`);
  }
};

// dist/db/table-spec.js
function column(kind) {
  return (name) => ({
    name,
    kind,
    nullable: false,
    orNull: { name, kind, nullable: true }
  });
}
var col = {
  text: column("text"),
  int4: column("int4"),
  int8: column("int8"),
  float8: column("float8"),
  bool: column("bool"),
  timestamptz: column("timestamptz"),
  jsonb: column("jsonb"),
  textArray: column("textArray"),
  int8Array: column("int8Array")
};
var PARAM_TYPE = {
  text: "text",
  int4: "int4",
  int8: "int8",
  float8: "float8",
  bool: "bool",
  timestamptz: "int8",
  jsonb: "text",
  textArray: "text",
  int8Array: "text"
};
function storedAs(kind, v) {
  if (kind === "timestamptz")
    return `to_timestamp(${v}::float8 / 1000)`;
  if (kind === "jsonb")
    return `${v}::jsonb`;
  if (kind === "textArray")
    return `${v}::text[]`;
  if (kind === "int8Array")
    return `${v}::int8[]`;
  return v;
}
var ELEMENT_OF = {
  text: arrayElement,
  int4: arrayElement,
  int8: arrayElement,
  float8: arrayElement,
  bool: arrayElement,
  jsonb: arrayElement,
  timestamptz: (value) => value === null ? "NULL" : arrayElement(value.getTime()),
  textArray: (value) => value === null ? "NULL" : arrayElement(arrayLiteral(value)),
  int8Array: (value) => value === null ? "NULL" : arrayElement(arrayLiteral(value))
};
function defineTable(table, columns) {
  const entries = Object.entries(columns);
  const names = entries.map(([, c]) => c.name);
  const unnestParams = (first) => entries.map(([, c], i) => `$${first + i}::${PARAM_TYPE[c.kind]}[]`).join(", ");
  const selectList = (alias) => entries.map(([, c]) => storedAs(c.kind, `${alias}.${c.name}`)).join(", ");
  return {
    table,
    columns,
    names,
    unnestParams,
    selectList,
    insertSql: (first) => `INSERT INTO ${table} (${names.join(", ")})
       SELECT ${selectList("x")} FROM unnest(${unnestParams(first)}) AS x(${names.join(", ")})`,
    literals: compileLiterals(entries)
  };
}
function compileLiterals(entries) {
  for (const [field] of entries)
    if (!/^[A-Za-z_$][\w$]*$/.test(field))
      throw new Error(`not an identifier: ${field}`);
  const n = entries.length;
  const columns = [...Array(n).keys()];
  const body = `
    return (rows) => {
      ${columns.map((i) => `let c${i} = '';`).join(" ")}
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        const sep = i === 0 ? '' : ',';
        ${entries.map(([field], i) => `c${i} += sep + e${i}(r.${field});`).join("\n        ")}
      }
      return [${columns.map((i) => `'{' + c${i} + '}'`).join(", ")}];
    };`;
  const factory = new Function(...columns.map((i) => `e${i}`), body);
  return factory(...entries.map(([, c]) => ELEMENT_OF[c.kind]));
}

// dist/db/extract.js
var EXTRACTOR_VERSION = 3;
var CONVERSATIONS = defineTable("conversations", {
  conversationId: col.text("conversation_id"),
  conversationStart: col.timestamptz("conversation_start"),
  conversationEnd: col.timestamptz("conversation_end").orNull,
  originatingDirection: col.text("originating_direction").orNull,
  conversationInitiator: col.text("conversation_initiator").orNull,
  externalTag: col.text("external_tag").orNull,
  divisionIds: col.textArray("division_ids"),
  /** Distinct session media types, sorted. */
  mediaTypes: col.textArray("media_types"),
  /** Distinct userIds of participants with purpose `agent`, sorted. */
  agentUserIds: col.textArray("agent_user_ids"),
  mediaStatsMinConversationMos: col.float8("media_stats_min_conversation_mos").orNull,
  mediaStatsMinConversationRFactor: col.float8("media_stats_min_conversation_r_factor").orNull,
  customerParticipation: col.bool("customer_participation").orNull,
  selfServed: col.bool("self_served").orNull,
  originatingSocialMediaPublic: col.bool("originating_social_media_public").orNull,
  associatedConversationId: col.text("associated_conversation_id").orNull,
  conferenceStart: col.timestamptz("conference_start").orNull,
  inactivityTimeout: col.timestamptz("inactivity_timeout").orNull,
  knowledgeBaseIds: col.textArray("knowledge_base_ids").orNull,
  consultationConversationIds: col.textArray("consultation_conversation_ids").orNull,
  accessAttributes: col.textArray("access_attributes").orNull,
  /** md5 hex of the extractor version and `rawJson` (see hashRawJson). */
  rawHash: col.text("raw_hash")
});
var PARTICIPANTS = defineTable("participants", {
  conversationId: col.text("conversation_id"),
  participantId: col.text("participant_id"),
  participantIndex: col.int4("participant_index"),
  purpose: col.text("purpose"),
  userId: col.text("user_id").orNull,
  participantName: col.text("participant_name").orNull,
  teamId: col.text("team_id").orNull,
  externalContactId: col.text("external_contact_id").orNull,
  externalOrganizationId: col.text("external_organization_id").orNull,
  flaggedReason: col.text("flagged_reason").orNull,
  screenRecording: col.bool("screen_recording").orNull,
  /** JSON text of the participant's attributes map; null when the record carries none. */
  attributesJson: col.jsonb("attributes").orNull
});
var SESSIONS = defineTable("sessions", {
  conversationId: col.text("conversation_id"),
  participantId: col.text("participant_id"),
  sessionId: col.text("session_id"),
  sessionIndex: col.int4("session_index"),
  mediaType: col.text("media_type").orNull,
  direction: col.text("direction").orNull,
  ani: col.text("ani").orNull,
  dnis: col.text("dnis").orNull,
  sessionDnis: col.text("session_dnis").orNull,
  addressFrom: col.text("address_from").orNull,
  addressTo: col.text("address_to").orNull,
  addressSelf: col.text("address_self").orNull,
  addressOther: col.text("address_other").orNull,
  remote: col.text("remote").orNull,
  provider: col.text("provider").orNull,
  messageType: col.text("message_type").orNull,
  edgeId: col.text("edge_id").orNull,
  protocolCallId: col.text("protocol_call_id").orNull,
  recording: col.bool("recording").orNull,
  selectedAgentId: col.text("selected_agent_id").orNull,
  usedRouting: col.text("used_routing").orNull,
  outboundCampaignId: col.text("outbound_campaign_id").orNull,
  flowId: col.text("flow_id").orNull,
  flowName: col.text("flow_name").orNull,
  // The session's flow (AnalyticsFlow), one per session: columns rather than a table.
  flowType: col.text("flow_type").orNull,
  flowVersion: col.text("flow_version").orNull,
  flowEntryType: col.text("flow_entry_type").orNull,
  flowEntryReason: col.text("flow_entry_reason").orNull,
  flowExitReason: col.text("flow_exit_reason").orNull,
  flowTransferType: col.text("flow_transfer_type").orNull,
  flowTransferTargetName: col.text("flow_transfer_target_name").orNull,
  flowTransferTargetAddress: col.text("flow_transfer_target_address").orNull,
  flowIssuedCallback: col.bool("flow_issued_callback").orNull,
  flowStartingLanguage: col.text("flow_starting_language").orNull,
  flowEndingLanguage: col.text("flow_ending_language").orNull,
  flowRecognitionFailureReason: col.text("flow_recognition_failure_reason").orNull,
  // Routing.
  activeSkillIds: col.textArray("active_skill_ids").orNull,
  removedSkillIds: col.textArray("removed_skill_ids").orNull,
  requestedRoutings: col.textArray("requested_routings").orNull,
  eligibleAgentCounts: col.int8Array("eligible_agent_counts").orNull,
  waitingInteractionCounts: col.int8Array("waiting_interaction_counts").orNull,
  agentBullseyeRing: col.int8("agent_bullseye_ring").orNull,
  routingRing: col.int8("routing_ring").orNull,
  routingRule: col.text("routing_rule").orNull,
  routingRuleType: col.text("routing_rule_type").orNull,
  selectedAgentRank: col.int8("selected_agent_rank").orNull,
  skillExpressionId: col.text("skill_expression_id").orNull,
  agentOwned: col.bool("agent_owned").orNull,
  assignerId: col.text("assigner_id").orNull,
  timeoutSeconds: col.int8("timeout_seconds").orNull,
  skipEnabled: col.bool("skip_enabled").orNull,
  acwSkipped: col.bool("acw_skipped").orNull,
  flowInType: col.text("flow_in_type").orNull,
  flowOutType: col.text("flow_out_type").orNull,
  // Callbacks, outbound, dispositions.
  callbackNumbers: col.textArray("callback_numbers").orNull,
  callbackScheduledTime: col.timestamptz("callback_scheduled_time").orNull,
  callbackUserName: col.text("callback_user_name").orNull,
  outboundContactId: col.text("outbound_contact_id").orNull,
  outboundContactListId: col.text("outbound_contact_list_id").orNull,
  dispositionAnalyzer: col.text("disposition_analyzer").orNull,
  dispositionName: col.text("disposition_name").orNull,
  detectedSpeechStart: col.timestamptz("detected_speech_start").orNull,
  detectedSpeechEnd: col.timestamptz("detected_speech_end").orNull,
  scriptId: col.text("script_id").orNull,
  // Digital channels: messages, e-mail, delivery.
  destinationAddresses: col.textArray("destination_addresses").orNull,
  cc: col.textArray("cc").orNull,
  bcc: col.textArray("bcc").orNull,
  deliveryStatus: col.text("delivery_status").orNull,
  deliveryStatusChangeDate: col.timestamptz("delivery_status_change_date").orNull,
  deliveryPushed: col.bool("delivery_pushed").orNull,
  extendedDeliveryStatus: col.text("extended_delivery_status").orNull,
  engagementSource: col.text("engagement_source").orNull,
  authenticated: col.bool("authenticated").orNull,
  remoteNameDisplayable: col.text("remote_name_displayable").orNull,
  roomId: col.text("room_id").orNull,
  mediaCount: col.int8("media_count").orNull,
  peerId: col.text("peer_id").orNull,
  mediaBridgeId: col.text("media_bridge_id").orNull,
  errorCodeDescription: col.text("error_code_description").orNull,
  // Journey (predictive engagement).
  journeyActionId: col.text("journey_action_id").orNull,
  journeyActionMapId: col.text("journey_action_map_id").orNull,
  journeyActionMapVersion: col.int8("journey_action_map_version").orNull,
  journeyCustomerId: col.text("journey_customer_id").orNull,
  journeyCustomerIdType: col.text("journey_customer_id_type").orNull,
  journeyCustomerSessionId: col.text("journey_customer_session_id").orNull,
  journeyCustomerSessionIdType: col.text("journey_customer_session_id_type").orNull,
  // Supervision, co-browse, screen and video.
  monitoredParticipantId: col.text("monitored_participant_id").orNull,
  coachedParticipantId: col.text("coached_participant_id").orNull,
  bargedParticipantId: col.text("barged_participant_id").orNull,
  screenMonitoredUserId: col.text("screen_monitored_user_id").orNull,
  cobrowseRole: col.text("cobrowse_role").orNull,
  cobrowseRoomId: col.text("cobrowse_room_id").orNull,
  screenShareAddressSelf: col.text("screen_share_address_self").orNull,
  screenShareRoomId: col.text("screen_share_room_id").orNull,
  sharingScreen: col.bool("sharing_screen").orNull,
  videoAddressSelf: col.text("video_address_self").orNull,
  videoRoomId: col.text("video_room_id").orNull,
  agentAssistantId: col.text("agent_assistant_id").orNull,
  cleared: col.bool("cleared").orNull,
  snippetRecording: col.bool("snippet_recording").orNull
});
var SEGMENTS = defineTable("segments", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  segmentIndex: col.int4("segment_index"),
  participantId: col.text("participant_id"),
  segmentStart: col.timestamptz("segment_start"),
  segmentEnd: col.timestamptz("segment_end").orNull,
  segmentType: col.text("segment_type").orNull,
  queueId: col.text("queue_id").orNull,
  groupId: col.text("group_id").orNull,
  wrapUpCode: col.text("wrap_up_code").orNull,
  wrapUpNote: col.text("wrap_up_note").orNull,
  disconnectType: col.text("disconnect_type").orNull,
  errorCode: col.text("error_code").orNull,
  conference: col.bool("conference").orNull,
  subject: col.text("subject").orNull,
  requestedLanguageId: col.text("requested_language_id").orNull,
  audioMuted: col.bool("audio_muted").orNull,
  videoMuted: col.bool("video_muted").orNull,
  sourceConversationId: col.text("source_conversation_id").orNull,
  sourceSessionId: col.text("source_session_id").orNull,
  destinationConversationId: col.text("destination_conversation_id").orNull,
  destinationSessionId: col.text("destination_session_id").orNull,
  requestedRoutingSkillIds: col.textArray("requested_routing_skill_ids").orNull,
  requestedRoutingUserIds: col.textArray("requested_routing_user_ids").orNull,
  wrapUpTags: col.textArray("wrap_up_tags").orNull,
  sipResponseCodes: col.int8Array("sip_response_codes").orNull,
  q850ResponseCodes: col.int8Array("q850_response_codes").orNull
});
var SESSION_METRICS = defineTable("session_metrics", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  metricIndex: col.int4("metric_index"),
  name: col.text("name"),
  value: col.int8("value"),
  emitDate: col.timestamptz("emit_date").orNull
});
var EVALUATIONS = defineTable("evaluations", {
  conversationId: col.text("conversation_id"),
  evaluationIndex: col.int4("evaluation_index"),
  evaluationId: col.text("evaluation_id").orNull,
  evaluatorId: col.text("evaluator_id").orNull,
  userId: col.text("user_id").orNull,
  queueId: col.text("queue_id").orNull,
  formId: col.text("form_id").orNull,
  contextId: col.text("context_id").orNull,
  formName: col.text("form_name").orNull,
  calibrationId: col.text("calibration_id").orNull,
  assigneeId: col.text("assignee_id").orNull,
  assigneeApplicable: col.bool("assignee_applicable").orNull,
  evaluationStatus: col.text("evaluation_status").orNull,
  eventTime: col.timestamptz("event_time").orNull,
  released: col.bool("released").orNull,
  rescored: col.bool("rescored").orNull,
  deleted: col.bool("deleted").orNull,
  systemSubmitted: col.bool("system_submitted").orNull,
  totalScore: col.float8("total_score").orNull,
  totalCriticalScore: col.float8("total_critical_score").orNull
});
var SURVEYS = defineTable("surveys", {
  conversationId: col.text("conversation_id"),
  surveyIndex: col.int4("survey_index"),
  surveyId: col.text("survey_id").orNull,
  surveyFormId: col.text("survey_form_id").orNull,
  surveyFormContextId: col.text("survey_form_context_id").orNull,
  surveyFormName: col.text("survey_form_name").orNull,
  surveyType: col.text("survey_type").orNull,
  surveyStatus: col.text("survey_status").orNull,
  partialResponse: col.bool("partial_response").orNull,
  userId: col.text("user_id").orNull,
  queueId: col.text("queue_id").orNull,
  eventTime: col.timestamptz("event_time").orNull,
  completedDate: col.timestamptz("completed_date").orNull,
  promoterScore: col.float8("promoter_score").orNull,
  totalScore: col.float8("total_score").orNull
});
var RESOLUTIONS = defineTable("resolutions", {
  conversationId: col.text("conversation_id"),
  resolutionIndex: col.int4("resolution_index"),
  queueId: col.text("queue_id").orNull,
  userId: col.text("user_id").orNull,
  eventTime: col.timestamptz("event_time").orNull,
  nextContactAvoided: col.int8("next_contact_avoided").orNull
});
var FLOW_OUTCOMES = defineTable("flow_outcomes", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  outcomeIndex: col.int4("outcome_index"),
  flowOutcomeId: col.text("flow_outcome_id").orNull,
  flowOutcome: col.text("flow_outcome").orNull,
  flowOutcomeValue: col.text("flow_outcome_value").orNull,
  flowOutcomeStartTimestamp: col.timestamptz("flow_outcome_start_timestamp").orNull,
  flowOutcomeEndTimestamp: col.timestamptz("flow_outcome_end_timestamp").orNull
});
var MEDIA_ENDPOINT_STATS = defineTable("media_endpoint_stats", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  statIndex: col.int4("stat_index"),
  eventTime: col.timestamptz("event_time").orNull,
  codecs: col.textArray("codecs").orNull,
  minMos: col.float8("min_mos").orNull,
  minRFactor: col.float8("min_r_factor").orNull,
  maxLatencyMs: col.int8("max_latency_ms").orNull,
  receivedPackets: col.int8("received_packets").orNull,
  invalidPackets: col.int8("invalid_packets").orNull,
  discardedPackets: col.int8("discarded_packets").orNull,
  duplicatePackets: col.int8("duplicate_packets").orNull,
  overrunPackets: col.int8("overrun_packets").orNull,
  underrunPackets: col.int8("underrun_packets").orNull
});
var SESSION_PROPOSED_AGENTS = defineTable("session_proposed_agents", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  agentIndex: col.int4("agent_index"),
  proposedAgentId: col.text("proposed_agent_id").orNull,
  agentRank: col.int8("agent_rank").orNull
});
var SESSION_AGENT_GROUPS = defineTable("session_agent_groups", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  groupIndex: col.int4("group_index"),
  agentGroupId: col.text("agent_group_id").orNull,
  agentGroupType: col.text("agent_group_type").orNull
});
var SEGMENT_SCORED_AGENTS = defineTable("segment_scored_agents", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  segmentIndex: col.int4("segment_index"),
  agentIndex: col.int4("agent_index"),
  scoredAgentId: col.text("scored_agent_id").orNull,
  agentScore: col.float8("agent_score").orNull
});
var SEGMENT_PROPERTIES = defineTable("segment_properties", {
  conversationId: col.text("conversation_id"),
  sessionId: col.text("session_id"),
  segmentIndex: col.int4("segment_index"),
  propertyIndex: col.int4("property_index"),
  property: col.text("property").orNull,
  propertyType: col.text("property_type").orNull,
  value: col.text("value").orNull
});
var CHILD_TABLES = [
  PARTICIPANTS,
  SESSIONS,
  SEGMENTS,
  SESSION_METRICS,
  EVALUATIONS,
  SURVEYS,
  RESOLUTIONS,
  FLOW_OUTCOMES,
  MEDIA_ENDPOINT_STATS,
  SESSION_PROPOSED_AGENTS,
  SESSION_AGENT_GROUPS,
  SEGMENT_SCORED_AGENTS,
  SEGMENT_PROPERTIES
];
var UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/i;
function findUnstorableCharacter(json) {
  const match = UNSTORABLE_ESCAPE.exec(json);
  if (!match)
    return void 0;
  return match[1] === "0000" ? "contains a NUL character (\\u0000), which Postgres cannot store" : `contains an unpaired UTF-16 surrogate (\\u${match[1]}), which Postgres cannot store`;
}
var UNSTORABLE_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function storableText(text) {
  return UNSTORABLE_CHARACTER.test(text) ? JSON.stringify(text) : text;
}
function hashRawJson(rawJson) {
  return createHash("md5").update(`v${EXTRACTOR_VERSION}:`).update(rawJson).digest("hex");
}
var date = (text) => new Date(Date.parse(text));
var dateOrNull = (text) => text == null ? null : date(text);
var orNull = (value) => value ?? null;
function extractConversation(record, precomputed) {
  const rawJson = precomputed?.rawJson ?? JSON.stringify(record);
  const children = {
    participants: [],
    sessions: [],
    segments: [],
    sessionMetrics: [],
    evaluations: [],
    surveys: [],
    resolutions: [],
    flowOutcomes: [],
    mediaEndpointStats: [],
    proposedAgents: [],
    agentGroups: [],
    scoredAgents: [],
    segmentProperties: []
  };
  (record.participants ?? []).forEach((p, index) => extractParticipant(children, record.conversationId, p, index));
  extractAfterCare(children, record);
  const conversation = {
    conversationId: record.conversationId,
    conversationStart: date(record.conversationStart),
    conversationEnd: dateOrNull(record.conversationEnd),
    originatingDirection: orNull(record.originatingDirection),
    conversationInitiator: orNull(record.conversationInitiator),
    externalTag: orNull(record.externalTag),
    divisionIds: record.divisionIds ?? [],
    mediaTypes: distinctSorted(children.sessions, (s) => s.mediaType),
    agentUserIds: distinctSorted(children.participants, (p) => p.purpose === "agent" ? p.userId : null),
    mediaStatsMinConversationMos: orNull(record.mediaStatsMinConversationMos),
    mediaStatsMinConversationRFactor: orNull(record.mediaStatsMinConversationRFactor),
    customerParticipation: orNull(record.customerParticipation),
    selfServed: orNull(record.selfServed),
    originatingSocialMediaPublic: orNull(record.originatingSocialMediaPublic),
    associatedConversationId: orNull(record.associatedConversationId),
    conferenceStart: dateOrNull(record.conferenceStart),
    inactivityTimeout: dateOrNull(record.inactivityTimeout),
    knowledgeBaseIds: orNull(record.knowledgeBaseIds),
    consultationConversationIds: orNull(record.consultationConversationIds),
    accessAttributes: orNull(record.accessAttributes),
    raw: record,
    rawHash: precomputed?.rawHash ?? hashRawJson(rawJson)
  };
  return { conversation, ...children, rawJson };
}
function distinctSorted(rows, pick) {
  const values = /* @__PURE__ */ new Set();
  for (const row of rows) {
    const value = pick(row);
    if (value !== null)
      values.add(value);
  }
  return [...values].sort();
}
function extractAfterCare(out, record) {
  const { conversationId } = record;
  (record.evaluations ?? []).forEach((e, evaluationIndex) => out.evaluations.push({
    conversationId,
    evaluationIndex,
    evaluationId: orNull(e.evaluationId),
    evaluatorId: orNull(e.evaluatorId),
    userId: orNull(e.userId),
    queueId: orNull(e.queueId),
    formId: orNull(e.formId),
    contextId: orNull(e.contextId),
    formName: orNull(e.formName),
    calibrationId: orNull(e.calibrationId),
    assigneeId: orNull(e.assigneeId),
    assigneeApplicable: orNull(e.assigneeApplicable),
    evaluationStatus: orNull(e.evaluationStatus),
    eventTime: dateOrNull(e.eventTime),
    released: orNull(e.released),
    rescored: orNull(e.rescored),
    deleted: orNull(e.deleted),
    systemSubmitted: orNull(e.systemSubmitted),
    totalScore: orNull(e.oTotalScore),
    totalCriticalScore: orNull(e.oTotalCriticalScore)
  }));
  (record.surveys ?? []).forEach((v, surveyIndex) => out.surveys.push({
    conversationId,
    surveyIndex,
    surveyId: orNull(v.surveyId),
    surveyFormId: orNull(v.surveyFormId),
    surveyFormContextId: orNull(v.surveyFormContextId),
    surveyFormName: orNull(v.surveyFormName),
    surveyType: orNull(v.surveyType),
    surveyStatus: orNull(v.surveyStatus),
    partialResponse: orNull(v.surveyPartialResponse),
    userId: orNull(v.userId),
    queueId: orNull(v.queueId),
    eventTime: dateOrNull(v.eventTime),
    completedDate: dateOrNull(v.surveyCompletedDate),
    promoterScore: orNull(v.surveyPromoterScore),
    totalScore: orNull(v.oSurveyTotalScore)
  }));
  (record.resolutions ?? []).forEach((r, resolutionIndex) => out.resolutions.push({
    conversationId,
    resolutionIndex,
    queueId: orNull(r.queueId),
    userId: orNull(r.userId),
    eventTime: dateOrNull(r.eventTime),
    nextContactAvoided: orNull(r.nNextContactAvoided)
  }));
}
function extractParticipant(out, conversationId, p, participantIndex) {
  const { participantId } = p;
  out.participants.push({
    conversationId,
    participantId,
    participantIndex,
    purpose: p.purpose,
    userId: orNull(p.userId),
    participantName: orNull(p.participantName),
    teamId: orNull(p.teamId),
    externalContactId: orNull(p.externalContactId),
    externalOrganizationId: orNull(p.externalOrganizationId),
    flaggedReason: orNull(p.flaggedReason),
    screenRecording: orNull(p.screenRecording),
    attributesJson: p.attributes == null ? null : JSON.stringify(p.attributes)
  });
  (p.sessions ?? []).forEach((s, sessionIndex) => {
    const place = { conversationId, participantId, sessionId: s.sessionId };
    out.sessions.push(sessionRow(place, s, sessionIndex));
    (s.segments ?? []).forEach((g, segmentIndex) => extractSegment(out, place, g, segmentIndex));
    (s.metrics ?? []).forEach((m, metricIndex) => out.sessionMetrics.push(metricRow(place, m, metricIndex)));
    extractSessionArrays(out, place, s);
  });
}
function extractSessionArrays(out, { conversationId, sessionId }, s) {
  (s.flow?.outcomes ?? []).forEach((o, outcomeIndex) => out.flowOutcomes.push({
    conversationId,
    sessionId,
    outcomeIndex,
    flowOutcomeId: orNull(o.flowOutcomeId),
    flowOutcome: orNull(o.flowOutcome),
    flowOutcomeValue: orNull(o.flowOutcomeValue),
    flowOutcomeStartTimestamp: dateOrNull(o.flowOutcomeStartTimestamp),
    flowOutcomeEndTimestamp: dateOrNull(o.flowOutcomeEndTimestamp)
  }));
  (s.mediaEndpointStats ?? []).forEach((m, statIndex) => out.mediaEndpointStats.push({
    conversationId,
    sessionId,
    statIndex,
    eventTime: dateOrNull(m.eventTime),
    codecs: orNull(m.codecs),
    minMos: orNull(m.minMos),
    minRFactor: orNull(m.minRFactor),
    maxLatencyMs: orNull(m.maxLatencyMs),
    receivedPackets: orNull(m.receivedPackets),
    invalidPackets: orNull(m.invalidPackets),
    discardedPackets: orNull(m.discardedPackets),
    duplicatePackets: orNull(m.duplicatePackets),
    overrunPackets: orNull(m.overrunPackets),
    underrunPackets: orNull(m.underrunPackets)
  }));
  (s.proposedAgents ?? []).forEach((a, agentIndex) => out.proposedAgents.push({
    conversationId,
    sessionId,
    agentIndex,
    proposedAgentId: orNull(a.proposedAgentId),
    agentRank: orNull(a.agentRank)
  }));
  (s.agentGroups ?? []).forEach((a, groupIndex) => out.agentGroups.push({
    conversationId,
    sessionId,
    groupIndex,
    agentGroupId: orNull(a.agentGroupId),
    agentGroupType: orNull(a.agentGroupType)
  }));
}
function extractSegment(out, place, g, segmentIndex) {
  const { conversationId, sessionId } = place;
  out.segments.push(segmentRow(place, g, segmentIndex));
  (g.scoredAgents ?? []).forEach((a, agentIndex) => out.scoredAgents.push({
    conversationId,
    sessionId,
    segmentIndex,
    agentIndex,
    scoredAgentId: orNull(a.scoredAgentId),
    agentScore: orNull(a.agentScore)
  }));
  (g.properties ?? []).forEach((q, propertyIndex) => out.segmentProperties.push({
    conversationId,
    sessionId,
    segmentIndex,
    propertyIndex,
    property: orNull(q.property),
    propertyType: orNull(q.propertyType),
    value: orNull(q.value)
  }));
}
function sessionRow({ conversationId, participantId, sessionId }, s, sessionIndex) {
  const f = s.flow;
  return {
    conversationId,
    participantId,
    sessionId,
    sessionIndex,
    mediaType: orNull(s.mediaType),
    direction: orNull(s.direction),
    ani: orNull(s.ani),
    dnis: orNull(s.dnis),
    sessionDnis: orNull(s.sessionDnis),
    addressFrom: orNull(s.addressFrom),
    addressTo: orNull(s.addressTo),
    addressSelf: orNull(s.addressSelf),
    addressOther: orNull(s.addressOther),
    remote: orNull(s.remote),
    provider: orNull(s.provider),
    messageType: orNull(s.messageType),
    edgeId: orNull(s.edgeId),
    protocolCallId: orNull(s.protocolCallId),
    recording: orNull(s.recording),
    selectedAgentId: orNull(s.selectedAgentId),
    usedRouting: orNull(s.usedRouting),
    outboundCampaignId: orNull(s.outboundCampaignId),
    flowId: orNull(f?.flowId),
    flowName: orNull(f?.flowName),
    flowType: orNull(f?.flowType),
    flowVersion: orNull(f?.flowVersion),
    flowEntryType: orNull(f?.entryType),
    flowEntryReason: orNull(f?.entryReason),
    flowExitReason: orNull(f?.exitReason),
    flowTransferType: orNull(f?.transferType),
    flowTransferTargetName: orNull(f?.transferTargetName),
    flowTransferTargetAddress: orNull(f?.transferTargetAddress),
    flowIssuedCallback: orNull(f?.issuedCallback),
    flowStartingLanguage: orNull(f?.startingLanguage),
    flowEndingLanguage: orNull(f?.endingLanguage),
    flowRecognitionFailureReason: orNull(f?.recognitionFailureReason),
    activeSkillIds: orNull(s.activeSkillIds),
    removedSkillIds: orNull(s.removedSkillIds),
    requestedRoutings: orNull(s.requestedRoutings),
    eligibleAgentCounts: orNull(s.eligibleAgentCounts),
    waitingInteractionCounts: orNull(s.waitingInteractionCounts),
    agentBullseyeRing: orNull(s.agentBullseyeRing),
    routingRing: orNull(s.routingRing),
    routingRule: orNull(s.routingRule),
    routingRuleType: orNull(s.routingRuleType),
    selectedAgentRank: orNull(s.selectedAgentRank),
    skillExpressionId: orNull(s.skillExpressionId),
    agentOwned: orNull(s.agentOwned),
    assignerId: orNull(s.assignerId),
    timeoutSeconds: orNull(s.timeoutSeconds),
    skipEnabled: orNull(s.skipEnabled),
    acwSkipped: orNull(s.acwSkipped),
    flowInType: orNull(s.flowInType),
    flowOutType: orNull(s.flowOutType),
    callbackNumbers: orNull(s.callbackNumbers),
    callbackScheduledTime: dateOrNull(s.callbackScheduledTime),
    callbackUserName: orNull(s.callbackUserName),
    outboundContactId: orNull(s.outboundContactId),
    outboundContactListId: orNull(s.outboundContactListId),
    dispositionAnalyzer: orNull(s.dispositionAnalyzer),
    dispositionName: orNull(s.dispositionName),
    detectedSpeechStart: dateOrNull(s.detectedSpeechStart),
    detectedSpeechEnd: dateOrNull(s.detectedSpeechEnd),
    scriptId: orNull(s.scriptId),
    destinationAddresses: orNull(s.destinationAddresses),
    cc: orNull(s.cc),
    bcc: orNull(s.bcc),
    deliveryStatus: orNull(s.deliveryStatus),
    deliveryStatusChangeDate: dateOrNull(s.deliveryStatusChangeDate),
    deliveryPushed: orNull(s.deliveryPushed),
    extendedDeliveryStatus: orNull(s.extendedDeliveryStatus),
    engagementSource: orNull(s.engagementSource),
    authenticated: orNull(s.authenticated),
    remoteNameDisplayable: orNull(s.remoteNameDisplayable),
    roomId: orNull(s.roomId),
    mediaCount: orNull(s.mediaCount),
    peerId: orNull(s.peerId),
    mediaBridgeId: orNull(s.mediaBridgeId),
    errorCodeDescription: orNull(s.errorCodeDescription),
    journeyActionId: orNull(s.journeyActionId),
    journeyActionMapId: orNull(s.journeyActionMapId),
    journeyActionMapVersion: orNull(s.journeyActionMapVersion),
    journeyCustomerId: orNull(s.journeyCustomerId),
    journeyCustomerIdType: orNull(s.journeyCustomerIdType),
    journeyCustomerSessionId: orNull(s.journeyCustomerSessionId),
    journeyCustomerSessionIdType: orNull(s.journeyCustomerSessionIdType),
    monitoredParticipantId: orNull(s.monitoredParticipantId),
    coachedParticipantId: orNull(s.coachedParticipantId),
    bargedParticipantId: orNull(s.bargedParticipantId),
    screenMonitoredUserId: orNull(s.screenMonitoredUserId),
    cobrowseRole: orNull(s.cobrowseRole),
    cobrowseRoomId: orNull(s.cobrowseRoomId),
    screenShareAddressSelf: orNull(s.screenShareAddressSelf),
    screenShareRoomId: orNull(s.screenShareRoomId),
    sharingScreen: orNull(s.sharingScreen),
    videoAddressSelf: orNull(s.videoAddressSelf),
    videoRoomId: orNull(s.videoRoomId),
    agentAssistantId: orNull(s.agentAssistantId),
    cleared: orNull(s.cleared),
    snippetRecording: orNull(s.snippetRecording)
  };
}
function segmentRow({ conversationId, participantId, sessionId }, g, segmentIndex) {
  return {
    conversationId,
    sessionId,
    segmentIndex,
    participantId,
    segmentStart: date(g.segmentStart),
    segmentEnd: dateOrNull(g.segmentEnd),
    segmentType: orNull(g.segmentType),
    queueId: orNull(g.queueId),
    groupId: orNull(g.groupId),
    wrapUpCode: orNull(g.wrapUpCode),
    wrapUpNote: orNull(g.wrapUpNote),
    disconnectType: orNull(g.disconnectType),
    errorCode: orNull(g.errorCode),
    conference: orNull(g.conference),
    subject: orNull(g.subject),
    requestedLanguageId: orNull(g.requestedLanguageId),
    audioMuted: orNull(g.audioMuted),
    videoMuted: orNull(g.videoMuted),
    sourceConversationId: orNull(g.sourceConversationId),
    sourceSessionId: orNull(g.sourceSessionId),
    destinationConversationId: orNull(g.destinationConversationId),
    destinationSessionId: orNull(g.destinationSessionId),
    requestedRoutingSkillIds: orNull(g.requestedRoutingSkillIds),
    requestedRoutingUserIds: orNull(g.requestedRoutingUserIds),
    wrapUpTags: orNull(g.wrapUpTags),
    sipResponseCodes: orNull(g.sipResponseCodes),
    q850ResponseCodes: orNull(g.q850ResponseCodes)
  };
}
function metricRow({ conversationId, sessionId }, m, metricIndex) {
  return { conversationId, sessionId, metricIndex, name: m.name, value: m.value, emitDate: dateOrNull(m.emitDate) };
}

// dist/db/rejects.js
var MAX_ERROR_LENGTH = 4e3;
function rejectKey(recordId, rawJson) {
  return recordId === void 0 ? `sha256:${createHash2("sha256").update(rawJson).digest("hex")}` : storableText(recordId);
}
function rawText(record) {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch (error) {
    return JSON.stringify({ unserializable: String(error) });
  }
}
function rejectRows(rejects) {
  const byKey = /* @__PURE__ */ new Map();
  for (const r of rejects) {
    const raw2 = rawText(r.raw);
    const key = rejectKey(r.recordId, raw2);
    const id = r.recordId === void 0 ? null : storableText(r.recordId);
    byKey.set(key, { key, id, error: storableText(r.problem.slice(0, MAX_ERROR_LENGTH)), raw: raw2 });
  }
  return [...byKey.values()];
}
async function quarantineRecords(exec, rejects, source, at) {
  const rows = rejectRows(rejects);
  if (rows.length === 0)
    return 0;
  return exec.$executeRawUnsafe(`INSERT INTO sync_rejects AS r (stream, reject_key, conversation_id, run_id, window_id, page, error, raw_json, first_seen_at, last_seen_at)
     SELECT $9, k, c, $5::uuid, $6::bigint, $7, e, j, $8::timestamptz, $8::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, c, e, j)
     ON CONFLICT (stream, reject_key) WHERE resolved_at IS NULL DO UPDATE SET
       run_id = EXCLUDED.run_id, window_id = EXCLUDED.window_id, page = EXCLUDED.page, error = EXCLUDED.error,
       raw_json = EXCLUDED.raw_json, last_seen_at = EXCLUDED.last_seen_at, times_seen = r.times_seen + 1`, rows.map((r) => r.key), rows.map((r) => r.id), rows.map((r) => r.error), rows.map((r) => r.raw), source.runId, source.windowId, storableText(source.page), at, source.stream);
}
async function resolveRejects(exec, recordIds, at, stream = DEFAULT_STREAM) {
  if (recordIds.length === 0)
    return 0;
  return exec.$executeRawUnsafe(`UPDATE sync_rejects SET resolved_at = $2::timestamptz
      WHERE resolved_at IS NULL AND stream = $3 AND reject_key = ANY($1::text[])`, [...recordIds], at, stream);
}
async function countOpenRejects(db) {
  return db.syncReject.count({ where: { resolvedAt: null } });
}
async function listOpenRejects(db, limit) {
  return db.syncReject.findMany({
    where: { resolvedAt: null },
    orderBy: { lastSeenAt: "desc" },
    take: limit,
    select: { stream: true, rejectKey: true, conversationId: true, runId: true, page: true, error: true, firstSeenAt: true, lastSeenAt: true, timesSeen: true }
  });
}

// dist/db/sql-transaction.js
var POOL_WAIT_TIMEOUT = /timeout exceeded when trying to connect/i;
async function inSqlTransaction(pool, fn, options) {
  const client = await connectWithin(pool, options.maxWaitMs);
  let broken;
  try {
    await client.query("BEGIN");
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))}`);
    const result = await fn(sqlTx(client));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
function sqlTx(client) {
  return {
    async $queryRawUnsafe(sql, ...params) {
      return (await client.query(sql, params)).rows;
    },
    async $executeRawUnsafe(sql, ...params) {
      return (await client.query(sql, params)).rowCount ?? 0;
    }
  };
}
async function connectWithin(pool, maxWaitMs) {
  const deadline = Date.now() + maxWaitMs;
  for (; ; ) {
    try {
      return await pool.connect();
    } catch (error) {
      if (!(error instanceof Error && POOL_WAIT_TIMEOUT.test(error.message)) || Date.now() >= deadline)
        throw error;
    }
  }
}

// dist/db/conversation-children.js
function deleteChildrenCtes(where, options = {}) {
  return CHILD_TABLES.filter((t) => !options.except?.includes(t.table)).map((t, i) => `children${i} AS (DELETE FROM ${t.table} WHERE ${where})`);
}
var CONVERSATION_TABLES = ["conversations", ...CHILD_TABLES.map((t) => t.table)];

// dist/db/conversations.js
var DEFAULT_MAX_ATTEMPTS = 4;
var DEFAULT_MAX_WAIT_MS = 6e4;
var DEFAULT_TIMEOUT_MS = 12e4;
var RETRY_BASE_DELAY_MS = 20;
var MAX_BATCH_CONVERSATIONS = 1e3;
function createConversationWriter(db, options = {}) {
  return {
    write: (batch) => writeConversationBatch(db, batch.records, {
      ...options,
      syncedAt: batch.syncedAt,
      fetchedAt: batch.fetchedAt,
      resolveRejects: batch.resolveRejects,
      quarantine: { source: batch.source, rejects: batch.rejects }
    })
  };
}
async function writeConversationBatch(db, records, plan) {
  const { pending, refused } = prepareBatch(records);
  if (pending.length > MAX_BATCH_CONVERSATIONS) {
    throw new RangeError(`a conversation batch holds at most ${MAX_BATCH_CONVERSATIONS} conversations, got ${pending.length}: split it`);
  }
  const transaction = () => inSqlTransaction(poolOf(db), (tx) => writeInTransaction(tx, pending, refused, plan), {
    maxWaitMs: plan.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    statementTimeoutMs: plan.timeoutMs ?? DEFAULT_TIMEOUT_MS
  });
  return retry(transaction, {
    attempts: plan.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryable: isTransientConflict,
    delayMs: (attempt) => RETRY_BASE_DELAY_MS * attempt * (0.5 + Math.random()),
    ...plan.sleep ? { sleep: plan.sleep } : {}
  });
}
function prepareBatch(records) {
  const byId = /* @__PURE__ */ new Map();
  for (const record of records)
    byId.set(record.id, record);
  const pending = [];
  const refused = [];
  for (const id of [...byId.keys()].sort(compareCodeUnits)) {
    const record = byId.get(id);
    const rawJson = JSON.stringify(record.raw);
    const unstorable = findUnstorableCharacter(JSON.stringify(id)) ?? findUnstorableCharacter(rawJson);
    if (unstorable)
      refused.push({ recordId: id, raw: record.raw, problem: unstorable });
    else
      pending.push({ record, rawJson, rawHash: hashRawJson(rawJson) });
  }
  return { pending, refused };
}
function validate(p) {
  if (!p.extracted) {
    const parsed = parseConversation(p.record.raw);
    if (!parsed.ok)
      p.extracted = { problem: parsed.problem };
    else if (parsed.conversation.conversationId !== p.record.id)
      p.extracted = { problem: "conversationId: differs from the id read at the boundary" };
    else
      p.extracted = extractConversation(parsed.conversation, p);
  }
  return p.extracted;
}
function compareCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
async function writeInTransaction(tx, pending, refusedBefore, plan) {
  const fetchedAt = plan.fetchedAt.getTime();
  const stored = await lockAndReadStored(tx, pending);
  const sorted = sortByStoredVersion(pending, stored, fetchedAt);
  await touchUnchanged(tx, sorted.unchanged, plan);
  if (sorted.changed.length > 0)
    await replaceChanged(tx, sorted.changed, stored, plan);
  const refused = [...refusedBefore, ...sorted.refused];
  const rejected = [...plan.quarantine?.rejects ?? [], ...refused];
  if (plan.quarantine)
    await quarantineRecords(tx, rejected, plan.quarantine.source, plan.syncedAt);
  const stream = plan.quarantine?.source.stream;
  const rejectsResolved = plan.resolveRejects ? await resolveRejects(tx, sorted.storedIds, plan.syncedAt, stream) : 0;
  if (plan.afterWrite)
    await plan.afterWrite(tx);
  return {
    storedIds: sorted.storedIds,
    changed: sorted.changed.length,
    unchanged: sorted.unchanged.length,
    stale: sorted.stale.length,
    rejected: plan.quarantine ? rejected : refused,
    rejectsResolved
  };
}
async function lockAndReadStored(tx, pending) {
  const stored = /* @__PURE__ */ new Map();
  if (pending.length === 0)
    return stored;
  const ids = arrayLiteral(pending.map((p) => p.record.id));
  await lockConversationIds(tx, ids);
  const rows = await tx.$queryRawUnsafe(`SELECT conversation_id, raw_hash, (extract(epoch FROM fetched_at) * 1000)::float8 AS fetched_ms
       FROM conversations WHERE conversation_id = ANY($1::text[])`, ids);
  for (const row of rows)
    stored.set(row.conversation_id, { hash: row.raw_hash, fetchedAt: row.fetched_ms });
  return stored;
}
function sortByStoredVersion(pending, stored, fetchedAt) {
  const sorted = { storedIds: [], stale: [], unchanged: [], changed: [], refused: [] };
  for (const p of pending) {
    const { id, raw: raw2 } = p.record;
    const before = stored.get(id);
    if (before?.fetchedAt != null && before.fetchedAt > fetchedAt)
      sorted.stale.push(id);
    else if (before?.hash === p.rawHash)
      sorted.unchanged.push(id);
    else {
      const result = validate(p);
      if ("problem" in result) {
        sorted.refused.push({ recordId: id, raw: raw2, problem: result.problem });
        continue;
      }
      sorted.changed.push(p);
    }
    sorted.storedIds.push(id);
  }
  return sorted;
}
async function touchUnchanged(tx, ids, plan) {
  if (ids.length === 0)
    return;
  await tx.$executeRawUnsafe(`UPDATE conversations SET last_synced_at = to_timestamp($2::float8 / 1000),
            fetched_at = GREATEST(fetched_at, to_timestamp($3::float8 / 1000)),
            last_changed_at = CASE WHEN deleted_at IS NULL THEN last_changed_at ELSE to_timestamp($2::float8 / 1000) END,
            deleted_at = NULL
      WHERE conversation_id = ANY($1::text[])`, arrayLiteral(ids), plan.syncedAt.getTime(), plan.fetchedAt.getTime());
}
async function replaceChanged(tx, changed, stored, plan) {
  const extracted = changed.map((p) => p.extracted);
  await upsertConversations(tx, extracted, plan.syncedAt.getTime(), plan.fetchedAt.getTime());
  const existed = changed.filter((p) => stored.has(p.record.id)).map((p) => p.record.id);
  const previousAttributes = existed.length > 0 ? await deleteChildren(tx, existed) : /* @__PURE__ */ new Map();
  await insertChildren(tx, extracted, previousAttributes);
}
function withAttributesCarriedOver(participants, previous) {
  if (previous.size === 0)
    return participants;
  return participants.map((p) => {
    const kept = p.attributesJson === null ? previous.get(`${p.conversationId} ${p.participantId}`) : void 0;
    return kept === void 0 ? p : { ...p, attributesJson: kept };
  });
}
async function lockConversationIds(tx, idsLiteral) {
  await tx.$queryRawUnsafe(`SELECT (SELECT count(pg_advisory_xact_lock(${CONVERSATION_LOCK_NAMESPACE}, k))
               FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS id ORDER BY k) AS keys) AS locked,
            (SELECT set_config('default_toast_compression', 'lz4', true)
               FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) AS compression`, idsLiteral);
}
var UPDATED_COLUMNS = CONVERSATIONS.names.filter((name) => name !== "conversation_id");
var CONVERSATION_PARAMS = CONVERSATIONS.names.length;
var SYNCED_AT = `to_timestamp($${CONVERSATION_PARAMS + 1}::float8 / 1000)`;
var FETCHED_AT = `to_timestamp($${CONVERSATION_PARAMS + 2}::float8 / 1000)`;
function upsertConversationsSql(count) {
  const rawValues = Array.from({ length: count }, (_, i) => `(${i + 1}, $${i + CONVERSATION_PARAMS + 3}::jsonb)`).join(", ");
  return `INSERT INTO conversations AS c (${CONVERSATIONS.names.join(", ")},
       raw, first_synced_at, last_synced_at, last_changed_at, fetched_at)
     SELECT ${CONVERSATIONS.selectList("u")}, r.raw, ${SYNCED_AT}, ${SYNCED_AT}, ${SYNCED_AT}, ${FETCHED_AT}
       FROM unnest(${CONVERSATIONS.unnestParams(1)}) WITH ORDINALITY AS u(${CONVERSATIONS.names.join(", ")}, ord)
       JOIN (VALUES ${rawValues}) AS r(ord, raw) ON r.ord = u.ord
      ORDER BY u.ord
     ON CONFLICT (conversation_id) DO UPDATE SET
       ${UPDATED_COLUMNS.map((name) => `${name} = EXCLUDED.${name}`).join(", ")},
       raw = EXCLUDED.raw,
       last_synced_at = EXCLUDED.last_synced_at,
       fetched_at = EXCLUDED.fetched_at,
       last_changed_at = CASE WHEN c.raw_hash = EXCLUDED.raw_hash AND c.deleted_at IS NULL THEN c.last_changed_at ELSE EXCLUDED.last_changed_at END,
       deleted_at = NULL`;
}
async function upsertConversations(tx, extracted, syncedAt, fetchedAt) {
  await tx.$executeRawUnsafe(upsertConversationsSql(extracted.length), ...CONVERSATIONS.literals(extracted.map((e) => e.conversation)), syncedAt, fetchedAt, ...extracted.map((e) => e.rawJson));
}
async function deleteChildren(tx, ids) {
  const others = deleteChildrenCtes("conversation_id = ANY($1::text[])", { except: [PARTICIPANTS.table] });
  const kept = await tx.$queryRawUnsafe(`WITH p AS (DELETE FROM ${PARTICIPANTS.table} WHERE conversation_id = ANY($1::text[])
                RETURNING conversation_id, participant_id, attributes),
          ${others.join(",\n          ")}
     SELECT conversation_id || ' ' || participant_id AS k, attributes::text AS a FROM p WHERE attributes IS NOT NULL`, arrayLiteral(ids));
  return new Map(kept.map((r) => [r.k, r.a]));
}
function childRows(spec, rows) {
  return rows.length === 0 ? void 0 : { spec, literals: spec.literals(rows) };
}
var insertChildrenSql = /* @__PURE__ */ (() => {
  const built = /* @__PURE__ */ new Map();
  return (parts) => {
    const key = parts.map((p) => p.spec.table).join(" ");
    let sql = built.get(key);
    if (sql === void 0) {
      let first = 1;
      const inserts = parts.map(({ spec }) => {
        const insert = spec.insertSql(first);
        first += spec.names.length;
        return insert;
      });
      const last = inserts.pop();
      sql = inserts.length === 0 ? last : `WITH ${inserts.map((insert, i) => `c${i} AS (${insert})`).join(", ")} ${last}`;
      built.set(key, sql);
    }
    return sql;
  };
})();
async function insertChildren(tx, extracted, previousAttributes) {
  const participants = withAttributesCarriedOver(extracted.flatMap((e) => e.participants), previousAttributes);
  const parts = [
    childRows(PARTICIPANTS, participants),
    childRows(SESSIONS, extracted.flatMap((e) => e.sessions)),
    childRows(SEGMENTS, extracted.flatMap((e) => e.segments)),
    childRows(SESSION_METRICS, extracted.flatMap((e) => e.sessionMetrics)),
    childRows(EVALUATIONS, extracted.flatMap((e) => e.evaluations)),
    childRows(SURVEYS, extracted.flatMap((e) => e.surveys)),
    childRows(RESOLUTIONS, extracted.flatMap((e) => e.resolutions)),
    childRows(FLOW_OUTCOMES, extracted.flatMap((e) => e.flowOutcomes)),
    childRows(MEDIA_ENDPOINT_STATS, extracted.flatMap((e) => e.mediaEndpointStats)),
    childRows(SESSION_PROPOSED_AGENTS, extracted.flatMap((e) => e.proposedAgents)),
    childRows(SESSION_AGENT_GROUPS, extracted.flatMap((e) => e.agentGroups)),
    childRows(SEGMENT_SCORED_AGENTS, extracted.flatMap((e) => e.scoredAgents)),
    childRows(SEGMENT_PROPERTIES, extracted.flatMap((e) => e.segmentProperties))
  ].filter((part) => part !== void 0);
  if (parts.length === 0)
    return;
  await tx.$executeRawUnsafe(insertChildrenSql(parts), ...parts.flatMap((p) => p.literals));
}
function isTransientConflict(error) {
  const seen = /* @__PURE__ */ new Set();
  let current = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current;
    if (e.code === "P2034" || e.code === "40P01" || e.code === "40001")
      return true;
    if (e.kind === "TransactionWriteConflict" || e.originalCode === "40P01" || e.originalCode === "40001")
      return true;
    if (typeof e.message === "string" && /deadlock detected|could not serialize access/.test(e.message))
      return true;
    current = e.meta?.driverAdapterError ?? e.cause;
  }
  return false;
}

// dist/db/agent-activity.js
var TABLES = {
  presence: { table: "agent_presence", valueColumn: "system_presence", extra: "organization_presence_id" },
  routing: { table: "agent_routing_status", valueColumn: "routing_status", extra: void 0 }
};
var MAX_ATTEMPTS = 5;
var MAX_WAIT_MS = 6e4;
var STATEMENT_TIMEOUT_MS = 12e4;
function createAgentActivityWriter(db) {
  return {
    write: (batch) => retry(() => inSqlTransaction(poolOf(db), (tx) => writeInTransaction2(tx, batch), { maxWaitMs: MAX_WAIT_MS, statementTimeoutMs: STATEMENT_TIMEOUT_MS }), {
      attempts: MAX_ATTEMPTS,
      retryable: isTransientConflict,
      delayMs: (attempt) => 50 * attempt * (0.5 + Math.random())
    })
  };
}
async function writeInTransaction2(tx, batch) {
  const { rows, refused } = prepareRows(batch.records);
  let changed = 0;
  for (const kind of ["presence", "routing"]) {
    const mine = rows.filter((r) => r.kind === kind);
    if (mine.length > 0)
      changed += await upsertStatuses(tx, kind, mine, batch);
  }
  const rejected = [...batch.rejects, ...refused];
  await quarantineRecords(tx, rejected, batch.source, batch.syncedAt);
  const storedIds = rows.map((r) => r.id).sort();
  const rejectsResolved = batch.resolveRejects ? await resolveRejects(tx, storedIds, batch.syncedAt, batch.source.stream) : 0;
  return { storedIds, changed, unchanged: rows.length - changed, stale: 0, rejected, rejectsResolved };
}
function prepareRows(records) {
  const byId = /* @__PURE__ */ new Map();
  const refused = [];
  for (const record of records) {
    const row = rowOf(record);
    if (typeof row === "string") {
      refused.push({ recordId: record.id, raw: record.raw, problem: row });
      continue;
    }
    const held = byId.get(row.id);
    if (!held || !endsEarlier(row.endIso, held.endIso))
      byId.set(row.id, row);
  }
  const rows = [...byId.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { rows, refused };
}
function endsEarlier(a, b) {
  if (a === null)
    return b !== null;
  return b !== null && Date.parse(a) < Date.parse(b);
}
function rowOf(record) {
  const { userId, kind, status } = record.raw;
  const rawJson = JSON.stringify(status);
  const unstorable = findUnstorableCharacter(rawJson) ?? findUnstorableCharacter(JSON.stringify(userId));
  if (unstorable)
    return unstorable;
  const end = status["endTime"];
  const value = kind === "presence" ? status["systemPresence"] : status["routingStatus"];
  const org = status["organizationPresenceId"];
  return {
    id: record.id,
    kind,
    userId,
    startIso: new Date(Date.parse(String(status["startTime"]))).toISOString(),
    endIso: typeof end === "string" ? new Date(Date.parse(end)).toISOString() : null,
    value: String(value),
    organizationPresenceId: typeof org === "string" ? org : null,
    rawJson
  };
}
async function upsertStatuses(tx, kind, rows, batch) {
  const { table, valueColumn, extra } = TABLES[kind];
  const columns = ["user_id", "start_time", "end_time", valueColumn, ...extra ? [extra] : []];
  const literals = new ColumnLiterals(columns.length);
  for (const r of rows)
    literals.row([r.userId, r.startIso, r.endIso, r.value, ...extra ? [r.organizationPresenceId] : []]);
  const n = columns.length;
  const unnest = columns.map((_, i) => `$${i + 1}::text[]`).join(", ");
  const values = columns.map((c) => c.endsWith("_time") ? `u.${c}::timestamptz` : `u.${c}`).join(", ");
  const sql = `INSERT INTO ${table} AS t (${columns.join(", ")}, raw, fetched_at, synced_at)
    SELECT ${values}, r.raw, $${n + 2}::timestamptz, $${n + 3}::timestamptz
      FROM unnest(${unnest}) WITH ORDINALITY AS u(${columns.join(", ")}, ord)
      JOIN jsonb_array_elements($${n + 1}::jsonb) WITH ORDINALITY AS r(raw, ord) ON r.ord = u.ord
     ORDER BY u.ord
    ON CONFLICT (user_id, start_time) DO UPDATE SET
      ${columns.slice(2).map((c) => `${c} = EXCLUDED.${c}`).join(", ")},
      raw = EXCLUDED.raw, fetched_at = EXCLUDED.fetched_at, synced_at = EXCLUDED.synced_at
    WHERE (
        (EXCLUDED.end_time IS NOT NULL AND (t.end_time IS NULL OR EXCLUDED.end_time > t.end_time))
        OR (EXCLUDED.end_time IS NOT DISTINCT FROM t.end_time AND EXCLUDED.fetched_at >= t.fetched_at)
      )
      AND (${columns.slice(2).map((c) => `t.${c}`).join(", ")}, t.raw) IS DISTINCT FROM (${columns.slice(2).map((c) => `EXCLUDED.${c}`).join(", ")}, EXCLUDED.raw)`;
  return tx.$executeRawUnsafe(sql, ...literals.literals(), `[${rows.map((r) => r.rawJson).join(",")}]`, batch.fetchedAt, batch.syncedAt);
}

// dist/decisions/job-poll.js
function nextPollDelayMs(poll, initialMs, maxMs) {
  if (!Number.isInteger(poll) || poll < 1)
    throw new RangeError(`poll must be an integer >= 1, got ${poll}`);
  return Math.max(0, Math.min(maxMs, initialMs * 2 ** Math.min(poll - 1, 30)));
}

// dist/pipeline/lanes/slots.js
var Slots = class {
  onChange;
  #free;
  #waiting = [];
  constructor(slots, onChange = () => {
  }) {
    this.onChange = onChange;
    if (!Number.isInteger(slots) || slots < 1)
      throw new RangeError(`slots must be an integer >= 1, got ${slots}`);
    this.#free = slots;
  }
  /** Slots free now (none is free while anyone waits). */
  get available() {
    return this.#free;
  }
  /** Waiters queued now. */
  get waiting() {
    return this.#waiting.length;
  }
  /** Resolves with the function that gives the slot back (calling it twice gives back once). */
  async acquire(signal, priority = 0) {
    signal?.throwIfAborted();
    if (this.#free > 0)
      this.#free -= 1;
    else
      await new Promise((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          priority
        };
        const onAbort = () => {
          const i = this.#waiting.indexOf(waiter);
          if (i >= 0)
            this.#waiting.splice(i, 1);
          reject(signal.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        let at = this.#waiting.findIndex((w) => w.priority > priority);
        if (at < 0)
          at = this.#waiting.length;
        this.#waiting.splice(at, 0, waiter);
        this.onChange("queued");
      });
    let given = false;
    return () => {
      if (given)
        return;
      given = true;
      const next = this.#waiting.shift();
      if (next)
        next.grant();
      else
        this.#free += 1;
      this.onChange("released");
    };
  }
};

// dist/streams/agent-activity/contract.js
var ARRAYS = [
  ["presence", "primaryPresence"],
  ["routing", "routingStatus"]
];
function statusKey(kind, userId, startMs) {
  return `${kind}|${userId}|${new Date(startMs).toISOString()}`;
}
function readUserDetails(raws, window) {
  const out = { records: [], rejects: [] };
  for (const raw2 of raws)
    readUserDetail(raw2, window, out);
  return out;
}
function readUserDetail(raw2, window, out) {
  const entry = typeof raw2 === "object" && raw2 !== null && !Array.isArray(raw2) ? raw2 : void 0;
  const userId = entry?.["userId"];
  if (entry === void 0 || typeof userId !== "string" || userId === "") {
    const parsed = parseUserDetail(raw2);
    out.rejects.push({ recordId: void 0, raw: raw2, problem: parsed.ok ? "userId: missing" : parsed.problem });
    return;
  }
  for (const [kind, field] of ARRAYS) {
    const list = entry[field];
    if (list === void 0 || list === null)
      continue;
    if (!Array.isArray(list)) {
      out.rejects.push({ recordId: `${kind}|${userId}`, raw: raw2, problem: `${field}: expected an array` });
      continue;
    }
    for (const status of list)
      readStatus(userId, kind, field, status, window, out);
  }
}
function readStatus(userId, kind, field, status, window, out) {
  const parsed = parseUserDetail({ userId, [field]: [status] });
  const startMs = Date.parse(String(status?.startTime));
  const recordId = Number.isFinite(startMs) ? statusKey(kind, userId, startMs) : void 0;
  if (!parsed.ok || recordId === void 0) {
    const reject = { recordId, raw: { userId, [field]: [status] }, problem: parsed.ok ? `${field}: startTime unreadable` : parsed.problem };
    out.rejects.push(reject);
    return;
  }
  const record = { id: recordId, timeMs: placeIn(startMs, window), raw: { userId, kind, status } };
  out.records.push(record);
}
function placeIn(startMs, window) {
  return Math.min(Math.max(startMs, window.start.getTime()), window.end.getTime() - 1);
}

// dist/decisions/stream-access.js
function judgeStreamRefusal(input) {
  const missing = input.status === 403 ? "permission" : input.status === 404 ? "endpoint" : void 0;
  if (missing === void 0)
    return { action: "read" };
  const why = missing === "permission" ? `Genesys refused ${input.endpoint} (403): the OAuth client lacks the permission ${input.permission}` : `Genesys has no ${input.endpoint} for this org or region (404): its API does not offer ${input.what}`;
  if (input.explicit) {
    const fix2 = missing === "permission" ? `grant the permission ${input.permission}` : `leave ${input.stream} out of --streams / SYNC_STREAMS`;
    return { action: "fail", missing, error: `${input.what} cannot be read: ${why}; ${fix2}` };
  }
  const fix = missing === "permission" ? `grant the OAuth client the permission ${input.permission}, or leave ${input.stream} out of SYNC_STREAMS` : `set SYNC_STREAMS without ${input.stream} to stop asking`;
  return { action: "leave-out", missing, warning: `${input.what} not synced: ${why}; ${fix}` };
}

// dist/streams/agent-activity/permission.js
var USER_DETAIL_PERMISSION = "analytics:userDetail:view";
var STREAM = "agent-activity";
var WHAT = "agent activity";
var UserDetailsRefusedError = class extends Error {
  name = "UserDetailsRefusedError";
  constructor(message, cause) {
    super(message, { cause });
  }
};
function judgeUserDetailsError(error, explicit) {
  if (!(error instanceof GenesysApiError))
    return { action: "read" };
  const endpoint = `${error.method} ${error.path.split("?")[0]}`;
  return judgeStreamRefusal({ stream: STREAM, what: WHAT, status: error.status, endpoint, permission: USER_DETAIL_PERMISSION, explicit });
}
async function namingPermission(call) {
  try {
    return await call();
  } catch (error) {
    const judged = judgeUserDetailsError(error, true);
    if (judged.action === "fail")
      throw new UserDetailsRefusedError(judged.error, error);
    throw error;
  }
}

// dist/streams/agent-activity/query-lane.js
function createUserQueryLane(options) {
  return { name: "query", read: (request) => readByUserQuery(options, request) };
}
function userIdsOf(scope) {
  return scope.kind === "agents" ? scope.userIds : void 0;
}
async function readByUserQuery(o, request) {
  const r = { o, request, ids: /* @__PURE__ */ new Set(), pages: 0, announced: void 0 };
  const first = await fetchPage(r, 1);
  if (!request.unsplittable && first.totalHits !== void 0 && first.totalHits > o.maxHits)
    return { kind: "too-many", totalHits: first.totalHits };
  await deliver(r, 1, first.records);
  let emptyAt = first.records.length === 0 ? 1 : void 0;
  const guessed = Math.min(Math.ceil((first.totalHits ?? 0) / o.pageSize), maxPages(o));
  if (emptyAt === void 0 && guessed > 1) {
    const limit = pLimit(Math.max(1, o.pageConcurrency));
    const batch = await Promise.all(Array.from({ length: guessed - 1 }, (_, i) => limit(() => fetchPage(r, i + 2))));
    emptyAt = await deliverUpToEmpty(r, batch, 2);
  }
  for (let next = Math.max(2, guessed + 1); emptyAt === void 0; next++) {
    if (next > maxPages(o))
      return unreachedEnd(r);
    const page = await fetchPage(r, next);
    if (page.records.length === 0)
      emptyAt = next;
    else
      await deliver(r, next, page.records);
  }
  return { kind: "done", lane: "query", hitsAnnounced: r.announced ?? null, idsReceived: r.ids.size, pages: r.pages };
}
var maxPages = (o) => Math.max(1, Math.floor(o.maxReachableHits / o.pageSize));
async function fetchPage(r, pageNumber) {
  const { request, o } = r;
  request.signal.throwIfAborted();
  const page = await namingPermission(() => o.client.queryUserDetailsPage({ interval: request.window, userIds: userIdsOf(request.scope), pageNumber, pageSize: o.pageSize, signal: request.signal }));
  r.pages += 1;
  if (page.totalHits !== void 0)
    r.announced = Math.max(r.announced ?? 0, page.totalHits);
  return page;
}
async function deliverUpToEmpty(r, batch, firstNumber) {
  for (const [i, page] of batch.entries()) {
    if (page.records.length === 0)
      return firstNumber + i;
    await deliver(r, firstNumber + i, page.records);
  }
  return void 0;
}
async function deliver(r, pageNumber, raws) {
  const read = readUserDetails(raws, r.request.window);
  for (const record of read.records)
    r.ids.add(record.id);
  await r.request.onPage({ ...read, label: `page ${pageNumber}` });
}
function unreachedEnd(r) {
  if (!r.request.unsplittable)
    return { kind: "too-many", totalHits: Math.max(r.announced ?? 0, r.o.maxReachableHits + 1) };
  throw new Error(`paging unproven: no empty page came back within the ${r.o.maxReachableHits} entries the API lets a query page through (${r.ids.size} distinct statuses read; the API announced ${r.announced ?? "no count"}), and the window (one agent, one day) cannot be split`);
}

// dist/streams/agent-activity/jobs-lane.js
var JobFailed = class extends Error {
};
function createUserJobsLane(o) {
  const processing = new Slots(Math.max(1, o.maxConcurrentJobs));
  let availability;
  const availableUntil = () => availability ??= namingPermission(() => o.client.getUserDetailsJobsAvailability());
  return {
    name: "jobs",
    read: async (request) => {
      const until = await availableUntil();
      if (request.window.end.getTime() > until.getTime()) {
        return fallBack(o, request, `the window reaches past the users details jobs' data-availability date ${until.toISOString()}`);
      }
      return readByJobs(o, processing, request);
    }
  };
}
async function readByJobs(o, processing, request) {
  let reason = "";
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    try {
      return await readOneJob(o, processing, request);
    } catch (error) {
      if (!(error instanceof JobFailed))
        throw error;
      reason = error.message;
      o.logger.warn({ attempt, reason }, "users details job failed");
      request.onRestart?.();
    }
  }
  return fallBack(o, request, `the users details job failed ${o.maxAttempts} time(s): ${reason}`);
}
async function fallBack(o, request, reason) {
  const result = await o.fallback.read(request);
  return result.kind === "done" ? { ...result, fallbackReason: reason } : result;
}
async function readOneJob(o, processing, request) {
  const { signal } = request;
  let jobId;
  try {
    const release = await processing.acquire(signal);
    try {
      jobId = await namingPermission(() => o.client.createUserDetailsJob({ interval: request.window, userIds: userIdsOf(request.scope), signal }));
      await request.onRemoteJob?.(jobId);
      await waitFulfilled(o, jobId, signal);
    } finally {
      release();
    }
    return await readResults(o, jobId, request);
  } finally {
    if (jobId !== void 0)
      await deleteJob(o, jobId, request);
  }
}
async function deleteJob(o, jobId, request) {
  try {
    await o.client.deleteUserDetailsJob(jobId);
  } catch (error) {
    o.logger.warn({ err: error, jobId }, "could not delete the users details job; the next run cancels it");
    return;
  }
  await request.onRemoteJob?.(null);
}
async function waitFulfilled(o, jobId, signal) {
  const deadline = o.nowMs() + o.timeoutMs;
  for (let poll = 1; ; poll++) {
    await sleep(nextPollDelayMs(poll, o.pollInitialMs, o.pollMaxMs), signal);
    const status = await o.client.getUserDetailsJob(jobId, signal);
    if (status.state === "FULFILLED")
      return;
    if (status.state !== "QUEUED" && status.state !== "PENDING")
      throw new JobFailed(`job ${jobId} ended ${status.state}${status.errorMessage ? `: ${status.errorMessage}` : ""}`);
    if (o.nowMs() > deadline)
      throw new JobFailed(`job ${jobId} was not fulfilled within ${o.timeoutMs} ms`);
  }
}
async function readResults(o, jobId, request) {
  const pageSize = Math.min(o.resultsPageSize ?? MAX_JOB_RESULTS_PAGE_SIZE, MAX_JOB_RESULTS_PAGE_SIZE);
  const ids = /* @__PURE__ */ new Set();
  let cursor;
  let pages = 0;
  do {
    const page = await resultsPage(o, jobId, { cursor, pageSize, signal: request.signal }, pages);
    pages += 1;
    cursor = page.cursor;
    const read = readUserDetails(page.records, request.window);
    for (const r of read.records)
      ids.add(r.id);
    await request.onPage({ ...read, label: `job ${jobId.slice(0, 8)} page ${pages}`, onceInRead: true });
    if (cursor === void 0 && read.records.length + read.rejects.length >= pageSize) {
      throw new JobFailed(`job ${jobId}'s results ended without a cursor on a full page after ${ids.size} statuses; nothing confirms that end`);
    }
  } while (cursor !== void 0);
  return { kind: "done", lane: "jobs", hitsAnnounced: null, idsReceived: ids.size, pages };
}
async function resultsPage(o, jobId, page, pagesRead) {
  try {
    return await o.client.getUserDetailsJobResults({ jobId, ...page });
  } catch (error) {
    if (isJobGone(error))
      throw new JobFailed(`job ${jobId}'s results were gone after ${pagesRead} page(s)`);
    throw error;
  }
}

// dist/streams/agent-activity/stream.js
var AGENT_ACTIVITY = "agent-activity";
var AGENT_ACTIVITY_MAX_WINDOW_DAYS = MAX_USER_DETAILS_UNFILTERED_INTERVAL_DAYS;
function agentActivityJobsAvailability(genesys, signal) {
  return genesys.getUserDetailsJobsAvailability(signal);
}
function openAgentActivityStream(deps, run, open = { explicit: false }) {
  const { settings, logger } = run;
  const log = logger.child({ stream: AGENT_ACTIVITY });
  const query = createUserQueryLane({
    client: deps.genesys,
    pageSize: Math.min(settings.pageSize, MAX_USER_DETAILS_PAGE_SIZE),
    maxHits: settings.windowMaxHits,
    maxReachableHits: MAX_REACHABLE_HITS,
    pageConcurrency: settings.concurrency,
    logger: log
  });
  const lanes = settings.lanes;
  const jobs = lanes && lanes.mode !== "query" ? createUserJobsLane({ ...lanes.jobs, client: deps.genesys, fallback: query, logger: log, nowMs: () => deps.clock().getTime() }) : void 0;
  let availability;
  const jobsAvailability = (signal) => availability ??= agentActivityJobsAvailability(deps.genesys, signal);
  return {
    name: AGENT_ACTIVITY,
    recordNoun: "agent status",
    lanes: { query, ...jobs ? { jobs } : {} },
    writer: createAgentActivityWriter(deps.db),
    maxWindowDays: AGENT_ACTIVITY_MAX_WINDOW_DAYS,
    // DELETE /api/v2/analytics/users/details/jobs/{jobId} (deleteAnalyticsUsersDetailsJob).
    cancelJob: (jobId, signal) => deps.genesys.deleteUserDetailsJob(jobId, signal),
    ...jobs ? { jobsAvailability } : {},
    ...open.explicit ? {} : { probe: (signal) => probeAccess(deps, jobs ? jobsAvailability : void 0, signal) }
  };
}
async function probeAccess(deps, jobsAvailability, signal) {
  const end = deps.clock();
  try {
    await deps.genesys.queryUserDetailsPage({ interval: { start: new Date(end.getTime() - 36e5), end }, pageNumber: 1, pageSize: 1, signal });
    await jobsAvailability?.(signal);
    return void 0;
  } catch (error) {
    const judged = judgeUserDetailsError(error, false);
    return judged.action === "leave-out" ? judged.warning : void 0;
  }
}

// dist/streams/conversations/personal-data.js
import { createHmac } from "node:crypto";
var HASH_PREFIX = "hmac:";
var SESSION_CONTACT_FIELDS = [
  "ani",
  "dnis",
  "sessionDnis",
  "addressFrom",
  "addressTo",
  "addressOther",
  "addressSelf",
  "remote",
  "remoteNameDisplayable",
  "callbackUserName",
  "screenShareAddressSelf",
  "videoAddressSelf"
];
var SESSION_CONTACT_LISTS = ["callbackNumbers", "destinationAddresses", "cc", "bcc"];
var CONTACT_PURPOSES = /* @__PURE__ */ new Set(["customer", "external"]);
var KEEP_ALL = Object.freeze({ mode: "keep", attributes: "keep" });
function hmacOf(key, value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return HASH_PREFIX + createHmac("sha256", key).update(text).digest("hex");
}
function personalDataPolicy(settings) {
  if (settings.mode === "keep")
    return settings.attributes === "keep" ? KEEP_ALL : { mode: "keep", attributes: settings.attributes };
  if (settings.mode === "drop")
    return { mode: "drop", attributes: settings.attributes, protect: () => null };
  const key = settings.hashKey;
  if (!key)
    throw new Error("PII_MODE=hash needs PII_HASH_KEY");
  return { mode: "hash", attributes: settings.attributes, protect: (value) => isHashed(value) ? value : hmacOf(key, value) };
}
var HASHED = /^hmac:[0-9a-f]{64}$/;
function isHashed(value) {
  return typeof value === "string" && HASHED.test(value);
}
function keepsEverything(policy) {
  return policy.mode === "keep" && policy.attributes === "keep";
}
var isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
function protectContacts(raw2, policy) {
  if (keepsEverything(policy) || !isObject(raw2) || !Array.isArray(raw2["participants"]))
    return raw2;
  return { ...raw2, participants: raw2["participants"].map((p) => protectParticipant(p, policy)) };
}
function protectParticipant(participant, policy) {
  if (!isObject(participant))
    return participant;
  const out = { ...participant };
  const purpose = participant["purpose"];
  const contact = typeof purpose !== "string" || CONTACT_PURPOSES.has(purpose.toLowerCase());
  if (contact && policy.protect)
    protectField(out, "participantName", policy.protect);
  if (policy.attributes === "drop")
    out["attributes"] = {};
  if (Array.isArray(participant["sessions"]))
    out["sessions"] = participant["sessions"].map((s) => protectSession(s, policy));
  return out;
}
function protectSession(session, policy) {
  const protect = policy.protect;
  if (!isObject(session) || !protect)
    return session;
  const out = { ...session };
  for (const field of SESSION_CONTACT_FIELDS)
    protectField(out, field, protect);
  for (const field of SESSION_CONTACT_LISTS) {
    const list = out[field];
    if (list == null)
      continue;
    out[field] = policy.mode === "drop" ? null : Array.isArray(list) ? list.map((v) => v == null ? v : protect(v)) : protect(list);
  }
  const flow = out["flow"];
  if (isObject(flow) && flow["entryType"] === "dnis") {
    out["flow"] = { ...flow };
    protectField(out["flow"], "entryReason", protect);
  }
  if (Array.isArray(out["segments"])) {
    out["segments"] = out["segments"].map((g) => {
      if (!isObject(g))
        return g;
      const segment = { ...g };
      protectField(segment, "wrapUpNote", protect);
      return segment;
    });
  }
  return out;
}
function protectField(out, field, protect) {
  if (out[field] != null)
    out[field] = protect(out[field]);
}

// dist/streams/conversations/contract.js
var NUL = "\0";
function conversationRecordReader(policy) {
  if (keepsEverything(policy))
    return readConversationRecord;
  return (received) => readConversationRecord(protectContacts(received, policy));
}
function readConversationRecord(raw2) {
  const envelope = readConversationEnvelope(raw2);
  if (!envelope.ok)
    return { ok: false, reject: { recordId: envelope.conversationId, raw: raw2, problem: envelope.problem } };
  if (envelope.conversationId.includes(NUL)) {
    return { ok: false, reject: { recordId: envelope.conversationId, raw: raw2, problem: "conversationId: contains a NUL character, which Postgres cannot store" } };
  }
  return { ok: true, record: { id: envelope.conversationId, timeMs: envelope.startMs, raw: raw2 } };
}

// dist/decisions/paging.js
var MAX_PAGING_PASSES = 3;
function judgePaging(e) {
  if (!e.endSeen)
    return { kind: "unended" };
  if (e.hitsAnnounced !== void 0 && e.idsReceived < e.hitsAnnounced)
    return { kind: "short", missing: e.hitsAnnounced - e.idsReceived };
  if (e.hitsAnnounced === e.idsReceived)
    return { kind: "complete", countTooLow: false };
  return e.pass > 1 && e.newIds === 0 ? { kind: "complete", countTooLow: true } : { kind: "confirm" };
}
function endsData(records, pageSize) {
  return records < pageSize;
}
function pagesFor(hits, pageSize, maxReachableHits) {
  return Math.ceil(Math.min(hits, maxReachableHits) / pageSize);
}
function countedDays(window) {
  return {
    startMs: Math.floor(window.start.getTime() / DAY_MS) * DAY_MS,
    endMs: Math.ceil(window.end.getTime() / DAY_MS) * DAY_MS
  };
}
function classifyRecord(id, timeMs, days) {
  if (id === void 0)
    return "no-id";
  if (timeMs === void 0)
    return "counted";
  return timeMs >= days.startMs && timeMs < days.endMs ? "counted" : "stray";
}
function describeShortPaging(evidence, passes) {
  return `paging incomplete: the API announced ${evidence.hitsAnnounced} conversations but ${evidence.idsReceived} distinct ids arrived after ${passes} pass(es) over the pages (records shifted between pages, a page came back short, or the count is wrong)`;
}
function describeUnconfirmedEnd(evidence, passes) {
  const count = evidence.hitsAnnounced === void 0 ? "no page carried totalHits" : `the API announced only ${evidence.hitsAnnounced}`;
  return `paging unproven: ${count} while ${evidence.idsReceived} distinct ids arrived, and ${passes} pass(es) over the pages kept finding new ones, so where the data ends could not be confirmed`;
}
function describeUnended(evidence, maxReachableHits) {
  return `paging unproven: every page came back full up to the ${maxReachableHits} results the API lets a query page through (${evidence.idsReceived} distinct ids; the API announced ${evidence.hitsAnnounced ?? "no count"}), so the end of the data was never seen`;
}
function judgeJobResults(e) {
  const { idsReceived, count } = e;
  if (count !== void 0 && idsReceived < count) {
    return { kind: "incomplete", reason: `the results ended after ${idsReceived} conversations but the details query counts ${count} for the same days` };
  }
  if (e.lastPageFull && count !== idsReceived) {
    return { kind: "incomplete", reason: `the results ended without a cursor on a full page after ${idsReceived} conversations, and no count confirms that end` };
  }
  if (count !== void 0 && idsReceived > count) {
    return { kind: "complete", contradiction: `the details query counts ${count} conversations for the job's days but the job delivered ${idsReceived}` };
  }
  return { kind: "complete" };
}

// dist/pipeline/describe-error.js
function describeError(error) {
  const message = error instanceof Error ? error.message : String(error);
  return redactText(message.replace(/\s*\n\s*/g, " ").trim()).slice(0, 2e3);
}

// dist/pipeline/lanes/read-records.js
function readRecords(raws, read) {
  const out = { records: [], rejects: [] };
  for (const raw2 of raws) {
    const r = read(raw2);
    if (r.ok)
      out.records.push(r.record);
    else
      out.rejects.push(r.reject);
  }
  return out;
}
function receivedOf(page) {
  return [...page.records.map((r) => ({ id: r.id, timeMs: r.timeMs })), ...page.rejects.map((r) => ({ id: r.recordId, timeMs: void 0 }))];
}

// dist/streams/conversations/jobs-lane.js
var DEFAULT_WRITE_BATCH = 100;
var DEFAULT_WRITE_CONCURRENCY = 3;
var DEFAULT_PAGES_IN_MEMORY = 2;
var MAX_EMPTY_PAGES_WITH_CURSOR = 3;
var READS_AT_ONCE = 1;
var URGENT_POLL_AGE_DIVISOR = 5;
var JobsLane = class {
  o;
  name = "jobs";
  /** Windows the runner should hand this lane at once: those being read, and those whose jobs are being processed. */
  windowsAtOnce;
  /**
   * Jobs QUEUED or PENDING at Genesys at once (maxConcurrentJobs), handed out by window start:
   * the windows read first are processed first, whichever asked first.
   */
  processing;
  /** The window whose results are being downloaded (READS_AT_ONCE), by window start too. */
  reads;
  /**
   * Results pages held at once, across every window. A results page is up to 1,000
   * conversations, tens of MB once parsed; with a page prefetched per window and two windows
   * reading, four pages at once took the worker past its memory target (docs/performance.md).
   * A page's slot is taken before it is requested and given back once its last write batch is
   * written, so the next page downloads while the one before is still being written, but only
   * while the budget allows.
   */
  pages;
  sleep;
  pageSize;
  /** One write limiter for the lane, not one per page: a bound on the batches in memory. */
  writes;
  /** Polls sleeping their backoff; woken when polling becomes urgent (see pollPause). */
  sleepers = /* @__PURE__ */ new Set();
  constructor(o) {
    this.o = o;
    if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1)
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${o.maxAttempts}`);
    const wakePolls = () => {
      for (const wake of [...this.sleepers])
        wake();
    };
    this.processing = new Slots(Math.max(1, o.maxConcurrentJobs), (change) => {
      if (change === "queued")
        wakePolls();
    });
    this.reads = new Slots(READS_AT_ONCE, (change) => {
      if (change === "released" && this.reads.available > 0)
        wakePolls();
    });
    this.windowsAtOnce = Math.max(1, o.maxConcurrentJobs) + READS_AT_ONCE + 1;
    this.sleep = o.sleep ?? sleep;
    this.pageSize = o.resultsPageSize ?? MAX_JOB_RESULTS_PAGE_SIZE;
    this.pages = new Slots(o.pagesInMemory ?? DEFAULT_PAGES_IN_MEMORY);
    this.writes = pLimit(Math.max(1, o.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY));
  }
  async read(request) {
    const log = this.o.logger.child({ lane: "jobs", window: formatInterval(request.window) });
    const received = { ids: 0, pages: 0, strays: 0, lastPageFull: false };
    const reasons = [];
    let contradictions = 0;
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      request.signal.throwIfAborted();
      Object.assign(received, { ids: 0, pages: 0, strays: 0, lastPageFull: false });
      const outcome = await this.runJob(request, attempt, received, log);
      if (outcome.ok) {
        contradictions += outcome.contradictions;
        const done = { kind: "done", lane: "jobs", hitsAnnounced: outcome.count ?? null, idsReceived: received.ids, pages: received.pages };
        return contradictions > 0 ? { ...done, contradictions } : done;
      }
      if (outcome.contradiction)
        contradictions += 1;
      if (received.pages > 0)
        request.onRestart?.();
      reasons.push(`job ${attempt}: ${outcome.reason}`);
      log.warn({ attempt, maxAttempts: this.o.maxAttempts, reason: outcome.reason }, "details job did not deliver the window");
    }
    const fallbackReason = `${this.o.maxAttempts} details job(s) failed (${reasons.join("; ")}); read through the query lane`;
    log.warn({ fallbackReason }, "falling back to the query lane for this window");
    const result = await this.o.fallback.read(request);
    if (result.kind !== "done")
      return result;
    const total = contradictions + (result.contradictions ?? 0);
    return { ...result, lane: "query", fallbackReason, ...total > 0 ? { contradictions: total } : {} };
  }
  /** One job, start to finish; the job is cancelled when it fails here or the read is aborted. */
  async runJob(request, attempt, received, log) {
    const { signal } = request;
    const job = { log };
    const count = this.countDays(request);
    count.catch(() => {
    });
    let settled = false;
    try {
      const ready = await this.holding(this.processing, request, async () => {
        const id = await this.o.client.createDetailsJob({ interval: request.window, scope: request.scope, startOfDayIntervalMatching: true, signal });
        job.id = id;
        job.log = log.child({ jobId: id, attempt });
        job.log.debug("details job created");
        await request.onRemoteJob?.(id);
        return this.waitFulfilled(id, signal);
      });
      const jobId = job.id;
      if (ready.kind === "timeout")
        return { ok: false, reason: ready.reason };
      if (ready.kind === "ended") {
        settled = true;
        await request.onRemoteJob?.(null);
        return { ok: false, reason: ready.reason };
      }
      const read = await this.readResults(request, jobId, received);
      settled = true;
      await request.onRemoteJob?.(null);
      if (!read.ok)
        return read;
      job.log.debug({ pages: received.pages }, "details job read");
      return await this.judgeResults(await count, received, job.log);
    } finally {
      if (job.id !== void 0 && !settled)
        await this.cancelQuietly(job.id, job.log);
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
  async readResults(request, jobId, received) {
    const { signal } = request;
    const writing = [];
    let writeError;
    const days = countedDays(request.window);
    const cursors = /* @__PURE__ */ new Set();
    let emptyInARow = 0;
    const fetched = await this.holding(this.reads, request, async () => {
      for (let cursor, first = true; first || cursor !== void 0; first = false) {
        signal.throwIfAborted();
        if (writeError)
          break;
        const release = await this.pages.acquire(signal);
        let page;
        try {
          page = await this.o.client.getDetailsJobResults({ jobId, cursor, pageSize: this.pageSize, signal });
        } catch (error) {
          release();
          if (!isJobGone(error))
            throw error;
          return { ok: false, reason: `results gone after ${received.pages} page(s) (${describeError(error)})` };
        }
        received.pages++;
        const read = readRecords(page.records, this.o.readRecord);
        countResults(read, days, received);
        received.lastPageFull = page.cursor === void 0 && page.records.length > 0 && !endsData(page.records.length, this.pageSize);
        emptyInARow = page.records.length === 0 && page.cursor !== void 0 ? emptyInARow + 1 : 0;
        const loop = page.cursor !== void 0 && (cursors.has(page.cursor) || emptyInARow >= MAX_EMPTY_PAGES_WITH_CURSOR);
        if (page.cursor !== void 0)
          cursors.add(page.cursor);
        const written = this.write(request, read, `job ${jobId} page ${received.pages}`).finally(release);
        writing.push(written.catch((error) => {
          writeError ??= { error };
        }));
        if (loop) {
          return { ok: false, contradiction: true, reason: `the results cursor does not end (a cursor repeated, or ${MAX_EMPTY_PAGES_WITH_CURSOR} empty pages with a cursor) after ${received.pages} page(s)` };
        }
        cursor = page.cursor;
      }
      return { ok: true };
    }).finally(() => Promise.all(writing));
    if (writeError)
      throw writeError.error;
    return fetched;
  }
  /**
   * How the job's results ended, against the details query's count of the same UTC days (the jobs
   * API announces none): a job whose results ended early, or on a full page no count confirms,
   * did not deliver its window (the next job, or the query lane, reads it again).
   * `count`: the query's totalHits for the window's days (countDays), undefined without one.
   */
  judgeResults(count, received, log) {
    const verdict = judgeJobResults({ idsReceived: received.ids, lastPageFull: received.lastPageFull, count });
    let contradictions = 0;
    if (received.strays > 0) {
      contradictions += 1;
      log.warn({ strays: received.strays }, "the job returned conversations from outside its days; they do not count towards the proof");
    }
    if (verdict.kind === "incomplete")
      return { ok: false, reason: verdict.reason, contradiction: true };
    if (verdict.contradiction) {
      contradictions += 1;
      log.warn({ count, idsReceived: received.ids }, verdict.contradiction);
    }
    return { ok: true, ...count !== void 0 ? { count } : {}, contradictions };
  }
  /**
   * The details query's totalHits for the window's days (one request of one record), or
   * undefined without one: when the client has no query, or the window is not whole UTC days (the
   * query selects whole days, the job only from the window's start to its end, so they differ).
   */
  async countDays(request) {
    const { client } = this.o;
    const { start, end } = request.window;
    if (!client.queryConversationDetailsPage || start.getTime() % DAY_MS !== 0 || end.getTime() % DAY_MS !== 0)
      return void 0;
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
  async write(request, read, label) {
    const size = this.o.writeBatchSize ?? DEFAULT_WRITE_BATCH;
    const { records, rejects } = read;
    const whole = records.length <= size;
    const batches = [];
    for (let i = 0; i < Math.max(records.length, rejects.length > 0 ? 1 : 0); i += size) {
      batches.push({
        records: whole ? records : records.slice(i, i + size),
        rejects: i === 0 ? rejects : [],
        label: whole ? label : `${label} records ${i + 1}-${Math.min(records.length, i + size)}`,
        onceInRead: true
      });
    }
    const results = await Promise.allSettled(batches.map((b) => this.writes(() => request.onPage(b))));
    const failed = results.find((r) => r.status === "rejected");
    if (failed)
      throw failed.reason;
  }
  /** Runs `fn` holding one of `slots`, waiting behind windows that start earlier. */
  async holding(slots, request, fn) {
    const release = await slots.acquire(request.signal, request.window.start.getTime());
    try {
      return await fn();
    } finally {
      release();
    }
  }
  /** Whether a job noticed late would hold up the run: the reader is idle, or a window waits for a job's place. */
  pollsUrgent() {
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
  async pollPause(backoffMs, ageMs, signal) {
    const wait = this.pollsUrgent() ? Math.min(backoffMs, Math.max(this.o.pollInitialMs, ageMs / URGENT_POLL_AGE_DIVISOR)) : backoffMs;
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.sleepers.add(wake);
    try {
      await this.sleep(wait, AbortSignal.any([signal, woken.signal]));
    } catch (error) {
      if (signal.aborted || !woken.signal.aborted)
        throw error;
    } finally {
      this.sleepers.delete(wake);
    }
  }
  /** Polls until the job leaves QUEUED/PENDING or outlives the timeout. */
  async waitFulfilled(jobId, signal) {
    const started = this.o.nowMs();
    for (let poll = 1; ; poll++) {
      const status = await this.o.client.getDetailsJob(jobId, signal);
      if (status.state === "FULFILLED")
        return { kind: "fulfilled" };
      if (status.state !== "QUEUED" && status.state !== "PENDING") {
        return { kind: "ended", reason: status.errorMessage ? `${status.state}: ${status.errorMessage}` : status.state };
      }
      const elapsed = this.o.nowMs() - started;
      if (elapsed >= this.o.timeoutMs)
        return { kind: "timeout", reason: `still ${status.state} after ${Math.round(elapsed / 1e3)}s (timeout)` };
      await this.pollPause(Math.min(nextPollDelayMs(poll, this.o.pollInitialMs, this.o.pollMaxMs), this.o.timeoutMs - elapsed), elapsed, signal);
    }
  }
  /** Best effort: a job we give up on (failed, timed out, interrupted) should not keep running at Genesys. */
  async cancelQuietly(jobId, log) {
    try {
      await this.o.client.deleteDetailsJob(jobId);
    } catch (error) {
      log.warn({ err: error }, "could not cancel the details job; it expires on its own");
    }
  }
};
function countResults(read, days, received) {
  for (const { id, timeMs } of receivedOf(read)) {
    const kind = classifyRecord(id, timeMs, days);
    if (kind === "counted")
      received.ids += 1;
    else if (kind === "stray")
      received.strays += 1;
  }
}

// dist/streams/conversations/query-lane.js
function createQueryLane(options) {
  return { name: "query", read: (request) => readByQuery(options, request) };
}
async function readByQuery(o, request) {
  const p = { o, request, days: countedDays(request.window), ids: /* @__PURE__ */ new Set(), pages: 0, contradictions: 0, announced: void 0, newIds: 0 };
  const first = await fetchPage2(p, 1);
  if (!request.unsplittable && first.totalHits !== void 0 && first.totalHits > o.maxHits) {
    return { kind: "too-many", totalHits: first.totalHits };
  }
  await deliver2(p, 1, first.read);
  for (let pass = 1; ; pass++) {
    const evidence = await readPass(p, pass, first.records.length);
    const verdict = judgePaging(evidence);
    if (verdict.kind === "complete") {
      if (verdict.countTooLow)
        o.logger.warn({ ...evidence }, "the API counted fewer conversations than it served; two passes ended alike, so the window is complete");
      return { kind: "done", lane: "query", hitsAnnounced: p.announced ?? null, idsReceived: p.ids.size, pages: p.pages, contradictions: p.contradictions };
    }
    contradicted(p, evidence, verdict);
  }
}
async function fetchPage2(p, pageNumber) {
  const { o, request } = p;
  request.signal.throwIfAborted();
  const page = await o.client.queryConversationDetailsPage({ interval: request.window, scope: request.scope, pageNumber, pageSize: o.pageSize, signal: request.signal });
  p.pages += 1;
  if (page.totalHits !== void 0)
    p.announced = Math.max(p.announced ?? 0, page.totalHits);
  let strays = 0;
  const read = readRecords(page.records, o.readRecord);
  for (const { id, timeMs } of receivedOf(read)) {
    const kind = classifyRecord(id, timeMs, p.days);
    if (kind === "stray")
      strays += 1;
    else if (kind === "counted" && !p.ids.has(id)) {
      p.ids.add(id);
      p.newIds += 1;
    }
  }
  if (strays > 0) {
    p.contradictions += 1;
    o.logger.warn({ pageNumber, strays }, "the API served conversations from outside the days it was asked for; they do not count towards the proof");
  }
  return { ...page, read };
}
var deliver2 = (p, pageNumber, read) => p.request.onPage({ ...read, label: `page ${pageNumber}` });
async function fetchAndDeliver(p, pageNumber) {
  const page = await fetchPage2(p, pageNumber);
  await deliver2(p, pageNumber, page.read);
  return !endsData(page.records.length, p.o.pageSize);
}
async function readPass(p, pass, firstPageSize) {
  const { o } = p;
  let lastFull = !endsData(firstPageSize, o.pageSize);
  if (pass > 1) {
    p.announced = void 0;
    p.newIds = 0;
    lastFull = await fetchAndDeliver(p, 1);
  }
  const planned = Math.max(1, pagesFor(Math.max(p.announced ?? 0, pass === 1 ? firstPageSize : p.ids.size), o.pageSize, o.maxReachableHits));
  const limitPages = pLimit(Math.max(1, o.pageConcurrency));
  const numbers = Array.from({ length: planned - 1 }, (_, i) => i + 2);
  const fullness = await Promise.all(numbers.map((n) => limitPages(() => fetchAndDeliver(p, n))));
  if (fullness.length > 0)
    lastFull = fullness.at(-1);
  for (let next = planned + 1; lastFull && (next - 1) * o.pageSize < o.maxReachableHits; next++) {
    lastFull = await fetchAndDeliver(p, next);
  }
  return { hitsAnnounced: p.announced, idsReceived: p.ids.size, newIds: p.newIds, endSeen: !lastFull, pass };
}
function contradicted(p, evidence, verdict) {
  const { o } = p;
  if (verdict.kind === "unended")
    throw new Error(describeUnended(evidence, o.maxReachableHits));
  if (verdict.kind === "short" && evidence.hitsAnnounced > o.maxReachableHits) {
    throw new Error(`the window holds ${evidence.hitsAnnounced} conversations for a single agent on a single day, more than the ${o.maxReachableHits} the API lets a query page through; ${evidence.idsReceived} were read`);
  }
  if (evidence.hitsAnnounced !== void 0)
    p.contradictions += 1;
  if (evidence.pass >= MAX_PAGING_PASSES) {
    throw new Error(verdict.kind === "short" ? describeShortPaging(evidence, evidence.pass) : describeUnconfirmedEnd(evidence, evidence.pass));
  }
  const message = verdict.kind === "short" ? "fewer distinct conversations than the API announced; reading the window again" : "more distinct conversations than the API announced (or no count): reading the window again to confirm where it ends";
  o.logger.warn({ ...evidence }, message);
}

// dist/db/deletions.js
var IN_SCOPE = `conversation_start >= $1 AND conversation_start < $2
   AND (cardinality($3::text[]) = 0 OR agent_user_ids && $3::text[])`;
async function judgeAbsences(db, q) {
  return inSqlTransaction(poolOf(db), (tx) => judgeInTransaction(tx, q), { maxWaitMs: 6e4, statementTimeoutMs: 3e5 });
}
async function judgeInTransaction(tx, q) {
  const rejects = await tx.$queryRawUnsafe(`SELECT count(*)::int AS unnamed FROM sync_rejects WHERE window_id = $1 AND conversation_id IS NULL`, q.windowId);
  if ((rejects[0]?.unnamed ?? 0) > 0)
    return { kind: "unjudged", reason: "the window quarantined a record whose id could not be read" };
  const live = q.mode === "mark" ? "AND deleted_at IS NULL" : "";
  const params = [q.start, q.end, arrayLiteral([...q.agentIds]), q.readStartedAt, q.windowId];
  const rows = await tx.$queryRawUnsafe(`SELECT count(*)::int AS stored,
            array_agg(conversation_id) FILTER (WHERE last_synced_at < $4
              AND conversation_id NOT IN (SELECT conversation_id FROM sync_rejects WHERE window_id = $5 AND conversation_id IS NOT NULL)) AS absent
       FROM conversations WHERE ${IN_SCOPE} ${live}`, ...params);
  const stored = rows[0]?.stored ?? 0;
  const absent = rows[0]?.absent ?? [];
  if (absent.length === 0)
    return { kind: "applied", stored, deleted: 0 };
  if (absent.length > q.maxFraction * stored)
    return { kind: "withheld", stored, absent: absent.length };
  const ids = arrayLiteral(absent);
  await lockConversationIds(tx, ids);
  const still = `conversation_id = ANY($1::text[]) AND last_synced_at < $2 ${live}`;
  const deleted = q.mode === "purge" ? await purgeConversations(tx, still, ids, q.readStartedAt) : await tx.$executeRawUnsafe(`UPDATE conversations SET deleted_at = $3, last_changed_at = $3, fetched_at = GREATEST(fetched_at, $2) WHERE ${still}`, ids, q.readStartedAt, q.at);
  return { kind: "applied", stored, deleted };
}
async function purgeConversations(tx, where, ...params) {
  const rows = await tx.$queryRawUnsafe(`WITH gone AS (DELETE FROM conversations WHERE ${where} RETURNING conversation_id),
          ${deleteChildrenCtes("conversation_id IN (SELECT conversation_id FROM gone)").join(",\n          ")}
     SELECT count(*)::int AS n FROM gone`, ...params);
  return rows[0]?.n ?? 0;
}

// dist/decisions/outcome.js
function decideRunOutcome(f) {
  const problems = [];
  if (f.runError && !f.interrupted)
    problems.push(f.runError);
  if (f.windowFailures > 0)
    problems.push(`${f.windowFailures} window(s) failed; first: ${f.firstWindowFailure}`);
  if ((f.deletionsWithheld ?? 0) > 0)
    problems.push(`deletions withheld in ${f.deletionsWithheld} window(s); first: ${f.firstDeletionsWithheld}`);
  if (f.recordsRejected > 0)
    problems.push(`${f.recordsRejected} record(s) quarantined in sync_rejects; first: ${f.firstReject}`);
  if (problems.length > 0)
    return { status: "failed", error: problems.join("; ") };
  if (f.interrupted)
    return { status: "interrupted", error: f.runError ?? "interrupted by a stop signal before the run finished" };
  return { status: "succeeded" };
}
function finishedWindowStatus(recordsRejected) {
  return recordsRejected > 0 ? "done_with_rejects" : "done";
}

// dist/decisions/split.js
function planSplit(scope, window) {
  const days = splitWindow(window);
  if (days)
    return { by: "days", parts: days.map((w) => ({ scope, window: w })) };
  const scopes = splitScope(scope);
  if (scopes)
    return { by: "agents", parts: scopes.map((s) => ({ scope: s, window })) };
  return void 0;
}

// dist/pipeline/window-runner.js
var WINDOWS_AT_ONCE = 2;
async function runWindows(d, jobs, concurrency) {
  let chain = Promise.resolve();
  const inOrder = (step) => {
    const next = chain.then(step);
    chain = next.catch(() => {
    });
    return next;
  };
  const limits = /* @__PURE__ */ new Map();
  const limitFor = (job) => {
    const lane = job.stream.lanes[job.lane];
    let limit = limits.get(lane);
    if (!limit) {
      limit = pLimit(Math.max(1, lane?.windowsAtOnce ?? Math.min(WINDOWS_AT_ONCE, concurrency)));
      limits.set(lane, limit);
    }
    return limit;
  };
  const context = { ...d, inOrder };
  await Promise.all(jobs.map((job) => limitFor(job)(() => runWindow(context, job))));
}
function agentIdsOf(scope) {
  return scope.kind === "agents" ? [...scope.userIds] : [];
}
async function runWindow(d, job) {
  if (d.signal.aborted)
    return;
  const log = d.logger.child({ stream: job.stream.name, scope: scopeKey(job.scope), window: formatInterval(job.window), lane: job.lane });
  const tally = { pages: 0, written: 0, rejected: 0, undeduped: 0 };
  const closeOnce = once(() => d.state.seen.close(job.window));
  try {
    await d.inOrder(() => d.ledger.markWindowRunning(job.windowId, d.clock()));
    const split = planSplit(job.scope, job.window);
    const result = await readWindow(d, job, tally, log, !split);
    closeOnce();
    if (result.kind === "too-many")
      return await splitWindow2(d, job, split, result.totalHits, log);
    await finishWindow(d, job, result, tally, log);
  } catch (error) {
    closeOnce();
    await failWindow(d, job, error, tally, log);
  }
}
function readWindow(d, job, tally, log, unsplittable) {
  const lane = job.stream.lanes[job.lane];
  if (!lane)
    throw new Error(`no ${job.lane} lane is configured for the ${job.stream.name} stream`);
  return lane.read({
    scope: job.scope,
    window: job.window,
    unsplittable,
    signal: d.signal,
    onPage: (page) => acceptPage(d, job, page, tally, log),
    onRemoteJob: (jobId) => d.ledger.setWindowJob(job.windowId, jobId),
    onRestart: () => {
      tally.written -= tally.undeduped;
      d.state.noteWritten(job.stream.name, -tally.undeduped);
      tally.undeduped = 0;
    }
  });
}
async function splitWindow2(d, job, split, totalHits, log) {
  if (!split)
    throw new Error(`the ${job.lane} lane reported ${totalHits} hits for a window that cannot be split`);
  log.info({ totalHits, by: split.by, parts: split.parts.length }, "window has too many records; splitting");
  await d.ledger.markWindowSplit(job.windowId, totalHits, d.clock());
  const ids = await d.ledger.insertWindows(d.runId, split.parts.map((p) => ({
    stream: job.stream.name,
    scopeKey: scopeKey(p.scope),
    scopeAgentIds: agentIdsOf(p.scope),
    start: p.window.start,
    end: p.window.end,
    lane: job.lane,
    parentWindowId: job.windowId
  })));
  d.state.windowsTotal += split.parts.length - 1;
  for (const p of split.parts)
    d.state.seen.open(p.window);
  for (const [i, p] of split.parts.entries()) {
    await runWindow(d, { ...job, windowId: ids[i], scope: p.scope, window: p.window });
  }
}
async function finishWindow(d, job, result, tally, log) {
  await judgeAbsences2(d, job, log);
  await d.ledger.markWindowDone(job.windowId, {
    status: finishedWindowStatus(tally.rejected),
    lane: result.lane,
    ...result.fallbackReason ? { laneNote: result.fallbackReason } : {},
    totalHits: result.hitsAnnounced,
    idsReceived: result.idsReceived,
    pages: tally.pages,
    conversationsWritten: tally.written,
    recordsRejected: tally.rejected,
    at: d.clock()
  });
  d.state.windowsDone += 1;
  if (result.fallbackReason) {
    d.state.laneFallbacks += 1;
    log.warn({ reason: result.fallbackReason }, `window read by the ${result.lane} lane instead of ${job.lane}`);
  }
  d.onProgress();
  log.debug({ totalHits: result.hitsAnnounced, idsReceived: result.idsReceived, pages: tally.pages, written: tally.written }, "window done");
}
async function judgeAbsences2(d, job, log) {
  const judge = job.stream.absences;
  if (!judge || d.signal.aborted)
    return;
  const verdict = await judge.judge({ windowId: job.windowId, scope: job.scope, window: job.window, readStartedAt: d.readStartedAt, at: d.clock() });
  if (verdict.kind === "unjudged")
    return log.warn({ reason: verdict.reason }, "deletions not judged for this window");
  if (verdict.kind === "applied") {
    d.state.recordsDeleted += verdict.deleted;
    if (verdict.deleted > 0)
      log.info({ deleted: verdict.deleted, stored: verdict.stored }, `${verdict.deleted} ${job.stream.recordNoun}(s) no longer returned by Genesys: deleted here`);
    return;
  }
  const message = `${scopeKey(job.scope)} ${formatInterval(job.window)}: the read would delete ${verdict.absent} of ${verdict.stored} stored ${job.stream.recordNoun}s, more than SYNC_DELETE_MAX_FRACTION allows; nothing deleted (an upstream glitch must not wipe a day; if Genesys really erased them, raise SYNC_DELETE_MAX_FRACTION for one run)`;
  d.state.noteDeletionsWithheld(message);
  log.error({ absent: verdict.absent, stored: verdict.stored }, `deletions withheld: ${message}`);
}
async function failWindow(d, job, error, tally, log) {
  if (error instanceof AuthError)
    d.abortRun(error);
  const interrupted = d.signal.aborted && !(error instanceof AuthError);
  const message = interrupted ? "interrupted before the window finished" : describeError(error);
  const failedAt = d.clock();
  const record = () => d.ledger.markWindowFailed(job.windowId, { error: message, pages: tally.pages, conversationsWritten: tally.written, recordsRejected: tally.rejected, at: failedAt });
  await record().catch((e) => {
    log.error({ err: e }, "could not record the window failure; will retry when the run ends");
    d.state.unrecordedFailures.push(record);
  });
  if (interrupted)
    return;
  d.state.noteWindowFailed({ stream: job.stream.name, scopeKey: scopeKey(job.scope), start: job.window.start, end: job.window.end, error: message });
  log.error({ err: error }, "window failed");
}
function placeRecords(d, job, page) {
  const remember = !page.onceInRead || d.scopesOverlap;
  const placed = { fresh: [], claimed: /* @__PURE__ */ new Map() };
  for (const record of page.records) {
    if (!isInWindow(record.timeMs, job.window))
      continue;
    if (remember) {
      if (d.state.seen.has(record))
        continue;
      d.state.seen.add(record);
      placed.claimed.set(record.id, record);
    }
    placed.fresh.push(record);
  }
  return placed;
}
async function acceptPage(d, job, page, tally, log) {
  const fetchedAt = d.clock();
  tally.pages += 1;
  d.state.pages += 1;
  const { fresh, claimed } = placeRecords(d, job, page);
  const unclaim = (id) => {
    const record = id === void 0 ? void 0 : claimed.get(id);
    if (record)
      d.state.seen.delete(record);
  };
  if (fresh.length === 0 && page.rejects.length === 0)
    return d.onProgress();
  const out = await job.stream.writer.write({
    records: fresh,
    rejects: page.rejects,
    source: { stream: job.stream.name, runId: d.runId, windowId: job.windowId, page: page.label },
    resolveRejects: d.rejectsMayBeOpen.value,
    syncedAt: fetchedAt,
    fetchedAt
  }).catch((error) => {
    for (const id of claimed.keys())
      unclaim(id);
    throw error;
  });
  if (out.rejected.length > 0) {
    for (const r of out.rejected)
      unclaim(r.recordId);
    d.rejectsMayBeOpen.value = true;
    tally.rejected += out.rejected.length;
    d.state.noteRejects(out.rejected.map((r) => ({ noun: job.stream.recordNoun, recordId: r.recordId, page: page.label, problem: r.problem })));
    for (const r of out.rejected)
      log.error({ recordId: r.recordId ?? null, page: page.label, problem: r.problem }, "record quarantined in sync_rejects");
  }
  const stored = out.storedIds.length;
  d.state.noteChanged(job.stream.name, out.changed, out.stale);
  d.state.noteWritten(job.stream.name, stored);
  tally.written += stored;
  if (page.onceInRead && !d.scopesOverlap)
    tally.undeduped += stored;
  d.onProgress();
}
function once(fn) {
  let done = false;
  return () => {
    if (!done)
      fn();
    done = true;
  };
}

// dist/streams/conversations/stream.js
var JOBS_WRITE_CONCURRENCY = 3;
function openConversationStream(deps, run) {
  const { settings, logger } = run;
  const readConversationRecord2 = conversationRecordReader(deps.personalData ?? KEEP_ALL);
  const query = createQueryLane({
    client: deps.genesys,
    pageSize: settings.pageSize,
    maxHits: settings.windowMaxHits,
    maxReachableHits: MAX_REACHABLE_HITS,
    pageConcurrency: settings.concurrency,
    readRecord: readConversationRecord2,
    logger
  });
  const lanes = settings.lanes;
  const jobs = lanes && lanes.mode !== "query" ? new JobsLane({
    ...lanes.jobs,
    client: deps.genesys,
    fallback: query,
    readRecord: readConversationRecord2,
    logger,
    nowMs: () => deps.clock().getTime(),
    writeConcurrency: Math.min(JOBS_WRITE_CONCURRENCY, settings.concurrency)
  }) : void 0;
  const absences = settings.deletes ? absenceJudge(deps.db, settings.deletes) : void 0;
  return {
    name: "conversations",
    recordNoun: "conversation",
    lanes: { query, ...jobs ? { jobs } : {} },
    writer: createConversationWriter(deps.db),
    cancelJob: (jobId, signal) => deps.genesys.deleteDetailsJob(jobId, signal),
    ...absences ? { absences } : {}
  };
}
function absenceJudge(db, deletes) {
  const mode = deletes.mode;
  if (mode === "off")
    return void 0;
  return {
    judge: (read) => judgeAbsences(db, {
      windowId: read.windowId,
      start: read.window.start,
      end: read.window.end,
      agentIds: agentIdsOf(read.scope),
      readStartedAt: read.readStartedAt,
      mode,
      maxFraction: deletes.maxFraction,
      at: read.at
    })
  };
}

// dist/streams/index.js
var STREAMS = {
  conversations: openConversationStream,
  "agent-activity": openAgentActivityStream
};
var STREAM_MAX_WINDOW_DAYS = { "agent-activity": AGENT_ACTIVITY_MAX_WINDOW_DAYS };
function streamJobsAvailability(genesys) {
  return { "agent-activity": () => agentActivityJobsAvailability(genesys) };
}
var STREAM_NAMES = Object.keys(STREAMS);
var DEFAULT_STREAMS = ["conversations", "agent-activity"];
function streamOpener(deps, names = DEFAULT_STREAMS, explicit = false) {
  return { names, open: (run) => names.map((name) => STREAMS[name](deps, run, { explicit })) };
}
function chooseStreams(flag, env) {
  if (flag !== void 0)
    return { names: parseStreamNames(flag, "--streams"), explicit: true };
  if (env !== void 0 && env.trim() !== "")
    return { names: parseStreamNames(env, "SYNC_STREAMS"), explicit: true };
  return { names: [...DEFAULT_STREAMS], explicit: false };
}
function parseStreamNames(text, what) {
  const names = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0)
    throw new RangeError(`${what}: name at least one stream (${STREAM_NAMES.join(", ")})`);
  for (const name of names) {
    if (!STREAM_NAMES.includes(name))
      throw new RangeError(`${what}: unknown stream "${name}"; known streams: ${STREAM_NAMES.join(", ")}`);
  }
  return [...new Set(names)];
}

// dist/db/schema-check.js
async function migrationState(db) {
  const committed = (await readMigrationsList()).migrationDirectories.map((d) => d.path);
  let rows = [];
  try {
    rows = await db.$queryRawUnsafe(`SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations`);
  } catch (error) {
    if (!/_prisma_migrations|42P01|does not exist/.test(String(error.message ?? error)))
      throw error;
  }
  const applied = rows.filter((r) => r.finished && !r.rolled_back).map((r) => r.migration_name);
  const interrupted = rows.filter((r) => !r.finished && !r.rolled_back).map((r) => r.migration_name);
  return { pending: committed.filter((name) => !applied.includes(name)), interrupted };
}
async function assertSchemaCurrent(db, target) {
  const { pending, interrupted } = await migrationState(db);
  if (interrupted.length > 0) {
    throw new DatabaseError(`the database ${target} has an interrupted migration (${interrupted.join(", ")}): run \`npm run migrate -- --recover\` (docs/operations.md \xA75)`);
  }
  if (pending.length > 0) {
    throw new DatabaseError(`the database ${target} is missing ${pending.length} migration(s) (${pending.join(", ")}): run \`npm run migrate\` first`);
  }
}

// dist/db/embedded.js
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path3 from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
var EMBEDDED_POOL_SIZE = 1;
function embeddedUrl(port) {
  return `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}
function isListening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
async function startEmbeddedDatabase(options) {
  const url = embeddedUrl(options.port);
  if (await isListening(options.port))
    return { url, owned: false, stop: async () => {
    } };
  const dir = path3.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });
  const server = new PGLiteSocketServer({ db, port: options.port, host: "127.0.0.1", maxConnections: 32 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new Error(`cannot serve the embedded database on 127.0.0.1:${options.port} (EMBEDDED_DB_PORT): ${error.message}`);
  }
  return {
    url,
    owned: true,
    async stop() {
      await server.stop();
      await db.close();
    }
  };
}

// dist/runtime.js
var DATABASE_URL_REQUIRED = `DATABASE_URL: not set; set it to your database (postgresql://user:password@host:5432/db), or to "${EMBEDDED_DATABASE_URL}" for the embedded PGlite database in EMBEDDED_DB_DIR (for trying the tool out, not for production)`;
async function resolveDatabaseUrl(config2, logger, options = {}) {
  const target = config2.database.target ?? (options.embeddedByDefault ? { kind: "embedded" } : void 0);
  if (!target)
    throw new ConfigError([DATABASE_URL_REQUIRED]);
  if (target.kind === "postgres")
    return { url: target.url };
  const embedded = await startEmbeddedDatabase({ dir: config2.database.embeddedDir, port: config2.database.embeddedPort });
  logger.warn({ dir: config2.database.embeddedDir, url: embedded.url }, config2.database.target ? `DATABASE_URL=${EMBEDDED_DATABASE_URL}: using the embedded database (PGlite), meant for trying the tool out` : "DATABASE_URL is not set: using the embedded database (PGlite), meant for trying the tool out");
  return { url: embedded.url, embedded };
}
async function openRuntime(config2, logger, options = {}) {
  const { url, embedded } = await resolveDatabaseUrl(config2, logger, options);
  let database;
  let migrationsApplied = [];
  try {
    if (embedded || options.migrate)
      ({ applied: migrationsApplied } = await applyMigrations(url));
    database = await openDatabase(url, {
      poolSize: embedded ? EMBEDDED_POOL_SIZE : config2.database.poolSize,
      onPoolError: (error) => logger.warn({ err: error }, "a pooled database connection failed")
    });
    await assertSchemaCurrent(database.prisma, describeTarget(url)).catch(async (error) => {
      await database.close();
      throw error;
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    config: config2,
    logger,
    database,
    embedded,
    url,
    migrationsApplied,
    async close() {
      await database.close();
      await embedded?.stop();
    }
  };
}
function createGenesys(config2, logger, observer, target) {
  const g = target ?? requireGenesys(config2);
  return createGenesysClient({
    apiUrl: g.apiUrl,
    loginUrl: g.loginUrl,
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    concurrency: config2.sync.concurrency,
    ratePerMinute: g.ratePerMinute,
    maxRetries: g.maxRetries,
    requestTimeoutMs: g.requestTimeoutMs,
    logger,
    ...observer ? { observer } : {}
  });
}
function runDeps(runtime4, genesys, run) {
  const db = runtime4.database.prisma;
  return {
    db,
    genesys,
    logger: run.logger,
    clock: run.clock,
    runLease: runtime4.database.runLease,
    openStreams: streamOpener({ db, genesys, clock: run.clock, ...run.personalData ? { personalData: run.personalData } : {} }, run.streams, run.explicitStreams),
    ...run.signal ? { signal: run.signal } : {},
    ...run.host ? { host: run.host } : {}
  };
}
function configuredPersonalData(config2) {
  return personalDataPolicy(config2.personalData);
}

export {
  tryHoldAdvisoryLock,
  RUN_LOCK_KEY,
  readRunningRuns,
  markDeadRuns,
  applyMigrations,
  ColumnLiterals,
  col,
  defineTable,
  findUnstorableCharacter,
  countOpenRejects,
  listOpenRejects,
  deleteChildrenCtes,
  MAX_BATCH_CONVERSATIONS,
  createConversationWriter,
  protectContacts,
  describeError,
  decideRunOutcome,
  runWindows,
  agentIdsOf,
  STREAM_MAX_WINDOW_DAYS,
  streamJobsAvailability,
  STREAM_NAMES,
  chooseStreams,
  resolveDatabaseUrl,
  openRuntime,
  createGenesys,
  runDeps,
  configuredPersonalData
};
