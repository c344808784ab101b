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
  quick: { type: 'boolean', default: false },
} as const;

export interface BackfillFlags {
  agents?: string | undefined;
  days?: string | undefined;
  'per-day'?: string | undefined;
  seed?: string | undefined;
  checkpoints?: string | undefined;
  quick?: boolean | undefined;
}

const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number.parseInt(v, 10));

/** 100 agents × 26 days × 8,500/day (--quick: 6 days × 5,000), checkpoints ascending. */
export function backfillConfig(flags: BackfillFlags) {
  const quick = flags.quick ?? false;
  return {
    quick,
    agents: int(flags.agents, 100),
    days: int(flags.days, quick ? 6 : 26),
    perDay: int(flags['per-day'], quick ? 5000 : 8500),
    seed: int(flags.seed, 1),
    checkpoints: (flags.checkpoints ?? (quick ? '10000,25000' : '50000,200000')).split(',').map(Number).sort((a, b) => a - b),
  };
}

/** The memory target (issue 12): peak RSS under 250 MB, flat from the first checkpoint to the last. */
const LIMIT_BYTES = 250 * 2 ** 20;
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
  out += `target < 250 MB: ${peak < LIMIT_BYTES ? 'MET' : `MISSED by ${mb(peak - LIMIT_BYTES)}`}; flat: ${ratio <= FLAT_RATIO ? 'MET' : `MISSED (+${((ratio - 1) * 100).toFixed(0)}%)`}\n`;
  return out;
}
