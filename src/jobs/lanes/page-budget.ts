/**
 * How many job results pages the process holds at once, across every window a jobs lane reads.
 * A results page is up to 1,000 conversations, tens of MB once parsed; with a page prefetched per
 * window and two windows reading, four pages at once took the worker past its memory target
 * (docs/performance.md). A slot is taken before a page is requested and given back once the page
 * is written (or dropped), so a page is prefetched only while the budget allows. A window holds at
 * most two slots and never needs a third to finish its current page, so waiting cannot deadlock.
 */
export class PageBudget {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be an integer >= 1, got ${slots}`);
    this.#free = slots;
  }

  /** Resolves with the function that gives the slot back (calling it twice gives back once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(grant);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.#free += 1;
    };
  }
}
