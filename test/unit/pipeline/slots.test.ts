import { describe, expect, it } from 'vitest';
import { Slots } from '../../../src/pipeline/lanes/slots.ts';

describe('Slots', () => {
  it('hands out its slots, queues the rest in order, and passes a returned slot to the next waiter', async () => {
    const budget = new Slots(2);
    const a = await budget.acquire();
    const b = await budget.acquire();
    const order: string[] = [];
    const c = budget.acquire().then((release) => (order.push('c'), release));
    const d = budget.acquire().then((release) => (order.push('d'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a();
    a(); // a second call gives nothing back twice
    const releaseC = await c;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['c']);
    b();
    await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    // c's slot is free again: taken at once.
    await budget.acquire();
  });

  it('rejects a waiter whose signal aborts, and skips it when a slot comes back', async () => {
    const budget = new Slots(1);
    const held = await budget.acquire();
    const abort = new AbortController();
    const waiting = budget.acquire(abort.signal);
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held();
    await budget.acquire(); // the slot was not handed to the aborted waiter
  });

  it('hands a returned slot to the waiter of lowest priority, then to the earliest', async () => {
    const slots = new Slots(1);
    const held = await slots.acquire();
    const order: string[] = [];
    const wait = (name: string, priority: number) => slots.acquire(undefined, priority).then((release) => (order.push(name), release));
    const late = wait('late window', 30);
    const early = wait('early window', 10);
    const early2 = wait('early window, second', 10);
    held();
    (await early)();
    (await early2)();
    (await late)();
    expect(order).toEqual(['early window', 'early window, second', 'late window']);
  });

  it('tells its listener when a waiter queues and when a slot comes back', async () => {
    const changes: string[] = [];
    const slots = new Slots(1, (change) => changes.push(`${change} free=${slots.available} waiting=${slots.waiting}`));
    const first = await slots.acquire();
    expect(changes).toEqual([]); // taken at once: nothing queued
    const second = slots.acquire();
    first();
    (await second)();
    expect(changes).toEqual(['queued free=0 waiting=1', 'released free=0 waiting=0', 'released free=1 waiting=0']);
  });
});
