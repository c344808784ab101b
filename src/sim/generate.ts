import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../time.ts';
import { AFTER_CARE_KEYS, afterCare, type AfterCare } from './aftercare.ts';
import { addRecordDetails, setConversationMediaStats } from './details.ts';
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
/**
 * Parts of a conversation can be stamped after its end: agents' wrap-up (at most a few
 * minutes) and voice-quality stats. A conversation ending within this margin of the cut is
 * cut; after-care (aftercare.ts) is rendered as of the cut instead, however late it comes.
 */
const TAIL_MS = 2 * HOUR_MS;
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
  const { conversation, endMs, care, cutMs, rng } = buildConversation(ctx, dayNumber, index);
  if (endMs + TAIL_MS > cutMs) truncateAt(conversation, cutMs);
  setConversationMediaStats(conversation);
  if (care) Object.assign(conversation, afterCare(careStream(ctx, dayNumber, index), care, cutMs));
  if (ctx.explicitNulls) addExplicitNulls(conversation, rng);
  return conversation;
}

/**
 * The evaluations, surveys and resolutions of a conversation as they stand at `asOfMs`: the
 * same timeline generation rendered as of now, read later (see aftercare.ts). Every key is
 * present, undefined when the conversation has none of that kind by then. Undefined for a
 * conversation that is still live at the simulated now, whose after-care has not begun.
 */
export function afterCareAt(ctx: GenContext, dayNumber: number, index: number, asOfMs: number): Required<Record<keyof AfterCare, Record<string, unknown>[] | undefined>> | undefined {
  const { endMs, care, cutMs } = buildConversation(ctx, dayNumber, index);
  if (endMs > cutMs) return undefined;
  const rendered = care ? afterCare(careStream(ctx, dayNumber, index), care, asOfMs) : {};
  return Object.fromEntries(AFTER_CARE_KEYS.map((key) => [key, rendered[key]])) as Required<Record<keyof AfterCare, Record<string, unknown>[] | undefined>>;
}

/** After-care draws from its own stream, so it can be re-rendered without rebuilding the story's draws. */
const careStream = (ctx: GenContext, dayNumber: number, index: number): Random => Random.from(ctx.seed, 'care', dayNumber, index);

/** The whole story of one conversation, before any cut: the record, its natural end, and when "now" cuts it. */
function buildConversation(ctx: GenContext, dayNumber: number, index: number) {
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
  const { conversation, endMs, care } = outbound ? buildOutbound(scenario) : buildInbound(scenario);
  // Before any cut, so a live conversation loses the details of what has not happened yet.
  addRecordDetails(conversation, Random.from(ctx.seed, 'detail', dayNumber, index), ctx.org);

  let cutMs = ctx.nowMs;
  if (startMs < ctx.nowMs && startMs >= ctx.nowMs - LIVE_WINDOW_MS && rng.chance(LIVE_CHANCE)) {
    // Still in progress: freeze it somewhere between its start and its natural end.
    const span = Math.max(SECOND_MS, Math.floor((endMs - startMs) * (0.3 + 0.6 * rng.float())));
    cutMs = Math.min(cutMs, startMs + span);
  }
  return { conversation, endMs, care, cutMs, rng };
}

/** Offset from midnight: mostly business hours, some around the clock, a few just before midnight. */
function startOffsetMs(rng: Random, late: boolean): number {
  if (late) return DAY_MS - rng.int(20, 15 * 60) * SECOND_MS;
  if (rng.chance(0.7)) return 7 * HOUR_MS + rng.int(0, 12 * HOUR_MS - 1);
  return rng.int(0, DAY_MS - 15 * MINUTE_MS);
}

/**
 * Each agent's weight on one day (1, or LEFT_AGENT_WEIGHT after they left), kept per context
 * and day: building it is O(agents), and with 1,000 agents rebuilding it for every conversation
 * was a third of the generation time.
 */
const dayWeights = new WeakMap<GenContext, Map<number, Float64Array>>();
const DAY_WEIGHTS_KEPT = 8;

function weightsOn(ctx: GenContext, dayStartMs: number): Float64Array {
  let days = dayWeights.get(ctx);
  if (!days) dayWeights.set(ctx, (days = new Map()));
  let weights = days.get(dayStartMs);
  if (!weights) {
    weights = Float64Array.from(ctx.org.agents, (a) => {
      const left = ctx.leftAtMs.get(a.id);
      return left === undefined || dayStartMs < left ? 1 : LEFT_AGENT_WEIGHT;
    });
    if (days.size >= DAY_WEIGHTS_KEPT) days.delete(days.keys().next().value!);
    days.set(dayStartMs, weights);
  }
  return weights;
}

/**
 * Distinct agents, weighted so that agents who left take part mostly before they left. The
 * same draws and the same floating-point sums, in the same order, as `rng.weighted` over the
 * pool without the agents already chosen (so the data is unchanged), without copying the pool.
 */
function pickAgents(ctx: GenContext, rng: Random, n: number, dayStartMs: number): SimUser[] {
  const agents = ctx.org.agents;
  const weights = weightsOn(ctx, dayStartMs);
  const taken = new Uint8Array(agents.length);
  const chosen: SimUser[] = [];
  while (chosen.length < n && chosen.length < agents.length) {
    const i = weightedIndex(rng, weights, taken);
    taken[i] = 1;
    chosen.push(agents[i]!);
  }
  return chosen;
}

/** `rng.weighted` over the indices not in `taken` (see Random.weighted: one draw, the last one left as fallback). */
function weightedIndex(rng: Random, weights: Float64Array, taken: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (taken[i] === 0) total += weights[i]!;
  let r = rng.float() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (taken[i] === 1) continue;
    r -= weights[i]!;
    if (r < 0) return i;
    last = i;
  }
  return last;
}
