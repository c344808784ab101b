import { z } from 'zod';
import { compileChecker } from './contract-checker.ts';
import { InvalidRecordError, InvalidResponseError } from './errors.ts';

/*
 * Response schemas. This file is the one boundary contract for a conversation record: the
 * writer (src/db/conversations.ts) validates every new or changed record with
 * `parseConversation` and the extractor (src/db/extract.ts) maps the typed result onto rows
 * without checking anything again. The contract is as loose as the tables allow: only what a
 * row cannot be written without is required (the conversation's id and start, each
 * participant's id and purpose, each session's id, each segment's start, each metric's name
 * and integer value); every other field of the SDK models is optional AND may be an explicit
 * `null` (Genesys sends both). Every documented field is typed, including those no column
 * holds yet, so the extractor can project them without checks of its own; fields outside the
 * models are not checked at all and pass through untouched, because the raw record is stored
 * as returned. Enum-like fields are plain
 * strings: Genesys adds values often. Validators return the ORIGINAL parsed JSON objects, not
 * zod's copies, so key order and unknown fields survive byte for byte.
 * Two paths check a conversation, one contract: zod 4 copies every object it checks, which cost
 * ~45 % of the CLI's CPU on the jobs lane (docs/performance.md), so parseConversation first asks
 * a check-only validator compiled from ConversationSchema itself (contract-checker.ts, same
 * verdict, no copies, proven against zod by test/unit/genesys/contract-checker.test.ts), and runs
 * zod only on a record that checker refuses, for zod's own problem text.
 * Models: AnalyticsConversation & co. in the official SDKs (docs/genesys-api-facts.md §10).
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

/*
 * The parts of the record no column held before (docs/record-fields.md lists them against the
 * schema; docs/genesys-api-facts.md §10 gives the SDK models). Same rules as above: every field
 * optional and nullable, enum-like fields plain strings, unknown fields kept. Numbers are typed
 * as tightly as a column can hold them and no tighter: counts, ranks and milliseconds must be
 * safe integers (they go to integer/bigint columns, where 2.5 would fail the whole write), while
 * scores and voice-quality figures accept any number. The SDK types the scores as int, but
 * Quality scores are percentages the evaluation API reports with decimals, and refusing a
 * whole conversation over a decimal score would cost far more than a numeric column.
 */
const count = z.number().int().refine(Number.isSafeInteger, 'expected a safe integer').nullish();
const real = z.number().nullish();
const counts = z.array(z.number().int().refine(Number.isSafeInteger, 'expected a safe integer')).nullish();

/** `AnalyticsEvaluation`: a quality evaluation of the conversation (conversation.evaluations[]). */
const EvaluationSchema = z.looseObject({
  evaluationId: text,
  evaluatorId: text,
  userId: text,
  queueId: text,
  formId: text,
  formName: text,
  contextId: text,
  calibrationId: text,
  assigneeId: text,
  assigneeApplicable: flag,
  /** `Finished InProgress InReview Pending Retracted` in the SDK; others accepted as sent. */
  evaluationStatus: text,
  eventTime: when,
  released: flag,
  rescored: flag,
  deleted: flag,
  systemSubmitted: flag,
  oTotalScore: real,
  oTotalCriticalScore: real,
});

/** `AnalyticsSurvey` (conversation.surveys[]). */
const SurveySchema = z.looseObject({
  surveyId: text,
  surveyFormId: text,
  surveyFormName: text,
  surveyFormContextId: text,
  /** Free text in the SDK (no enum); `surveyType` is `Web` or `Voice`. */
  surveyStatus: text,
  surveyType: text,
  surveyPartialResponse: flag,
  surveyCompletedDate: when,
  eventTime: when,
  userId: text,
  queueId: text,
  surveyPromoterScore: real,
  oSurveyTotalScore: real,
});

/** `AnalyticsResolution` (conversation.resolutions[]). */
const ResolutionSchema = z.looseObject({
  eventTime: when,
  queueId: text,
  userId: text,
  nNextContactAvoided: count,
});

/** `AnalyticsFlowOutcome` (session.flow.outcomes[]). */
const FlowOutcomeSchema = z.looseObject({
  flowOutcome: text,
  flowOutcomeId: text,
  flowOutcomeValue: text,
  flowOutcomeStartTimestamp: when,
  flowOutcomeEndTimestamp: when,
});

/** `AnalyticsFlow` (session.flow): the Architect flow an IVR, bot or in-queue session ran. */
const FlowSchema = z.looseObject({
  flowId: text,
  flowName: text,
  flowVersion: text,
  flowType: text,
  entryType: text,
  entryReason: text,
  exitReason: text,
  transferType: text,
  transferTargetAddress: text,
  transferTargetName: text,
  issuedCallback: flag,
  startingLanguage: text,
  endingLanguage: text,
  recognitionFailureReason: text,
  outcomes: z.array(FlowOutcomeSchema).nullish(),
});

/** `AnalyticsMediaEndpointStat` (session.mediaEndpointStats[]): voice quality of one endpoint. */
const MediaEndpointStatSchema = z.looseObject({
  codecs: texts,
  minMos: real,
  minRFactor: real,
  maxLatencyMs: count,
  receivedPackets: count,
  invalidPackets: count,
  discardedPackets: count,
  duplicatePackets: count,
  overrunPackets: count,
  underrunPackets: count,
  eventTime: when,
});

/** `AnalyticsProposedAgent` (session.proposedAgents[]). */
const ProposedAgentSchema = z.looseObject({ proposedAgentId: text, agentRank: count });
/** `AnalyticsScoredAgent` (segment.scoredAgents[]): predictive routing's score of an agent. */
const ScoredAgentSchema = z.looseObject({ scoredAgentId: text, agentScore: real });
/** `AnalyticsAgentGroup` (session.agentGroups[]): `agentGroupType` is `Group`, `SkillGroup` or `Team`. */
const AgentGroupSchema = z.looseObject({ agentGroupId: text, agentGroupType: text });
/** `AnalyticsProperty` (segment.properties[]): `value` is text whatever `propertyType` says. */
const SegmentPropertySchema = z.looseObject({ property: text, propertyType: text, value: text });

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
  // Typed for the next schema step (docs/record-fields.md); no column holds them yet.
  audioMuted: flag,
  videoMuted: flag,
  sourceConversationId: text,
  sourceSessionId: text,
  destinationConversationId: text,
  destinationSessionId: text,
  requestedRoutingSkillIds: texts,
  requestedRoutingUserIds: texts,
  wrapUpTags: texts,
  sipResponseCodes: counts,
  q850ResponseCodes: counts,
  scoredAgents: z.array(ScoredAgentSchema).nullish(),
  properties: z.array(SegmentPropertySchema).nullish(),
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
  flow: FlowSchema.nullish(),
  segments: z.array(SegmentSchema).nullish(),
  metrics: z.array(MetricSchema).nullish(),
  // Typed for the next schema step (docs/record-fields.md); no column holds them yet.
  activeSkillIds: texts,
  removedSkillIds: texts,
  requestedRoutings: texts,
  callbackNumbers: texts,
  destinationAddresses: texts,
  cc: texts,
  bcc: texts,
  eligibleAgentCounts: counts,
  waitingInteractionCounts: counts,
  proposedAgents: z.array(ProposedAgentSchema).nullish(),
  agentGroups: z.array(AgentGroupSchema).nullish(),
  mediaEndpointStats: z.array(MediaEndpointStatSchema).nullish(),
  acwSkipped: flag,
  agentAssistantId: text,
  agentBullseyeRing: count,
  agentOwned: flag,
  assignerId: text,
  authenticated: flag,
  bargedParticipantId: text,
  callbackScheduledTime: when,
  callbackUserName: text,
  cleared: flag,
  coachedParticipantId: text,
  cobrowseRole: text,
  cobrowseRoomId: text,
  deliveryPushed: flag,
  deliveryStatus: text,
  deliveryStatusChangeDate: when,
  detectedSpeechStart: when,
  detectedSpeechEnd: when,
  dispositionAnalyzer: text,
  dispositionName: text,
  engagementSource: text,
  errorCodeDescription: text,
  extendedDeliveryStatus: text,
  flowInType: text,
  flowOutType: text,
  journeyActionId: text,
  journeyActionMapId: text,
  journeyActionMapVersion: count,
  journeyCustomerId: text,
  journeyCustomerIdType: text,
  journeyCustomerSessionId: text,
  journeyCustomerSessionIdType: text,
  mediaBridgeId: text,
  mediaCount: count,
  monitoredParticipantId: text,
  outboundContactId: text,
  outboundContactListId: text,
  peerId: text,
  remoteNameDisplayable: text,
  roomId: text,
  routingRing: count,
  routingRule: text,
  routingRuleType: text,
  screenMonitoredUserId: text,
  screenShareAddressSelf: text,
  screenShareRoomId: text,
  scriptId: text,
  selectedAgentRank: count,
  sharingScreen: flag,
  skillExpressionId: text,
  skipEnabled: flag,
  snippetRecording: flag,
  timeoutSeconds: count,
  videoAddressSelf: text,
  videoRoomId: text,
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

const ConversationObjectSchema = z.looseObject({
  conversationId: id,
  conversationStart: isoDateTime,
  /** Absent while the conversation is live. */
  conversationEnd: when,
  originatingDirection: text,
  conversationInitiator: text,
  externalTag: text,
  divisionIds: texts,
  participants: z.array(ParticipantSchema).nullish(),
  // Typed for the next schema step (docs/record-fields.md); no column holds them yet.
  evaluations: z.array(EvaluationSchema).nullish(),
  surveys: z.array(SurveySchema).nullish(),
  resolutions: z.array(ResolutionSchema).nullish(),
  mediaStatsMinConversationMos: real,
  mediaStatsMinConversationRFactor: real,
  knowledgeBaseIds: texts,
  consultationConversationIds: texts,
  accessAttributes: texts,
  associatedConversationId: text,
  conferenceStart: when,
  inactivityTimeout: when,
  customerParticipation: flag,
  originatingSocialMediaPublic: flag,
  selfServed: flag,
});

interface ChildIdProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Participant and session ids key the child tables: a repeat cannot be stored. */
function duplicateChildIds(conversation: z.output<typeof ConversationObjectSchema>): ChildIdProblem[] {
  const problems: ChildIdProblem[] = [];
  const participants = new Set<string>();
  const sessions = new Set<string>();
  conversation.participants?.forEach((p, i) => {
    if (participants.has(p.participantId)) {
      problems.push({ path: ['participants', i, 'participantId'], message: `duplicate participantId ${p.participantId}` });
    }
    participants.add(p.participantId);
    p.sessions?.forEach((s, j) => {
      if (sessions.has(s.sessionId)) {
        problems.push({ path: ['participants', i, 'sessions', j, 'sessionId'], message: `duplicate sessionId ${s.sessionId}` });
      }
      sessions.add(s.sessionId);
    });
  });
  return problems;
}

const uniqueChildIds = z.superRefine<z.output<typeof ConversationObjectSchema>>((conversation, ctx) => {
  for (const problem of duplicateChildIds(conversation)) ctx.addIssue({ code: 'custom', ...problem });
});

const ConversationSchema = ConversationObjectSchema.check(uniqueChildIds);

/*
 * The same contract, check-only (src/genesys/contract-checker.ts): compiled once from
 * ConversationSchema, with the duplicate-id rule handed over as the same function zod runs.
 * The checker reads the original record (what zod's copy is structurally equal to).
 */
const fastConversationContract = compileChecker(
  ConversationSchema,
  new Map([[uniqueChildIds, (record: unknown) => duplicateChildIds(record as z.output<typeof ConversationObjectSchema>).length === 0]]),
);

/** Both verdicts on the record contract, for the differential test (test/unit/genesys/contract-checker.test.ts). */
export const conversationContract = {
  zodAccepts: (record: unknown): boolean => ConversationSchema.safeParse(record).success,
  fastAccepts: fastConversationContract.check,
  fallbacks: fastConversationContract.fallbacks,
};

/** One conversation detail record exactly as the API returned it (unknown fields included). */
export type GenesysConversation = z.infer<typeof ConversationSchema>;
export type GenesysParticipant = z.infer<typeof ParticipantSchema>;
export type GenesysSession = z.infer<typeof SessionSchema>;
export type GenesysSegment = z.infer<typeof SegmentSchema>;
export type GenesysEvaluation = z.infer<typeof EvaluationSchema>;
export type GenesysSurvey = z.infer<typeof SurveySchema>;
export type GenesysResolution = z.infer<typeof ResolutionSchema>;
export type GenesysFlow = z.infer<typeof FlowSchema>;
export type GenesysFlowOutcome = z.infer<typeof FlowOutcomeSchema>;
export type GenesysMediaEndpointStat = z.infer<typeof MediaEndpointStatSchema>;
export type GenesysProposedAgent = z.infer<typeof ProposedAgentSchema>;
export type GenesysScoredAgent = z.infer<typeof ScoredAgentSchema>;
export type GenesysAgentGroup = z.infer<typeof AgentGroupSchema>;
export type GenesysSegmentProperty = z.infer<typeof SegmentPropertySchema>;

export type ParsedConversation =
  | { ok: true; conversation: GenesysConversation }
  | { ok: false; conversationId: string | undefined; problem: string };

/**
 * Checks one record against the contract. On success the ORIGINAL object comes back, typed;
 * on failure, the record's id when readable and the first problems with their JSON paths.
 */
export function parseConversation(record: unknown): ParsedConversation {
  if (fastConversationContract.check(record)) return { ok: true, conversation: record as GenesysConversation };
  // Rare: zod itself says what is wrong, with today's exact text (and settles a disagreement).
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
