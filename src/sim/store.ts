import { DAY_MS } from '../time.ts';
import { generateConversation, generateDay, type GenContext } from './generate.ts';
import { decodeConversationId } from './prng.ts';
import type { SimConversation } from './types.ts';

/**
 * Generated conversations kept in memory (whole days, at least two). A conversation takes
 * roughly 10 KB of heap, so this bounds the cache near 200 MB whatever the volume per day.
 */
const CACHE_CONVERSATIONS = 20_000;
const MIN_CACHE_DAYS = 2;

export const dayNumberOf = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * The simulator's data: conversations that started in [startMs, endMs), generated one
 * UTC day at a time on demand (small LRU), with mutations kept as whole-conversation
 * overrides. Nothing ever holds the full range, so benchmarks can use 200k+ conversations.
 */
export class ConversationStore {
  /** Bumped on every mutation; query caches key on it. */
  version = 0;
  daysGenerated = 0;
  private readonly cache = new Map<number, SimConversation[]>();
  private readonly overrides = new Map<string, SimConversation>();
  /** Conversations erased upstream (a GDPR erasure, Genesys' nightly reprocessing): no API returns them. */
  private readonly erased = new Set<string>();

  constructor(
    readonly ctx: GenContext,
    readonly startMs: number,
    readonly endMs: number,
    private readonly cacheDays = Math.max(MIN_CACHE_DAYS, Math.floor(CACHE_CONVERSATIONS / Math.max(1, ctx.conversationsPerDay))),
  ) {}

  get firstDay(): number {
    return dayNumberOf(this.startMs);
  }

  /** Last day holding data (inclusive). */
  get lastDay(): number {
    return dayNumberOf(this.endMs - 1);
  }

  /** Current (mutated) conversations of one UTC day that fall in range, in API order. */
  day(dayNumber: number): readonly SimConversation[] {
    const base = this.base(dayNumber);
    if (this.overrides.size === 0 && this.erased.size === 0) return base;
    return base.filter((c) => !this.erased.has(c.conversationId)).map((c) => this.overrides.get(c.conversationId) ?? c);
  }

  /** The current version of the `index`-th conversation of a day (see `day`). */
  at(dayNumber: number, index: number): SimConversation {
    const c = this.erased.size === 0 ? this.base(dayNumber)[index] : this.day(dayNumber)[index];
    if (!c) throw new RangeError(`no conversation ${index} on day ${dayNumber}`);
    return this.overrides.get(c.conversationId) ?? c;
  }

  /** Generated (unmutated) conversations of a day in range; positions are stable across regenerations. */
  private base(dayNumber: number): readonly SimConversation[] {
    if (dayNumber < this.firstDay || dayNumber > this.lastDay) return [];
    let base = this.cache.get(dayNumber);
    if (base) {
      this.cache.delete(dayNumber); // re-insert: Map order doubles as LRU order
    } else {
      base = generateDay(this.ctx, dayNumber).filter((c) => this.inRange(Date.parse(c.conversationStart)));
      this.daysGenerated++;
      if (this.cache.size >= this.cacheDays) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    this.cache.set(dayNumber, base);
    return base;
  }

  /** Conversations whose start is in [fromMs, toMs), clipped to the simulated range. */
  between(fromMs: number, toMs: number): SimConversation[] {
    const out: SimConversation[] = [];
    if (toMs <= fromMs) return out;
    const first = Math.max(dayNumberOf(fromMs), this.firstDay);
    const last = Math.min(dayNumberOf(toMs - 1), this.lastDay);
    for (let d = first; d <= last; d++) {
      for (const c of this.day(d)) {
        const t = Date.parse(c.conversationStart);
        if (t >= fromMs && t < toMs) out.push(c);
      }
    }
    return out;
  }

  /** Finds any conversation of the range by id in O(1) (the id encodes its day and index). */
  get(conversationId: string): SimConversation | undefined {
    if (this.erased.has(conversationId)) return undefined;
    const override = this.overrides.get(conversationId);
    if (override) return override;
    const where = decodeConversationId(this.ctx.idKey, conversationId);
    if (!where || where.index >= this.ctx.conversationsPerDay) return undefined;
    if (where.dayNumber < this.firstDay || where.dayNumber > this.lastDay) return undefined;
    const c = generateConversation(this.ctx, where.dayNumber, where.index);
    if (c.conversationId !== conversationId || !this.inRange(Date.parse(c.conversationStart))) return undefined;
    return c;
  }

  /** Replaces a conversation with a mutated copy (never mutate what `get`/`day` return). */
  put(conversation: SimConversation): void {
    this.overrides.set(conversation.conversationId, conversation);
    this.version++;
  }

  /** Erases a conversation upstream (true), or brings it back (false). */
  setErased(conversationId: string, erased: boolean): void {
    if (erased) this.erased.add(conversationId);
    else this.erased.delete(conversationId);
    this.version++;
  }

  private inRange(ms: number): boolean {
    return ms >= this.startMs && ms < this.endMs;
  }
}
