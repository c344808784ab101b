/**
 * The simulated org and checkpoints of the memory benchmarks (bench/memory.ts in-process,
 * bench/memory-cli.ts on the production entry): one set of flags and defaults, and one verdict
 * against the target, so both measure and judge the same backfill.
 */
import { fmtInt, mb } from './run-info.ts';
export const BACKFILL_FLAG_OPTIONS = {
  agents: { type: 'string' },
  days: { type: 'string' },
  'per-day': { type: 'string' },
  seed: { type: 'string' },
  checkpoints: { type: 'string' },
  /** At least this many conversations stored: sets --days from --per-day (and the checkpoints, unless given). */
  conversations: { type: 'string' },
  quick: { type: 'boolean', default: false },
} as const;

export interface BackfillFlags {
  agents?: string | undefined;
  days?: string | undefined;
  'per-day'?: string | undefined;
  seed?: string | undefined;
  checkpoints?: string | undefined;
  conversations?: string | undefined;
  quick?: boolean | undefined;
}

const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number.parseInt(v, 10));

/**
 * Share of the generated conversations a backfill of all agents stores (the rest have no agent
 * of the org: 209,050 of 221,000 in the default org), with a margin: --conversations plans
 * enough days to store at least that many.
 */
const STORED_SHARE = 0.93;
/** The curve docs/performance.md records (issue 20), as far as the run goes. */
const CURVE = [100_000, 250_000, 500_000, 1_000_000, 2_000_000];

/** Days of `perDay` conversations that store at least `conversations`, plus the last day (read through the query, or not at all). */
function daysFor(conversations: number, perDay: number): number {
  return Math.ceil(conversations / (perDay * STORED_SHARE)) + 1;
}

/** The curve's points up to `conversations`, or a quarter and all of a smaller run. */
function curveTo(conversations: number): number[] {
  const points = CURVE.filter((c) => c <= conversations);
  return points.length >= 2 ? points : [Math.round(conversations / 4), conversations];
}

/** 100 agents × 26 days × 8,500/day (--quick: 6 days × 5,000; --conversations: as many days as that takes), checkpoints ascending. */
export function backfillConfig(flags: BackfillFlags) {
  const quick = flags.quick ?? false;
  const perDay = int(flags['per-day'], quick ? 5000 : 8500);
  const target = flags.conversations === undefined ? undefined : int(flags.conversations, 0);
  const checkpoints = flags.checkpoints ?? (target !== undefined ? curveTo(target).join(',') : quick ? '10000,25000' : '50000,200000');
  return {
    quick,
    agents: int(flags.agents, 100),
    days: target !== undefined && flags.days === undefined ? daysFor(target, perDay) : int(flags.days, quick ? 6 : 26),
    perDay,
    seed: int(flags.seed, 1),
    checkpoints: checkpoints.split(',').map(Number).sort((a, b) => a - b),
  };
}

/** The memory target (issue 20; 250 MB in issue 12): peak RSS at most 200 MB, flat from the first checkpoint to the last. */
const LIMIT_BYTES = 200 * 2 ** 20;
const FLAT_RATIO = 1.1;

/** The peak through each checkpoint, the ratio last / first, and whether the target is met. */
export function memoryVerdict(checkpoints: ReadonlyArray<{ at: number; peak: number }>, peak: number, planned: readonly number[]): string {
  let out = '';
  for (const c of checkpoints) out += `peak RSS through ${fmtInt(c.at).padStart(9)} conversations: ${mb(c.peak)}\n`;
  if (checkpoints.length < 2) return `${out}only ${checkpoints.length} checkpoint(s) reached: the org is too small for ${planned.join(', ')}\n`;
  const a = checkpoints[0]!;
  const b = checkpoints[checkpoints.length - 1]!;
  const ratio = b.peak / a.peak;
  out += `ratio ${fmtInt(b.at)} / ${fmtInt(a.at)}: ${ratio.toFixed(2)} (flat means ~1.0)\n`;
  out += `target ≤ 200 MB: ${peak <= LIMIT_BYTES ? 'MET' : `MISSED by ${mb(peak - LIMIT_BYTES)}`}; flat: ${ratio <= FLAT_RATIO ? 'MET' : `MISSED (+${((ratio - 1) * 100).toFixed(0)}%)`}\n`;
  return out;
}
