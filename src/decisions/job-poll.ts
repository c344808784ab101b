/**
 * How long to wait before polling a details job again: `initialMs`, doubling per poll up to
 * `maxMs`. Jobs take seconds to minutes (their queue time is Genesys'), so early polls catch
 * small jobs quickly and later ones stop spending the shared request budget on waiting.
 */
export function nextPollDelayMs(poll: number, initialMs: number, maxMs: number): number {
  if (!Number.isInteger(poll) || poll < 1) throw new RangeError(`poll must be an integer >= 1, got ${poll}`);
  return Math.max(0, Math.min(maxMs, initialMs * 2 ** Math.min(poll - 1, 30)));
}
