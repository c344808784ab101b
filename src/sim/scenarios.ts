import { SECOND_MS } from '../time.ts';
import { CALLBACK_DIAL_MS, ConvBuilder, addAgentLeg, addNoAnswerLeg, addTalk, addWrapUp, addressFields, iso, type AgentLeg } from './build.ts';
import type { CareInput } from './aftercare.ts';
import { ivrFlow, mediaEndpointStats } from './extras.ts';
import {
  RATES, agentParticipantFields, callbackFields, callbackScheduledMs, campaignFields, customerParticipantFields, directFlow,
  journeyFields, routingRequest, voiceCodes,
} from './variety.ts';
import type { GenContext } from './context.ts';
import { usableAt } from './org.ts';
import type { Random } from './prng.ts';
import type { SimConversation, SimUser } from './types.ts';

/** Inputs of one conversation's story; `rng` is private to that conversation. */
export interface Scenario {
  ctx: GenContext;
  rng: Random;
  conversationId: string;
  startMs: number;
  /** When set, the conversation must still be running at this time (midnight crossers). */
  minEndMs: number | undefined;
  media: string;
  pickAgents: (n: number) => SimUser[];
}

/** The conversation and when its last customer-facing leg disconnected (conversationEnd). */
export interface Built {
  conversation: SimConversation;
  endMs: number;
  /** Who handled it, for evaluations, surveys and resolutions (aftercare.ts); absent when no agent did. */
  care?: CareInput;
}

type Range = readonly [number, number];
/** Durations in seconds per media type: [min, max]. */
const DURATIONS: Record<string, { wait: Range; alert: Range; talk: Range; acw: Range }> = {
  voice: { wait: [5, 240], alert: [3, 15], talk: [30, 900], acw: [5, 120] },
  callback: { wait: [60, 1_800], alert: [3, 20], talk: [30, 600], acw: [5, 90] },
  chat: { wait: [5, 300], alert: [3, 20], talk: [60, 1_800], acw: [5, 90] },
  message: { wait: [5, 600], alert: [3, 20], talk: [60, 2_400], acw: [5, 90] },
  email: { wait: [60, 7_200], alert: [5, 30], talk: [60, 900], acw: [10, 120] },
  video: { wait: [5, 180], alert: [3, 15], talk: [60, 1_200], acw: [5, 90] },
};
const CUSTOMERS = ['Alex Moreno', 'Bea Lindqvist', 'Carl Obi', 'Dana Whitfield', 'Eli Sato', 'Fay Romero', 'Gus Nakamura', 'Hana Kim'];
const WRAP_UP_TIMEOUT = 'ININ-WRAP-UP-TIMEOUT';

const secs = (rng: Random, [min, max]: Range): number => rng.int(min, max) * SECOND_MS;

function customerOf(rng: Random): { name: string; phone: string; email: string } {
  const name = rng.pick(CUSTOMERS);
  return { name, phone: `+1${rng.int(200, 989)}555${String(rng.int(0, 9_999)).padStart(4, '0')}`, email: `${name.split(' ')[0]?.toLowerCase()}.${rng.hex(4)}@mail.example` };
}

/** Genesys uses ININ-WRAP-UP-TIMEOUT when the agent let the ACW timer expire. */
function wrapUpCode(s: Scenario): string {
  return s.rng.chance(0.03) ? WRAP_UP_TIMEOUT : s.rng.pick(usableAt(s.ctx.org.wrapUpCodes, s.startMs, s.ctx.nowMs)).id;
}

function conversationShell(s: Scenario, direction: string, initiator: string, divisionIds: string[], endMs: number): SimConversation {
  return {
    conversationId: s.conversationId,
    conversationStart: iso(s.startMs),
    conversationEnd: iso(endMs),
    originatingDirection: direction,
    divisionIds: [...new Set(divisionIds)],
    conversationInitiator: initiator,
    participants: [],
  };
}

/** How the customer's leg ended: idle chats time out, the platform now and then cuts a leg. */
function customerDisconnect(s: Scenario, usual: string, abandoned: boolean): string {
  if (abandoned && (s.media === 'chat' || s.media === 'message') && s.rng.chance(RATES.idleTimeout)) return 'timeout';
  return s.rng.chance(RATES.systemDisconnect) ? 'system' : usual;
}

/** The in-queue flow (hold music, announcements) some voice and messaging queue sessions run. */
function inQueueFlow(s: Scenario): Record<string, unknown> | undefined {
  const type = s.media === 'voice' ? 'INQUEUECALL' : s.media === 'message' ? 'INQUEUESHORTMESSAGE' : undefined;
  const rate = s.media === 'voice' ? RATES.inQueueFlow : RATES.inQueueMessageFlow;
  const flow = type ? s.ctx.org.flows.find((f) => f.type === type) : undefined;
  return flow && s.rng.chance(rate) ? directFlow(s.rng, flow) : undefined;
}

/** Per-leg session fields of an agent: own and other party's address, callback data, voice quality. */
function agentSessionFields(s: Scenario, leg: AgentLeg, customer: { name: string; phone: string; email: string }, queuedAtMs: number): Record<string, unknown> {
  const { rng, media } = s;
  const other = media === 'email' || media === 'chat' || media === 'video' ? customer.email : `tel:${customer.phone}`;
  return {
    ...(rng.chance(RATES.agentAddresses) ? { addressSelf: `sip:${leg.agent.username}`, addressOther: other } : {}),
    ...(media === 'callback' ? callbackFields(customer.phone, customer.name, callbackScheduledMs(rng, queuedAtMs)) : {}),
    ...(media === 'voice' && rng.chance(RATES.agentMediaStats) ? { mediaEndpointStats: mediaEndpointStats(rng, leg.answerAt + leg.talkMs).stats } : {}),
  };
}

/** The agent who handled a conversation, evaluated by their manager and calibrated by another lead. */
function careOf(s: Scenario, agent: SimUser, media: string, endMs: number, queueId: string | undefined): CareInput {
  const evaluatorId = agent.manager?.id ?? agent.id;
  const calibratorId = s.ctx.org.agents.find((a) => a.title === 'Team Lead' && a.id !== evaluatorId)?.id ?? evaluatorId;
  return { endMs, media, userId: agent.id, evaluatorId, calibratorId, ...(queueId ? { queueId } : {}) };
}

/** Customer calls/writes in: customer, optional IVR, ACD queue, then zero to three agents. */
export function buildInbound(s: Scenario): Built {
  const { ctx, rng, media, startMs } = s;
  const b = new ConvBuilder(rng);
  const dur = DURATIONS[media] ?? DURATIONS['voice']!;
  const customer = customerOf(rng);
  const queue = rng.pick(usableAt(ctx.org.queues, startMs, ctx.nowMs));
  const addr = addressFields(media, customer, rng.pick(ctx.org.numbers), rng.pick(ctx.org.edgeIds), rng);
  // Voice: an IVR most of the time. Messaging: always an inbound message flow (a `workflow` participant).
  const ivrMs = media === 'voice' && rng.chance(0.7) ? rng.int(10, 90) * SECOND_MS : media === 'message' ? rng.int(5, 60) * SECOND_MS : 0;
  const abandoned = rng.chance(0.06);
  // Email is answered by one agent; callbacks are never conferenced (their legs dial out).
  const maxAgents = media === 'email' ? 1 : media === 'callback' ? 2 : 3;
  const wanted = abandoned ? 0 : Math.min(maxAgents, rng.weighted([1, 2, 3], [75, 18, 7]));
  const picked = s.pickAgents(wanted + 1);
  const agents = picked.slice(0, wanted);
  const legs = agents.map((agent, k): AgentLeg => ({
    agent, queueId: queue.id, alertStart: 0, answerAt: 0, queuedAt: 0,
    talkMs: secs(rng, dur.talk), holdMs: media === 'voice' && k < 2 && rng.chance(0.25) ? rng.int(15, 120) * SECOND_MS : 0,
    acwMs: secs(rng, dur.acw), wrapUpCode: wrapUpCode(s), endType: 'peer',
    ...(media === 'email' ? { subject: `Re: order #${rng.int(10_000, 99_999)}` } : {}),
    holdCount: rng.chance(RATES.secondHold) ? 2 : 1,
    participantFields: agentParticipantFields(rng, ctx.org, agent.id),
    alertFields: rng.chance(RATES.groupRing) ? { groupId: rng.pick(ctx.org.groupIds) } : {},
  }));
  const alertMs = legs.map(() => secs(rng, dur.alert));
  let waitMs = Math.max(secs(rng, dur.wait), (alertMs[0] ?? 0) + SECOND_MS);
  const customerHungUp = rng.chance(0.6);
  const extraDial = media === 'callback' ? CALLBACK_DIAL_MS : 0;
  // Agents 1 and 2 talk in sequence (a transfer); a third joins agent 2 in a conference.
  const seqLegs = legs.slice(0, 2);
  if (legs[1] && legs[2]) legs[1].holdMs = 0;
  const seqMs = seqLegs.reduce((sum, leg, k) => sum + leg.talkMs + leg.holdMs + extraDial + (k > 0 ? (alertMs[k] ?? 0) : 0), 0);
  let endMs = startMs + ivrMs + waitMs + seqMs;
  if (s.minEndMs !== undefined && endMs < s.minEndMs) {
    const lastSeq = seqLegs[seqLegs.length - 1];
    if (lastSeq) lastSeq.talkMs += s.minEndMs - endMs;
    else waitMs += s.minEndMs - endMs;
    endMs = s.minEndMs;
  }

  const cust = b.participant('customer', { participantName: media === 'voice' && rng.chance(0.5) ? customer.phone : customer.name, ...customerParticipantFields(rng) });
  const custSession = b.session(cust, media, 'inbound', {
    ...addr,
    ...(media === 'chat' || media === 'message' ? journeyFields(rng) : {}),
    ...(media === 'callback' ? callbackFields(customer.phone, customer.name, callbackScheduledMs(rng, startMs + ivrMs)) : {}),
  });
  b.peerId = custSession.sessionId;
  const customerEnd = customerDisconnect(s, customerHungUp || abandoned ? 'endpoint' : 'peer', abandoned);
  const codes = media === 'voice' ? voiceCodes(customerEnd) : {};
  if (media === 'voice') {
    // A voice session starts with a short `system` segment (call setup) before the conversation proper.
    const setupEnd = Math.min(endMs - 1, startMs + rng.int(150, 1_500));
    b.seg(custSession, 'system', startMs, setupEnd);
    b.seg(custSession, 'interact', setupEnd, endMs, { disconnectType: customerEnd, ...codes });
  } else {
    b.seg(custSession, 'interact', startMs, endMs, { disconnectType: customerEnd });
  }
  if (media === 'voice' && rng.chance(RATES.customerMediaStats)) custSession['mediaEndpointStats'] = mediaEndpointStats(rng, endMs).stats;
  if (ivrMs > 0 && media === 'message') {
    // Messaging flows show up as `workflow` participants, entered directly (no DNIS).
    const flow = rng.pick(ctx.org.flows.filter((f) => f.type === 'INBOUNDSHORTMESSAGE'));
    const bot = b.participant('workflow', { participantName: flow.name });
    const botSession = b.session(bot, media, 'inbound', { ...addr, flow: directFlow(rng, flow) });
    b.seg(botSession, 'interact', startMs, startMs + ivrMs, { disconnectType: 'transfer' });
    b.metric(botSession, 'nFlow', 1, startMs);
    b.metric(botSession, 'tFlow', ivrMs, startMs + ivrMs);
  } else if (ivrMs > 0) {
    const flow = rng.pick(ctx.org.flows.filter((f) => f.type === 'INBOUNDCALL'));
    const ivr = b.participant('ivr', { participantName: flow.name });
    const ivrSession = b.session(ivr, media, 'inbound', { ...addr, flow: ivrFlow(rng, flow, startMs, startMs + ivrMs) });
    b.seg(ivrSession, 'ivr', startMs, startMs + ivrMs, { disconnectType: 'transfer' });
    b.metric(ivrSession, 'nFlow', 1, startMs);
    b.metric(ivrSession, 'tIvr', ivrMs, startMs + ivrMs);
    b.metric(ivrSession, 'tFlow', ivrMs, startMs + ivrMs);
  }
  const q0 = startMs + ivrMs;
  const q1 = q0 + waitMs;
  const acd = b.participant('acd', { participantName: queue.name });
  const routing = rng.pick(['Standard', 'Standard', 'Bullseye', 'Preferred']);
  const inQueue = inQueueFlow(s);
  const acdSession = b.session(acd, media, 'inbound', {
    ...addr, requestedRoutings: [routing], usedRouting: routing,
    ...(agents[0] ? { selectedAgentId: agents[0].id } : {}),
    ...(agents[0] && rng.chance(0.15) ? { proposedAgents: [{ agentRank: 1, proposedAgentId: agents[0].id }] } : {}),
    ...(inQueue ? { flow: inQueue } : {}),
  });
  // A callback first waits for its scheduled time in a `delay` segment, then in queue.
  const delayMs = media === 'callback' ? Math.floor(waitMs / 3) : 0;
  if (delayMs > 0) b.seg(acdSession, 'delay', q0, q0 + delayMs, { queueId: queue.id });
  const request = routingRequest(rng, usableAt(ctx.org.languages, startMs, ctx.nowMs), usableAt(ctx.org.skills, startMs, ctx.nowMs));
  b.seg(acdSession, 'interact', q0 + delayMs, q1, { queueId: queue.id, ...request, disconnectType: abandoned ? 'peer' : 'transfer' });
  b.metric(acdSession, 'nOffered', 1, q0);
  b.metric(acdSession, abandoned ? 'tAbandon' : 'tAcd', waitMs - delayMs, q1);

  const spare = picked[wanted];
  const gap = waitMs - (alertMs[0] ?? 0);
  if (!abandoned && spare && gap > 6 * SECOND_MS && rng.chance(0.05)) {
    const naStart = q0 + Math.floor(gap / 3);
    addNoAnswerLeg(b, media, spare, queue.id, naStart, naStart + Math.min(15 * SECOND_MS, Math.floor(gap / 3)), addr, rng.chance(RATES.alertError));
  }
  const agentFields = { ...addr, ...(media === 'voice' ? { remote: customer.name } : {}) };
  const finalEnd = customerHungUp ? 'peer' : 'client';
  let t = q1;
  let conferenceAt: number | undefined;
  seqLegs.forEach((leg, k) => {
    const alert = alertMs[k] ?? 0;
    leg.answerAt = k === 0 ? q1 : t + alert;
    leg.alertStart = leg.answerAt - alert;
    leg.queuedAt = k === 0 ? q0 : t;
    leg.endType = k < seqLegs.length - 1 ? 'transfer' : finalEnd;
    if (k === 1 && legs[2]) leg.conferenceAt = conferenceAt = leg.answerAt + extraDial + Math.floor(leg.talkMs * 0.6);
    leg.sessionFields = agentSessionFields(s, leg, customer, leg.queuedAt);
    t = addAgentLeg(b, media, leg, agentFields);
  });
  const conf = legs[2];
  if (conf && conferenceAt !== undefined) {
    Object.assign(conf, { answerAt: conferenceAt, alertStart: conferenceAt - (alertMs[2] ?? 0), queuedAt: conferenceAt - (alertMs[2] ?? 0), talkMs: t - conferenceAt - extraDial, holdMs: 0, endType: 'peer' });
    conf.conferenceAt = conferenceAt;
    conf.sessionFields = agentSessionFields(s, conf, customer, conf.queuedAt);
    if (conf.talkMs > 0) addAgentLeg(b, media, conf, agentFields);
  }

  const c = conversationShell(s, 'inbound', 'customer', [queue.divisionId], endMs);
  if (media === 'message') c['customerParticipation'] = true;
  if (conferenceAt !== undefined) c['conferenceStart'] = iso(conferenceAt);
  if (rng.chance(0.03)) c['externalTag'] = `crm-${rng.hex(8)}`;
  c.participants = b.participants;
  const first = agents[0];
  return { conversation: c, endMs, ...(first ? { care: careOf(s, first, media, endMs, queue.id) } : {}) };
}

/** An agent dials out: agent (dialing, contacting, interact, wrapup) and an external party. */
export function buildOutbound(s: Scenario): Built {
  const { ctx, rng, startMs } = s;
  const b = new ConvBuilder(rng);
  const [agent] = s.pickAgents(1);
  if (!agent) throw new Error('the simulated org has no agents');
  const customer = customerOf(rng);
  const queue = rng.chance(0.5) ? rng.pick(usableAt(ctx.org.queues, startMs, ctx.nowMs)) : undefined;
  const orgNumber = rng.pick(ctx.org.numbers);
  const addr = {
    ani: `tel:${orgNumber}`, dnis: `tel:${customer.phone}`, addressFrom: `tel:${orgNumber}`, addressTo: `tel:${customer.phone}`,
    provider: 'Edge', edgeId: rng.pick(ctx.org.edgeIds), protocolCallId: rng.hex(32), recording: true, remoteNameDisplayable: customer.name,
    ...(rng.chance(RATES.campaignCall) ? campaignFields(rng, ctx.org) : {}),
  };
  const dialEnd = startMs + rng.int(1, 3) * SECOND_MS;
  const answerAt = dialEnd + rng.int(5, 30) * SECOND_MS;
  const leg = {
    queueId: queue?.id, talkMs: rng.int(20, 900) * SECOND_MS, holdMs: rng.chance(0.2) ? rng.int(10, 90) * SECOND_MS : 0,
    acwMs: rng.int(5, 120) * SECOND_MS, wrapUpCode: wrapUpCode(s), endType: rng.chance(0.5) ? 'client' : 'peer',
    holdCount: rng.chance(RATES.secondHold) ? 2 : 1,
  };
  const natural = answerAt + leg.talkMs + leg.holdMs;
  if (s.minEndMs !== undefined && natural < s.minEndMs) leg.talkMs += s.minEndMs - natural;
  const q = queue ? { queueId: queue.id } : {};

  const p = b.participant('agent', { participantName: agent.name, userId: agent.id, ...agentParticipantFields(rng, ctx.org, agent.id) });
  const session = b.session(p, 'voice', 'outbound', {
    ...addr, ...(rng.chance(RATES.agentAddresses) ? { addressSelf: `sip:${agent.username}`, addressOther: `tel:${customer.phone}` } : {}),
  });
  b.seg(session, 'dialing', startMs, dialEnd, q);
  b.seg(session, 'contacting', dialEnd, answerAt, q);
  b.metric(session, 'nOutbound', 1, startMs);
  b.metric(session, 'nOutboundAttempted', 1, startMs);
  b.metric(session, 'tDialing', dialEnd - startMs, dialEnd);
  b.metric(session, 'tContacting', answerAt - dialEnd, answerAt);
  b.metric(session, 'nOutboundConnected', 1, answerAt);
  const endMs = addTalk(b, session, answerAt, leg, { q850ResponseCodes: [16] });
  addWrapUp(b, session, endMs, leg);

  const ext = b.participant('external', { participantName: rng.chance(0.5) ? customer.name : customer.phone, ...customerParticipantFields(rng) });
  const extSession = b.session(ext, 'voice', 'outbound', addr);
  const extEnd = customerDisconnect(s, leg.endType === 'client' ? 'peer' : 'endpoint', false);
  // The contact's leg starts with call setup (`system`) while it rings.
  b.seg(extSession, 'system', dialEnd, answerAt);
  b.seg(extSession, 'interact', answerAt, endMs, { disconnectType: extEnd, ...voiceCodes(extEnd) });

  const c = conversationShell(s, 'outbound', 'agent', [queue?.divisionId ?? agent.division.id], endMs);
  c.participants = b.participants;
  return { conversation: c, endMs, care: careOf(s, agent, 'voice', endMs, queue?.id) };
}
