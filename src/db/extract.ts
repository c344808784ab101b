/**
 * Pure extraction of one conversation detail record into the rows of every analyst table.
 * The record is stored whole in `conversations.raw`; the typed columns are a projection of
 * it, so a field Genesys adds tomorrow is kept (in raw) without a schema change.
 * The record has already passed the one boundary contract (`parseConversation` in
 * src/genesys/schemas.ts): this file checks nothing again, it only maps. What Postgres itself
 * cannot store (NUL characters, unpaired surrogates) is found here, from the JSON text.
 */
import { createHash } from 'node:crypto';
import type { GenesysConversation, GenesysParticipant, GenesysSession } from '../genesys/schemas.ts';
import { col, defineTable, type RowOf } from './table-spec.ts';

/** A conversation record that passed the contract (the API's object, unknown fields included). */
export type ConversationRecord = GenesysConversation;
export type ParticipantRecord = GenesysParticipant;
export type SessionRecord = GenesysSession;

/**
 * Bumped whenever extraction changes what it writes (a new typed column, a fixed mapping). It
 * is folded into raw_hash, so the first sync after an upgrade rewrites each conversation once
 * even where Genesys' record did not change, and no row keeps the older projection.
 */
export const EXTRACTOR_VERSION = 3;

/*
 * The tables of a conversation, one description each (table-spec.ts): field names are the
 * Prisma model's, column names and types the migration's. The row types follow from them.
 */

export const CONVERSATIONS = defineTable('conversations', {
  conversationId: col.text('conversation_id'),
  conversationStart: col.timestamptz('conversation_start'),
  conversationEnd: col.timestamptz('conversation_end').orNull,
  originatingDirection: col.text('originating_direction').orNull,
  conversationInitiator: col.text('conversation_initiator').orNull,
  externalTag: col.text('external_tag').orNull,
  divisionIds: col.textArray('division_ids'),
  /** Distinct session media types, sorted. */
  mediaTypes: col.textArray('media_types'),
  /** Distinct userIds of participants with purpose `agent`, sorted. */
  agentUserIds: col.textArray('agent_user_ids'),
  mediaStatsMinConversationMos: col.float8('media_stats_min_conversation_mos').orNull,
  mediaStatsMinConversationRFactor: col.float8('media_stats_min_conversation_r_factor').orNull,
  customerParticipation: col.bool('customer_participation').orNull,
  selfServed: col.bool('self_served').orNull,
  originatingSocialMediaPublic: col.bool('originating_social_media_public').orNull,
  associatedConversationId: col.text('associated_conversation_id').orNull,
  conferenceStart: col.timestamptz('conference_start').orNull,
  inactivityTimeout: col.timestamptz('inactivity_timeout').orNull,
  knowledgeBaseIds: col.textArray('knowledge_base_ids').orNull,
  consultationConversationIds: col.textArray('consultation_conversation_ids').orNull,
  accessAttributes: col.textArray('access_attributes').orNull,
  /** md5 hex of the extractor version and `rawJson` (see hashRawJson). */
  rawHash: col.text('raw_hash'),
});

export const PARTICIPANTS = defineTable('participants', {
  conversationId: col.text('conversation_id'),
  participantId: col.text('participant_id'),
  participantIndex: col.int4('participant_index'),
  purpose: col.text('purpose'),
  userId: col.text('user_id').orNull,
  participantName: col.text('participant_name').orNull,
  teamId: col.text('team_id').orNull,
  externalContactId: col.text('external_contact_id').orNull,
  externalOrganizationId: col.text('external_organization_id').orNull,
  flaggedReason: col.text('flagged_reason').orNull,
  screenRecording: col.bool('screen_recording').orNull,
  /** JSON text of the participant's attributes map; null when the record carries none. */
  attributesJson: col.jsonb('attributes').orNull,
});

export const SESSIONS = defineTable('sessions', {
  conversationId: col.text('conversation_id'),
  participantId: col.text('participant_id'),
  sessionId: col.text('session_id'),
  sessionIndex: col.int4('session_index'),
  mediaType: col.text('media_type').orNull,
  direction: col.text('direction').orNull,
  ani: col.text('ani').orNull,
  dnis: col.text('dnis').orNull,
  sessionDnis: col.text('session_dnis').orNull,
  addressFrom: col.text('address_from').orNull,
  addressTo: col.text('address_to').orNull,
  addressSelf: col.text('address_self').orNull,
  addressOther: col.text('address_other').orNull,
  remote: col.text('remote').orNull,
  provider: col.text('provider').orNull,
  messageType: col.text('message_type').orNull,
  edgeId: col.text('edge_id').orNull,
  protocolCallId: col.text('protocol_call_id').orNull,
  recording: col.bool('recording').orNull,
  selectedAgentId: col.text('selected_agent_id').orNull,
  usedRouting: col.text('used_routing').orNull,
  outboundCampaignId: col.text('outbound_campaign_id').orNull,
  flowId: col.text('flow_id').orNull,
  flowName: col.text('flow_name').orNull,
  // The session's flow (AnalyticsFlow), one per session: columns rather than a table.
  flowType: col.text('flow_type').orNull,
  flowVersion: col.text('flow_version').orNull,
  flowEntryType: col.text('flow_entry_type').orNull,
  flowEntryReason: col.text('flow_entry_reason').orNull,
  flowExitReason: col.text('flow_exit_reason').orNull,
  flowTransferType: col.text('flow_transfer_type').orNull,
  flowTransferTargetName: col.text('flow_transfer_target_name').orNull,
  flowTransferTargetAddress: col.text('flow_transfer_target_address').orNull,
  flowIssuedCallback: col.bool('flow_issued_callback').orNull,
  flowStartingLanguage: col.text('flow_starting_language').orNull,
  flowEndingLanguage: col.text('flow_ending_language').orNull,
  flowRecognitionFailureReason: col.text('flow_recognition_failure_reason').orNull,
  // Routing.
  activeSkillIds: col.textArray('active_skill_ids').orNull,
  removedSkillIds: col.textArray('removed_skill_ids').orNull,
  requestedRoutings: col.textArray('requested_routings').orNull,
  eligibleAgentCounts: col.int8Array('eligible_agent_counts').orNull,
  waitingInteractionCounts: col.int8Array('waiting_interaction_counts').orNull,
  agentBullseyeRing: col.int8('agent_bullseye_ring').orNull,
  routingRing: col.int8('routing_ring').orNull,
  routingRule: col.text('routing_rule').orNull,
  routingRuleType: col.text('routing_rule_type').orNull,
  selectedAgentRank: col.int8('selected_agent_rank').orNull,
  skillExpressionId: col.text('skill_expression_id').orNull,
  agentOwned: col.bool('agent_owned').orNull,
  assignerId: col.text('assigner_id').orNull,
  timeoutSeconds: col.int8('timeout_seconds').orNull,
  skipEnabled: col.bool('skip_enabled').orNull,
  acwSkipped: col.bool('acw_skipped').orNull,
  flowInType: col.text('flow_in_type').orNull,
  flowOutType: col.text('flow_out_type').orNull,
  // Callbacks, outbound, dispositions.
  callbackNumbers: col.textArray('callback_numbers').orNull,
  callbackScheduledTime: col.timestamptz('callback_scheduled_time').orNull,
  callbackUserName: col.text('callback_user_name').orNull,
  outboundContactId: col.text('outbound_contact_id').orNull,
  outboundContactListId: col.text('outbound_contact_list_id').orNull,
  dispositionAnalyzer: col.text('disposition_analyzer').orNull,
  dispositionName: col.text('disposition_name').orNull,
  detectedSpeechStart: col.timestamptz('detected_speech_start').orNull,
  detectedSpeechEnd: col.timestamptz('detected_speech_end').orNull,
  scriptId: col.text('script_id').orNull,
  // Digital channels: messages, e-mail, delivery.
  destinationAddresses: col.textArray('destination_addresses').orNull,
  cc: col.textArray('cc').orNull,
  bcc: col.textArray('bcc').orNull,
  deliveryStatus: col.text('delivery_status').orNull,
  deliveryStatusChangeDate: col.timestamptz('delivery_status_change_date').orNull,
  deliveryPushed: col.bool('delivery_pushed').orNull,
  extendedDeliveryStatus: col.text('extended_delivery_status').orNull,
  engagementSource: col.text('engagement_source').orNull,
  authenticated: col.bool('authenticated').orNull,
  remoteNameDisplayable: col.text('remote_name_displayable').orNull,
  roomId: col.text('room_id').orNull,
  mediaCount: col.int8('media_count').orNull,
  peerId: col.text('peer_id').orNull,
  mediaBridgeId: col.text('media_bridge_id').orNull,
  errorCodeDescription: col.text('error_code_description').orNull,
  // Journey (predictive engagement).
  journeyActionId: col.text('journey_action_id').orNull,
  journeyActionMapId: col.text('journey_action_map_id').orNull,
  journeyActionMapVersion: col.int8('journey_action_map_version').orNull,
  journeyCustomerId: col.text('journey_customer_id').orNull,
  journeyCustomerIdType: col.text('journey_customer_id_type').orNull,
  journeyCustomerSessionId: col.text('journey_customer_session_id').orNull,
  journeyCustomerSessionIdType: col.text('journey_customer_session_id_type').orNull,
  // Supervision, co-browse, screen and video.
  monitoredParticipantId: col.text('monitored_participant_id').orNull,
  coachedParticipantId: col.text('coached_participant_id').orNull,
  bargedParticipantId: col.text('barged_participant_id').orNull,
  screenMonitoredUserId: col.text('screen_monitored_user_id').orNull,
  cobrowseRole: col.text('cobrowse_role').orNull,
  cobrowseRoomId: col.text('cobrowse_room_id').orNull,
  screenShareAddressSelf: col.text('screen_share_address_self').orNull,
  screenShareRoomId: col.text('screen_share_room_id').orNull,
  sharingScreen: col.bool('sharing_screen').orNull,
  videoAddressSelf: col.text('video_address_self').orNull,
  videoRoomId: col.text('video_room_id').orNull,
  agentAssistantId: col.text('agent_assistant_id').orNull,
  cleared: col.bool('cleared').orNull,
  snippetRecording: col.bool('snippet_recording').orNull,
});

export const SEGMENTS = defineTable('segments', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  segmentIndex: col.int4('segment_index'),
  participantId: col.text('participant_id'),
  segmentStart: col.timestamptz('segment_start'),
  segmentEnd: col.timestamptz('segment_end').orNull,
  segmentType: col.text('segment_type').orNull,
  queueId: col.text('queue_id').orNull,
  groupId: col.text('group_id').orNull,
  wrapUpCode: col.text('wrap_up_code').orNull,
  wrapUpNote: col.text('wrap_up_note').orNull,
  disconnectType: col.text('disconnect_type').orNull,
  errorCode: col.text('error_code').orNull,
  conference: col.bool('conference').orNull,
  subject: col.text('subject').orNull,
  requestedLanguageId: col.text('requested_language_id').orNull,
  audioMuted: col.bool('audio_muted').orNull,
  videoMuted: col.bool('video_muted').orNull,
  sourceConversationId: col.text('source_conversation_id').orNull,
  sourceSessionId: col.text('source_session_id').orNull,
  destinationConversationId: col.text('destination_conversation_id').orNull,
  destinationSessionId: col.text('destination_session_id').orNull,
  requestedRoutingSkillIds: col.textArray('requested_routing_skill_ids').orNull,
  requestedRoutingUserIds: col.textArray('requested_routing_user_ids').orNull,
  wrapUpTags: col.textArray('wrap_up_tags').orNull,
  sipResponseCodes: col.int8Array('sip_response_codes').orNull,
  q850ResponseCodes: col.int8Array('q850_response_codes').orNull,
});

export const SESSION_METRICS = defineTable('session_metrics', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  metricIndex: col.int4('metric_index'),
  name: col.text('name'),
  value: col.int8('value'),
  emitDate: col.timestamptz('emit_date').orNull,
});

/*
 * The record's quality and outcome parts and the arrays of objects inside sessions and
 * segments: one row per array element, keyed by the parent's key and the element's 0-based
 * position (`*_index`). Position, not the element's own id: every field of these models is
 * optional in the SDK (an evaluation without evaluationId must still be stored), and a key the
 * API does not guarantee unique would fail a whole batch the day it repeats.
 */

export const EVALUATIONS = defineTable('evaluations', {
  conversationId: col.text('conversation_id'),
  evaluationIndex: col.int4('evaluation_index'),
  evaluationId: col.text('evaluation_id').orNull,
  evaluatorId: col.text('evaluator_id').orNull,
  userId: col.text('user_id').orNull,
  queueId: col.text('queue_id').orNull,
  formId: col.text('form_id').orNull,
  contextId: col.text('context_id').orNull,
  formName: col.text('form_name').orNull,
  calibrationId: col.text('calibration_id').orNull,
  assigneeId: col.text('assignee_id').orNull,
  assigneeApplicable: col.bool('assignee_applicable').orNull,
  evaluationStatus: col.text('evaluation_status').orNull,
  eventTime: col.timestamptz('event_time').orNull,
  released: col.bool('released').orNull,
  rescored: col.bool('rescored').orNull,
  deleted: col.bool('deleted').orNull,
  systemSubmitted: col.bool('system_submitted').orNull,
  totalScore: col.float8('total_score').orNull,
  totalCriticalScore: col.float8('total_critical_score').orNull,
});

export const SURVEYS = defineTable('surveys', {
  conversationId: col.text('conversation_id'),
  surveyIndex: col.int4('survey_index'),
  surveyId: col.text('survey_id').orNull,
  surveyFormId: col.text('survey_form_id').orNull,
  surveyFormContextId: col.text('survey_form_context_id').orNull,
  surveyFormName: col.text('survey_form_name').orNull,
  surveyType: col.text('survey_type').orNull,
  surveyStatus: col.text('survey_status').orNull,
  partialResponse: col.bool('partial_response').orNull,
  userId: col.text('user_id').orNull,
  queueId: col.text('queue_id').orNull,
  eventTime: col.timestamptz('event_time').orNull,
  completedDate: col.timestamptz('completed_date').orNull,
  promoterScore: col.float8('promoter_score').orNull,
  totalScore: col.float8('total_score').orNull,
});

export const RESOLUTIONS = defineTable('resolutions', {
  conversationId: col.text('conversation_id'),
  resolutionIndex: col.int4('resolution_index'),
  queueId: col.text('queue_id').orNull,
  userId: col.text('user_id').orNull,
  eventTime: col.timestamptz('event_time').orNull,
  nextContactAvoided: col.int8('next_contact_avoided').orNull,
});

export const FLOW_OUTCOMES = defineTable('flow_outcomes', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  outcomeIndex: col.int4('outcome_index'),
  flowOutcomeId: col.text('flow_outcome_id').orNull,
  flowOutcome: col.text('flow_outcome').orNull,
  flowOutcomeValue: col.text('flow_outcome_value').orNull,
  flowOutcomeStartTimestamp: col.timestamptz('flow_outcome_start_timestamp').orNull,
  flowOutcomeEndTimestamp: col.timestamptz('flow_outcome_end_timestamp').orNull,
});

export const MEDIA_ENDPOINT_STATS = defineTable('media_endpoint_stats', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  statIndex: col.int4('stat_index'),
  eventTime: col.timestamptz('event_time').orNull,
  codecs: col.textArray('codecs').orNull,
  minMos: col.float8('min_mos').orNull,
  minRFactor: col.float8('min_r_factor').orNull,
  maxLatencyMs: col.int8('max_latency_ms').orNull,
  receivedPackets: col.int8('received_packets').orNull,
  invalidPackets: col.int8('invalid_packets').orNull,
  discardedPackets: col.int8('discarded_packets').orNull,
  duplicatePackets: col.int8('duplicate_packets').orNull,
  overrunPackets: col.int8('overrun_packets').orNull,
  underrunPackets: col.int8('underrun_packets').orNull,
});

export const SESSION_PROPOSED_AGENTS = defineTable('session_proposed_agents', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  agentIndex: col.int4('agent_index'),
  proposedAgentId: col.text('proposed_agent_id').orNull,
  agentRank: col.int8('agent_rank').orNull,
});

export const SESSION_AGENT_GROUPS = defineTable('session_agent_groups', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  groupIndex: col.int4('group_index'),
  agentGroupId: col.text('agent_group_id').orNull,
  agentGroupType: col.text('agent_group_type').orNull,
});

export const SEGMENT_SCORED_AGENTS = defineTable('segment_scored_agents', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  segmentIndex: col.int4('segment_index'),
  agentIndex: col.int4('agent_index'),
  scoredAgentId: col.text('scored_agent_id').orNull,
  agentScore: col.float8('agent_score').orNull,
});

export const SEGMENT_PROPERTIES = defineTable('segment_properties', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  segmentIndex: col.int4('segment_index'),
  propertyIndex: col.int4('property_index'),
  property: col.text('property').orNull,
  propertyType: col.text('property_type').orNull,
  value: col.text('value').orNull,
});

/**
 * Every table holding a conversation's children, participants first (the writer reads their
 * attributes as it deletes them). None references another, only conversations, so the writer
 * deletes and inserts them all in one statement each.
 */
export const CHILD_TABLES = [
  PARTICIPANTS, SESSIONS, SEGMENTS, SESSION_METRICS, EVALUATIONS, SURVEYS, RESOLUTIONS, FLOW_OUTCOMES, MEDIA_ENDPOINT_STATS,
  SESSION_PROPOSED_AGENTS, SESSION_AGENT_GROUPS, SEGMENT_SCORED_AGENTS, SEGMENT_PROPERTIES,
] as const;

/** The conversation's row, and the record itself (not a copy): raw travels as its own parameter. */
type ConversationRow = RowOf<typeof CONVERSATIONS> & { raw: ConversationRecord };
export type ParticipantRow = RowOf<typeof PARTICIPANTS>;
type SessionRow = RowOf<typeof SESSIONS>;
type SegmentRow = RowOf<typeof SEGMENTS>;
type SessionMetricRow = RowOf<typeof SESSION_METRICS>;

export interface ExtractedConversation {
  conversation: ConversationRow;
  participants: ParticipantRow[];
  sessions: SessionRow[];
  segments: SegmentRow[];
  sessionMetrics: SessionMetricRow[];
  evaluations: RowOf<typeof EVALUATIONS>[];
  surveys: RowOf<typeof SURVEYS>[];
  resolutions: RowOf<typeof RESOLUTIONS>[];
  flowOutcomes: RowOf<typeof FLOW_OUTCOMES>[];
  mediaEndpointStats: RowOf<typeof MEDIA_ENDPOINT_STATS>[];
  proposedAgents: RowOf<typeof SESSION_PROPOSED_AGENTS>[];
  agentGroups: RowOf<typeof SESSION_AGENT_GROUPS>[];
  scoredAgents: RowOf<typeof SEGMENT_SCORED_AGENTS>[];
  segmentProperties: RowOf<typeof SEGMENT_PROPERTIES>[];
  /** `JSON.stringify(record)`: hashed into rawHash, and stored as raw by the writer (parsed once, by Postgres). */
  rawJson: string;
}

/**
 * An escape in `JSON.stringify` output that Postgres cannot store: `\u0000` (text and jsonb
 * reject NUL) or a lone UTF-16 surrogate (JSON.stringify escapes only unpaired ones; jsonb
 * rejects them). An odd run of backslashes before the `u` makes it an escape rather than
 * text that merely contains a backslash.
 */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/i;

/** Describes the first character of `json` that Postgres cannot store, if any. */
export function findUnstorableCharacter(json: string): string | undefined {
  const match = UNSTORABLE_ESCAPE.exec(json);
  if (!match) return undefined;
  return match[1] === '0000'
    ? 'contains a NUL character (\\u0000), which Postgres cannot store'
    : `contains an unpaired UTF-16 surrogate (\\u${match[1]}), which Postgres cannot store`;
}

/** A NUL, or a UTF-16 surrogate without its other half: what Postgres text and jsonb cannot hold. */
const UNSTORABLE_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * `text` when Postgres can store it, else its JSON string literal (`"a\u0000b"`, quotes
 * included): readable, unambiguous (an id of Genesys never starts with a quote), and storable,
 * so a record whose very key is unstorable can still be quarantined under that key.
 */
export function storableText(text: string): string {
  return UNSTORABLE_CHARACTER.test(text) ? JSON.stringify(text) : text;
}

/**
 * md5 hex of the extractor version and a JSON text: the change detector of re-syncs (not a
 * security boundary). The version makes an upgrade's first sync rewrite every conversation once.
 */
export function hashRawJson(rawJson: string): string {
  return createHash('md5').update(`v${EXTRACTOR_VERSION}:`).update(rawJson).digest('hex');
}

const date = (text: string): Date => new Date(Date.parse(text));
const dateOrNull = (text: string | null | undefined): Date | null => (text == null ? null : date(text));
const orNull = <T>(value: T | null | undefined): T | null => value ?? null;

type Segment = NonNullable<SessionRecord['segments']>[number];
type Metric = NonNullable<SessionRecord['metrics']>[number];

/** Where a child row sits: its conversation, participant and session. */
interface SessionPlace {
  conversationId: string;
  participantId: string;
  sessionId: string;
}

/** The rows of one record's children, filled participant by participant. */
type Children = Omit<ExtractedConversation, 'conversation' | 'rawJson'>;

/**
 * Projects one record onto the rows of conversations and of every child table. Indexes
 * (participant_index, session_index, segment_index, metric_index, evaluation_index, ...) are
 * 0-based positions in the API's arrays, so the order Genesys listed things in is kept.
 */
export function extractConversation(
  record: ConversationRecord,
  /** The record's JSON text and its hash when the caller computed them already (the writer does). */
  precomputed?: { rawJson: string; rawHash: string },
): ExtractedConversation {
  const rawJson = precomputed?.rawJson ?? JSON.stringify(record);
  const children: Children = {
    participants: [], sessions: [], segments: [], sessionMetrics: [], evaluations: [], surveys: [], resolutions: [],
    flowOutcomes: [], mediaEndpointStats: [], proposedAgents: [], agentGroups: [], scoredAgents: [], segmentProperties: [],
  };
  (record.participants ?? []).forEach((p, index) => extractParticipant(children, record.conversationId, p, index));
  extractAfterCare(children, record);
  const conversation: ConversationRow = {
    conversationId: record.conversationId,
    conversationStart: date(record.conversationStart),
    conversationEnd: dateOrNull(record.conversationEnd),
    originatingDirection: orNull(record.originatingDirection),
    conversationInitiator: orNull(record.conversationInitiator),
    externalTag: orNull(record.externalTag),
    divisionIds: record.divisionIds ?? [],
    mediaTypes: distinctSorted(children.sessions, (s) => s.mediaType),
    agentUserIds: distinctSorted(children.participants, (p) => (p.purpose === 'agent' ? p.userId : null)),
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
    rawHash: precomputed?.rawHash ?? hashRawJson(rawJson),
  };
  return { conversation, ...children, rawJson };
}

/** The distinct non-null values `pick` reads from `rows`, sorted. */
function distinctSorted<R>(rows: readonly R[], pick: (row: R) => string | null): string[] {
  const values = new Set<string>();
  for (const row of rows) {
    const value = pick(row);
    if (value !== null) values.add(value);
  }
  return [...values].sort();
}

/** Evaluations, surveys and resolutions: the parts that change after the conversation ended. */
function extractAfterCare(out: Children, record: ConversationRecord): void {
  const { conversationId } = record;
  (record.evaluations ?? []).forEach((e, evaluationIndex) => out.evaluations.push({
    conversationId, evaluationIndex,
    evaluationId: orNull(e.evaluationId), evaluatorId: orNull(e.evaluatorId), userId: orNull(e.userId), queueId: orNull(e.queueId),
    formId: orNull(e.formId), contextId: orNull(e.contextId), formName: orNull(e.formName), calibrationId: orNull(e.calibrationId),
    assigneeId: orNull(e.assigneeId), assigneeApplicable: orNull(e.assigneeApplicable), evaluationStatus: orNull(e.evaluationStatus),
    eventTime: dateOrNull(e.eventTime), released: orNull(e.released), rescored: orNull(e.rescored), deleted: orNull(e.deleted),
    systemSubmitted: orNull(e.systemSubmitted), totalScore: orNull(e.oTotalScore), totalCriticalScore: orNull(e.oTotalCriticalScore),
  }));
  (record.surveys ?? []).forEach((v, surveyIndex) => out.surveys.push({
    conversationId, surveyIndex,
    surveyId: orNull(v.surveyId), surveyFormId: orNull(v.surveyFormId), surveyFormContextId: orNull(v.surveyFormContextId),
    surveyFormName: orNull(v.surveyFormName), surveyType: orNull(v.surveyType), surveyStatus: orNull(v.surveyStatus),
    partialResponse: orNull(v.surveyPartialResponse), userId: orNull(v.userId), queueId: orNull(v.queueId),
    eventTime: dateOrNull(v.eventTime), completedDate: dateOrNull(v.surveyCompletedDate),
    promoterScore: orNull(v.surveyPromoterScore), totalScore: orNull(v.oSurveyTotalScore),
  }));
  (record.resolutions ?? []).forEach((r, resolutionIndex) => out.resolutions.push({
    conversationId, resolutionIndex, queueId: orNull(r.queueId), userId: orNull(r.userId),
    eventTime: dateOrNull(r.eventTime), nextContactAvoided: orNull(r.nNextContactAvoided),
  }));
}

function extractParticipant(out: Children, conversationId: string, p: ParticipantRecord, participantIndex: number): void {
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
    attributesJson: p.attributes == null ? null : JSON.stringify(p.attributes),
  });
  (p.sessions ?? []).forEach((s, sessionIndex) => {
    const place: SessionPlace = { conversationId, participantId, sessionId: s.sessionId };
    out.sessions.push(sessionRow(place, s, sessionIndex));
    (s.segments ?? []).forEach((g, segmentIndex) => extractSegment(out, place, g, segmentIndex));
    (s.metrics ?? []).forEach((m, metricIndex) => out.sessionMetrics.push(metricRow(place, m, metricIndex)));
    extractSessionArrays(out, place, s);
  });
}

/** The arrays of objects a session carries: flow outcomes, media endpoint stats, proposed agents, agent groups. */
function extractSessionArrays(out: Children, { conversationId, sessionId }: SessionPlace, s: SessionRecord): void {
  (s.flow?.outcomes ?? []).forEach((o, outcomeIndex) => out.flowOutcomes.push({
    conversationId, sessionId, outcomeIndex,
    flowOutcomeId: orNull(o.flowOutcomeId), flowOutcome: orNull(o.flowOutcome), flowOutcomeValue: orNull(o.flowOutcomeValue),
    flowOutcomeStartTimestamp: dateOrNull(o.flowOutcomeStartTimestamp), flowOutcomeEndTimestamp: dateOrNull(o.flowOutcomeEndTimestamp),
  }));
  (s.mediaEndpointStats ?? []).forEach((m, statIndex) => out.mediaEndpointStats.push({
    conversationId, sessionId, statIndex,
    eventTime: dateOrNull(m.eventTime), codecs: orNull(m.codecs), minMos: orNull(m.minMos), minRFactor: orNull(m.minRFactor),
    maxLatencyMs: orNull(m.maxLatencyMs), receivedPackets: orNull(m.receivedPackets), invalidPackets: orNull(m.invalidPackets),
    discardedPackets: orNull(m.discardedPackets), duplicatePackets: orNull(m.duplicatePackets),
    overrunPackets: orNull(m.overrunPackets), underrunPackets: orNull(m.underrunPackets),
  }));
  (s.proposedAgents ?? []).forEach((a, agentIndex) => out.proposedAgents.push({
    conversationId, sessionId, agentIndex, proposedAgentId: orNull(a.proposedAgentId), agentRank: orNull(a.agentRank),
  }));
  (s.agentGroups ?? []).forEach((a, groupIndex) => out.agentGroups.push({
    conversationId, sessionId, groupIndex, agentGroupId: orNull(a.agentGroupId), agentGroupType: orNull(a.agentGroupType),
  }));
}

function extractSegment(out: Children, place: SessionPlace, g: Segment, segmentIndex: number): void {
  const { conversationId, sessionId } = place;
  out.segments.push(segmentRow(place, g, segmentIndex));
  (g.scoredAgents ?? []).forEach((a, agentIndex) => out.scoredAgents.push({
    conversationId, sessionId, segmentIndex, agentIndex, scoredAgentId: orNull(a.scoredAgentId), agentScore: orNull(a.agentScore),
  }));
  (g.properties ?? []).forEach((q, propertyIndex) => out.segmentProperties.push({
    conversationId, sessionId, segmentIndex, propertyIndex,
    property: orNull(q.property), propertyType: orNull(q.propertyType), value: orNull(q.value),
  }));
}

/**
 * One session's row: identity and addresses, its flow, routing, other channels' fields. One
 * object literal on purpose: built by spreading parts, a row of ~100 fields became a slow
 * dictionary-mode object in V8 (extraction and the array literals took 5x the CPU).
 */
function sessionRow({ conversationId, participantId, sessionId }: SessionPlace, s: SessionRecord, sessionIndex: number): SessionRow {
  const f = s.flow;
  return {
    conversationId, participantId, sessionId, sessionIndex,
    mediaType: orNull(s.mediaType), direction: orNull(s.direction), ani: orNull(s.ani), dnis: orNull(s.dnis),
    sessionDnis: orNull(s.sessionDnis), addressFrom: orNull(s.addressFrom), addressTo: orNull(s.addressTo),
    addressSelf: orNull(s.addressSelf), addressOther: orNull(s.addressOther), remote: orNull(s.remote),
    provider: orNull(s.provider), messageType: orNull(s.messageType), edgeId: orNull(s.edgeId),
    protocolCallId: orNull(s.protocolCallId), recording: orNull(s.recording), selectedAgentId: orNull(s.selectedAgentId),
    usedRouting: orNull(s.usedRouting), outboundCampaignId: orNull(s.outboundCampaignId),
    flowId: orNull(f?.flowId), flowName: orNull(f?.flowName), flowType: orNull(f?.flowType), flowVersion: orNull(f?.flowVersion),
    flowEntryType: orNull(f?.entryType), flowEntryReason: orNull(f?.entryReason), flowExitReason: orNull(f?.exitReason),
    flowTransferType: orNull(f?.transferType), flowTransferTargetName: orNull(f?.transferTargetName),
    flowTransferTargetAddress: orNull(f?.transferTargetAddress), flowIssuedCallback: orNull(f?.issuedCallback),
    flowStartingLanguage: orNull(f?.startingLanguage), flowEndingLanguage: orNull(f?.endingLanguage),
    flowRecognitionFailureReason: orNull(f?.recognitionFailureReason),
    activeSkillIds: orNull(s.activeSkillIds), removedSkillIds: orNull(s.removedSkillIds), requestedRoutings: orNull(s.requestedRoutings),
    eligibleAgentCounts: orNull(s.eligibleAgentCounts), waitingInteractionCounts: orNull(s.waitingInteractionCounts),
    agentBullseyeRing: orNull(s.agentBullseyeRing), routingRing: orNull(s.routingRing), routingRule: orNull(s.routingRule),
    routingRuleType: orNull(s.routingRuleType), selectedAgentRank: orNull(s.selectedAgentRank),
    skillExpressionId: orNull(s.skillExpressionId), agentOwned: orNull(s.agentOwned), assignerId: orNull(s.assignerId),
    timeoutSeconds: orNull(s.timeoutSeconds), skipEnabled: orNull(s.skipEnabled), acwSkipped: orNull(s.acwSkipped),
    flowInType: orNull(s.flowInType), flowOutType: orNull(s.flowOutType),
    callbackNumbers: orNull(s.callbackNumbers), callbackScheduledTime: dateOrNull(s.callbackScheduledTime),
    callbackUserName: orNull(s.callbackUserName), outboundContactId: orNull(s.outboundContactId),
    outboundContactListId: orNull(s.outboundContactListId), dispositionAnalyzer: orNull(s.dispositionAnalyzer),
    dispositionName: orNull(s.dispositionName), detectedSpeechStart: dateOrNull(s.detectedSpeechStart),
    detectedSpeechEnd: dateOrNull(s.detectedSpeechEnd), scriptId: orNull(s.scriptId),
    destinationAddresses: orNull(s.destinationAddresses), cc: orNull(s.cc), bcc: orNull(s.bcc),
    deliveryStatus: orNull(s.deliveryStatus), deliveryStatusChangeDate: dateOrNull(s.deliveryStatusChangeDate),
    deliveryPushed: orNull(s.deliveryPushed), extendedDeliveryStatus: orNull(s.extendedDeliveryStatus),
    engagementSource: orNull(s.engagementSource), authenticated: orNull(s.authenticated),
    remoteNameDisplayable: orNull(s.remoteNameDisplayable), roomId: orNull(s.roomId), mediaCount: orNull(s.mediaCount),
    peerId: orNull(s.peerId), mediaBridgeId: orNull(s.mediaBridgeId), errorCodeDescription: orNull(s.errorCodeDescription),
    journeyActionId: orNull(s.journeyActionId), journeyActionMapId: orNull(s.journeyActionMapId),
    journeyActionMapVersion: orNull(s.journeyActionMapVersion), journeyCustomerId: orNull(s.journeyCustomerId),
    journeyCustomerIdType: orNull(s.journeyCustomerIdType), journeyCustomerSessionId: orNull(s.journeyCustomerSessionId),
    journeyCustomerSessionIdType: orNull(s.journeyCustomerSessionIdType),
    monitoredParticipantId: orNull(s.monitoredParticipantId), coachedParticipantId: orNull(s.coachedParticipantId),
    bargedParticipantId: orNull(s.bargedParticipantId), screenMonitoredUserId: orNull(s.screenMonitoredUserId),
    cobrowseRole: orNull(s.cobrowseRole), cobrowseRoomId: orNull(s.cobrowseRoomId),
    screenShareAddressSelf: orNull(s.screenShareAddressSelf), screenShareRoomId: orNull(s.screenShareRoomId),
    sharingScreen: orNull(s.sharingScreen), videoAddressSelf: orNull(s.videoAddressSelf), videoRoomId: orNull(s.videoRoomId),
    agentAssistantId: orNull(s.agentAssistantId), cleared: orNull(s.cleared), snippetRecording: orNull(s.snippetRecording),
  };
}

function segmentRow({ conversationId, participantId, sessionId }: SessionPlace, g: Segment, segmentIndex: number): SegmentRow {
  return {
    conversationId, sessionId, segmentIndex, participantId,
    segmentStart: date(g.segmentStart), segmentEnd: dateOrNull(g.segmentEnd), segmentType: orNull(g.segmentType),
    queueId: orNull(g.queueId), groupId: orNull(g.groupId), wrapUpCode: orNull(g.wrapUpCode), wrapUpNote: orNull(g.wrapUpNote),
    disconnectType: orNull(g.disconnectType), errorCode: orNull(g.errorCode), conference: orNull(g.conference),
    subject: orNull(g.subject), requestedLanguageId: orNull(g.requestedLanguageId),
    audioMuted: orNull(g.audioMuted), videoMuted: orNull(g.videoMuted),
    sourceConversationId: orNull(g.sourceConversationId), sourceSessionId: orNull(g.sourceSessionId),
    destinationConversationId: orNull(g.destinationConversationId), destinationSessionId: orNull(g.destinationSessionId),
    requestedRoutingSkillIds: orNull(g.requestedRoutingSkillIds), requestedRoutingUserIds: orNull(g.requestedRoutingUserIds),
    wrapUpTags: orNull(g.wrapUpTags), sipResponseCodes: orNull(g.sipResponseCodes), q850ResponseCodes: orNull(g.q850ResponseCodes),
  };
}

function metricRow({ conversationId, sessionId }: SessionPlace, m: Metric, metricIndex: number): SessionMetricRow {
  return { conversationId, sessionId, metricIndex, name: m.name, value: m.value, emitDate: dateOrNull(m.emitDate) };
}
