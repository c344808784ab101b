import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../time.ts';
import { truncateAt } from './extras.ts';
import { addExplicitNulls } from './variety.ts';
import type { Org } from './org.ts';
import { Random, encodeConversationId, hash32 } from './prng.ts';
import { buildInbound, buildOutbound, type Scenario } from './scenarios.ts';
import type { GenContext } from './context.ts';
import type { SimConversation, SimUser } from './types.ts';

export type { GenContext };


/** Chance that a conversation started in the last LIVE_WINDOW_MS is still in progress at `now`. */
const LIVE_CHANCE = 0.15;
const LIVE_WINDOW_MS = 3 * HOUR_MS;
/** Share of conversations that start in the last minutes of a UTC day and run past midnight. */
const LATE_CHANCE = 0.03;
/** After-care fields (evaluations, resolutions…) are stamped at most this long after the end. */
const AFTER_CARE_MAX_MS = 97 * HOUR_MS;
/** Weight of an inactive/deleted agent on days after they left (they still appear, rarely). */
const LEFT_AGENT_WEIGHT = 0.15;

const MEDIA = ['voice', 'chat', 'message', 'email', 'callback', 'video'] as const;
const MEDIA_WEIGHTS = [60, 10, 12, 9, 5, 4];

export function createGenContext(seed: number, org: Org, conversationsPerDay: number, nowMs: number, options: { explicitNulls?: boolean } = {}): GenContext {
  const rng = Random.from(seed, 'left');
  const leftAtMs = new Map<string, number>();
  for (const agent of org.agents) {
    if (agent.state !== 'active') leftAtMs.set(agent.id, nowMs - rng.int(2, 30) * DAY_MS);
  }
  return { seed, org, conversationsPerDay, nowMs, idKey: hash32(seed, 'ids'), leftAtMs, explicitNulls: options.explicitNulls ?? true };
}

/** Orders conversations as the API does: conversationStart, then conversationId for ties. */
export function compareByStart(a: SimConversation, b: SimConversation): number {
  if (a.conversationStart !== b.conversationStart) return a.conversationStart < b.conversationStart ? -1 : 1;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

/**
 * All conversations generated for UTC day `dayNumber` (days since the epoch), sorted.
 * Each conversation is derived from (seed, day, index) alone, so days can be generated
 * lazily, in any order, and independently of the range the simulator serves.
 */
export function generateDay(ctx: GenContext, dayNumber: number): SimConversation[] {
  const out: SimConversation[] = [];
  for (let i = 0; i < ctx.conversationsPerDay; i++) out.push(generateConversation(ctx, dayNumber, i));
  return out.sort(compareByStart);
}

export function generateConversation(ctx: GenContext, dayNumber: number, index: number): SimConversation {
  const rng = Random.from(ctx.seed, 'conv', dayNumber, index);
  const conversationId = encodeConversationId(ctx.idKey, dayNumber, index, rng);
  const dayStart = dayNumber * DAY_MS;
  // The first conversation of every day is a midnight crosser, so each day has at least one.
  const late = rng.chance(LATE_CHANCE) || index === 0;
  const startMs = dayStart + startOffsetMs(rng, late);
  // Late starters must cross midnight: the scenario stretches its last leg to reach this.
  const minEndMs = late ? dayStart + DAY_MS + rng.int(10, 1_200) * SECOND_MS : undefined;
  const media = rng.weighted(MEDIA, MEDIA_WEIGHTS);
  const scenario: Scenario = { ctx, rng, conversationId, startMs, minEndMs, media, pickAgents: (n) => pickAgents(ctx, rng, n, dayStart) };
  const outbound = media === 'voice' && rng.chance(0.18);
  const { conversation, endMs } = outbound ? buildOutbound(scenario) : buildInbound(scenario);

  let cutMs = ctx.nowMs;
  if (startMs < ctx.nowMs && startMs >= ctx.nowMs - LIVE_WINDOW_MS && rng.chance(LIVE_CHANCE)) {
    // Still in progress: freeze it somewhere between its start and its natural end.
    const span = Math.max(SECOND_MS, Math.floor((endMs - startMs) * (0.3 + 0.6 * rng.float())));
    cutMs = Math.min(cutMs, startMs + span);
  }
  if (endMs + AFTER_CARE_MAX_MS > cutMs) truncateAt(conversation, cutMs);
  if (ctx.explicitNulls) addExplicitNulls(conversation, rng);
  return conversation;
}

/** Offset from midnight: mostly business hours, some around the clock, a few just before midnight. */
function startOffsetMs(rng: Random, late: boolean): number {
  if (late) return DAY_MS - rng.int(20, 15 * 60) * SECOND_MS;
  if (rng.chance(0.7)) return 7 * HOUR_MS + rng.int(0, 12 * HOUR_MS - 1);
  return rng.int(0, DAY_MS - 15 * MINUTE_MS);
}

/** Distinct agents, weighted so that agents who left take part mostly before they left. */
function pickAgents(ctx: GenContext, rng: Random, n: number, dayStartMs: number): SimUser[] {
  const pool = [...ctx.org.agents];
  const weights = pool.map((a) => {
    const left = ctx.leftAtMs.get(a.id);
    return left === undefined || dayStartMs < left ? 1 : LEFT_AGENT_WEIGHT;
  });
  const chosen: SimUser[] = [];
  while (chosen.length < n && pool.length > 0) {
    const agent = rng.weighted(pool, weights);
    const i = pool.indexOf(agent);
    pool.splice(i, 1);
    weights.splice(i, 1);
    chosen.push(agent);
  }
  return chosen;
}
