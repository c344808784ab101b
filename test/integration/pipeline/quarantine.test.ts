import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../../src/pipeline/status.ts';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const DAY = { start: new Date('2025-06-11T00:00:00Z'), end: new Date('2025-06-12T00:00:00Z') };

describe('one bad record costs only itself', () => {
  let h: Harness;
  beforeAll(async () => {
    // A day of about 380 conversations: four pages of 100, the bad one on the third.
    h = await startHarness({ seed: 7, org: { agentCount: 40, days: 20, conversationsPerDay: 400, now: NOW } });
  });
  afterAll(async () => h?.close());

  it('stores every other conversation of the window, quarantines the record with its raw, fails the run naming it, and a later run repairs it', async () => {
    const expected = idsOf(h.sim.expected({ from: DAY.start, to: DAY.end }));
    expect(expected.length).toBeGreaterThan(300);
    const victim = expected[234]!;
    h.sim.corrupt(victim, 'missingSegmentStart');

    const failed = await h.run({ interval: DAY, windowDays: 1 });
    expect(failed.status).toBe('failed');
    expect(failed.recordsRejected).toBe(1);
    expect(failed.failures).toEqual([]);
    expect(failed.error).toContain(victim);
    expect(failed.error).toContain('segmentStart');
    expect(failed.rejects[0]).toMatchObject({ recordId: victim, noun: 'conversation' });
    expect(failed.rejects[0]!.page).toMatch(/^page \d+$/);
    // Everything else in the window is stored; the victim is not.
    expect(await h.storedIds()).toEqual(expected.filter((id) => id !== victim));
    const window = await h.handle.prisma.syncWindow.findFirstOrThrow({ where: { runId: failed.runId } });
    expect(window).toMatchObject({ status: 'done_with_rejects', recordsRejected: 1, idsReceived: expected.length, totalHits: expected.length });
    const [reject] = await h.handle.prisma.syncReject.findMany({ where: { conversationId: victim } });
    expect(reject).toMatchObject({ runId: failed.runId, windowId: window.windowId, resolvedAt: null, timesSeen: 1 });
    const raw = JSON.parse(reject!.rawJson) as { conversationId: string };
    expect(raw.conversationId).toBe(victim);

    let status = await readStatus(h.handle.prisma, { now: new Date(), limit: 10, maxAgeMs: 86_400_000, worker: { agentIds: [], lookbackMs: 7 * 86_400_000, lagMs: 120_000 } });
    expect(status.healthy).toBe(false);
    expect(status.rejects.open).toBe(1);
    expect(status.problems.join('\n')).toContain(victim);

    // Still broken on the next run: the same open row, seen twice.
    const again = await h.run({ interval: DAY, windowDays: 1 });
    expect(again.status).toBe('failed');
    expect(await h.handle.prisma.syncReject.findMany({ where: { conversationId: victim } })).toMatchObject([{ timesSeen: 2, resolvedAt: null }]);

    h.sim.clearCorruption();
    const repaired = await h.run({ interval: DAY, windowDays: 1 });
    expect(repaired.status).toBe('succeeded');
    expect(await h.storedIds()).toEqual(expected);
    const closed = await h.handle.prisma.syncReject.findFirstOrThrow({ where: { conversationId: victim } });
    expect(closed.resolvedAt).not.toBeNull();
    status = await readStatus(h.handle.prisma, { now: new Date(), limit: 10, maxAgeMs: 86_400_000, worker: { agentIds: [], lookbackMs: 7 * 86_400_000, lagMs: 120_000 } });
    expect(status.rejects.open).toBe(0);
    expect(status.problems.join('\n')).not.toContain(victim);
  });

  it('quarantines a record that cannot be placed in a window (no conversationStart) instead of dropping it', async () => {
    const day = { start: new Date('2025-06-13T00:00:00Z'), end: new Date('2025-06-14T00:00:00Z') };
    const victim = idsOf(h.sim.expected({ from: day.start, to: day.end }))[5]!;
    h.sim.corrupt(victim, 'missingConversationStart');
    const report = await h.run({ interval: day, windowDays: 1 });
    h.sim.clearCorruption();
    expect(report.status).toBe('failed');
    expect(report.rejects.map((r) => r.recordId)).toEqual([victim]);
    expect(report.rejects[0]!.problem).toContain('conversationStart');
  });
});

describe('paging proves it got everything', () => {
  const PAGE = 20;
  let h: Harness;
  beforeAll(async () => {
    // Days of about 140 conversations, read in pages of 20: seven pages a day.
    h = await startHarness({ seed: 11, org: { agentCount: 10, days: 10, conversationsPerDay: 150, now: NOW } });
  });
  afterAll(async () => h?.close());

  it('notices a page that shifted while the window was paged, reads the window again, and gets everything', async () => {
    const day = { start: new Date('2025-06-15T00:00:00Z'), end: new Date('2025-06-16T00:00:00Z') };
    h.sim.queuePageAnomaly({ kind: 'shift', pageNumber: 3 });
    const report = await h.run({ interval: day, windowDays: 1, pageSize: PAGE });
    expect(report.status).toBe('succeeded');
    const expected = idsOf(h.sim.expected({ from: day.start, to: day.end }));
    const stored = await h.handle.prisma.conversation.findMany({ where: { conversationStart: { gte: day.start, lt: day.end } }, select: { conversationId: true } });
    expect(stored.map((r) => r.conversationId).sort()).toEqual(expected);
    const window = await h.handle.prisma.syncWindow.findFirstOrThrow({ where: { runId: report.runId } });
    expect(window.idsReceived).toBe(window.totalHits);
    expect(window.pages).toBeGreaterThan(Math.ceil(expected.length / PAGE)); // the second pass
  });

  it('fails the window, naming the counts, when pages keep coming back short', async () => {
    const day = { start: new Date('2025-06-16T00:00:00Z'), end: new Date('2025-06-17T00:00:00Z') };
    for (let i = 0; i < 3; i++) h.sim.queuePageAnomaly({ kind: 'shift', pageNumber: 2 });
    const report = await h.run({ interval: day, windowDays: 1, pageSize: PAGE, concurrency: 1 });
    expect(report.status).toBe('failed');
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]!.error).toMatch(/paging incomplete: the API announced \d+ conversations but \d+ distinct ids arrived after 3 pass/);
    const window = await h.handle.prisma.syncWindow.findFirstOrThrow({ where: { runId: report.runId } });
    expect(window.status).toBe('failed');
  });

  it('reads on past a page without totalHits instead of stopping after one page', async () => {
    const day = { start: new Date('2025-06-17T00:00:00Z'), end: new Date('2025-06-18T00:00:00Z') };
    h.sim.queuePageAnomaly({ kind: 'omit-total-hits', pageNumber: 1 });
    const report = await h.run({ interval: day, windowDays: 1, pageSize: PAGE });
    expect(report.status).toBe('succeeded');
    const expected = idsOf(h.sim.expected({ from: day.start, to: day.end }));
    const stored = await h.handle.prisma.conversation.count({ where: { conversationStart: { gte: day.start, lt: day.end } } });
    expect(stored).toBe(expected.length);
  });
});
