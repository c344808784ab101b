import { MINUTE_MS } from '../time.ts';
import { iso } from './iso.ts';
import { RATES } from './rates.ts';
import type { Org } from './org.ts';
import type { Random } from './prng.ts';

/*
 * Shapes real recorded details-query responses contain beyond the common path (docs/genesys-api-facts.md
 * §8, and the SDK models AnalyticsParticipant / AnalyticsSession / AnalyticsConversationSegment),
 * at rates meant to look like a real org. Every typed column of the schema is filled by some of
 * these, so the extractor, the tables and the view meet them in every test.
 */

// The rates live in a leaf module: org.ts needs them (teams), and variety.ts needs org.ts's types.
export { RATES };

const NOTES = ['Customer asked for a follow-up e-mail.', 'Refund approved, ticket closed.', 'Escalated to tier 2.', 'Called back about invoice #4471.'];

/** Participant fields of a customer (or external party). */
export function customerParticipantFields(rng: Random): Record<string, unknown> {
  return {
    ...(rng.chance(RATES.externalContact) ? { externalContactId: rng.uuid() } : {}),
    ...(rng.chance(RATES.externalOrganization) ? { externalOrganizationId: rng.uuid() } : {}),
  };
}

/** Participant fields of an agent: team, screen recording, a rare flag. */
export function agentParticipantFields(rng: Random, org: Org, userId: string): Record<string, unknown> {
  const teamId = org.teamIds[userId];
  return {
    ...(teamId !== undefined ? { teamId } : {}),
    ...(rng.chance(RATES.screenRecordingKnown) ? { screenRecording: rng.chance(0.35) } : {}),
    ...(rng.chance(RATES.flagged) ? { flaggedReason: 'general' } : {}),
  };
}

/** Predictive Engagement ids on a web chat / web messaging customer session. */
export function journeyFields(rng: Random): Record<string, unknown> {
  if (!rng.chance(RATES.journey)) return {};
  return {
    journeyCustomerId: rng.uuid(), journeyCustomerIdType: 'cookie',
    journeyCustomerSessionId: rng.uuid(), journeyCustomerSessionIdType: 'web',
    ...(rng.chance(RATES.journeyAction) ? { journeyActionId: rng.uuid(), journeyActionMapId: rng.uuid(), journeyActionMapVersion: rng.int(1, 12) } : {}),
  };
}

/** Dialer fields of a campaign call, shared by the agent's and the contact's sessions. */
export function campaignFields(rng: Random, org: Org): Record<string, unknown> {
  const campaign = rng.pick(org.campaigns);
  return { outboundCampaignId: campaign.id, outboundContactId: rng.uuid(), outboundContactListId: campaign.contactListId };
}

/** Callback session fields: the number(s) to call, when, and for whom. */
export function callbackFields(phone: string, name: string, scheduledMs: number): Record<string, unknown> {
  return { callbackNumbers: [`tel:${phone}`], callbackScheduledTime: iso(scheduledMs), callbackUserName: name };
}

/** A wrap-up note now and then. */
export function wrapUpNote(rng: Random): Record<string, unknown> {
  return rng.chance(RATES.wrapUpNote) ? { wrapUpNote: rng.pick(NOTES) } : {};
}

/** Routing requests on a queue segment: language and skills (deleted ones only before their deletion). */
export function routingRequest(rng: Random, languages: readonly { id: string }[], skills: readonly { id: string }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (languages.length > 0 && rng.chance(RATES.requestedLanguage)) out['requestedLanguageId'] = rng.pick(languages).id;
  if (skills.length > 0 && rng.chance(RATES.requestedSkills)) {
    const first = rng.pick(skills).id;
    const second = rng.pick(skills).id;
    out['requestedRoutingSkillIds'] = first === second ? [first] : [first, second];
  }
  return out;
}

/** SIP / Q.850 codes on the last segment of a voice leg: normal clearing, or a platform failure. */
export function voiceCodes(disconnectType: string): Record<string, unknown> {
  return disconnectType === 'system' ? { sipResponseCodes: [503], q850ResponseCodes: [41] } : { sipResponseCodes: [200], q850ResponseCodes: [16] };
}

/** How long before the agent took it a callback was scheduled for. */
export function callbackScheduledMs(rng: Random, queuedAtMs: number): number {
  return queuedAtMs + rng.int(0, 30) * MINUTE_MS;
}

/** The `flow` object of a flow that runs without an IVR menu (messaging bot, in-queue flow). */
export function directFlow(rng: Random, flow: { id: string; name: string; type: string }): Record<string, unknown> {
  return { flowId: flow.id, flowName: flow.name, flowVersion: `${rng.int(1, 40)}.0`, flowType: flow.type, entryType: 'direct' };
}

/** Share of conversations sent with explicit `null`s for optional fields they do not have. */
const EXPLICIT_NULL_RATE = 0.03;

/** Optional fields, per level, that a conversation without them may carry as an explicit null. */
const NULLABLE = {
  conversation: ['externalTag', 'mediaStatsMinConversationMos', 'mediaStatsMinConversationRFactor', 'knowledgeBaseIds', 'evaluations'],
  participant: ['userId', 'teamId', 'externalContactId'],
  session: ['remote', 'outboundCampaignId', 'selectedAgentId', 'activeSkillIds', 'mediaEndpointStats', 'proposedAgents'],
  segment: ['queueId', 'wrapUpCode', 'errorCode', 'requestedLanguageId', 'requestedRoutingSkillIds', 'scoredAgents'],
} as const;

/**
 * Some real responses spell an absent optional field as `"field": null`. In a few
 * conversations, every absent field of NULLABLE is sent that way; the information is the same,
 * so readers must treat null as absent. Only fields the simulator's own logic never tests for
 * presence are used (not conversationEnd/segmentEnd, whose absence means live).
 */
export function addExplicitNulls(c: Record<string, unknown>, rng: Random): void {
  if (!rng.chance(EXPLICIT_NULL_RATE)) return;
  const fill = (o: Record<string, unknown>, keys: readonly string[]) => {
    for (const key of keys) if (o[key] === undefined) o[key] = null;
  };
  fill(c, NULLABLE.conversation);
  for (const p of c['participants'] as Array<Record<string, unknown>>) {
    fill(p, NULLABLE.participant);
    for (const s of p['sessions'] as Array<Record<string, unknown>>) {
      fill(s, NULLABLE.session);
      for (const g of s['segments'] as Array<Record<string, unknown>>) fill(g, NULLABLE.segment);
    }
  }
}
