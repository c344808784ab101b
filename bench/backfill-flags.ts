/**
 * The simulated org and checkpoints of the memory benchmarks (bench/memory.ts in-process,
 * bench/memory-cli.ts on the production entry): one set of flags and defaults, so both measure
 * the same backfill.
 */
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
