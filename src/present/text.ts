/** Small text helpers shared by the screens in src/present. */
import { formatDuration } from '../duration.ts';

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
