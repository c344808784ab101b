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

/* Row shapes: field names are the Prisma model's, so the rows also feed Prisma directly. */

interface ConversationRow {
  conversationId: string;
  conversationStart: Date;
  conversationEnd: Date | null;
  originatingDirection: string | null;
  conversationInitiator: string | null;
  externalTag: string | null;
  divisionIds: string[];
  /** Distinct session media types, sorted. */
  mediaTypes: string[];
  /** Distinct userIds of participants with purpose `agent`, sorted. */
  agentUserIds: string[];
  /** The record itself (not a copy). */
  raw: ConversationRecord;
  /** md5 hex of the extractor version and `rawJson` (see hashRawJson). */
  rawHash: string;
}

interface ParticipantRow {
  conversationId: string;
  participantId: string;
  participantIndex: number;
  purpose: string;
  userId: string | null;
  participantName: string | null;
  teamId: string | null;
  externalContactId: string | null;
  externalOrganizationId: string | null;
  flaggedReason: string | null;
  screenRecording: boolean | null;
  /** JSON text of the participant's attributes map; null when the record carries none. */
  attributesJson: string | null;
}

interface SessionRow {
  conversationId: string;
  participantId: string;
  sessionId: string;
  sessionIndex: number;
  mediaType: string | null;
  direction: string | null;
  ani: string | null;
  dnis: string | null;
  sessionDnis: string | null;
  addressFrom: string | null;
  addressTo: string | null;
  addressSelf: string | null;
  addressOther: string | null;
  remote: string | null;
  provider: string | null;
  messageType: string | null;
  edgeId: string | null;
  protocolCallId: string | null;
  recording: boolean | null;
  selectedAgentId: string | null;
  usedRouting: string | null;
  outboundCampaignId: string | null;
  flowId: string | null;
  flowName: string | null;
}

interface SegmentRow {
  conversationId: string;
  sessionId: string;
  segmentIndex: number;
  participantId: string;
  segmentStart: Date;
  segmentEnd: Date | null;
  segmentType: string | null;
  queueId: string | null;
  groupId: string | null;
  wrapUpCode: string | null;
  wrapUpNote: string | null;
  disconnectType: string | null;
  errorCode: string | null;
  conference: boolean | null;
  subject: string | null;
  requestedLanguageId: string | null;
}

interface SessionMetricRow {
  conversationId: string;
  sessionId: string;
  metricIndex: number;
  name: string;
  value: number;
  emitDate: Date | null;
}

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
  const { conversationId } = record;
  const rawJson = precomputed?.rawJson ?? JSON.stringify(record);
  const participants: ParticipantRow[] = [];
  const sessions: SessionRow[] = [];
  const segments: SegmentRow[] = [];
  const sessionMetrics: SessionMetricRow[] = [];
  const mediaTypes = new Set<string>();
  const agentUserIds = new Set<string>();

  (record.participants ?? []).forEach((p, participantIndex) => {
    const { participantId } = p;
    const userId = orNull(p.userId);
    if (p.purpose === 'agent' && userId !== null) agentUserIds.add(userId);
    participants.push({
      conversationId,
      participantId,
      participantIndex,
      purpose: p.purpose,
      userId,
      participantName: orNull(p.participantName),
      teamId: orNull(p.teamId),
      externalContactId: orNull(p.externalContactId),
      externalOrganizationId: orNull(p.externalOrganizationId),
      flaggedReason: orNull(p.flaggedReason),
      screenRecording: orNull(p.screenRecording),
      attributesJson: p.attributes == null ? null : JSON.stringify(p.attributes),
    });

    (p.sessions ?? []).forEach((s, sessionIndex) => {
      const { sessionId } = s;
      const mediaType = orNull(s.mediaType);
      if (mediaType !== null) mediaTypes.add(mediaType);
      sessions.push({
        conversationId,
        participantId,
        sessionId,
        sessionIndex,
        mediaType,
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
      });

      (s.segments ?? []).forEach((g, segmentIndex) => {
        segments.push({
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
        });
      });

      (s.metrics ?? []).forEach((m, metricIndex) => {
        sessionMetrics.push({ conversationId, sessionId, metricIndex, name: m.name, value: m.value, emitDate: dateOrNull(m.emitDate) });
      });
    });
  });

  const conversation: ConversationRow = {
    conversationId,
    conversationStart: date(record.conversationStart),
    conversationEnd: dateOrNull(record.conversationEnd),
    originatingDirection: orNull(record.originatingDirection),
    conversationInitiator: orNull(record.conversationInitiator),
    externalTag: orNull(record.externalTag),
    divisionIds: record.divisionIds ?? [],
    mediaTypes: [...mediaTypes].sort(),
    agentUserIds: [...agentUserIds].sort(),
    raw: record,
    rawHash: precomputed?.rawHash ?? hashRawJson(rawJson),
  };
  return { conversation, participants, sessions, segments, sessionMetrics, rawJson };
}
