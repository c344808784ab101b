/**
 * A fixed number of slots, handed to waiters in order of priority (lower first), then of
 * arrival. The jobs lane uses three: results pages in memory, jobs processing at Genesys, and
 * the window whose results are being downloaded (jobs-lane.ts says why each is bounded). A
 * waiter whose signal aborts leaves the queue with the signal's reason. `onChange`, when given,
 * is told whenever a waiter joins the queue ('queued') or a slot is given back ('released').
 */
export class Slots {
  #free: number;
  readonly #waiting: Array<{ grant: () => void; priority: number }> = [];

  constructor(
    slots: number,
    private readonly onChange: (change: 'queued' | 'released') => void = () => {},
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be an integer >= 1, got ${slots}`);
    this.#free = slots;
  }

  /** Slots free now (none is free while anyone waits). */
  get available(): number {
    return this.#free;
  }

  /** Waiters queued now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with the function that gives the slot back (calling it twice gives back once). */
  async acquire(signal?: AbortSignal, priority = 0): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        priority,
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(waiter);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Few waiters (a handful of windows): a sorted insert is plenty.
      let at = this.#waiting.findIndex((w) => w.priority > priority);
      if (at < 0) at = this.#waiting.length;
      this.#waiting.splice(at, 0, waiter);
      this.onChange('queued');
    });
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.#waiting.shift();
      if (next) next.grant(); // the slot passes straight to the next waiter
      else this.#free += 1;
      this.onChange('released');
    };
  }
}
