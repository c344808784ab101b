import { describe, expect, it } from 'vitest';
import { Gate, Pacer, PACING_HEADROOM } from '../../../src/genesys/gate.ts';
import { MINUTE_MS } from '../../../src/time.ts';
import { VirtualClock } from '../../helpers/virtual-clock.ts';

/**
 * The Gate on a virtual clock: every start time below is exact, because time moves only when
 * every request is parked on the clock, so a loaded machine cannot shift the timeline.
 */

/** A rate whose paced interval is exactly `intervalMs`, so start times are exact integers. */
function rateForIntervalMs(intervalMs: number): number {
  const rate = MINUTE_MS / intervalMs / PACING_HEADROOM;
  expect(new Pacer(rate).intervalMs).toBe(intervalMs);
  return rate;
}

function setup(concurrency: number, ratePerMinute: number) {
  const clock = new VirtualClock({ startMs: 0 });
  const gate = new Gate({ concurrency, ratePerMinute, nowMs: clock.now, sleep: clock.sleep });
  const starts: number[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  /** A fake request: records its start, holds its slot for `takesMs` virtual ms. */
  const send =
    (takesMs: number, atStart?: () => void) =>
    async (): Promise<number> => {
      starts.push(clock.now());
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      expect(gate.activeCount).toBeLessThanOrEqual(concurrency);
      atStart?.();
      await clock.sleep(takesMs);
      inFlight--;
      return clock.now();
    };
  return { clock, gate, starts, send, peak: () => peakInFlight };
}

/** Most starts in any window [s, s + windowMs) that begins at a start (starts ascending). */
function mostInWindow(starts: readonly number[], windowMs: number): number {
  let most = 0;
  let end = 0;
  for (let i = 0; i < starts.length; i++) {
    while (end < starts.length && starts[end]! < starts[i]! + windowMs) end++;
    most = Math.max(most, end - i);
  }
  return most;
}

describe('Gate pacing', () => {
  it('spaces starts exactly by the pacer interval, the first one at once', async () => {
    const { clock, gate, starts, send } = setup(4, rateForIntervalMs(250));
    // Requests shorter than concurrency × interval, so the pacer (not the slots) sets the pace.
    const takes = [0, 300, 900, 120, 999, 0, 450];
    await clock.drive(Promise.all(Array.from({ length: 40 }, (_, i) => gate.run(send(takes[i % takes.length]!)))));
    expect(starts).toEqual(Array.from({ length: 40 }, (_, i) => i * 250));
  });

  it('never puts more than ratePerMinute starts in any 60 s window, and uses at least 98% of it', async () => {
    const rate = 300; // the Genesys default for client credentials
    const { clock, gate, starts, send } = setup(10, rate);
    const count = 10 * rate * PACING_HEADROOM; // ten minutes' worth at the paced rate
    await clock.drive(Promise.all(Array.from({ length: count }, () => gate.run(send(1_000)))));
    expect(starts).toHaveLength(count);
    expect(mostInWindow(starts, MINUTE_MS)).toBeLessThanOrEqual(rate);
    expect(starts.filter((s) => s < MINUTE_MS).length).toBeGreaterThanOrEqual(rate * PACING_HEADROOM);
    expect(starts.filter((s) => s < 10 * MINUTE_MS).length).toBeGreaterThanOrEqual(10 * rate * PACING_HEADROOM);
  });

  it('lets slots, not the pacer, set the pace when requests are slow', async () => {
    const { clock, gate, starts, send, peak } = setup(2, rateForIntervalMs(100));
    await clock.drive(Promise.all(Array.from({ length: 6 }, () => gate.run(send(1_000)))));
    // Two slots: each start waits for a slot to free, and the pacer adds nothing once it has.
    expect(starts).toEqual([0, 100, 1_000, 1_100, 2_000, 2_100]);
    expect(peak()).toBe(2);
  });
});

describe('Gate pause (as a 429 imposes)', () => {
  it('holds every queued and about-to-start request until the pause ends, then resumes at once', async () => {
    const { clock, gate, starts, send } = setup(3, rateForIntervalMs(250));
    // The third request gets a 429 as it starts (t = 500) and pauses everyone for a second.
    const calls = Array.from({ length: 8 }, (_, i) => gate.run(send(100, i === 2 ? () => gate.pause(1_000) : undefined)));
    await clock.drive(async () => {
      await clock.sleep(600);
      expect(gate.pausedUntilMs).toBe(1_500);
      gate.pause(200); // a shorter pause never shortens the one in force
      expect(gate.pausedUntilMs).toBe(1_500);
      await Promise.all(calls);
    });
    // Requests 4-6 had booked pacer slots inside the pause (750, 1000, 1250) and 7-8 were queued
    // for a slot: none starts before 1500, the first starts right at 1500, then paced again.
    expect(starts).toEqual([0, 250, 500, 1_500, 1_750, 2_000, 2_250, 2_500]);
    expect(starts.filter((s) => s > 500 && s < 1_500)).toEqual([]);
  });

  it('holds a request that was already waiting for its pacer turn when the pause came', async () => {
    const { clock, gate, starts, send } = setup(1, rateForIntervalMs(1_000));
    const first = gate.run(send(0));
    const second = gate.run(send(0)); // booked for t = 1000
    await clock.drive(async () => {
      await clock.sleep(400);
      gate.pause(2_000); // until t = 2400
      await Promise.all([first, second]);
    });
    expect(starts).toEqual([0, 2_400]);
  });
});

describe('Gate concurrency', () => {
  it('never has more than `concurrency` requests in flight, and fills every slot', async () => {
    const { clock, gate, send, peak } = setup(3, rateForIntervalMs(1));
    const takes = [50, 10, 200, 30, 5, 120, 80, 0, 60];
    await clock.drive(Promise.all(Array.from({ length: 45 }, (_, i) => gate.run(send(takes[i % takes.length]!)))));
    expect(peak()).toBe(3);
    expect(gate.activeCount).toBe(0);
    expect(gate.pendingCount).toBe(0);
  });
});

describe('Gate cancellation', () => {
  it('rejects with the abort reason, at the moment of the abort, a request waiting for its pacer turn', async () => {
    const { clock, gate, starts, send } = setup(1, rateForIntervalMs(250));
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const first = gate.run(send(0));
    const waiting = gate.run(send(0), controller.signal).then(
      () => 'started',
      (error: unknown) => ({ error, atMs: clock.now() }),
    );
    const next = gate.run(send(0));
    await clock.drive(async () => {
      await clock.sleep(100);
      controller.abort(reason);
      return Promise.all([first, waiting, next]);
    });
    expect(await waiting).toEqual({ error: reason, atMs: 100 });
    // The cancelled request never started; the slot it had booked (250) is not handed back:
    // the pacer only moves forward, so the next start is one interval later.
    expect(starts).toEqual([0, 500]);
  });

  it('rejects a request waiting out a pause when it is aborted, and one aborted before its turn', async () => {
    const { clock, gate, starts, send } = setup(2, rateForIntervalMs(10));
    const controller = new AbortController();
    const reason = new Error('shutting down');
    gate.pause(5_000);
    const paused = gate.run(send(0), controller.signal).catch((error: unknown) => ({ error, atMs: clock.now() }));
    await clock.drive(async () => {
      await clock.sleep(300);
      controller.abort(reason);
      await paused;
    });
    expect(await paused).toEqual({ error: reason, atMs: 300 });
    await expect(gate.run(send(0), controller.signal)).rejects.toBe(reason);
    expect(starts).toEqual([]);
  });
});

describe('Gate: a stop signal ends every wait', () => {
  it('a request queued for a slot, or held by the shared 429 pause, rejects with the signal at once', async () => {
    const { gate, clock } = setup(1, 60_000);
    const holder = gate.run(() => clock.sleep(10_000).then(() => 'held'));
    const stop = new AbortController();
    const queued = gate.run(async () => 'queued ran', stop.signal);
    const pausedStop = new AbortController();
    gate.pause(600_000);
    const paused = gate.run(async () => 'paused ran', pausedStop.signal);
    await Promise.resolve();
    stop.abort(new Error('stopped by SIGTERM'));
    pausedStop.abort(new Error('stopped too'));
    await expect(queued).rejects.toThrow('stopped by SIGTERM');
    await expect(paused).rejects.toThrow('stopped too');
    // Neither waited for virtual time: the clock did not reach the holder's end, let alone the pause's.
    expect(clock.now()).toBeLessThan(10_000);
    gate.clear();
    void holder.catch(() => {});
  });
});
