import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './time.ts';

const UNIT_MS: Record<string, number> = { w: 7 * DAY_MS, d: DAY_MS, h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS };

/**
 * The longest delay Node's timers honour (2^31 − 1 ms, about 24.8 days). A longer one is not
 * clamped: Node warns and fires after 1 ms, so a duration meant for setTimeout must stay below it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Parses a human duration such as `7d`, `36h`, `90m`, `1d12h` or `45s` into milliseconds.
 * Returns undefined for anything else, so callers can name the offending variable or flag.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(?:\.\d+)?[wdhms])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)([wdhms])/g)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  // Rounded before the check: "0.0001s" would otherwise be a zero-length wait (a busy loop).
  const ms = Math.round(total);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Formats milliseconds compactly for summaries: `1h 02m`, `3.4s`, `120ms`. */
export function formatDuration(ms: number): string {
  if (ms < SECOND_MS) return `${Math.round(ms)}ms`;
  if (ms < MINUTE_MS) return `${(ms / SECOND_MS).toFixed(1)}s`;
  const hours = Math.floor(ms / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  const seconds = Math.floor((ms % MINUTE_MS) / SECOND_MS);
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}
