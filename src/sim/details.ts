import { HOUR_MS, SECOND_MS } from '../time.ts';
import { iso } from './build.ts';
import { mediaEndpointStats } from './extras.ts';
import type { Org } from './org.ts';
import { Random } from './prng.ts';
import type { SimConversation, SimParticipant, SimSegment, SimSession } from './types.ts';

/*
 * The rest of the documented record (docs/record-fields.md): session, segment and conversation
 * fields of the SDK models that the story in scenarios.ts does not need, added in one pass over
 * a built conversation. The pass draws from the conversation's own `detail` stream, so adding
 * a field here does not move the draws of the story (ids, times, agents stay put), and it
 * runs before live conversations are cut, so a cut removes what had not happened yet.
 */

const DETAIL_RATES = {
  /** Queue sessions routed by predictive routing (proposed and scored agents, selected rank). */
  predictive: 0.1,
  /** Queue sessions with two requested skills where one was removed while waiting (skill relaxation). */
  removedSkill: 0.2,
  /** Queue sessions routed by a skill expression. */
  skillExpression: 0.03,
  /** Queue segments carrying custom segment properties. */
  segmentProperties: 0.02,
  /** Callback queue sessions owned by one agent. */
  agentOwnedCallback: 0.1,
  /** Agent sessions with an agent assistant (copilot), and with a script. */
  agentAssistant: 0.1,
  script: 0.2,
  /** Agent voice talk segments where the agent muted, and video segments with video off. */
  audioMuted: 0.03,
  videoMuted: 0.2,
  /** Wrap-up segments with wrap-up tags. */
  wrapUpTags: 0.05,
  /** E-mail agent sessions assigned by a supervisor. */
  assigned: 0.05,
  /** Messaging customer sessions with attachments (mediaCount), authenticated customers. */
  mediaCount: 0.15,
  authenticated: 0.25,
  /** E-mails with cc and with bcc addresses. */
  cc: 0.1,
  bcc: 0.03,
  /** Messaging sessions pushed to a mobile device. */
  deliveryPushed: 0.3,
  /** Outbound voice sessions with media endpoint stats (both the agent's and the contact's). */
  outboundMediaStats: 0.8,
  /** Voice sessions with a second media endpoint stat (the codec changed mid-call). */
  secondMediaStat: 0.1,
  /** Two-agent conversations where the transfer was a consult (a second conversation). */
  consult: 0.2,
  /** Callbacks started from another conversation (associatedConversationId). */
  associatedCallback: 0.3,
  /** Bot or IVR conversations where the flow searched a knowledge base. */
  knowledgeBaseMessaging: 0.3,
  knowledgeBaseVoice: 0.05,
  /** Messaging conversations with an inactivity timeout set. */
  inactivityTimeout: 0.3,
  /** Facebook messaging conversations that started on a public post. */
  socialPublic: 0.1,
  /** IVR flows that issued a callback, failed speech recognition, ended in another language. */
  issuedCallback: 0.02,
  recognitionFailure: 0.04,
  languageSwitch: 0.05,
} as const;

/** Org-wide configuration ids (stable, like the forms in aftercare.ts). */
const CONFIG_RNG = new Random(0xde7a_11ed);
const ASSISTANT_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
const SCRIPT_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
const KNOWLEDGE_BASE_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
const SKILL_EXPRESSION_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
const WRAP_UP_TAGS = ['billing', 'follow-up', 'vip', 'complaint', 'upsell'];
const ENGAGEMENT_SOURCE: Record<string, string> = { webmessaging: 'WebChat', sms: 'SMS', whatsapp: 'WhatsApp', facebook: 'FacebookMessenger' };
const DELIVERY_STATUSES = ['Read', 'DeliverySuccess', 'Sent', 'DeliveryFailed'];
const DELIVERY_WEIGHTS = [60, 30, 6, 4];

const endOf = (s: SimSession): number => {
  const last = s.segments[s.segments.length - 1];
  return last ? Date.parse(last.segmentEnd ?? last.segmentStart) : 0;
};

/** Adds the documented fields the story leaves out; `x` is the conversation's detail stream. */
export function addRecordDetails(c: SimConversation, x: Random, org: Org): void {
  const media = c.participants[0]?.sessions[0]?.mediaType ?? 'voice';
  const agents = c.participants.filter((p) => p.purpose === 'agent');
  const videoRoomId = media === 'video' ? x.uuid() : undefined;
  for (const p of c.participants) {
    for (const s of p.sessions) {
      if (s.mediaType === 'voice') voiceStats(c, p, s, x);
      if (p.purpose === 'customer' || p.purpose === 'external') customerSession(s, x);
      else if (p.purpose === 'agent') agentSession(s, x, org);
      else if (p.purpose === 'acd') queueSession(s, x, org);
      else if (s.flow) flowSession(c, s, x, org);
      if (videoRoomId !== undefined && (p.purpose === 'customer' || p.purpose === 'agent')) {
        s['videoRoomId'] = videoRoomId;
        s['videoAddressSelf'] = `video:${x.hex(12)}`;
      }
    }
  }
  conversationFields(c, media, agents, x);
}

/** Edge voice-quality stats: outbound calls get them here (inbound ones in scenarios.ts); a few sessions get two. */
function voiceStats(c: SimConversation, p: SimParticipant, s: SimSession, x: Random): void {
  const end = endOf(s);
  if (s['mediaEndpointStats'] === undefined && c.originatingDirection === 'outbound' && (p.purpose === 'agent' || p.purpose === 'external') && x.chance(DETAIL_RATES.outboundMediaStats)) {
    s['mediaEndpointStats'] = mediaEndpointStats(x, end).stats;
  }
  const stats = s['mediaEndpointStats'] as Record<string, unknown>[] | undefined;
  if (stats && x.chance(DETAIL_RATES.secondMediaStat)) {
    // The codec changed mid-call: an earlier stat for the first stretch, listed first.
    const first = mediaEndpointStats(x, Math.max(Date.parse(s.segments[0]?.segmentStart ?? ''), end - 60 * SECOND_MS)).stats[0]!;
    s['mediaEndpointStats'] = [first, ...stats];
  }
}

function customerSession(s: SimSession, x: Random): void {
  switch (s.mediaType) {
    case 'message': {
      const type = s['messageType'];
      if (typeof type === 'string' && ENGAGEMENT_SOURCE[type]) s['engagementSource'] = ENGAGEMENT_SOURCE[type];
      if (x.chance(DETAIL_RATES.mediaCount)) s['mediaCount'] = x.int(1, 3);
      if (x.chance(DETAIL_RATES.authenticated)) s['authenticated'] = x.chance(0.6);
      break;
    }
    case 'chat':
      s['roomId'] = `${x.hex(24)}@conference.sim.orgspan.com`;
      if (x.chance(DETAIL_RATES.authenticated)) s['authenticated'] = x.chance(0.6);
      break;
    case 'email':
      s['destinationAddresses'] = [String(s['addressTo'] ?? 'support@example-sim.com')];
      if (x.chance(DETAIL_RATES.cc)) s['cc'] = [`cc.${x.hex(4)}@mail.example`];
      if (x.chance(DETAIL_RATES.bcc)) s['bcc'] = [`archive@example-sim.com`];
      break;
    case 'voice':
      if (s['outboundCampaignId'] !== undefined) {
        // Call analysis on dialer calls: when speech was heard, and what the analyzer concluded.
        const contacting = s.segments.find((g) => g.segmentType === 'interact');
        if (contacting) {
          const at = Date.parse(contacting.segmentStart);
          s['detectedSpeechStart'] = iso(at + x.int(200, 900));
          s['detectedSpeechEnd'] = iso(at + x.int(1_000, 3_000));
          s['dispositionAnalyzer'] = 'disposition.analysis.callable.person';
          s['dispositionName'] = 'disposition.classification.callable.live';
        }
      }
      break;
    default:
      break;
  }
}

function agentSession(s: SimSession, x: Random, org: Org): void {
  if (x.chance(DETAIL_RATES.agentAssistant)) s['agentAssistantId'] = x.pick(ASSISTANT_IDS);
  if (x.chance(DETAIL_RATES.script)) s['scriptId'] = x.pick(SCRIPT_IDS);
  const group = s.segments.find((g) => g.groupId !== undefined)?.groupId;
  if (typeof group === 'string') s['agentGroups'] = [{ agentGroupId: group, agentGroupType: 'Group' }];
  const wrapup = s.segments.find((g) => g.segmentType === 'wrapup');
  // Agents of this org always wrap up; the flag is still sent.
  if (wrapup) s['acwSkipped'] = false;
  if (wrapup && x.chance(DETAIL_RATES.wrapUpTags)) wrapup['wrapUpTags'] = [x.pick(WRAP_UP_TAGS)];
  if (s.segments.some((g) => g.errorCode !== undefined)) s['errorCodeDescription'] = 'The agent station did not answer: its session was inactive.';
  if (s.mediaType === 'email' && x.chance(DETAIL_RATES.assigned)) s['assignerId'] = org.agents[0]?.id ?? x.uuid();
  if (s.mediaType === 'message') {
    s['deliveryStatus'] = x.weighted(DELIVERY_STATUSES, DELIVERY_WEIGHTS);
    s['deliveryStatusChangeDate'] = iso(endOf(s) - x.int(1, 30) * SECOND_MS);
    s['deliveryPushed'] = x.chance(DETAIL_RATES.deliveryPushed);
  }
  for (const g of s.segments) {
    if (g.segmentType !== 'interact') continue;
    if (s.mediaType === 'voice' && x.chance(DETAIL_RATES.audioMuted)) g['audioMuted'] = true;
    if (s.mediaType === 'video') g['videoMuted'] = x.chance(DETAIL_RATES.videoMuted);
  }
}

/** Routing detail of a queue session: skills, bullseye rings, predictive routing, preferred agents. */
function queueSession(s: SimSession, x: Random, org: Org): void {
  const queueSeg = s.segments.find((g) => g.segmentType === 'interact');
  const skills = queueSeg?.['requestedRoutingSkillIds'] as string[] | undefined;
  if (skills) {
    const removed = skills.length > 1 && x.chance(DETAIL_RATES.removedSkill);
    s['activeSkillIds'] = removed ? skills.slice(0, 1) : [...skills];
    if (removed) s['removedSkillIds'] = skills.slice(1);
  }
  if (x.chance(DETAIL_RATES.skillExpression)) s['skillExpressionId'] = x.pick(SKILL_EXPRESSION_IDS);
  const selected = s['selectedAgentId'];
  if (s['usedRouting'] === 'Bullseye') {
    const ring = x.int(1, 4);
    s['routingRuleType'] = 'Bullseye';
    s['agentBullseyeRing'] = ring;
    s['routingRing'] = ring;
    // Agents eligible and interactions waiting, one entry per ring the conversation reached.
    s['eligibleAgentCounts'] = Array.from({ length: ring }, (_, k) => x.int(1, 4) * (k + 1));
    s['waitingInteractionCounts'] = Array.from({ length: ring }, () => x.int(0, 12));
  } else if (s['usedRouting'] === 'Preferred' && typeof selected === 'string' && queueSeg) {
    queueSeg['requestedRoutingUserIds'] = [selected];
  }
  if (typeof selected === 'string' && queueSeg && x.chance(DETAIL_RATES.predictive)) {
    const others = org.agents.filter((a) => a.id !== selected && a.state === 'active');
    const proposed = [selected, x.pick(others).id, x.pick(others).id].filter((id, i, all) => all.indexOf(id) === i);
    s['requestedRoutings'] = ['Predictive'];
    s['usedRouting'] = 'Predictive';
    s['routingRuleType'] = 'Predictive';
    s['selectedAgentRank'] = 1;
    s['proposedAgents'] = proposed.map((proposedAgentId, k) => ({ agentRank: k + 1, proposedAgentId }));
    let score = x.int(70, 99);
    queueSeg['scoredAgents'] = proposed.map((scoredAgentId) => ({ agentScore: (score -= x.int(1, 15)), scoredAgentId }));
  }
  if (s.mediaType === 'callback' && x.chance(DETAIL_RATES.agentOwnedCallback)) s['agentOwned'] = true;
  if (queueSeg && x.chance(DETAIL_RATES.segmentProperties)) {
    queueSeg['properties'] = [{ property: 'callReason', propertyType: 'string', value: x.pick(['billing', 'outage', 'upgrade']) }];
  }
}

/** IVR and bot flows: languages, transfer target, and one nFlowOutcome/tFlowOutcome per outcome. */
function flowSession(c: SimConversation, s: SimSession, x: Random, org: Org): void {
  const flow = s.flow!;
  const language = x.chance(0.85) ? 'en-us' : 'es-us';
  flow['startingLanguage'] = language;
  flow['endingLanguage'] = x.chance(DETAIL_RATES.languageSwitch) ? (language === 'en-us' ? 'es-us' : 'en-us') : language;
  if (flow.exitReason === 'TRANSFER' || flow.entryType === 'dnis') {
    const queueId = c.participants.find((p) => p.purpose === 'acd')?.sessions[0]?.segments.find((g) => g.queueId)?.queueId;
    const queue = org.queues.find((q) => q.id === queueId);
    if (queue) Object.assign(flow, { transferTargetAddress: queue.id, transferTargetName: queue.name });
  }
  if (flow.flowType === 'INBOUNDCALL') {
    flow['issuedCallback'] = x.chance(DETAIL_RATES.issuedCallback);
    if (x.chance(DETAIL_RATES.recognitionFailure)) flow['recognitionFailureReason'] = x.pick(['NO_INPUT', 'NO_MATCH']);
  }
  for (const o of flow.outcomes ?? []) {
    const start = Date.parse(String(o['flowOutcomeStartTimestamp']));
    const end = Date.parse(String(o['flowOutcomeEndTimestamp']));
    (s.metrics ??= []).push({ name: 'nFlowOutcome', value: 1, emitDate: iso(end) }, { name: 'tFlowOutcome', value: end - start, emitDate: iso(end) });
    if (o['flowOutcomeValue'] === 'FAILURE') s.metrics.push({ name: 'nFlowOutcomeFailed', value: 1, emitDate: iso(end) });
  }
}

function conversationFields(c: SimConversation, media: string, agents: SimParticipant[], x: Random): void {
  const hasFlow = c.participants.some((p) => p.purpose === 'ivr' || p.purpose === 'workflow');
  if (hasFlow && x.chance(media === 'voice' ? DETAIL_RATES.knowledgeBaseVoice : DETAIL_RATES.knowledgeBaseMessaging)) {
    c['knowledgeBaseIds'] = [x.pick(KNOWLEDGE_BASE_IDS)];
  }
  // Conversations that reached a queue were not self-served, and Genesys says so where a flow ran.
  if (hasFlow) c['selfServed'] = false;
  const first = agents[0];
  const second = agents[1];
  if (first && second && x.chance(DETAIL_RATES.consult)) {
    // A consult transfer: the first agent consulted the second in a conversation of its own.
    const consultId = x.uuid();
    c['consultationConversationIds'] = [consultId];
    const last = lastInteract(first);
    const target = second.sessions[0];
    if (last && target) {
      last['destinationConversationId'] = consultId;
      last['destinationSessionId'] = x.uuid();
      const alert = target.segments[0];
      if (alert) Object.assign(alert, { sourceConversationId: consultId, sourceSessionId: last['destinationSessionId'] });
    }
  }
  if (media === 'callback' && x.chance(DETAIL_RATES.associatedCallback)) c['associatedConversationId'] = x.uuid();
  if (media === 'message') {
    if (x.chance(DETAIL_RATES.inactivityTimeout)) c['inactivityTimeout'] = iso(Date.parse(c.conversationStart) + 72 * HOUR_MS);
    const type = c.participants[0]?.sessions[0]?.['messageType'];
    if (type === 'facebook') c['originatingSocialMediaPublic'] = x.chance(DETAIL_RATES.socialPublic);
  }
}

function lastInteract(p: SimParticipant): SimSegment | undefined {
  const segs = p.sessions.flatMap((s) => s.segments).filter((g) => g.segmentType === 'interact');
  return segs[segs.length - 1];
}

/** The conversation's worst voice quality: the minimum MOS and R-factor over every endpoint stat (after a cut). */
export function setConversationMediaStats(c: SimConversation): void {
  let mos = Infinity;
  let rFactor = Infinity;
  for (const p of c.participants) {
    for (const s of p.sessions) {
      for (const stat of (s['mediaEndpointStats'] as Record<string, unknown>[] | undefined) ?? []) {
        mos = Math.min(mos, stat['minMos'] as number);
        rFactor = Math.min(rFactor, stat['minRFactor'] as number);
      }
    }
  }
  if (mos !== Infinity) c['mediaStatsMinConversationMos'] = mos;
  if (rFactor !== Infinity) c['mediaStatsMinConversationRFactor'] = rFactor;
}
