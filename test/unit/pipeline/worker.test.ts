import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LockEvent } from '../../../src/db/advisory-lock.ts';
import { createWorker, type LockLease, type RunLock, type RunOutcome, type Scheduler, type WorkerOptions } from '../../../src/pipeline/worker.ts';
import { MINUTE_MS } from '../../../src/time.ts';

const T0 = Date.UTC(2025, 0, 1, 2, 0);

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines, messages: () => lines.map((l) => String(l.msg)) };
}

function fakeScheduler() {
  const state = { onTick: undefined as undefined | (() => void), stopped: false, expression: '', timezone: '' };
  const scheduler: Scheduler = {
    schedule(expression, timezone, onTick) {
      Object.assign(state, { expression, timezone, onTick });
      return { stop: () => void (state.stopped = true), nextRun: () => new Date(T0 + 60 * MINUTE_MS) };
    },
  };
  return { scheduler, state, fire: () => state.onTick!() };
}

/** A lock shared by "processes": like pg_try_advisory_lock, a second taker gets nothing. */
function fakeLock() {
  const state = { held: false, acquired: 0, released: 0 };
  const lock: RunLock = {
    async tryAcquire(): Promise<LockLease | undefined> {
      if (state.held) return undefined;
      state.held = true;
      state.acquired += 1;
      return {
        release: async () => {
          state.held = false;
          state.released += 1;
        },
      };
    },
  };
  return { lock, state };
}

const options: WorkerOptions = { schedule: '*/5 * * * *', timezone: 'Europe/Berlin', runOnStart: false, shutdownTimeoutMs: MINUTE_MS };
const outcome = (status: RunOutcome['status']): RunOutcome => ({ status, summary: `sync ${status.toUpperCase()}` });

function setup(runOnce: (signal: AbortSignal) => Promise<RunOutcome>, over: Partial<WorkerOptions> = {}, lock = fakeLock()) {
  const log = captureLogger();
  const sched = fakeScheduler();
  const timeouts: Array<ReturnType<typeof deferred<void>>> = [];
  const worker = createWorker(
    {
      runOnce,
      scheduler: sched.scheduler,
      lock: lock.lock,
      logger: log.logger,
      clock: () => new Date(T0),
      delay: () => {
        const d = deferred<void>();
        timeouts.push(d);
        return d.promise;
      },
    },
    { ...options, ...over },
  );
  return { worker, log, sched, lock, timeouts };
}

describe('createWorker', () => {
  it('schedules on the configured expression and time zone and logs when the next run is due', () => {
    const { worker, sched, log } = setup(async () => outcome('succeeded'));
    worker.start();
    expect(sched.state).toMatchObject({ expression: '*/5 * * * *', timezone: 'Europe/Berlin' });
    const next = log.lines.find((l) => l.nextRunAt);
    expect(next).toMatchObject({ nextRunAt: '2025-01-01T03:00:00.000Z', inMs: 60 * MINUTE_MS });
  });

  it('skips a tick while a run is going in this process', async () => {
    const run = deferred<RunOutcome>();
    let calls = 0;
    const { worker, log } = setup(() => {
      calls += 1;
      return run.promise;
    });
    const first = worker.tick('schedule');
    await Promise.resolve();
    expect(await worker.tick('schedule')).toBe('skipped-busy');
    run.resolve(outcome('succeeded'));
    expect(await first).toBe('ran');
    expect(calls).toBe(1);
    expect(log.messages()).toContain('the previous run is still going; skipping this tick');
    // The flag clears with the run: the next tick runs again.
    expect(await worker.tick('schedule')).toBe('ran');
  });

  it('skips a tick when another process holds the advisory lock, and releases the lock after a run', async () => {
    const lock = fakeLock();
    const other = setup(() => new Promise(() => {}), {}, lock);
    void other.worker.tick('schedule'); // another worker is mid-run on the same database
    await new Promise((r) => setImmediate(r));
    let calls = 0;
    const mine = setup(async () => {
      calls += 1;
      return outcome('succeeded');
    }, {}, lock);
    expect(await mine.worker.tick('schedule')).toBe('skipped-locked');
    expect(calls).toBe(0);
    expect(mine.log.messages().some((m) => m.startsWith('another worker holds the run lock'))).toBe(true);

    const solo = fakeLock();
    const s = setup(async () => outcome('succeeded'), {}, solo);
    await s.worker.tick('schedule');
    expect(solo.state).toEqual({ held: false, acquired: 1, released: 1 });
  });

  it('keeps the run going when the lock connection is lost and taken again, and stops it when another worker took the lock', async () => {
    let emit!: (event: LockEvent) => void;
    let unsubscribed = 0;
    const lock: RunLock = {
      async tryAcquire() {
        return {
          release: async () => {},
          on(listener) {
            emit = listener;
            return () => void (unsubscribed += 1);
          },
        };
      },
    };
    const run = deferred<RunOutcome>();
    let signal!: AbortSignal;
    const { worker, log } = setup((s) => {
      signal = s;
      s.addEventListener('abort', () => run.resolve(outcome('interrupted')));
      return run.promise;
    }, {}, { lock, state: { held: false, acquired: 0, released: 0 } });
    const tick = worker.tick('schedule');
    await new Promise((r) => setImmediate(r));
    emit({ type: 'lost', error: new Error('terminating connection due to administrator command') });
    emit({ type: 'reacquired' });
    expect(signal.aborted).toBe(false);
    expect(log.messages()).toEqual(expect.arrayContaining(['the run lock connection was lost; taking the lock again', 'the run lock is held again']));
    const lost = log.lines.find((l) => String(l.msg).startsWith('the run lock connection was lost'));
    expect((lost?.err as { message?: string }).message).toBe('terminating connection due to administrator command');
    emit({ type: 'lost', error: new Error('connection reset') });
    emit({ type: 'taken' });
    expect(signal.aborted).toBe(true);
    expect(await tick).toBe('interrupted');
    expect(log.messages()).toContain('another worker took the run lock while our connection was down; stopping this run');
    expect(unsubscribed).toBe(1);
  });

  it('logs a failed run with its summary and keeps running', async () => {
    const results: RunOutcome[] = [outcome('failed'), outcome('succeeded')];
    const { worker, log, sched } = setup(async () => results.shift()!);
    worker.start();
    sched.fire();
    await new Promise((r) => setImmediate(r));
    const failed = log.lines.find((l) => l.status === 'failed');
    expect(failed?.level).toBe(50);
    expect(String(failed?.msg)).toContain('sync FAILED');
    expect(await worker.tick('schedule')).toBe('ran');
  });

  it('survives a run that throws', async () => {
    const { worker, log } = setup(async () => {
      throw new Error('database down');
    });
    expect(await worker.tick('schedule')).toBe('error');
    expect(log.lines.some((l) => l.level === 50 && (l.err as { message?: string } | undefined)?.message === 'database down')).toBe(true);
    expect(worker.running).toBe(false);
  });

  it('runs once at start when configured', async () => {
    let calls = 0;
    const { worker } = setup(async () => {
      calls += 1;
      return outcome('succeeded');
    }, { runOnStart: true });
    worker.start();
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
  });

  it('on stop, stops scheduling, aborts the run in flight and waits for it', async () => {
    let seen: AbortSignal | undefined;
    const finished = deferred<RunOutcome>();
    const { worker, sched } = setup((signal) => {
      seen = signal;
      signal.addEventListener('abort', () => setImmediate(() => finished.resolve(outcome('interrupted'))));
      return finished.promise;
    });
    worker.start();
    const tick = worker.tick('schedule');
    await new Promise((r) => setImmediate(r));
    const result = await worker.stop('SIGTERM');
    expect(result).toEqual({ interruptedRun: true, timedOut: false });
    expect(seen?.aborted).toBe(true);
    expect(sched.state.stopped).toBe(true);
    expect(await tick).toBe('interrupted');
    expect(await worker.tick('schedule')).toBe('skipped-stopping');
  });

  it('gives up waiting after the shutdown timeout', async () => {
    const { worker, timeouts } = setup(() => new Promise(() => {}));
    void worker.tick('schedule');
    await new Promise((r) => setImmediate(r));
    const stopping = worker.stop('SIGTERM');
    await Promise.resolve();
    expect(timeouts).toHaveLength(1);
    timeouts[0]!.resolve();
    expect(await stopping).toEqual({ interruptedRun: true, timedOut: true });
  });

  it('stops at once when no run is in flight', async () => {
    const { worker, timeouts } = setup(async () => outcome('succeeded'));
    worker.start();
    expect(await worker.stop()).toEqual({ interruptedRun: false, timedOut: false });
    expect(timeouts).toHaveLength(0);
  });
});
