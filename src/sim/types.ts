/**
 * Shapes served by the simulator. They follow the Genesys SDK models named in
 * docs/genesys-api-facts.md and the official SDK models (AnalyticsConversationWithoutAttributes, User, ErrorBody).
 * Index signatures are deliberate: schema-drift tests add unknown fields at any level.
 */

interface SimMetric {
  name: string;
  value: number;
  emitDate: string;
}

export interface SimSegment {
  segmentStart: string;
  segmentEnd?: string;
  segmentType: string;
  queueId?: string;
  wrapUpCode?: string;
  disconnectType?: string;
  conference?: boolean;
  subject?: string;
  [key: string]: unknown;
}

export interface SimFlow {
  flowId: string;
  flowName: string;
  flowVersion: string;
  flowType: string;
  entryType: string;
  entryReason?: string;
  exitReason?: string;
  transferType?: string;
  outcomes?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface SimSession {
  sessionId: string;
  mediaType: string;
  direction: string;
  segments: SimSegment[];
  metrics?: SimMetric[];
  flow?: SimFlow;
  [key: string]: unknown;
}

export interface SimParticipant {
  participantId: string;
  participantName?: string;
  purpose: string;
  userId?: string;
  sessions: SimSession[];
  [key: string]: unknown;
}

export interface SimConversation {
  conversationId: string;
  conversationStart: string;
  conversationEnd?: string;
  originatingDirection: string;
  divisionIds: string[];
  conversationInitiator?: string;
  participants: SimParticipant[];
  [key: string]: unknown;
}

/** Public alias: ground truth returned by `Simulator.expected()`. */
export type Conversation = SimConversation;

export type UserState = 'active' | 'inactive' | 'deleted';

export interface SimUser {
  id: string;
  name: string;
  username: string;
  email: string;
  state: UserState;
  division: { id: string; name: string; selfUri: string };
  department: string;
  title: string;
  manager?: { id: string; selfUri: string };
  chat: { jabberId: string };
  primaryContactInfo: { address: string; mediaType: string; type: string }[];
  addresses: unknown[];
  acdAutoAnswer: boolean;
  version: number;
  selfUri: string;
}

/** Genesys `ErrorBody`, as every error response carries it. */
export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}
