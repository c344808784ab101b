import type { Org } from './org.ts';

/** Everything conversation generation depends on; two equal contexts give equal data. */
export interface GenContext {
  seed: number;
  org: Org;
  conversationsPerDay: number;
  nowMs: number;
  /** Key of the id permutation (see prng.ts), derived from the seed. */
  idKey: number;
  /** For inactive/deleted agents: when they stopped taking most conversations. */
  leftAtMs: ReadonlyMap<string, number>;
  /** Whether a few conversations spell absent optional fields as explicit nulls (variety.ts). */
  explicitNulls: boolean;
}
