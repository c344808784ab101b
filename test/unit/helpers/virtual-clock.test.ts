import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../helpers/virtual-clock.ts';

const START = Date.parse('2024-05-01T00:00:00Z');

describe('VirtualClock', () => {
  it('wakes sleepers in deadline order at exactly their virtual deadlines', async () => {
    const clock = new VirtualClock({ startMs: START });
    const woke: [string, number][] = [];
    const nap = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push([name, clock.now() - START]);
    };
    await clock.drive(Promise.all([nap('late', 300), nap('early', 100), nap('tie-1', 200), nap('tie-2', 200), nap('zero', 0)]));
    expect(woke).toEqual([
      ['zero', 0],
      ['early', 100],
      ['tie-1', 200],
      ['tie-2', 200],
      ['late', 300],
    ]);
    expect(clock.date()).toEqual(new Date(START + 300));
  });

  it('does not move time while other work still progresses', async () => {
    const clock = new VirtualClock({ startMs: START, idleTurns: 100 });
    const sleeping = clock.sleep(1_000);
    // Chains of event-loop turns (as I/O callbacks are) finish before time moves: silent ones
    // shorter than idleTurns, and ones of any length that keep using the clock.
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const silent = (async () => {
      for (let i = 0; i < 50; i++) await turn();
      return clock.now() - START;
    })();
    const busy = (async () => {
      for (let i = 0; i < 500; i++) await turn().then(clock.now);
      return clock.now() - START;
    })();
    expect(await clock.drive(Promise.all([silent, busy]))).toEqual([0, 0]);
    expect(clock.parked).toBe(1);
    await clock.drive(sleeping);
    expect(clock.now() - START).toBe(1_000);
  });

  it('waits for real I/O when nothing is parked', async () => {
    const clock = new VirtualClock({ startMs: START });
    const work = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20)); // a real timer, like a socket reply
      await clock.sleep(50);
      return clock.now() - START;
    })();
    expect(await clock.drive(work)).toBe(50);
  });

  it('rejects an aborted sleep with the signal reason and forgets it', async () => {
    const clock = new VirtualClock({ startMs: START });
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const sleeping = clock.sleep(5_000, controller.signal).catch((error: unknown) => error);
    const aborter = clock.sleep(100).then(() => controller.abort(reason));
    await clock.drive(aborter);
    expect(await sleeping).toBe(reason);
    expect(clock.parked).toBe(0);
    expect(clock.now() - START).toBe(100);
    await expect(clock.sleep(10, controller.signal)).rejects.toBe(reason); // already aborted
  });

  it('passes the rejection of the driven work through', async () => {
    const clock = new VirtualClock();
    await expect(clock.drive(async () => {
      await clock.sleep(10);
      throw new Error('boom');
    })).rejects.toThrow('boom');
  });
});
