/**
 * The records a run has already written, so one seen again (on a later page, through another
 * agent group) is not written twice. Ids are kept per UTC day of the record's time, and a
 * day's ids are dropped once every window touching that day has finished: a record is only
 * ever delivered by windows containing its time (the runner re-filters on it), so nothing can
 * bring it back. This keeps memory flat on a backfill of
 * months instead of growing by ~100 bytes per record.
 */
import { DAY_MS } from '../time.ts';
import type { Window } from '../decisions/windows.ts';

/** A record's key and time (a StreamRecord, or the part of one the runner remembers). */
type Dated = { readonly id: string; readonly timeMs: number };

const dayOf = (c: Dated): number => Math.floor(c.timeMs / DAY_MS);

function daysOf(w: Window): number[] {
  const days: number[] = [];
  for (let d = Math.floor(w.start.getTime() / DAY_MS); d * DAY_MS < w.end.getTime(); d++) days.push(d);
  return days;
}

export class SeenRecords {
  private readonly idsByDay = new Map<number, Set<string>>();
  private readonly openWindowsByDay = new Map<number, number>();

  /** A window that may still deliver records (call for each planned window and split part). */
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
    return this.idsByDay.get(dayOf(c))?.has(c.id) ?? false;
  }

  add(c: Dated): void {
    const d = dayOf(c);
    let ids = this.idsByDay.get(d);
    if (!ids) this.idsByDay.set(d, (ids = new Set()));
    ids.add(c.id);
  }

  /** Forgets records whose write failed, so another window may still write them. */
  delete(c: Dated): void {
    this.idsByDay.get(dayOf(c))?.delete(c.id);
  }

  /** Ids held now (for tests and memory checks). */
  get size(): number {
    let n = 0;
    for (const ids of this.idsByDay.values()) n += ids.size;
    return n;
  }
}
