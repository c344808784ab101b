/**
 * Retention (RETENTION_DAYS; docs/sync.md §19): conversations that started before the horizon
 * go with their children and rejects, in bounded batches; coverage reports the purged time as
 * purged (a hole in it is no longer one) and keeps the rest intact. Real HTTP, real Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCoverage } from '../../../src/db/coverage.ts';
import { applyRetention } from '../../../src/pipeline/retention.ts';
import { DAY_MS } from '../../../src/time.ts';
import { idsOf, quietLogger, startHarness, type Harness } from '../../helpers/harness.ts';
import { orphanChildRows } from '../../helpers/orphan-rows.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: 31, org: { agentCount: 6, days: 6, conversationsPerDay: 40, now: NOW } });
});
afterAll(async () => h?.close());

const count = async (table: string, where = '') =>
  (await h.handle.prisma.$queryRawUnsafe<[{ n: number }]>(`SELECT count(*)::int AS n FROM ${table} ${where}`))[0].n;

describe('retention', () => {
  it('deletes what started before the horizon in bounded batches, children and rejects too, and coverage reports it as purged, not a hole', async () => {
    expect((await h.run({ interval: { start: day('2025-06-15'), end: day('2025-06-16') } })).status).toBe('succeeded');
    // 06-16 fails (a paging contradiction): a hole between two covered days.
    h.sim.setFaults({ totalHitsLie: 'too-high' });
    expect((await h.run({ interval: { start: day('2025-06-16'), end: day('2025-06-17') } })).status).toBe('failed');
    h.sim.setFaults({ totalHitsLie: 'honest' });
    const bad = idsOf(h.sim.expected({ from: day('2025-06-17'), to: day('2025-06-18') }))[0]!;
    h.sim.corrupt(bad, 'missingSessionId');
    expect((await h.run({ interval: { start: day('2025-06-17'), end: day('2025-06-19') } })).status).toBe('failed'); // one quarantined
    h.sim.clearCorruption();
    expect(await count('sync_rejects')).toBe(1);
    const [before] = await readCoverage(h.handle.prisma, { aliveSince: new Date() });
    expect(before!.holes).toEqual([{ start: day('2025-06-16'), end: day('2025-06-17') }]);

    const kept = idsOf(h.sim.expected({ from: day('2025-06-18'), to: day('2025-06-19') })).sort();
    const total = await count('conversations');
    const run = (await h.handle.prisma.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } })).runId;
    // Horizon: 2025-06-18 (2 days before 06-20); batches of 10, at most 2 a call: bounded.
    const settings = { days: 2, batchSize: 10, maxBatches: 2 };
    const first = await applyRetention(h.handle.prisma, quietLogger, settings, { now: day('2025-06-20'), runId: run });
    expect(first).toBe(20);
    expect(await count('conversations')).toBe(total - 20);
    let deleted = first;
    while (deleted < total - kept.length) {
      const n = await applyRetention(h.handle.prisma, quietLogger, settings, { now: day('2025-06-20'), runId: run });
      expect(n).toBeGreaterThan(0);
      deleted += n;
    }
    expect(await h.storedIds()).toEqual(kept);
    expect(await count('participants', `WHERE conversation_id <> ALL('{${kept.join(',')}}'::text[])`)).toBe(0);
    expect(await orphanChildRows(h.handle.prisma)).toEqual({});
    expect(await count('sync_rejects')).toBe(0);
    expect((await h.handle.prisma.syncRun.findUniqueOrThrow({ where: { runId: run } })).recordsExpired).toBe(deleted);
    const purge = await h.handle.prisma.retentionPurge.findUniqueOrThrow({ where: { stream: 'conversations' } });
    expect(purge.purgedBefore).toEqual(day('2025-06-18'));
    expect(Number(purge.recordsPurged)).toBe(deleted);

    const [after] = await readCoverage(h.handle.prisma, { aliveSince: new Date() });
    expect(after!.holes).toEqual([]);
    expect(after!.purged).toEqual([{ start: day('2025-06-15'), end: day('2025-06-18') }]);
    expect(after!.covered).toEqual([{ start: day('2025-06-18'), end: day('2025-06-19') }]);
    // Nothing left to purge: a later call deletes nothing and the record stays.
    expect(await applyRetention(h.handle.prisma, quietLogger, settings, { now: day('2025-06-20'), runId: run })).toBe(0);
    expect(new Date(day('2025-06-20').getTime() - 2 * DAY_MS)).toEqual((await h.handle.prisma.retentionPurge.findUniqueOrThrow({ where: { stream: 'conversations' } })).purgedBefore);
  });
});
