/**
 * Pure extraction of one conversation detail record into the rows of every analyst table.
 * The record is stored whole in `conversations.raw`; the typed columns are a projection of
 * it, so a field Genesys adds tomorrow is kept (in raw) without a schema change.
 * Every check here runs before the database is touched, so bad data fails the batch with
 * the conversation id and the JSON path of the bad field, and nothing is written.
 */
import { createHash } from 'node:crypto';

/** A segment as the details query returns it (`AnalyticsConversationSegment`). */
export interface SegmentRecord {
  segmentStart: string;
  segmentEnd?: string;
  segmentType?: string;
  queueId?: string;
  groupId?: string;
  wrapUpCode?: string;
  wrapUpNote?: string;
  disconnectType?: string;
  errorCode?: string;
  conference?: boolean;
  subject?: string;
  requestedLanguageId?: string;
  [key: string]: unknown;
}

/** `AnalyticsSessionMetric`: `t*` values are milliseconds, `n*` values are counts. */
export interface MetricRecord {
  name: string;
  value: number;
  emitDate?: string;
  [key: string]: unknown;
}

export interface SessionRecord {
  sessionId: string;
  mediaType?: string;
  direction?: string;
  ani?: string;
  dnis?: string;
  sessionDnis?: string;
  addressFrom?: string;
  addressTo?: string;
  addressSelf?: string;
  addressOther?: string;
  remote?: string;
  provider?: string;
  messageType?: string;
  edgeId?: string;
  protocolCallId?: string;
  recording?: boolean;
  selectedAgentId?: string;
  usedRouting?: string;
  outboundCampaignId?: string;
  flow?: { flowId?: string; flowName?: string; [key: string]: unknown };
  segments?: SegmentRecord[];
  metrics?: MetricRecord[];
  [key: string]: unknown;
}

export interface ParticipantRecord {
  participantId: string;
  purpose: string;
  userId?: string;
  participantName?: string;
  teamId?: string;
  externalContactId?: string;
  externalOrganizationId?: string;
  flaggedReason?: string;
  screenRecording?: boolean;
  sessions?: SessionRecord[];
  [key: string]: unknown;
}

/**
 * One conversation of the analytics details query (`AnalyticsConversationWithoutAttributes`),
 * reduced to the fields the tables project; everything else rides along in the index signature.
 * https://developer.genesys.cloud/analyticsdatamanagement/analytics/detail/index
 */
export interface ConversationRecord {
  conversationId: string;
  conversationStart: string;
  conversationEnd?: string;
  originatingDirection?: string;
  conversationInitiator?: string;
  externalTag?: string;
  divisionIds?: string[];
  participants?: ParticipantRecord[];
  [key: string]: unknown;
}

/* Row shapes: field names are the Prisma model's, so the rows also feed Prisma directly. */

export interface ConversationRow {
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
  /** md5 hex of `rawJson`. */
  rawHash: string;
}

export interface ParticipantRow {
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
}

export interface SessionRow {
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

export interface SegmentRow {
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

export interface SessionMetricRow {
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

/** A record that cannot be stored as it is; the whole batch containing it is refused. */
export class InvalidConversationError extends Error {
  override readonly name = 'InvalidConversationError';
  readonly code = 'INVALID_CONVERSATION';
  constructor(
    readonly conversationId: string | undefined,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`conversation ${conversationId ?? '(no id)'}: ${path}: ${problem}`);
  }
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

/** md5 hex of a JSON text: the change detector of re-syncs (not a security boundary). */
export function hashRawJson(rawJson: string): string {
  return createHash('md5').update(rawJson).digest('hex');
}

type Obj = Record<string, unknown>;

/** Reads typed fields of one object, throwing InvalidConversationError with the full path. */
class Reader {
  constructor(readonly conversationId: string | undefined) {}

  fail(path: string, problem: string): never {
    throw new InvalidConversationError(this.conversationId, path, problem);
  }

  object(value: unknown, path: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `expected an object, got ${describe(value)}`);
    return value as Obj;
  }

  array(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`);
    return value;
  }

  str(o: Obj, key: string, path: string): string | null {
    const value = o[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') this.fail(`${path}.${key}`, `expected a string, got ${describe(value)}`);
    return value;
  }

  requiredStr(o: Obj, key: string, path: string): string {
    const value = this.str(o, key, path);
    if (value === null || value === '') this.fail(`${path}.${key}`, 'is required');
    return value;
  }

  bool(o: Obj, key: string, path: string): boolean | null {
    const value = o[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') this.fail(`${path}.${key}`, `expected a boolean, got ${describe(value)}`);
    return value;
  }

  date(o: Obj, key: string, path: string): Date | null {
    const text = this.str(o, key, path);
    if (text === null) return null;
    const ms = Date.parse(text);
    // Postgres timestamptz stops at 294276 AD; Date goes further. Years 0..9999 are the sane range.
    if (Number.isNaN(ms) || ms < -62_167_219_200_000 || ms > 253_402_300_799_999) {
      this.fail(`${path}.${key}`, `not a valid ISO-8601 date-time: ${JSON.stringify(text.slice(0, 40))}`);
    }
    return new Date(ms);
  }

  requiredDate(o: Obj, key: string, path: string): Date {
    const value = this.date(o, key, path);
    if (value === null) this.fail(`${path}.${key}`, 'is required');
    return value;
  }

  stringArray(o: Obj, key: string, path: string): string[] {
    const values = this.array(o[key], `${path}.${key}`);
    values.forEach((v, i) => {
      if (typeof v !== 'string') this.fail(`${path}.${key}[${i}]`, `expected a string, got ${describe(v)}`);
    });
    return values as string[];
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Projects one record onto the rows of conversations, participants, sessions, segments and
 * session_metrics. Indexes (participant_index, session_index, segment_index, metric_index) are
 * 0-based positions in the API's arrays, so the order Genesys listed things in is kept.
 * Throws InvalidConversationError (naming the conversation and the JSON path) for anything
 * the tables cannot hold: a missing id, an unparseable date, a non-integer metric value,
 * a participant or session id repeated within the conversation, a character Postgres cannot
 * store (NUL, an unpaired surrogate).
 */
export function extractConversation(
  record: ConversationRecord,
  /** The record's JSON text and its hash when the caller computed them already (the writer does). */
  precomputed?: { rawJson: string; rawHash: string },
): ExtractedConversation {
  const idValue = (record as Obj | null)?.conversationId;
  const r: Reader = new Reader(typeof idValue === 'string' && idValue !== '' ? idValue : undefined);
  const c = r.object(record, '$');
  const conversationId = r.requiredStr(c, 'conversationId', '$');
  const rawJson = precomputed?.rawJson ?? JSON.stringify(record);
  // Refuse here, where we can name the record, what Postgres would reject for the whole batch.
  const unstorable = findUnstorableCharacter(rawJson);
  if (unstorable) r.fail('$', unstorable);

  const participants: ParticipantRow[] = [];
  const sessions: SessionRow[] = [];
  const segments: SegmentRow[] = [];
  const sessionMetrics: SessionMetricRow[] = [];
  const mediaTypes = new Set<string>();
  const agentUserIds = new Set<string>();
  const participantIds = new Set<string>();
  const sessionIds = new Set<string>();

  r.array(c.participants, '$.participants').forEach((pValue, participantIndex) => {
    const pPath = `$.participants[${participantIndex}]`;
    const p = r.object(pValue, pPath);
    const participantId = r.requiredStr(p, 'participantId', pPath);
    if (participantIds.has(participantId)) r.fail(`${pPath}.participantId`, `duplicate participantId ${participantId}`);
    participantIds.add(participantId);
    const purpose = r.requiredStr(p, 'purpose', pPath);
    const userId = r.str(p, 'userId', pPath);
    if (purpose === 'agent' && userId !== null) agentUserIds.add(userId);
    participants.push({
      conversationId,
      participantId,
      participantIndex,
      purpose,
      userId,
      participantName: r.str(p, 'participantName', pPath),
      teamId: r.str(p, 'teamId', pPath),
      externalContactId: r.str(p, 'externalContactId', pPath),
      externalOrganizationId: r.str(p, 'externalOrganizationId', pPath),
      flaggedReason: r.str(p, 'flaggedReason', pPath),
      screenRecording: r.bool(p, 'screenRecording', pPath),
    });

    r.array(p.sessions, `${pPath}.sessions`).forEach((sValue, sessionIndex) => {
      const sPath = `${pPath}.sessions[${sessionIndex}]`;
      const s = r.object(sValue, sPath);
      const sessionId = r.requiredStr(s, 'sessionId', sPath);
      if (sessionIds.has(sessionId)) r.fail(`${sPath}.sessionId`, `duplicate sessionId ${sessionId}`);
      sessionIds.add(sessionId);
      const mediaType = r.str(s, 'mediaType', sPath);
      if (mediaType !== null) mediaTypes.add(mediaType);
      const flow = s.flow === undefined || s.flow === null ? undefined : r.object(s.flow, `${sPath}.flow`);
      sessions.push({
        conversationId,
        participantId,
        sessionId,
        sessionIndex,
        mediaType,
        direction: r.str(s, 'direction', sPath),
        ani: r.str(s, 'ani', sPath),
        dnis: r.str(s, 'dnis', sPath),
        sessionDnis: r.str(s, 'sessionDnis', sPath),
        addressFrom: r.str(s, 'addressFrom', sPath),
        addressTo: r.str(s, 'addressTo', sPath),
        addressSelf: r.str(s, 'addressSelf', sPath),
        addressOther: r.str(s, 'addressOther', sPath),
        remote: r.str(s, 'remote', sPath),
        provider: r.str(s, 'provider', sPath),
        messageType: r.str(s, 'messageType', sPath),
        edgeId: r.str(s, 'edgeId', sPath),
        protocolCallId: r.str(s, 'protocolCallId', sPath),
        recording: r.bool(s, 'recording', sPath),
        selectedAgentId: r.str(s, 'selectedAgentId', sPath),
        usedRouting: r.str(s, 'usedRouting', sPath),
        outboundCampaignId: r.str(s, 'outboundCampaignId', sPath),
        flowId: flow ? r.str(flow, 'flowId', `${sPath}.flow`) : null,
        flowName: flow ? r.str(flow, 'flowName', `${sPath}.flow`) : null,
      });

      r.array(s.segments, `${sPath}.segments`).forEach((gValue, segmentIndex) => {
        const gPath = `${sPath}.segments[${segmentIndex}]`;
        const g = r.object(gValue, gPath);
        segments.push({
          conversationId,
          sessionId,
          segmentIndex,
          participantId,
          segmentStart: r.requiredDate(g, 'segmentStart', gPath),
          segmentEnd: r.date(g, 'segmentEnd', gPath),
          segmentType: r.str(g, 'segmentType', gPath),
          queueId: r.str(g, 'queueId', gPath),
          groupId: r.str(g, 'groupId', gPath),
          wrapUpCode: r.str(g, 'wrapUpCode', gPath),
          wrapUpNote: r.str(g, 'wrapUpNote', gPath),
          disconnectType: r.str(g, 'disconnectType', gPath),
          errorCode: r.str(g, 'errorCode', gPath),
          conference: r.bool(g, 'conference', gPath),
          subject: r.str(g, 'subject', gPath),
          requestedLanguageId: r.str(g, 'requestedLanguageId', gPath),
        });
      });

      r.array(s.metrics, `${sPath}.metrics`).forEach((mValue, metricIndex) => {
        const mPath = `${sPath}.metrics[${metricIndex}]`;
        const m = r.object(mValue, mPath);
        const value = m.value;
        // session_metrics.value is bigint; JSON numbers beyond 2^53 would already have lost precision.
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
          r.fail(`${mPath}.value`, `expected an integer, got ${describe(value)}`);
        }
        sessionMetrics.push({
          conversationId,
          sessionId,
          metricIndex,
          name: r.requiredStr(m, 'name', mPath),
          value,
          emitDate: r.date(m, 'emitDate', mPath),
        });
      });
    });
  });

  const conversation: ConversationRow = {
    conversationId,
    conversationStart: r.requiredDate(c, 'conversationStart', '$'),
    conversationEnd: r.date(c, 'conversationEnd', '$'),
    originatingDirection: r.str(c, 'originatingDirection', '$'),
    conversationInitiator: r.str(c, 'conversationInitiator', '$'),
    externalTag: r.str(c, 'externalTag', '$'),
    divisionIds: r.stringArray(c, 'divisionIds', '$'),
    mediaTypes: [...mediaTypes].sort(),
    agentUserIds: [...agentUserIds].sort(),
    raw: record,
    rawHash: precomputed?.rawHash ?? hashRawJson(rawJson),
  };
  return { conversation, participants, sessions, segments, sessionMetrics, rawJson };
}
