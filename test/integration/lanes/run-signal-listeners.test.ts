import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/time.ts';
import { startHarness, type Harness } from '../../helpers/harness.ts';

/*
 * A run reading many windows through jobs at once has more than Node's default ten listeners
 * on its abort signal (each window in flight, request at the gate and waiter for a slot holds
 * one until it is done). That is fan-out, not a leak, and Node's "possible EventTarget memory
 * leak" warning on stderr told operators otherwise: the run's signal allows more (sync.ts).
 */
const NOW = new Date('2025-05-20T12:00:00Z');

describe('a run with many windows in flight', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 17, org: { agentCount: 6, days: 10, conversationsPerDay: 10, now: NOW }, faults: { jobQueueMs: 10, jobMsPerThousand: 10 } });
  });
  afterAll(() => h?.close());

  it('reads them without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const end = new Date(Date.UTC(2025, 4, 18));
      const report = await h.run({
        kind: 'backfill',
        interval: { start: new Date(end.getTime() - 8 * DAY_MS), end },
        streams: ['conversations', 'agent-activity'],
        concurrency: 8,
        // Windows of one day, four jobs at a time, results pages of five: windows and pages wait for slots, listening.
        lanes: { mode: 'jobs', availability: new Date(NOW.getTime() - DAY_MS), jobWindowDays: 1, jobs: { maxConcurrentJobs: 4, maxAttempts: 3, timeoutMs: 60_000, pollInitialMs: 5, pollMaxMs: 20, resultsPageSize: 5 } },
      });
      expect(report.status).toBe('succeeded');
      expect(report.windowsDone).toBe(16);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
