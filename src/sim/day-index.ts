import { generateConversation, type GenContext } from './generate.ts';
import type { SimConversation } from './types.ts';

/*
 * A generated day in compact form: the API order of its conversations and their start and end,
 * a few bytes each, instead of the records (~17 KB of heap each: a 50,000-conversation day is
 * ~850 MB). Built by generating the day's conversations one at a time, in slices that yield to
 * the event loop, so a 31-day details job or query over a large org does not stop the server
 * for minutes; a record is then regenerated from its position alone (`order`), which is cheap.
 * Which conversations a filter set matches is kept per filter set (a bit each), so the jobs and
 * the query of a backfill, which send the same filters, match each day once.
 */

export interface DayIndex {
  /** order[k]: the generation index of the day's k-th conversation in API order (in range only). */
  readonly order: Int32Array;
  /** Epoch ms of each conversation's start, in API order. */
  readonly startMs: Float64Array;
  /** Epoch ms of each conversation's end, in API order; Infinity while it is live. */
  readonly endMs: Float64Array;
  /** Per filter-set key: 1 where the k-th conversation matches. */
  readonly matches: Map<string, Uint8Array>;
}

/** Conversations generated between two yields to the event loop (~100 ms at 50 µs each). */
const SLICE = 2_000;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Calls `visit(i)` for i in [0, n), yielding to the event loop every SLICE calls. */
async function sliced(n: number, visit: (i: number) => void): Promise<void> {
  for (let from = 0; from < n; from += SLICE) {
    const to = Math.min(n, from + SLICE);
    for (let i = from; i < to; i++) visit(i);
    if (to < n) await yieldToLoop();
  }
}

/**
 * Indexes a day: its conversations in the order `generateDay` sorts them (conversationStart,
 * then conversationId: the same comparisons on the same strings), kept if `inRange(startMs)`,
 * with `match` evaluated on each under `key`.
 */
export async function buildDayIndex(ctx: GenContext, dayNumber: number, inRange: (ms: number) => boolean, key: string, match: (c: SimConversation) => boolean): Promise<DayIndex> {
  const n = ctx.conversationsPerDay;
  const starts: string[] = new Array<string>(n);
  const ids: string[] = new Array<string>(n);
  const ends = new Float64Array(n);
  const matched = new Uint8Array(n);
  await sliced(n, (i) => {
    const c = generateConversation(ctx, dayNumber, i);
    starts[i] = c.conversationStart;
    ids[i] = c.conversationId;
    ends[i] = c.conversationEnd === undefined ? Infinity : Date.parse(c.conversationEnd);
    matched[i] = match(c) ? 1 : 0;
  });
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    if (starts[a] !== starts[b]) return starts[a]! < starts[b]! ? -1 : 1;
    return ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0;
  }).filter((i) => inRange(Date.parse(starts[i]!)));
  const order = Int32Array.from(sorted);
  const index: DayIndex = {
    order,
    startMs: Float64Array.from(sorted, (i) => Date.parse(starts[i]!)),
    endMs: Float64Array.from(sorted, (i) => ends[i]!),
    matches: new Map([[key, Uint8Array.from(sorted, (i) => matched[i]!)]]),
  };
  return index;
}

/** Adds the matches of another filter set to an index (regenerating the day's records one at a time). */
export async function addMatches(ctx: GenContext, dayNumber: number, index: DayIndex, key: string, match: (c: SimConversation) => boolean): Promise<void> {
  const bits = new Uint8Array(index.order.length);
  await sliced(bits.length, (k) => {
    bits[k] = match(generateConversation(ctx, dayNumber, index.order[k]!)) ? 1 : 0;
  });
  index.matches.set(key, bits);
}

/** Positions k of the index with fromMs <= startMs[k] < toMs (startMs ascends). */
export function positionsBetween(index: DayIndex, fromMs: number, toMs: number): { lo: number; hi: number } {
  const first = (ms: number) => {
    let lo = 0;
    let hi = index.startMs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index.startMs[mid]! < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { lo: first(fromMs), hi: Math.max(first(fromMs), first(toMs)) };
}
