/**
 * Deletions upstream (docs/sync.md §18): the simulator erases a conversation, as Genesys' nightly
 * reprocessing applies a GDPR erasure; the next complete read of its window marks it
 * (SYNC_DELETES=mark), a read that returns it again clears the mark, purge mode removes the row
 * and its children, and nothing is judged from a failed read, another scope's read, or a read
 * that would delete more than SYNC_DELETE_MAX_FRACTION of a window. Real HTTP, real Postgres.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncOptions } from '../../../src/pipeline/sync.ts';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';
import { orphanChildRows } from '../../helpers/orphan-rows.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const interval = { start: new Date('2025-06-18T00:00:00Z'), end: new Date('2025-06-20T00:00:00Z') };
const mark = { deletes: { mode: 'mark', maxFraction: 0.2 } } satisfies Partial<SyncOptions>;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: 19, org: { agentCount: 8, days: 4, conversationsPerDay: 120, now: NOW } });
});
afterAll(async () => h?.close());

const withAgent = () => idsOf(h.sim.expected({ from: interval.start, to: interval.end }));
const row = (id: string) => h.handle.prisma.conversation.findUnique({ where: { conversationId: id } });
const marked = async () => (await h.handle.prisma.conversation.findMany({ where: { deletedAt: { not: null } }, select: { conversationId: true } })).map((r) => r.conversationId).sort();

describe('deletions upstream', () => {
  let erased: string;
  beforeEach(async () => {
    h.sim.setFaults({ totalHitsLie: 'honest' });
  });

  it('marks a conversation erased upstream after a complete read, with last_changed_at moved, and counts it', async () => {
    expect((await h.run({ interval, ...mark })).status).toBe('succeeded');
    erased = withAgent()[3]!;
    const before = (await row(erased))!;
    expect(before.deletedAt).toBeNull();
    h.sim.erase(erased);
    const report = await h.run({ interval, ...mark });
    expect(report.status).toBe('succeeded');
    expect(report.recordsDeleted).toBe(1);
    expect(await marked()).toEqual([erased]);
    const after = (await row(erased))!;
    expect(after.lastChangedAt.getTime()).toBeGreaterThan(before.lastChangedAt.getTime());
    expect(after.lastChangedAt).toEqual(after.deletedAt);
    expect((await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: report.runId } })).recordsDeleted).toBe(1);
    // Marked, not removed: the children stay for the warehouse to read the erasure against.
    expect(await h.handle.prisma.participant.count({ where: { conversationId: erased } })).toBeGreaterThan(0);
    // Judged once: a second read marks nothing new.
    expect((await h.run({ interval, ...mark })).recordsDeleted).toBe(0);
  });

  it('un-marks it when a later read returns it, moving last_changed_at again', async () => {
    const markedAt = (await row(erased))!.deletedAt!;
    h.sim.restore(erased);
    expect((await h.run({ interval, ...mark })).status).toBe('succeeded');
    const back = (await row(erased))!;
    expect(back.deletedAt).toBeNull();
    expect(back.lastChangedAt.getTime()).toBeGreaterThan(markedAt.getTime());
    expect(await marked()).toEqual([]);
  });

  it('never judges from a failed read', async () => {
    h.sim.erase(erased);
    h.sim.setFaults({ totalHitsLie: 'too-high' }); // paging cannot be proven: the window fails
    const report = await h.run({ interval, ...mark });
    expect(report.status).toBe('failed');
    expect(report.windowsFailed).toBeGreaterThan(0);
    expect(report.recordsDeleted).toBe(0);
    expect((await row(erased))!.deletedAt).toBeNull();
  });

  it('judges an agent-group read only on conversations one of its agents took part in', async () => {
    const conversation = h.sim.getConversation(erased) ?? h.sim.expected({ from: interval.start, to: interval.end }).find((c) => c.conversationId === erased);
    const stored = (await row(erased))!;
    const inIt = stored.agentUserIds[0]!;
    const outside = h.sim.org.agents.map((a) => a.id).find((id) => !stored.agentUserIds.includes(id))!;
    expect(conversation).toBeUndefined(); // still erased upstream
    expect((await h.run({ interval, agentIds: [outside], ...mark })).status).toBe('succeeded');
    expect(await marked()).toEqual([]);
    expect((await h.run({ interval, agentIds: [inIt], ...mark })).recordsDeleted).toBe(1);
    expect(await marked()).toEqual([erased]);
  });

  it('purge mode removes the row and its children', async () => {
    const report = await h.run({ interval, deletes: { mode: 'purge', maxFraction: 0.2 } });
    expect(report.status).toBe('succeeded');
    expect(report.recordsDeleted).toBe(1);
    expect(await row(erased)).toBeNull();
    for (const table of ['participants', 'sessions', 'segments', 'session_metrics']) {
      const [{ n }] = await h.handle.prisma.$queryRawUnsafe<[{ n: number }]>(`SELECT count(*)::int AS n FROM ${table} WHERE conversation_id = $1`, erased);
      expect(n, table).toBe(0);
    }
    expect(await orphanChildRows(h.handle.prisma)).toEqual({});
    h.sim.restore(erased);
    await h.run({ interval, ...mark });
    expect((await row(erased))?.deletedAt).toBeNull(); // it came back: stored again
  });

  it('off mode judges nothing', async () => {
    h.sim.erase(erased);
    const report = await h.run({ interval, deletes: { mode: 'off', maxFraction: 0.2 } });
    expect(report.recordsDeleted).toBe(0);
    expect(await marked()).toEqual([]);
    h.sim.restore(erased);
  });

  it('the safety valve: a read that would delete more than the fraction of a window deletes nothing and fails the run', async () => {
    const ids = withAgent();
    const wiped = ids.slice(0, Math.ceil(ids.length * 0.3));
    for (const id of wiped) h.sim.erase(id);
    const report = await h.run({ interval, ...mark });
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/deletions withheld in 1 window.*would delete \d+ of \d+ stored conversations, more than SYNC_DELETE_MAX_FRACTION/);
    expect(report.deletionsWithheld).toBe(1);
    expect(report.windowsFailed).toBe(0);
    expect(await marked()).toEqual([]);
    expect((await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: report.runId } })).deletionsWithheld).toBe(1);
    // A larger fraction, deliberately set for one run, applies them.
    const applied = await h.run({ interval, deletes: { mode: 'mark', maxFraction: 0.5 } });
    expect(applied.status).toBe('succeeded');
    expect(await marked()).toEqual([...wiped].sort());
    for (const id of wiped) h.sim.restore(id);
  });
});
