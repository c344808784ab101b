import { describe, expect, it } from 'vitest';
import { liveness, readiness, type LoopDelaySource } from '../../../src/metrics/health.ts';

const loopWith = (stallsMs: number[]): LoopDelaySource => ({ takeMaxMs: () => stallsMs.shift() ?? 0, stop: () => {} });

describe('liveness (/healthz)', () => {
  it('is ok while the longest event-loop stall since the last check stays under the limit', () => {
    const check = liveness(loopWith([12, 10_000, 10_001, 3]), 10_000);
    expect(check()).toMatchObject({ ok: true });
    expect(check()).toMatchObject({ ok: true });
    expect(check()).toEqual({ ok: false, detail: 'the event loop stalled for 10001 ms since the last check (limit 10000 ms)' });
    expect(check()).toMatchObject({ ok: true }); // judged per interval, not forever
  });
});

describe('readiness (/readyz)', () => {
  const ping = { ok: async () => {}, down: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432\nstack')) };

  it('is ready when the database answers and the last run did not fail', async () => {
    for (const last of [undefined, 'succeeded', 'interrupted']) {
      expect(await readiness({ pingDatabase: ping.ok, lastRunStatus: () => last })()).toMatchObject({ ok: true });
    }
  });

  it('is not ready after a failed run or one that ended with an error', async () => {
    expect(await readiness({ pingDatabase: ping.ok, lastRunStatus: () => 'failed' })()).toMatchObject({ ok: false, detail: expect.stringContaining('the last run failed') });
    expect(await readiness({ pingDatabase: ping.ok, lastRunStatus: () => 'error' })()).toMatchObject({ ok: false, detail: expect.stringContaining('ended with an error') });
  });

  it('is not ready when the database refuses or does not answer in time, naming why in one line', async () => {
    expect(await readiness({ pingDatabase: ping.down, lastRunStatus: () => 'succeeded' })()).toEqual({
      ok: false,
      detail: 'the database does not answer: connect ECONNREFUSED 127.0.0.1:5432',
    });
    const hung = readiness({ pingDatabase: () => new Promise(() => {}), lastRunStatus: () => undefined, timeoutMs: 20 });
    expect(await hung()).toEqual({ ok: false, detail: 'the database does not answer: no answer within 20 ms' });
  });
});
