/** Small text helpers shared by the screens in src/present and the messages the pipeline writes (health problems, catch-up notes, the backfill command to suggest); pure. */
import { formatDuration } from '../duration.ts';
import type { Range } from './coverage.ts';
import { utcDayFloor } from './windows.ts';
import { DAY_MS } from '../time.ts';

/** `2025-06-01 12:00`: minutes are enough on a screen (UTC). */
export function shortTime(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** The full ISO time and how long ago (or, for a time ahead of `now`, how far in the future). */
export function ago(d: Date, now: Date): string {
  const ms = now.getTime() - d.getTime();
  return `${d.toISOString()} (${ms >= 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(-ms)}`})`;
}

/** Whitespace collapsed and cut to `max` characters, so an error text fits one line. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "14 days", "1.5 days", or a shorter duration as formatDuration writes it. */
export function formatSpan(ms: number): string {
  if (ms < DAY_MS) return formatDuration(ms);
  const days = Math.round((ms / DAY_MS) * 10) / 10;
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** Agent lists longer than this are not spelled out in a hint (status --json and the ledger have them). */
const MAX_HINTED_AGENTS = 5;

export interface BackfillHintOptions {
  /** The agents are SYNC_AGENT_IDS: no `--agents` needed. */
  configured?: boolean;
  /** The one stream the hole is in: named with `--streams`, so the backfill reads that stream alone (and fails loudly if Genesys refuses it). */
  stream?: string;
}

/**
 * The backfill command that fills a hole: whole UTC days around it (re-syncing a few stored
 * records at its edges is harmless; every write is an idempotent upsert). With `configured`,
 * the scope is SYNC_AGENT_IDS, which a backfill uses without `--agents`.
 */
export function backfillHint(hole: Range, agentIds: readonly string[], options: BackfillHintOptions = {}): string {
  const from = new Date(utcDayFloor(hole.start.getTime())).toISOString().slice(0, 10);
  const to = new Date(Math.ceil(hole.end.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const ids = [...new Set(agentIds)].sort();
  let agents = '';
  if (ids.length > 0 && !options.configured) {
    agents = ids.length <= MAX_HINTED_AGENTS ? ` --agents ${ids.join(',')}` : ` --agents <the ${ids.length} agents of this scope>`;
  }
  const streams = options.stream === undefined ? '' : ` --streams ${options.stream}`;
  return `npm run backfill -- --from ${from} --to ${to}${agents}${streams}`;
}
