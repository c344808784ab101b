import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../time.ts';
import type { Random } from './prng.ts';
import type { SimParticipant, SimSegment, SimSession, SimUser } from './types.ts';
import { iso } from './iso.ts';
import { wrapUpNote } from './variety.ts';

// Scenarios format times through build.ts; the formatter itself is a leaf (variety.ts needs it too).
export { iso };


/** Low-level helpers to assemble one conversation's participants, sessions, segments, metrics. */
export class ConvBuilder {
  readonly participants: SimParticipant[] = [];
  /** The customer's session: sessions of other purposes (ivr, workflow, acd, agent) name it as `peerId`. */
  peerId: string | undefined;

  constructor(readonly rng: Random) {}

  participant(purpose: string, fields: Partial<SimParticipant> = {}): SimParticipant {
    const p: SimParticipant = { participantId: this.rng.uuid(), purpose, ...fields, sessions: [] };
    this.participants.push(p);
    return p;
  }

  session(p: SimParticipant, mediaType: string, direction: string, fields: Record<string, unknown> = {}): SimSession {
    const peer = this.peerId !== undefined && p.purpose !== 'customer' && p.purpose !== 'external' ? { peerId: this.peerId } : {};
    const s: SimSession = { sessionId: this.rng.uuid(), mediaType, direction, ...fields, ...peer, segments: [] };
    p.sessions.push(s);
    return s;
  }

  seg(s: SimSession, segmentType: string, startMs: number, endMs: number, fields: Partial<SimSegment> = {}): SimSegment {
    const seg: SimSegment = { segmentStart: iso(startMs), segmentEnd: iso(endMs), segmentType, ...fields };
    s.segments.push(seg);
    return seg;
  }

  /** Metric values are milliseconds for `t*` and counts for `n*`, emitted when they become known. */
  metric(s: SimSession, name: string, value: number, emitMs: number): void {
    (s.metrics ??= []).push({ name, value: Math.round(value), emitDate: iso(emitMs) });
  }
}

/** Timing of one agent's part in a conversation, all in epoch ms / ms durations. */
export interface AgentLeg {
  agent: SimUser;
  queueId?: string;
  alertStart: number;
  answerAt: number;
  /** Time the conversation entered the queue, for tAnswered. */
  queuedAt: number;
  talkMs: number;
  holdMs: number;
  acwMs: number;
  wrapUpCode: string;
  /** How this agent's leg ended: 'transfer', 'peer' (customer hung up), 'client' (agent hung up). */
  endType: string;
  /** When set, the leg is split here and later segments are marked `conference: true`. */
  conferenceAt?: number;
  subject?: string;
  /** Holds within the talk (1 by default when holdMs > 0): one tHeld per hold. */
  holdCount?: number;
  /** Extra fields of the agent participant (team, screen recording...), of its session, of its alert segment. */
  participantFields?: Record<string, unknown>;
  sessionFields?: Record<string, unknown>;
  alertFields?: Record<string, unknown>;
}

/** Adds an agent participant for a leg; returns the talk end (disconnect) time. */
export function addAgentLeg(b: ConvBuilder, media: string, leg: AgentLeg, sessionFields: Record<string, unknown>): number {
  const { agent, queueId } = leg;
  const p = b.participant('agent', { participantName: agent.name, userId: agent.id, ...leg.participantFields });
  const q = queueId ? { queueId } : {};
  const sub = leg.subject ? { subject: leg.subject } : {};
  const main = b.session(p, media, 'inbound', { ...sessionFields, ...leg.sessionFields });
  b.seg(main, 'alert', leg.alertStart, leg.answerAt, { ...q, ...sub, ...leg.alertFields });
  b.metric(main, 'tAlert', leg.answerAt - leg.alertStart, leg.answerAt);
  b.metric(main, 'tAnswered', leg.answerAt - leg.queuedAt, leg.answerAt);

  // Callbacks: the agent holds a callback session and places an outbound voice call.
  const talkSession = media === 'callback'
    ? b.session(p, 'voice', 'outbound', { ...sessionFields, provider: 'Edge' })
    : main;
  let t = leg.answerAt;
  if (media === 'callback') {
    b.seg(main, 'callback', t, t + leg.talkMs + leg.holdMs + CALLBACK_DIAL_MS, q);
    b.seg(talkSession, 'dialing', t, t + 3_000, q);
    b.seg(talkSession, 'contacting', t + 3_000, t + CALLBACK_DIAL_MS, q);
    b.metric(talkSession, 'tDialing', 3_000, t + 3_000);
    b.metric(talkSession, 'tContacting', CALLBACK_DIAL_MS - 3_000, t + CALLBACK_DIAL_MS);
    t += CALLBACK_DIAL_MS;
  }
  const talkEnd = addTalk(b, talkSession, t, leg);
  if (leg.endType === 'transfer') b.metric(main, 'nTransferred', 1, talkEnd);
  addWrapUp(b, main, talkEnd, leg);
  return talkEnd;
}

/** Time an agent's callback session spends dialing and ringing the customer. */
export const CALLBACK_DIAL_MS = 13_000;

type TalkLeg = Pick<AgentLeg, 'queueId' | 'talkMs' | 'holdMs' | 'endType' | 'conferenceAt' | 'holdCount'>;

/**
 * Interact segments from `startMs`, with the leg's holds spread evenly through the talk;
 * returns the talk end. As real sessions do, each talk stretch (interact segment) emits its own
 * tTalk/tTalkComplete and each hold its own tHeld/tHeldComplete, so a name can repeat.
 */
export function addTalk(b: ConvBuilder, s: SimSession, startMs: number, leg: TalkLeg, lastFields: Record<string, unknown> = {}): number {
  const q = leg.queueId ? { queueId: leg.queueId } : {};
  const talkEnd = startMs + leg.talkMs + leg.holdMs;
  const talk = (from: number, to: number, fields: Record<string, unknown>) => {
    b.seg(s, 'interact', from, to, fields);
    b.metric(s, 'tTalk', to - from, to);
    b.metric(s, 'tTalkComplete', to - from, to);
  };
  const holds = leg.holdMs > 0 ? Math.max(1, leg.holdCount ?? 1) : 0;
  let t = startMs;
  let held = 0;
  for (let k = 0; k < holds; k++) {
    const holdMs = k < holds - 1 ? Math.floor(leg.holdMs / holds) : leg.holdMs - held;
    const holdStart = startMs + Math.floor((leg.talkMs * (k + 1)) / (holds + 1)) + held;
    talk(t, holdStart, q);
    b.seg(s, 'hold', holdStart, holdStart + holdMs, q);
    b.metric(s, 'tHeld', holdMs, holdStart + holdMs);
    b.metric(s, 'tHeldComplete', holdMs, holdStart + holdMs);
    held += holdMs;
    t = holdStart + holdMs;
  }
  const last = { ...q, disconnectType: leg.endType, ...lastFields };
  if (leg.conferenceAt !== undefined && leg.conferenceAt > t && leg.conferenceAt < talkEnd) {
    talk(t, leg.conferenceAt, q);
    talk(leg.conferenceAt, talkEnd, { ...last, conference: true });
  } else {
    talk(t, talkEnd, leg.conferenceAt !== undefined ? { ...last, conference: true } : last);
  }
  return talkEnd;
}

/** After-call work: the wrapup segment carries the wrap-up code; tHandle = talk + hold + acw. */
export function addWrapUp(b: ConvBuilder, s: SimSession, talkEnd: number, leg: Pick<AgentLeg, 'queueId' | 'talkMs' | 'holdMs' | 'acwMs' | 'wrapUpCode'>): void {
  const wrapEnd = talkEnd + leg.acwMs;
  b.seg(s, 'wrapup', talkEnd, wrapEnd, { ...(leg.queueId ? { queueId: leg.queueId } : {}), wrapUpCode: leg.wrapUpCode, ...wrapUpNote(b.rng) });
  b.metric(s, 'tAcw', leg.acwMs, wrapEnd);
  b.metric(s, 'tHandle', leg.talkMs + leg.holdMs + leg.acwMs, wrapEnd);
}

/** Edge error on an alert that could not reach the agent's phone. */
const ALERT_ERROR_CODE = 'error.ininedgecontrol.session.inactive';

/**
 * An agent alerted while the conversation waited in queue who did not answer, or (`failed`)
 * whose alert failed with an error: disconnectType error, a segment errorCode and nError.
 */
export function addNoAnswerLeg(b: ConvBuilder, media: string, agent: SimUser, queueId: string, start: number, end: number, fields: Record<string, unknown>, failed = false): void {
  const p = b.participant('agent', { participantName: agent.name, userId: agent.id });
  const s = b.session(p, media, 'inbound', fields);
  if (failed) {
    b.seg(s, 'alert', start, end, { queueId, disconnectType: 'error', errorCode: ALERT_ERROR_CODE });
    b.metric(s, 'tAlert', end - start, end);
    b.metric(s, 'nError', 1, end);
    return;
  }
  b.seg(s, 'alert', start, end, { queueId, disconnectType: 'noAnswerTransfer' });
  b.metric(s, 'tAlert', end - start, end);
  b.metric(s, 'tNotResponding', end - start, end);
}

const PROVIDERS: Record<string, string> = {
  voice: 'Edge',
  callback: 'PureCloud Callback',
  chat: 'PureCloud Webchat v2',
  message: 'PureCloud Messaging',
  email: 'PureCloud Email',
  video: 'PureCloud Video',
};

/** Address fields shared by every session of a conversation, by media type. */
export function addressFields(media: string, customer: { name: string; phone: string; email: string }, orgNumber: string, edgeId: string, rng: Random): Record<string, unknown> {
  const provider = PROVIDERS[media] ?? 'PureCloud';
  switch (media) {
    case 'voice':
      return {
        ani: `tel:${customer.phone}`, dnis: `tel:${orgNumber}`, sessionDnis: `tel:${orgNumber}`,
        addressFrom: `tel:${customer.phone}`, addressTo: `tel:${orgNumber}`,
        provider, edgeId, protocolCallId: rng.hex(32), recording: true, remoteNameDisplayable: customer.name,
      };
    case 'callback':
      return { ani: `tel:${customer.phone}`, callbackNumbers: [`tel:${customer.phone}`], provider, remoteNameDisplayable: customer.name };
    case 'message':
      return { addressFrom: customer.phone, addressTo: orgNumber, provider, messageType: rng.pick(['webmessaging', 'sms', 'whatsapp', 'facebook']) };
    case 'email':
      return { addressFrom: customer.email, addressTo: 'support@example-sim.com', provider };
    default:
      return { addressFrom: customer.email, addressTo: orgNumber, provider, remoteNameDisplayable: customer.name };
  }
}
