import { DAY_MS } from '../time.ts';
import { addMatches, buildDayIndex, positionsBetween, type DayIndex } from './day-index.ts';
import { generateConversation, generateDay, type GenContext } from './generate.ts';
import { decodeConversationId } from './prng.ts';
import type { SimConversation } from './types.ts';

/**
 * Generated conversations kept in memory (whole days, at least two). A conversation takes
 * roughly 10 KB of heap, so this bounds the cache near 200 MB whatever the volume per day.
 */
const CACHE_CONVERSATIONS = 20_000;
const MIN_CACHE_DAYS = 2;
/** Conversations whose compact index (day-index.ts, ~20 bytes each) is kept: ~60 MB, 60 days of 50,000. */
const INDEX_CONVERSATIONS = 3_000_000;
const MIN_INDEX_DAYS = 8;

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
  /** Compact indexes of days (day-index.ts), LRU like the cache, and the ones being built. */
  private readonly indexes = new Map<number, DayIndex>();
  private readonly indexing = new Map<string, Promise<void>>();

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
    const c = this.erased.size === 0 ? this.baseAt(dayNumber, index) : this.day(dayNumber)[index];
    if (!c) throw new RangeError(`no conversation ${index} on day ${dayNumber}`);
    return this.overrides.get(c.conversationId) ?? c;
  }

  /**
   * `base(dayNumber)[index]`: from the cached day, else regenerated alone from the day's index
   * (a results page of 1,000 then costs 1,000 records, not the day's 50,000).
   */
  private baseAt(dayNumber: number, index: number): SimConversation | undefined {
    const compact = this.cache.has(dayNumber) ? undefined : this.indexes.get(dayNumber);
    if (!compact) return this.base(dayNumber)[index];
    const i = compact.order[index];
    return i === undefined ? undefined : generateConversation(this.ctx, dayNumber, i);
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
      const compact = this.indexable && !this.cache.has(d) ? this.indexes.get(d) : undefined;
      if (compact) {
        // Only the range's records, one at a time: an hour of a large day, not all of it.
        const { lo, hi } = positionsBetween(compact, fromMs, toMs);
        for (let k = lo; k < hi; k++) out.push(generateConversation(this.ctx, d, compact.order[k]!));
        continue;
      }
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

  /** Whether indexes describe what is served: no conversation is mutated or erased (tests do that on small orgs). */
  get indexable(): boolean {
    return this.overrides.size === 0 && this.erased.size === 0;
  }

  /**
   * Conversations the whole-day path would generate to match `days` (those in range): above a
   * few thousand, requests match through the day indexes instead, whether or not they are built
   * yet (a request that finds them built must not fall back to generating whole days).
   */
  matchWork(days: readonly number[]): number {
    return days.filter((d) => d >= this.firstDay && d <= this.lastDay).length * this.ctx.conversationsPerDay;
  }

  /**
   * The indexes of `days` (those in range), each with the matches of filter set `key`, built
   * without blocking the event loop for long (day-index.ts). A day two requests need is built once.
   */
  async matchIndex(days: readonly number[], key: string, match: (c: SimConversation) => boolean): Promise<Map<number, DayIndex>> {
    const out = new Map<number, DayIndex>();
    for (const d of days) {
      if (d < this.firstDay || d > this.lastDay) continue;
      const job = `${d}|${key}`;
      let building = this.indexing.get(job);
      if (!building && !this.indexes.get(d)?.matches.has(key)) {
        building = this.indexDay(d, key, match).finally(() => this.indexing.delete(job));
        this.indexing.set(job, building);
      }
      await building;
      const index = this.indexes.get(d);
      if (!index?.matches.has(key)) throw new Error(`day ${d} lost its index while it was read`);
      out.set(d, index);
    }
    return out;
  }

  private async indexDay(d: number, key: string, match: (c: SimConversation) => boolean): Promise<void> {
    const known = this.indexes.get(d);
    if (known) return addMatches(this.ctx, d, known, key, match);
    const index = await buildDayIndex(this.ctx, d, (ms) => this.inRange(ms), key, match);
    const keep = Math.max(MIN_INDEX_DAYS, Math.floor(INDEX_CONVERSATIONS / Math.max(1, this.ctx.conversationsPerDay)));
    if (this.indexes.size >= keep) this.indexes.delete(this.indexes.keys().next().value!);
    this.indexes.set(d, index);
  }

  private inRange(ms: number): boolean {
    return ms >= this.startMs && ms < this.endMs;
  }
}
