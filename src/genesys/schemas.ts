import { z } from 'zod';
import { InvalidRecordError, InvalidResponseError } from './errors.ts';

/*
 * Response schemas. This file is the one boundary contract for a conversation record: the
 * writer (src/db/conversations.ts) validates every new or changed record with
 * `parseConversation` and the extractor (src/db/extract.ts) maps the typed result onto rows
 * without checking anything again. The contract is as loose as the tables allow: only what a
 * row cannot be written without is required (the conversation's id and start, each
 * participant's id and purpose, each session's id, each segment's start, each metric's name
 * and integer value); every other projected field is optional AND may be an explicit `null`
 * (Genesys sends both). Fields nobody projects are not checked at all and pass through
 * untouched, because the raw record is stored as returned. Enum-like fields are plain
 * strings: Genesys adds values often. Validators return the ORIGINAL parsed JSON objects, not
 * zod's copies, so key order and unknown fields survive byte for byte.
 * Models: AnalyticsConversation & co. in the official SDKs (docs/genesys-api-facts.md).
 */

/** `yyyy-MM-ddTHH:mm:ss[.SSS]Z` as Genesys sends it (offsets accepted too). */
const isoDateTime = z.iso.datetime({ offset: true });
const id = z.string().min(1);
const text = z.string().nullish();
const flag = z.boolean().nullish();
const when = isoDateTime.nullish();
const texts = z.array(z.string()).nullish();

const MetricSchema = z.looseObject({
  name: id,
  /** `t*` metrics are milliseconds, `n*` counts; stored as bigint. */
  value: z.number().int().refine(Number.isSafeInteger, 'expected a safe integer'),
  emitDate: when,
});

const SegmentSchema = z.looseObject({
  segmentStart: isoDateTime,
  segmentEnd: when,
  segmentType: text,
  queueId: text,
  groupId: text,
  wrapUpCode: text,
  wrapUpNote: text,
  disconnectType: text,
  errorCode: text,
  conference: flag,
  subject: text,
  requestedLanguageId: text,
});

const SessionSchema = z.looseObject({
  sessionId: id,
  mediaType: text,
  direction: text,
  ani: text,
  dnis: text,
  sessionDnis: text,
  addressFrom: text,
  addressTo: text,
  addressSelf: text,
  addressOther: text,
  remote: text,
  provider: text,
  messageType: text,
  edgeId: text,
  protocolCallId: text,
  recording: flag,
  selectedAgentId: text,
  usedRouting: text,
  outboundCampaignId: text,
  flow: z.looseObject({ flowId: text, flowName: text }).nullish(),
  segments: z.array(SegmentSchema).nullish(),
  metrics: z.array(MetricSchema).nullish(),
});

const ParticipantSchema = z.looseObject({
  participantId: id,
  purpose: id,
  userId: text,
  participantName: text,
  teamId: text,
  externalContactId: text,
  externalOrganizationId: text,
  flaggedReason: text,
  screenRecording: flag,
  /** Custom data from flows and scripts; only job results carry it (genesys-api-facts.md §2). */
  attributes: z.record(z.string(), z.unknown()).nullish(),
  sessions: z.array(SessionSchema).nullish(),
});

const ConversationSchema = z
  .looseObject({
    conversationId: id,
    conversationStart: isoDateTime,
    /** Absent while the conversation is live. */
    conversationEnd: when,
    originatingDirection: text,
    conversationInitiator: text,
    externalTag: text,
    divisionIds: texts,
    participants: z.array(ParticipantSchema).nullish(),
  })
  .superRefine((conversation, ctx) => {
    // Participant and session ids key the child tables: a repeat cannot be stored.
    const participants = new Set<string>();
    const sessions = new Set<string>();
    conversation.participants?.forEach((p, i) => {
      if (participants.has(p.participantId)) {
        ctx.addIssue({ code: 'custom', path: ['participants', i, 'participantId'], message: `duplicate participantId ${p.participantId}` });
      }
      participants.add(p.participantId);
      p.sessions?.forEach((s, j) => {
        if (sessions.has(s.sessionId)) {
          ctx.addIssue({ code: 'custom', path: ['participants', i, 'sessions', j, 'sessionId'], message: `duplicate sessionId ${s.sessionId}` });
        }
        sessions.add(s.sessionId);
      });
    });
  });

/** One conversation detail record exactly as the API returned it (unknown fields included). */
export type GenesysConversation = z.infer<typeof ConversationSchema>;
export type GenesysParticipant = z.infer<typeof ParticipantSchema>;
export type GenesysSession = z.infer<typeof SessionSchema>;

export type ParsedConversation =
  | { ok: true; conversation: GenesysConversation }
  | { ok: false; conversationId: string | undefined; problem: string };

/**
 * Checks one record against the contract. On success the ORIGINAL object comes back, typed;
 * on failure, the record's id when readable and the first problems with their JSON paths.
 */
export function parseConversation(record: unknown): ParsedConversation {
  const result = ConversationSchema.safeParse(record);
  if (result.success) return { ok: true, conversation: record as GenesysConversation };
  return { ok: false, conversationId: readConversationId(record), problem: describeIssues(result.error) };
}

/** The record's `conversationId` when it is a non-empty string (what dedup and quarantine key on). */
export function readConversationId(record: unknown): string | undefined {
  return readId(record, 'conversationId');
}

/**
 * What places a conversation: its key and its start, by the same rules as the full contract
 * (ConversationSchema), read once where a page arrives (src/streams/conversations/contract.ts).
 */
const ConversationEnvelopeSchema = z.looseObject({ conversationId: id, conversationStart: isoDateTime });

export type ConversationEnvelope =
  | { ok: true; conversationId: string; startMs: number }
  | { ok: false; conversationId: string | undefined; problem: string };

export function readConversationEnvelope(record: unknown): ConversationEnvelope {
  const result = ConversationEnvelopeSchema.safeParse(record);
  if (!result.success) return { ok: false, conversationId: readConversationId(record), problem: describeIssues(result.error) };
  return { ok: true, conversationId: result.data.conversationId, startMs: Date.parse(result.data.conversationStart) };
}

/** `AnalyticsConversationQueryResponse`: `conversations` is absent on an empty page. */
const DetailsPageSchema = z.looseObject({
  conversations: z.array(z.unknown()).optional(),
  totalHits: z.number().int().nonnegative().optional(),
});

/*
 * A users details record (`AnalyticsUserDetail`, docs/genesys-api-facts.md §9): the boundary
 * contract of the agent-activity stream, as loose as the conversation's. Required: the user's id
 * and each status's start and value; `endTime` is absent while the status is current. Status
 * values are plain strings (the SDK enums, AVAILABLE … BREAK and OFF_QUEUE … COMMUNICATING, grow);
 * unknown fields pass through, and the ORIGINAL object is what comes back.
 */
const PresenceRecordSchema = z.looseObject({
  startTime: isoDateTime,
  endTime: when,
  systemPresence: id,
  organizationPresenceId: text,
});

const RoutingStatusRecordSchema = z.looseObject({
  startTime: isoDateTime,
  endTime: when,
  routingStatus: id,
});

const UserDetailSchema = z.looseObject({
  userId: id,
  primaryPresence: z.array(PresenceRecordSchema).nullish(),
  routingStatus: z.array(RoutingStatusRecordSchema).nullish(),
});

/** One users details record exactly as the API returned it (unknown fields included). */
type GenesysUserDetail = z.infer<typeof UserDetailSchema>;

export type ParsedUserDetail = { ok: true; detail: GenesysUserDetail } | { ok: false; userId: string | undefined; problem: string };

/** Checks one users details record against the contract; on success the original object, typed. */
export function parseUserDetail(record: unknown): ParsedUserDetail {
  const result = UserDetailSchema.safeParse(record);
  if (result.success) return { ok: true, detail: record as GenesysUserDetail };
  return { ok: false, userId: readId(record, 'userId'), problem: describeIssues(result.error) };
}

/** `AnalyticsUserDetailsQueryResponse`: `userDetails` is absent on an empty page. */
const UserDetailsPageSchema = z.looseObject({
  userDetails: z.array(z.unknown()).optional(),
  totalHits: z.number().int().nonnegative().optional(),
});

/**
 * Validates one users-details-query page's envelope, as parseDetailsPage does for conversations:
 * records are checked later, one by one (parseUserDetail); a 2xx body with neither `userDetails`
 * nor `totalHits` is refused.
 */
export function parseUserDetailsPage(
  json: unknown,
  context: PageContext & { readonly interval: string },
): { records: unknown[]; totalHits: number | undefined } {
  const page = UserDetailsPageSchema.safeParse(json);
  if (!page.success) throw new InvalidResponseError({ ...context, problem: describeIssues(page.error) });
  if (page.data.userDetails === undefined && page.data.totalHits === undefined) {
    throw new InvalidResponseError({ ...context, problem: 'neither userDetails nor totalHits in a 2xx response' });
  }
  return { records: page.data.userDetails ?? [], totalHits: page.data.totalHits };
}

const UserSchema = z.looseObject({ id: z.string().min(1) });

/** A user as returned by `GET /api/v2/users` (only `id` is checked). */
export type GenesysUser = z.infer<typeof UserSchema>;

/** `UserEntityListing`. https://developer.genesys.cloud/useragentman/users/ */
const UsersPageSchema = z.looseObject({
  entities: z.array(z.unknown()).optional(),
  pageNumber: z.number().int().optional(),
  pageCount: z.number().int().nonnegative().optional(),
  total: z.number().int().optional(),
  nextUri: z.string().nullable().optional(),
});
export type UsersPage = Omit<z.infer<typeof UsersPageSchema>, 'entities'> & { entities: GenesysUser[] };

interface PageContext {
  readonly method: string;
  readonly path: string;
  readonly pageNumber: number;
}

/**
 * Validates one details-query page's envelope. Records are NOT validated here: each is
 * checked alone by the writer (parseConversation), so one bad record costs only itself. A
 * page with neither key is empty only when Genesys says so; a 2xx body with neither
 * `conversations` nor `totalHits` is refused (it proves nothing about the window).
 */
export function parseDetailsPage(
  json: unknown,
  context: PageContext & { readonly interval: string },
): { records: unknown[]; totalHits: number | undefined } {
  const page = DetailsPageSchema.safeParse(json);
  if (!page.success) throw new InvalidResponseError({ ...context, problem: describeIssues(page.error) });
  if (page.data.conversations === undefined && page.data.totalHits === undefined) {
    throw new InvalidResponseError({ ...context, problem: 'neither conversations nor totalHits in a 2xx response' });
  }
  return { records: page.data.conversations ?? [], totalHits: page.data.totalHits };
}

/** Validates one `GET /api/v2/users` page; every user needs an `id`. */
export function parseUsersPage(json: unknown, context: PageContext): UsersPage {
  const page = UsersPageSchema.safeParse(json);
  if (!page.success) throw new InvalidResponseError({ ...context, problem: describeIssues(page.error) });
  const records = page.data.entities ?? [];
  records.forEach((record, index) => {
    const result = UserSchema.safeParse(record);
    if (!result.success) throw invalidRecord('user', readId(record, 'id'), index, context, result.error);
  });
  // Keep the caller's object: same keys, same order.
  return { ...(json as z.infer<typeof UsersPageSchema>), entities: records as GenesysUser[] };
}

function invalidRecord(
  entity: 'user',
  recordId: string | undefined,
  index: number,
  context: PageContext,
  error: z.ZodError,
): InvalidRecordError {
  const first = error.issues[0];
  return new InvalidRecordError({
    entity,
    recordId,
    index,
    pageNumber: context.pageNumber,
    fieldPath: first ? formatPath(first.path) : '',
    problem: describeIssues(error),
  });
}

function readId(record: unknown, key: string): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const value = (record as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `participants.0.purpose: Invalid input: expected string, received undefined; ...` (first 3). */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = formatPath(issue.path);
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}
