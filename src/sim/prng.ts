/**
 * Seeded randomness for the simulator. Everything the simulator generates derives from
 * these helpers so that the same seed always yields the same org and conversations.
 */

/** 32-bit string/number hash (FNV-1a plus a final avalanche), used to derive sub-seeds. */
export function hash32(...parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : `$${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  // murmur3 finaliser: FNV alone mixes short inputs poorly.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough for test data (not for anything secret). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** '00'..'ff': table lookup is much cheaper than Number#toString(16) in generation hot paths. */
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Convenience wrapper over mulberry32. */
export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Derives an independent generator, so adding draws in one place does not shift another. */
  static from(...parts: readonly (number | string)[]): Random {
    return new Random(hash32(...parts));
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by relative weight; weights must not all be zero. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += HEX_BYTES[Math.floor(this.next() * 256)] as string;
    return out.length === length ? out : out.slice(0, length);
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

const HALF_BITS = 24;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUNDS = 4;

/*
 * Conversation ids carry their (UTC day, index within day) in the last 12 hex digits,
 * scrambled by a keyed Feistel permutation so they still look random. This lets the
 * simulator find any conversation by id in O(1) (for mutations) without keeping an
 * id index of the whole range in memory.
 */
function feistel(left: number, right: number, key: number, decode: boolean): [number, number] {
  let l = left;
  let r = right;
  for (let i = 0; i < ROUNDS; i++) {
    const k = hash32(key, decode ? ROUNDS - 1 - i : i);
    if (decode) {
      const prevR = l;
      l = (r ^ (hash32(l, k) & HALF_MASK)) & HALF_MASK;
      r = prevR;
    } else {
      const prevL = r;
      r = (l ^ (hash32(r, k) & HALF_MASK)) & HALF_MASK;
      l = prevL;
    }
  }
  return [l, r];
}

/** Builds a UUID whose tail encodes (dayNumber, index); `rng` supplies the random head. */
export function encodeConversationId(key: number, dayNumber: number, index: number, rng: Random): string {
  if (dayNumber < 0 || dayNumber > HALF_MASK || index < 0 || index > HALF_MASK) {
    throw new RangeError(`cannot encode day ${dayNumber} / index ${index}`);
  }
  const [l, r] = feistel(dayNumber, index, key, false);
  const head = rng.uuid().slice(0, 24);
  return `${head}${l.toString(16).padStart(6, '0')}${r.toString(16).padStart(6, '0')}`;
}

/** Inverse of encodeConversationId; undefined when the id is not UUID-shaped. */
export function decodeConversationId(key: number, id: string): { dayNumber: number; index: number } | undefined {
  const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{6})([0-9a-f]{6})$/i.exec(id);
  if (!m) return undefined;
  const [l, r] = feistel(parseInt(m[1] as string, 16), parseInt(m[2] as string, 16), key, true);
  return { dayNumber: l, index: r };
}
