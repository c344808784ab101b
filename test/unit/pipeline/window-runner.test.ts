import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/genesys/index.ts';
import type { Lane, LaneReadRequest, LaneResult } from '../../../src/pipeline/lanes/lane.ts';
import { RunState } from '../../../src/pipeline/run-state.ts';
import { runWindows, type WindowJob } from '../../../src/pipeline/window-runner.ts';
import { MemoryLedger, MemoryWriter } from '../../helpers/memory-ports.ts';
import { readRecords } from '../../../src/pipeline/lanes/read-records.ts';
import type { RunStream } from '../../../src/pipeline/stream.ts';
import { readConversationRecord } from '../../../src/streams/conversations/contract.ts';

const logger = pino({ level: 'silent' });
const day = (d: number) => new Date(Date.UTC(2025, 5, d));
const conv = (id: string, start: Date) => ({
  conversationId: id,
  conversationStart: start.toISOString(),
  participants: [{ participantId: `${id}-p`, purpose: 'agent', userId: 'u-1', sessions: [] }],
});

/** A lane that answers each window with a script: pages of records, then a result (or an error). */
function scriptedLane(script: (request: LaneReadRequest) => { pages?: unknown[][]; result?: LaneResult; error?: unknown }): Lane & { reads: LaneReadRequest[] } {
  const reads: LaneReadRequest[] = [];
  return {
    name: 'query',
    reads,
    async read(request) {
      reads.push(request);
      const { pages = [], result, error } = script(request);
      for (const [i, records] of pages.entries()) await request.onPage({ ...read(records), label: `page ${i + 1}` });
      if (error) throw error;
      return result ?? { kind: 'done', lane: 'query', hitsAnnounced: pages.flat().length, idsReceived: pages.flat().length, pages: pages.length };
    },
  };
}

/** Reads raw records as a lane does, with the conversation stream's contract. */
const read = (records: unknown[]) => readRecords(records, readConversationRecord);

const newState = () => new RunState({ requests: 0, retries: 0, rateLimited: 0 } as never);

async function run(
  lane: Lane,
  jobs: Array<Omit<WindowJob, 'windowId' | 'lane' | 'stream'>>,
  ledger = new MemoryLedger(),
  sink = new MemoryWriter(),
  scopesOverlap = false,
  state = newState(),
) {
  const stream: RunStream = { name: 'conversations', recordNoun: 'conversation', lanes: { query: lane }, writer: sink };
  const ids = await ledger.insertWindows('run-1', jobs.map((j) => ({ stream: 'conversations', scopeKey: 'all', scopeAgentIds: [], start: j.window.start, end: j.window.end, lane: 'query' })));
  state.windowsTotal = jobs.length;
  for (const j of jobs) state.seen.open(j.window);
  const abort = new AbortController();
  await runWindows(
    {
      runId: 'run-1',
      ledger,
      clock: () => new Date(),
      logger,
      state,
      signal: abort.signal,
      abortRun: (reason) => abort.abort(reason),
      onProgress: () => {},
      rejectsMayBeOpen: { value: false },
      scopesOverlap,
      readStartedAt: new Date(),
    },
    jobs.map((j, i) => ({ ...j, stream, windowId: ids[i]!, lane: 'query' })),
    2,
  );
  return { ledger, sink, state, abort };
}

describe('the window runner', () => {
  it('writes the records that start inside the window, once across windows, and marks the window done after its pages', async () => {
    const w1 = { start: day(1), end: day(2) };
    const w2 = { start: day(2), end: day(3) };
    const shared = conv('c-shared', new Date(Date.UTC(2025, 5, 1, 9)));
    const lane = scriptedLane(({ window }) =>
      window.start.getTime() === w1.start.getTime()
        ? { pages: [[conv('c-1', new Date(Date.UTC(2025, 5, 1, 8))), shared], [shared, conv('c-next-day', new Date(Date.UTC(2025, 5, 2, 1)))]] }
        : { pages: [[conv('c-2', new Date(Date.UTC(2025, 5, 2, 3)))]] },
    );
    const { ledger, sink, state } = await run(lane, [{ scope: { kind: 'all' }, window: w1 }, { scope: { kind: 'all' }, window: w2 }]);
    expect([...sink.stored.keys()].sort()).toEqual(['c-1', 'c-2', 'c-shared']);
    expect(ledger.windows.map((w) => w.status)).toEqual(['done', 'done']);
    expect(ledger.windows[0]!.done).toMatchObject({ pages: 2, conversationsWritten: 2, recordsRejected: 0, lane: 'query' });
    expect(state.windowsDone).toBe(2);
    expect(state.recordsWritten).toBe(3);
  });

  it('quarantines a bad record with its page, keeps the rest of the page, and ends the window done_with_rejects', async () => {
    const w = { start: day(1), end: day(2) };
    const bad = { ...conv('c-bad', new Date(Date.UTC(2025, 5, 1, 9))), participants: 'nope' };
    const noStart = { conversationId: 'c-nostart' };
    const lane = scriptedLane(() => ({ pages: [[conv('c-1', new Date(Date.UTC(2025, 5, 1, 8))), bad, noStart]] }));
    const { ledger, sink, state } = await run(lane, [{ scope: { kind: 'all' }, window: w }]);
    expect([...sink.stored.keys()]).toEqual(['c-1']);
    expect(ledger.windows[0]).toMatchObject({ status: 'done_with_rejects' });
    expect(sink.quarantined).toHaveLength(1);
    expect(sink.quarantined[0]!.page).toBe('page 1');
    expect(sink.quarantined[0]!.rejects.map((r) => r.recordId).sort()).toEqual(['c-bad', 'c-nostart']);
    // One transaction: the unplaceable record travels with the page's batch.
    expect(sink.batches).toHaveLength(1);
    expect(state.recordsRejected).toBe(2);
    expect(state.rejects.map((r) => r.recordId).sort()).toEqual(['c-bad', 'c-nostart']);
  });

  it('splits a window with too many hits by days, then runs each part', async () => {
    const w = { start: day(1), end: day(5) };
    const lane = scriptedLane(({ window }) =>
      window.end.getTime() - window.start.getTime() > 2 * 86_400_000 ? { result: { kind: 'too-many', totalHits: 50_000 } } : { pages: [] },
    );
    const { ledger, state } = await run(lane, [{ scope: { kind: 'all' }, window: w }]);
    expect(ledger.windows.map((x) => [x.status, x.start.getUTCDate(), x.end.getUTCDate(), x.parentWindowId ?? null])).toEqual([
      ['split', 1, 5, null],
      ['done', 1, 3, 1n],
      ['done', 3, 5, 1n],
    ]);
    expect(state.windowsTotal).toBe(2);
    expect(state.windowsDone).toBe(2);
  });

  it('records a failed window without advancing it, keeps the other windows going, and counts it', async () => {
    const lane = scriptedLane(({ window }) => (window.start.getUTCDate() === 1 ? { error: new Error('503 from Genesys') } : { pages: [] }));
    const { ledger, state } = await run(lane, [
      { scope: { kind: 'all' }, window: { start: day(1), end: day(2) } },
      { scope: { kind: 'all' }, window: { start: day(2), end: day(3) } },
    ]);
    expect(ledger.windows.map((w) => w.status)).toEqual(['failed', 'done']);
    expect(ledger.windows[0]!.failed!.error).toBe('503 from Genesys');
    expect(state.failures).toEqual([expect.objectContaining({ error: '503 from Genesys', scopeKey: 'all' })]);
  });

  it('keeps a window failure the database refused to record, for the run to record later', async () => {
    const ledger = new MemoryLedger();
    ledger.failFailureRecords = 1;
    const lane = scriptedLane(() => ({ error: new Error('boom') }));
    const { state } = await run(lane, [{ scope: { kind: 'all' }, window: { start: day(1), end: day(2) } }], ledger);
    expect(ledger.windows[0]!.status).toBe('running');
    expect(state.unrecordedFailures).toHaveLength(1);
    await state.unrecordedFailures[0]!();
    expect(ledger.windows[0]!.status).toBe('failed');
  });

  it('aborts the run on rejected credentials, leaving the windows not started pending', async () => {
    const lane = scriptedLane(() => ({ error: new AuthError('credentials refused', { code: 'GENESYS_AUTH' } as never) }));
    const { ledger, abort } = await run(lane, [
      { scope: { kind: 'all' }, window: { start: day(1), end: day(2) } },
      { scope: { kind: 'all' }, window: { start: day(2), end: day(3) } },
      { scope: { kind: 'all' }, window: { start: day(3), end: day(4) } },
    ]);
    expect(abort.signal.reason).toBeInstanceOf(AuthError);
    expect(ledger.windows.filter((w) => w.status === 'pending').length).toBeGreaterThan(0);
  });

  it('records the lane that read the window and why, when a lane fell back', async () => {
    const lane = scriptedLane(() => ({ result: { kind: 'done', lane: 'query', hitsAnnounced: null, idsReceived: 0, pages: 0, fallbackReason: 'job FAILED 3 times' } }));
    const { ledger, state } = await run(lane, [{ scope: { kind: 'all' }, window: { start: day(1), end: day(2) } }]);
    expect(ledger.windows[0]!.done).toMatchObject({ lane: 'query', laneNote: 'job FAILED 3 times' });
    expect(state.laneFallbacks).toBe(1);
  });

  describe('pages a lane delivers once per read (a job\'s snapshot)', () => {
    const w = { start: day(1), end: day(4) };
    const c = (n: number) => conv(`c-${n}`, new Date(Date.UTC(2025, 5, 1 + (n % 3), 5)));

    /** Delivers pages as onceInRead; after `restartAfter` pages of a first attempt, restarts and delivers them all. */
    function snapshotLane(pages: unknown[][], restartAfter?: number, afterPage: () => void = () => {}): Lane {
      return {
        name: 'query',
        async read(request) {
          const deliver = async (i: number) => {
            await request.onPage({ ...read(pages[i]!), label: `page ${i + 1}`, onceInRead: true });
            afterPage();
          };
          if (restartAfter !== undefined) {
            for (let i = 0; i < restartAfter; i++) await deliver(i);
            request.onRestart?.();
          }
          for (let i = 0; i < pages.length; i++) await deliver(i);
          return { kind: 'done', lane: 'query', hitsAnnounced: null, idsReceived: pages.flat().length, pages: pages.length };
        },
      };
    }

    it('writes them without remembering their ids when the run has one scope', async () => {
      const state = newState();
      const held: number[] = [];
      const sink = new MemoryWriter();
      const pages = [[c(1), c(2)], [c(3), c(4)], [c(5)]];
      const lane = snapshotLane(pages, undefined, () => held.push(state.seen.size));
      const { ledger } = await run(lane, [{ scope: { kind: 'all' }, window: w }], new MemoryLedger(), sink, false, state);
      expect([...sink.stored.keys()].sort()).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5']);
      expect(held).toEqual([0, 0, 0]);
      expect(ledger.windows[0]!.done).toMatchObject({ conversationsWritten: 5, pages: 3 });
      expect(state.recordsWritten).toBe(5);
    });

    it('counts each conversation once when the lane restarts after handing pages over', async () => {
      const sink = new MemoryWriter();
      const pages = [[c(1), c(2)], [c(3), c(4)], [c(5)]];
      const { ledger, state: s } = await run(snapshotLane(pages, 2), [{ scope: { kind: 'all' }, window: w }], new MemoryLedger(), sink);
      expect(sink.stored.size).toBe(5);
      expect(ledger.windows[0]!.done).toMatchObject({ conversationsWritten: 5 });
      expect(s.recordsWritten).toBe(5);
    });

    it('still remembers ids, and writes a conversation once, when scopes overlap', async () => {
      const sink = new MemoryWriter();
      const shared = c(1);
      const lane: Lane = {
        name: 'query',
        async read(request) {
          const own = request.scope.kind === 'agents' && request.scope.userIds[0] === 'u-a' ? c(2) : c(3);
          await request.onPage({ ...read([shared, own]), label: 'page 1', onceInRead: true });
          return { kind: 'done', lane: 'query', hitsAnnounced: null, idsReceived: 2, pages: 1 };
        },
      };
      const { state: s } = await run(
        lane,
        [{ scope: { kind: 'agents', userIds: ['u-a'] }, window: w }, { scope: { kind: 'agents', userIds: ['u-b'] }, window: w }],
        new MemoryLedger(),
        sink,
        true,
      );
      expect([...sink.stored.keys()].sort()).toEqual(['c-1', 'c-2', 'c-3']);
      expect(s.recordsWritten).toBe(3);
    });
  });
});
