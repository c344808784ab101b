/**
 * Agents' status timelines (docs/genesys-api-facts.md §9): each agent's primary presence and
 * ACD routing status as one continuous, deterministic sequence of records, from two days
 * before the simulated range to the simulated now. What the users details API serves
 * (sim/user-activity-api.ts) is read from here, and so is the tests' ground truth.
 *
 * Shape of a day: an agent works one shift (day shifts start 06:00-10:00 UTC; a fifth of the
 * agents work nights, 20:00-22:00 to early next morning, so their statuses cross midnight) made
 * of ON_QUEUE blocks with breaks, a meal and the odd meeting; OFFLINE fills the time between
 * shifts, so every night's OFFLINE spans midnight, and a day off makes one span two midnights.
 * Routing status is OFF_QUEUE outside ON_QUEUE, and alternates IDLE / INTERACTING (with the
 * odd NOT_RESPONDING) inside it. The records current at `now` are open (no endTime). Agents who
 * left (inactive, deleted) stop at the time they left (GenContext.leftAtMs), their last record
 * closed there: deleted users keep their history.
 * Not modelled: INTERACTING is not derived from the agent's simulated conversations.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time.ts';
import { Random } from './prng.ts';
import type { SimUser } from './types.ts';

/** One organization presence as the presence-definitions endpoints list it. */
export interface SimPresence {
  id: string;
  name: string;
  /** As analytics records spell it (`ON_QUEUE`). */
  systemPresence: string;
  /** As the presence-definitions endpoints spell it (`OnQueue`; SDK OrganizationPresenceDefinition enum). */
  definitionPresence: string;
  /** The system presence's own definition (one per system presence). */
  primary: boolean;
  deactivated: boolean;
  /** Days before now it was deactivated: records before then may still name it. */
  deactivatedDaysAgo?: number;
}

export interface StatusRecord {
  kind: 'presence' | 'routing';
  startMs: number;
  /** Absent: the status is current (open). */
  endMs?: number;
  /** systemPresence or routingStatus, as analytics spells it. */
  value: string;
  organizationPresenceId?: string;
}

/** [analytics spelling, definitions spelling] of the ten system presences (SDK enums). */
const SYSTEM_PRESENCES: ReadonlyArray<readonly [string, string, string]> = [
  ['AVAILABLE', 'Available', 'Available'], ['AWAY', 'Away', 'Away'], ['BUSY', 'Busy', 'Busy'],
  ['OFFLINE', 'Offline', 'Offline'], ['IDLE', 'Idle', 'Idle'], ['ON_QUEUE', 'OnQueue', 'On Queue'],
  ['MEAL', 'Meal', 'Meal'], ['TRAINING', 'Training', 'Training'], ['MEETING', 'Meeting', 'Meeting'], ['BREAK', 'Break', 'Break'],
];
/** User-defined secondary presences, mapped onto a system presence; one deactivated. */
const SECONDARY_PRESENCES = [
  { name: 'Lunch at desk', system: 'MEAL' },
  { name: 'Writing emails', system: 'BUSY' },
  { name: 'Coaching', system: 'MEETING' },
  { name: 'Smoke break', system: 'BREAK', deactivatedDaysAgo: 3 },
] as const;

/** Share of agents on night shifts (their shifts cross midnight). */
const NIGHT_SHIFT_SHARE = 0.2;
const DAY_OFF_CHANCE = 1 / 7;
/** Timelines start this many days before the simulated range, so the range's first statuses began before it. */
const LEAD_IN_DAYS = 2;

export function generatePresences(seed: number): SimPresence[] {
  const rng = Random.from(seed, 'presences');
  const primaries: SimPresence[] = SYSTEM_PRESENCES.map(([system, definition, name]) => ({
    id: rng.uuid(), name, systemPresence: system, definitionPresence: definition, primary: true, deactivated: false,
  }));
  const secondaries: SimPresence[] = SECONDARY_PRESENCES.map((s) => ({
    id: rng.uuid(), name: s.name, systemPresence: s.system,
    definitionPresence: SYSTEM_PRESENCES.find(([system]) => system === s.system)![1],
    primary: false,
    deactivated: 'deactivatedDaysAgo' in s,
    ...('deactivatedDaysAgo' in s ? { deactivatedDaysAgo: s.deactivatedDaysAgo } : {}),
  }));
  return [...primaries, ...secondaries];
}

export interface TimelineContext {
  seed: number;
  agents: readonly SimUser[];
  presences: readonly SimPresence[];
  /** First day of the simulated range (days since the epoch). */
  firstDay: number;
  nowMs: number;
  /** When inactive and deleted agents left. */
  leftAtMs: ReadonlyMap<string, number>;
}

/** Every agent's records (presence and routing, each sorted by start), built once on first use. */
export class ActivityTimelines {
  private cache: Map<string, StatusRecord[]> | undefined;

  constructor(readonly ctx: TimelineContext) {}

  /** Agents with a timeline, by user id (sorted). */
  userIds(): string[] {
    return [...this.all().keys()].sort();
  }

  records(userId: string): readonly StatusRecord[] {
    return this.all().get(userId) ?? [];
  }

  private all(): Map<string, StatusRecord[]> {
    this.cache ??= new Map(this.ctx.agents.map((agent, i) => [agent.id, buildTimeline(this.ctx, agent, i)]));
    return this.cache;
  }
}

interface Block {
  startMs: number;
  endMs: number;
  presence: SimPresence;
}

function buildTimeline(ctx: TimelineContext, agent: SimUser, index: number): StatusRecord[] {
  const leftAtMs = ctx.leftAtMs.get(agent.id);
  const endMs = Math.min(ctx.nowMs, leftAtMs ?? Infinity);
  const night = Random.from(ctx.seed, 'activity-shift', agent.id).chance(NIGHT_SHIFT_SHARE) || index % 5 === 4;
  // An agent who left before the range still has the days before leaving: deleted users keep a history.
  const firstDay = Math.min(ctx.firstDay, leftAtMs === undefined ? Infinity : Math.floor(leftAtMs / DAY_MS)) - LEAD_IN_DAYS;
  const blocks: Block[] = [];
  const offline = primaryOf(ctx.presences, 'OFFLINE');
  let cursor = firstDay * DAY_MS;
  for (let day = firstDay; day * DAY_MS < endMs; day++) {
    const rng = Random.from(ctx.seed, 'activity', agent.id, day);
    if (rng.chance(DAY_OFF_CHANCE)) continue;
    const shiftStart = day * DAY_MS + (night ? rng.int(20 * 60, 22 * 60) : rng.int(6 * 60, 10 * 60)) * MINUTE_MS;
    blocks.push({ startMs: cursor, endMs: shiftStart, presence: offline });
    cursor = shiftBlocks(ctx, rng, shiftStart, blocks);
  }
  blocks.push({ startMs: cursor, endMs: Infinity, presence: offline });
  const presence = blocks.map((b): StatusRecord => ({ kind: 'presence', startMs: b.startMs, endMs: b.endMs, value: b.presence.systemPresence, organizationPresenceId: b.presence.id }));
  const routing = routingFor(ctx, agent.id, blocks);
  return [...clip(presence, endMs, ctx.nowMs), ...clip(routing, endMs, ctx.nowMs)];
}

/** Appends one shift's blocks from `startMs`; returns when the shift ended. */
function shiftBlocks(ctx: TimelineContext, rng: Random, startMs: number, out: Block[]): number {
  const shiftEnd = startMs + rng.int(8 * 60, 9 * 60 + 30) * MINUTE_MS;
  const mealAt = startMs + 4 * HOUR_MS;
  let t = startMs;
  let meal = false;
  const push = (minutes: number, presence: SimPresence) => {
    const end = Math.min(shiftEnd, t + minutes * MINUTE_MS);
    out.push({ startMs: t, endMs: end, presence });
    t = end;
  };
  push(rng.int(2, 10), primaryOf(ctx.presences, 'AVAILABLE'));
  while (t < shiftEnd) {
    push(rng.int(50, 150), primaryOf(ctx.presences, 'ON_QUEUE'));
    if (t >= shiftEnd) break;
    if (!meal && t >= mealAt) {
      meal = true;
      push(rng.int(30, 45), rng.chance(0.3) ? secondaryOf(ctx.presences, 'MEAL') : primaryOf(ctx.presences, 'MEAL'));
    } else {
      push(rng.int(10, 20), pickPause(ctx, rng, t));
    }
  }
  return shiftEnd;
}

/** A short pause: a break (the deactivated secondary before it was deactivated), a meeting, emails, training. */
function pickPause(ctx: TimelineContext, rng: Random, atMs: number): SimPresence {
  const roll = rng.float();
  if (roll < 0.15) return primaryOf(ctx.presences, rng.chance(0.5) ? 'MEETING' : 'TRAINING');
  if (roll < 0.25) return secondaryOf(ctx.presences, rng.chance(0.5) ? 'BUSY' : 'MEETING');
  const retired = ctx.presences.find((p) => p.deactivatedDaysAgo !== undefined);
  if (retired && roll < 0.45 && atMs < ctx.nowMs - retired.deactivatedDaysAgo! * DAY_MS) return retired;
  return primaryOf(ctx.presences, 'BREAK');
}

/** Routing statuses under the presence blocks: OFF_QUEUE outside ON_QUEUE (merged), IDLE/INTERACTING inside. */
function routingFor(ctx: TimelineContext, userId: string, blocks: readonly Block[]): StatusRecord[] {
  const out: StatusRecord[] = [];
  const push = (startMs: number, endMs: number, value: string) => {
    const last = out.at(-1);
    if (last && last.value === value && last.endMs === startMs) last.endMs = endMs;
    else out.push({ kind: 'routing', startMs, endMs, value });
  };
  for (const block of blocks) {
    if (block.presence.systemPresence !== 'ON_QUEUE') {
      push(block.startMs, block.endMs, 'OFF_QUEUE');
      continue;
    }
    const rng = Random.from(ctx.seed, 'routing', userId, block.startMs);
    let t = block.startMs;
    let interacting = false;
    while (t < block.endMs) {
      const value = interacting ? 'INTERACTING' : rng.chance(0.06) ? 'NOT_RESPONDING' : 'IDLE';
      const minutes = value === 'INTERACTING' ? rng.int(3, 15) : value === 'NOT_RESPONDING' ? 1 : rng.int(1, 8);
      const end = Math.min(block.endMs, t + minutes * MINUTE_MS);
      push(t, end, value);
      t = end;
      interacting = !interacting;
    }
  }
  return out;
}

/** Drops what starts at or after `endMs`; the record running at `endMs` is open if that is now, else closed there. */
function clip(records: readonly StatusRecord[], endMs: number, nowMs: number): StatusRecord[] {
  const out: StatusRecord[] = [];
  for (const r of records) {
    if (r.startMs >= endMs) break;
    if (r.endMs === undefined || r.endMs >= endMs) {
      const { endMs: _dropped, ...rest } = r;
      out.push(endMs >= nowMs ? rest : { ...rest, endMs });
      break;
    }
    out.push(r);
  }
  return out;
}

function primaryOf(presences: readonly SimPresence[], system: string): SimPresence {
  return presences.find((p) => p.primary && p.systemPresence === system)!;
}

function secondaryOf(presences: readonly SimPresence[], system: string): SimPresence {
  return presences.find((p) => !p.primary && !p.deactivated && p.systemPresence === system) ?? primaryOf(presences, system);
}
