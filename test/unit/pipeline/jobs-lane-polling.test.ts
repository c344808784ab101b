import pino from 'pino';
import { readConversationRecord } from '../../../src/streams/conversations/contract.ts';
import { describe, expect, it } from 'vitest';
import { JobsLane, type JobsLaneOptions } from '../../../src/streams/conversations/jobs-lane.ts';
import type { Lane, LaneReadRequest } from '../../../src/pipeline/lanes/lane.ts';

/*
 * How the jobs lane paces its polls (jobs-lane.ts, pollPause), on a virtual clock: polls back off
 * while another window is being read, keep pace with the job's age while the reader waits, and a
 * poll sleeping its backoff wakes when the reader goes idle.
 */

const day = (d: number) => new Date(Date.UTC(2025, 5, d));

/** A virtual clock whose sleeps resolve when the test advances time past them (or their signal aborts). */
class VirtualTime {
  now = 0;
  private sleepers: Array<{ at: number; resolve: () => void }> = [];
  readonly waits: Array<{ job: string; ms: number; atAge: number }> = [];

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const entry = { at: this.now + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        reject(signal.reason);
      }, { once: true });
    });

  /** Advances to the next sleeper's time and wakes it; false when nobody sleeps. */
  async step(): Promise<boolean> {
    await settle();
    if (this.sleepers.length === 0) return false;
    this.sleepers.sort((a, b) => a.at - b.at);
    const next = this.sleepers.shift()!;
    this.now = Math.max(this.now, next.at);
    next.resolve();
    await settle();
    return true;
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

/** Jobs fulfilled `readyAfterMs` after creation (virtual time), with `pages` results pages (default 1) of one record. */
function fakeClient(time: VirtualTime, readyAfterMs: Record<string, number>, pages: Record<string, number> = {}) {
  const created = new Map<string, number>();
  const polls: Array<{ job: string; age: number }> = [];
  const client: JobsLaneOptions['client'] = {
    createDetailsJob: async ({ interval }) => {
      const id = `job-${interval.start.getUTCDate()}`;
      created.set(id, time.now);
      return id;
    },
    getDetailsJob: async (id) => {
      const age = time.now - created.get(id)!;
      polls.push({ job: id, age });
      return { state: age >= readyAfterMs[id]! ? 'FULFILLED' : 'PENDING' };
    },
    getDetailsJobResults: async ({ jobId, cursor }) => {
      const n = Number(cursor ?? 1);
      return { records: [{ conversationId: `${jobId}-c${n}` }], ...(n < (pages[jobId] ?? 1) ? { cursor: String(n + 1) } : {}) };
    },
    deleteDetailsJob: async () => {},
  };
  return { client, polls };
}

const unusedFallback: Lane = { name: 'query', read: async () => { throw new Error('no fallback expected'); } };

function lane(time: VirtualTime, client: JobsLaneOptions['client'], maxConcurrentJobs = 2): JobsLane {
  return new JobsLane({
    client, fallback: unusedFallback, readRecord: readConversationRecord, logger: pino({ level: 'silent' }), nowMs: () => time.now, sleep: time.sleep,
    maxConcurrentJobs, maxAttempts: 1, timeoutMs: 3_600_000, pollInitialMs: 1_000, pollMaxMs: 10_000,
  });
}

function request(window: { start: Date; end: Date }, onPage: LaneReadRequest['onPage']): LaneReadRequest {
  return { scope: { kind: 'all' }, window, unsplittable: false, signal: new AbortController().signal, onPage };
}

describe('jobs lane polling', () => {
  it('while the reader waits for a job, polls every fifth of its age (at least every second), not its doubling backoff', async () => {
    const time = new VirtualTime();
    const { client, polls } = fakeClient(time, { 'job-1': 30_000 });
    const read = lane(time, client).read(request({ start: day(1), end: day(2) }, async () => {}));
    while (await time.step());
    await read;
    const ages = polls.map((p) => p.age);
    // Backoff alone would poll at 0, 1, 3, 7, 15, 25, 35 s and notice the job 5 s late.
    expect(ages.slice(0, 6)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000]);
    for (const [i, age] of ages.entries()) if (i > 0) expect(age - ages[i - 1]!).toBeLessThanOrEqual(Math.max(1_000, ages[i - 1]! / 5) + 1);
    expect(ages.at(-1)! - 30_000).toBeLessThanOrEqual(30_000 / 5);
  });

  it('backs off while another window is being read, and polls at once when the reader goes idle', async () => {
    const time = new VirtualTime();
    // Window 1 has more pages than the page budget holds: while its writes hang, it keeps the read slot.
    const { client, polls } = fakeClient(time, { 'job-1': 0, 'job-2': 20_000 }, { 'job-1': 5 });
    const l = lane(time, client);
    let finishWrite!: () => void;
    const writing = new Promise<void>((resolve) => (finishWrite = resolve));
    // Window 1's job is ready at once; its pages take as long as the test wants to write.
    const first = l.read(request({ start: day(1), end: day(2) }, () => writing));
    const second = l.read(request({ start: day(2), end: day(3) }, async () => {}));
    for (let i = 0; i < 4; i++) await time.step(); // window 1 is being written all along
    const busyAges = polls.filter((p) => p.job === 'job-2').map((p) => p.age);
    expect(busyAges).toEqual([0, 1_000, 3_000, 7_000, 15_000]); // the doubling backoff
    // Now a poll sleeps until 25 s; the reader goes idle at 15 s: job 2 is polled at once.
    finishWrite();
    await first;
    await settle();
    expect(polls.filter((p) => p.job === 'job-2').length).toBe(busyAges.length + 1);
    expect(polls.at(-1)).toEqual({ job: 'job-2', age: 15_000 });
    // From then on, a fifth of its age: 18 s, then 21.6 s, when it is seen fulfilled.
    while (await time.step());
    await second;
    expect(polls.filter((p) => p.job === 'job-2').map((p) => p.age).slice(-2)).toEqual([18_000, 21_600]);
  });

  it('keeps pace with the job\'s age while another window waits for its place, even with the reader busy', async () => {
    const time = new VirtualTime();
    const { client, polls } = fakeClient(time, { 'job-1': 0, 'job-2': 20_000, 'job-3': 0 }, { 'job-1': 5 });
    const l = lane(time, client, 1);
    let finishWrite!: () => void;
    const writing = new Promise<void>((resolve) => (finishWrite = resolve));
    const reads = [
      l.read(request({ start: day(1), end: day(2) }, () => writing)),
      l.read(request({ start: day(2), end: day(3) }, async () => {})),
      l.read(request({ start: day(3), end: day(4) }, async () => {})), // waits for job 2's place
    ];
    for (let i = 0; i < 4; i++) await time.step();
    expect(polls.filter((p) => p.job === 'job-2').map((p) => p.age)).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    finishWrite();
    while (await time.step());
    await Promise.all(reads);
  });
});
