import { z } from 'zod';
import { InvalidRecordError, InvalidResponseError } from './errors.ts';

/*
 * Response schemas. Only the fields the sync relies on are checked; everything else (including
 * fields Genesys has not invented yet) passes through untouched, because the raw record is
 * stored as returned. Enum-like fields are plain strings: Genesys adds values often.
 * Validators return the ORIGINAL parsed JSON objects, not zod's copies, so key order and
 * unknown fields survive byte for byte.
 * Models: AnalyticsConversationWithoutAttributes & co. in the official SDKs,
 * https://developer.genesys.cloud/analyticsdatamanagement/analytics/detail/index
 */

/** `yyyy-MM-ddTHH:mm:ss[.SSS]Z` as Genesys sends it (offsets accepted too). */
const isoDateTime = z.iso.datetime({ offset: true });

export const MetricSchema = z.looseObject({
  name: z.string().min(1),
  value: z.number(),
  emitDate: isoDateTime,
});

export const SegmentSchema = z.looseObject({
  segmentStart: isoDateTime,
  segmentEnd: isoDateTime.optional(),
  segmentType: z.string().optional(),
});

export const SessionSchema = z.looseObject({
  sessionId: z.string().min(1),
  mediaType: z.string().optional(),
  direction: z.string().optional(),
  segments: z.array(SegmentSchema).optional(),
  metrics: z.array(MetricSchema).optional(),
});

export const ParticipantSchema = z.looseObject({
  participantId: z.string().min(1),
  purpose: z.string().min(1),
  userId: z.string().optional(),
  participantName: z.string().optional(),
  sessions: z.array(SessionSchema).optional(),
});

export const ConversationSchema = z.looseObject({
  conversationId: z.string().min(1),
  conversationStart: isoDateTime,
  /** Absent while the conversation is live. */
  conversationEnd: isoDateTime.optional(),
  participants: z.array(ParticipantSchema),
});

/** One conversation detail record exactly as the API returned it (unknown fields included). */
export type GenesysConversation = z.infer<typeof ConversationSchema>;
export type GenesysParticipant = z.infer<typeof ParticipantSchema>;
export type GenesysSession = z.infer<typeof SessionSchema>;
export type GenesysSegment = z.infer<typeof SegmentSchema>;
export type GenesysMetric = z.infer<typeof MetricSchema>;

/** `AnalyticsConversationQueryResponse`: both keys are absent on an empty page. */
const DetailsPageSchema = z.looseObject({
  conversations: z.array(z.unknown()).optional(),
  totalHits: z.number().int().nonnegative().optional(),
});

export const UserSchema = z.looseObject({ id: z.string().min(1) });

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
 * Validates one details-query page. A page without `conversations` is empty. Throws
 * InvalidResponseError for a broken envelope and InvalidRecordError (naming the conversation,
 * window and page) for the first malformed conversation.
 */
export function parseDetailsPage(
  json: unknown,
  context: PageContext & { readonly interval: string },
): { conversations: GenesysConversation[]; totalHits: number } {
  const page = DetailsPageSchema.safeParse(json);
  if (!page.success) throw new InvalidResponseError({ ...context, problem: describeIssues(page.error) });
  const records = page.data.conversations ?? [];
  records.forEach((record, index) => {
    const result = ConversationSchema.safeParse(record);
    if (!result.success) {
      throw invalidRecord('conversation', readId(record, 'conversationId'), index, context, result.error);
    }
  });
  const conversations = records as GenesysConversation[];
  return { conversations, totalHits: page.data.totalHits ?? conversations.length };
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
  entity: 'conversation' | 'user',
  recordId: string | undefined,
  index: number,
  context: PageContext & { readonly interval?: string },
  error: z.ZodError,
): InvalidRecordError {
  const first = error.issues[0];
  return new InvalidRecordError({
    entity,
    recordId,
    index,
    pageNumber: context.pageNumber,
    interval: context.interval,
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
