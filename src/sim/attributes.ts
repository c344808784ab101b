import { Random } from './prng.ts';
import type { SimConversation, SimParticipant } from './types.ts';

/*
 * Participant attributes: the custom data flows and scripts attach to a conversation
 * (docs/sync.md §13: `participants[].attributes`, a string→string map). Genesys serves them
 * in details-job results only; the synchronous query never carries them (§8). The simulator
 * derives them from (seed, conversationId) alone, so a job result is the query's record of
 * the same conversation plus these maps, whenever it is read.
 */

const INTENTS = ['billing', 'cancel', 'upgrade', 'technical-support', 'delivery', 'refund', 'address-change'] as const;
const LANGUAGES = ['en-US', 'en-GB', 'es-US', 'fr-CA', 'de-DE'] as const;
const TIERS = ['gold', 'silver', 'standard'] as const;
/** Share of conversations whose flow set no attributes at all (the participant has no `attributes` key). */
const WITHOUT_ATTRIBUTES = 0.15;
/** Participants that carry the map: the customer side of the conversation. */
const CARRIERS: ReadonlySet<string> = new Set(['customer', 'external']);

/** The attributes a conversation's customer participants carry, or undefined for none. */
export function attributesFor(seed: number, conversationId: string): Record<string, string> | undefined {
  const rng = Random.from(seed, 'attributes', conversationId);
  if (rng.chance(WITHOUT_ATTRIBUTES)) return undefined;
  const attributes: Record<string, string> = {
    accountNumber: String(rng.int(10_000_000, 99_999_999)),
    intent: rng.pick(INTENTS),
  };
  if (rng.chance(0.6)) attributes['caseId'] = `CS-${rng.int(100_000, 999_999)}`;
  if (rng.chance(0.5)) attributes['language'] = rng.pick(LANGUAGES);
  if (rng.chance(0.4)) attributes['customerTier'] = rng.pick(TIERS);
  if (rng.chance(0.2)) attributes['Survey.Opt-In'] = rng.chance(0.5) ? 'true' : 'false';
  return attributes;
}

/** A copy of the conversation as a details job serves it: customer participants gain `attributes`. */
export function withAttributes(seed: number, conversation: SimConversation): SimConversation {
  const attributes = attributesFor(seed, conversation.conversationId);
  if (!attributes) return conversation;
  const participants = conversation.participants.map((p): SimParticipant =>
    CARRIERS.has(p.purpose) ? { ...p, attributes: { ...attributes } } : p);
  return { ...conversation, participants };
}
