import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../../src/pipeline/sync.ts';
import { runDeps } from '../../../src/runtime.ts';
import { DAY_MS } from '../../../src/time.ts';
import { startHarness, type Harness } from '../../helpers/harness.ts';

/*
 * A stop (SIGTERM in the worker or a one-shot sync) that lands while the run is being opened:
 * after it was planned and announced, before its windows start. The run must still see it.
 * It once did not: the run followed the stop signal with a listener added after that point, so
 * a stop in between was never heard and the run read every window while the process was
 * asked to stop (the worker test's SIGTERM hung 60 s under load).
 */
const NOW = new Date('2025-03-12T12:00:00Z');

describe('a stop that lands while the run is opened', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 31, org: { agentCount: 4, days: 4, conversationsPerDay: 30, now: NOW } });
  });
  afterAll(() => h?.close());

  it('ends the run interrupted with its windows left pending, none read', async () => {
    const stop = new AbortController();
    // The stop arrives the moment the run announces itself, as a SIGTERM would.
    const lines = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (chunk.toString().includes('run started')) stop.abort(new Error('stopped by SIGTERM'));
        done();
      },
    });
    const logger = pino({ level: 'info' }, lines);
    h.sim.resetStats();
    const report = await runSync(runDeps({ database: h.handle }, h.client(), { logger, clock: () => NOW, signal: stop.signal, streams: ['conversations'] }), {
      kind: 'sync',
      interval: { start: new Date(NOW.getTime() - 3 * DAY_MS), end: NOW },
      agentIds: [],
      agentGroupSize: 25,
      windowDays: 1,
      pageSize: 100,
      windowMaxHits: 10_000,
      concurrency: 2,
      resume: false,
    });

    expect(report.status).toBe('interrupted');
    const windows = await h.handle.prisma.syncWindow.groupBy({ by: ['status'], where: { runId: report.runId }, _count: true });
    expect(Object.fromEntries(windows.map((w) => [w.status, w._count]))).toEqual({ pending: 4 });
    expect(h.sim.stats().requests.detailsQuery + h.sim.stats().requests.detailsJobs).toBe(0);
    expect(await h.handle.prisma.conversation.count()).toBe(0);
  });
});
