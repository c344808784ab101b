/**
 * The conversations a run has already written, so one seen again (on a later page, through
 * another agent group) is not written twice. Ids are kept per UTC day of the conversation's
 * start, and a day's ids are dropped once every window touching that day has finished: a
 * conversation is only ever delivered by windows containing its start (the run re-filters
 * on start time), so nothing can bring it back. This keeps memory flat on a backfill of
 * months instead of growing by ~100 bytes per conversation.
 */
import { DAY_MS } from '../time.ts';
import type { Window } from '../decisions/windows.ts';

type Dated = { conversationId: string; conversationStart: string };

const dayOf = (c: Dated): number => Math.floor(Date.parse(c.conversationStart) / DAY_MS);

function daysOf(w: Window): number[] {
  const days: number[] = [];
  for (let d = Math.floor(w.start.getTime() / DAY_MS); d * DAY_MS < w.end.getTime(); d++) days.push(d);
  return days;
}

export class SeenConversations {
  private readonly idsByDay = new Map<number, Set<string>>();
  private readonly openWindowsByDay = new Map<number, number>();

  /** A window that may still deliver conversations (call for each planned window and split part). */
  open(window: Window): void {
    for (const d of daysOf(window)) this.openWindowsByDay.set(d, (this.openWindowsByDay.get(d) ?? 0) + 1);
  }

  /** The window will deliver nothing more (done, failed or split). */
  close(window: Window): void {
    for (const d of daysOf(window)) {
      const left = (this.openWindowsByDay.get(d) ?? 1) - 1;
      if (left > 0) {
        this.openWindowsByDay.set(d, left);
      } else {
        this.openWindowsByDay.delete(d);
        this.idsByDay.delete(d);
      }
    }
  }

  has(c: Dated): boolean {
    return this.idsByDay.get(dayOf(c))?.has(c.conversationId) ?? false;
  }

  add(c: Dated): void {
    const d = dayOf(c);
    let ids = this.idsByDay.get(d);
    if (!ids) this.idsByDay.set(d, (ids = new Set()));
    ids.add(c.conversationId);
  }

  /** Forgets conversations whose write failed, so another window may still write them. */
  delete(c: Dated): void {
    this.idsByDay.get(dayOf(c))?.delete(c.conversationId);
  }

  /** Ids held now (for tests and memory checks). */
  get size(): number {
    let n = 0;
    for (const ids of this.idsByDay.values()) n += ids.size;
    return n;
  }
}
