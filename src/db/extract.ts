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
export const EXTRACTOR_VERSION = 2;

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
});

export const SESSION_METRICS = defineTable('session_metrics', {
  conversationId: col.text('conversation_id'),
  sessionId: col.text('session_id'),
  metricIndex: col.int4('metric_index'),
  name: col.text('name'),
  value: col.int8('value'),
  emitDate: col.timestamptz('emit_date').orNull,
});

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
type Children = Pick<ExtractedConversation, 'participants' | 'sessions' | 'segments' | 'sessionMetrics'>;

/**
 * Projects one record onto the rows of conversations, participants, sessions, segments and
 * session_metrics. Indexes (participant_index, session_index, segment_index, metric_index) are
 * 0-based positions in the API's arrays, so the order Genesys listed things in is kept.
 */
export function extractConversation(
  record: ConversationRecord,
  /** The record's JSON text and its hash when the caller computed them already (the writer does). */
  precomputed?: { rawJson: string; rawHash: string },
): ExtractedConversation {
  const rawJson = precomputed?.rawJson ?? JSON.stringify(record);
  const children: Children = { participants: [], sessions: [], segments: [], sessionMetrics: [] };
  (record.participants ?? []).forEach((p, index) => extractParticipant(children, record.conversationId, p, index));
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
    (s.segments ?? []).forEach((g, segmentIndex) => out.segments.push(segmentRow(place, g, segmentIndex)));
    (s.metrics ?? []).forEach((m, metricIndex) => out.sessionMetrics.push(metricRow(place, m, metricIndex)));
  });
}

function sessionRow({ conversationId, participantId, sessionId }: SessionPlace, s: SessionRecord, sessionIndex: number): SessionRow {
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
    flowId: orNull(s.flow?.flowId),
    flowName: orNull(s.flow?.flowName),
  };
}

function segmentRow({ conversationId, participantId, sessionId }: SessionPlace, g: Segment, segmentIndex: number): SegmentRow {
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
  };
}

function metricRow({ conversationId, sessionId }: SessionPlace, m: Metric, metricIndex: number): SessionMetricRow {
  return { conversationId, sessionId, metricIndex, name: m.name, value: m.value, emitDate: dateOrNull(m.emitDate) };
}
