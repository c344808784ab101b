import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { readCoverage } from '../../../src/db/coverage.ts';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

/*
 * readCoverage against real ledger rows: split windows (in time and by agents), a split whose
 * children never reached the ledger, done_with_rejects, a live run still working, an abandoned
 * one, a run that planned nothing, and runs of another agent scope kept apart.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const d = (n: number) => new Date(Date.UTC(2025, 5, n));
const range = (a: number, b: number) => ({ start: d(a), end: d(b) });
const half = (n: number) => new Date(d(n).getTime() + DAY_MS / 2);

describe('readCoverage', () => {
  let db: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    db = await createTestDatabase();
    handle = await db.open();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function run(o: { agentIds?: string[]; start: Date; end: Date; status?: string; heartbeatAt?: Date; catchUpFrom?: Date }) {
    const runId = randomUUID();
    const startedAt = o.heartbeatAt ?? new Date(NOW.getTime() - HOUR_MS);
    await handle.prisma.syncRun.create({
      data: {
        runId, kind: 'sync', status: o.status ?? 'succeeded', intervalStart: o.start, intervalEnd: o.end, agentIds: o.agentIds ?? [],
        planKey: 'k', startedAt, heartbeatAt: startedAt, catchUpFrom: o.catchUpFrom ?? null,
      },
    });
    return runId;
  }
  async function window(runId: string, start: Date, end: Date, status: string, o: { parent?: bigint; scopeKey?: string } = {}) {
    const row = await handle.prisma.syncWindow.create({
      data: { runId, scopeKey: o.scopeKey ?? 'all', scopeAgentIds: [], windowStart: start, windowEnd: end, status, parentWindowId: o.parent ?? null },
    });
    return row.windowId;
  }

  it('covers done leaves of every run of a scope, and names the holes between them', async () => {
    const a = await run({ start: d(1), end: d(5), catchUpFrom: d(1) });
    await window(a, d(1), d(2), 'done');
    const timeSplit = await window(a, d(2), d(3), 'split');
    await window(a, d(2), half(2), 'done', { parent: timeSplit });
    await window(a, half(2), d(3), 'failed', { parent: timeSplit });
    const agentSplit = await window(a, d(3), d(4), 'split');
    await window(a, d(3), d(4), 'done', { parent: agentSplit, scopeKey: 'agents:x' });
    await window(a, d(3), d(4), 'done_with_rejects', { parent: agentSplit, scopeKey: 'agents:y' });
    await window(a, d(4), d(5), 'split'); // its children never made it to the ledger

    const live = await run({ start: d(5), end: d(7), status: 'running', heartbeatAt: new Date(NOW.getTime() - 10_000) });
    await window(live, d(5), d(6), 'pending');
    await window(live, d(6), d(7), 'done');

    const dead = await run({ start: d(7), end: d(9), status: 'running', heartbeatAt: new Date(NOW.getTime() - HOUR_MS) });
    await window(dead, d(7), d(8), 'running');
    await window(dead, d(8), d(9), 'done');

    await run({ start: d(9), end: d(12), status: 'failed' }); // stopped before planning: covers nothing
    const other = await run({ agentIds: ['b', 'a', 'b'], start: d(1), end: d(3) });
    await window(other, d(1), d(3), 'done', { scopeKey: 'agents:a,b' });

    const scopes = await readCoverage(handle.prisma, { aliveSince: new Date(NOW.getTime() - 60_000) });
    const all = scopes.find((s) => s.scopeKey === 'all')!;
    expect(all.covered).toEqual([{ start: d(1), end: half(2) }, range(3, 4), range(6, 7), range(8, 9)]);
    expect(all.holes).toEqual([{ start: half(2), end: d(3) }, range(4, 5), range(7, 8)]);
    expect(all.inProgress).toEqual([range(5, 6)]);
    expect(all.catchUpRanges).toEqual([range(1, 5)]);
    expect(scopes.find((s) => s.scopeKey === 'agents:a,b')).toMatchObject({ agentIds: ['a', 'b'], covered: [range(1, 3)], holes: [] });

    const only = await readCoverage(handle.prisma, { aliveSince: new Date(NOW.getTime() - 60_000), agentIds: ['a', 'b'] });
    expect(only.map((s) => s.scopeKey)).toEqual(['agents:a,b']);
    expect(only[0]!.covered).toEqual([range(1, 3)]);
    const none = await readCoverage(handle.prisma, { aliveSince: new Date(NOW.getTime() - 60_000), agentIds: ['a'] });
    expect(none).toEqual([]);
  });

  it('a later run that finishes the failed part fills the hole', async () => {
    const repair = await run({ start: half(2), end: d(3) });
    await window(repair, half(2), d(3), 'done');
    const [all] = await readCoverage(handle.prisma, { aliveSince: new Date(NOW.getTime() - 60_000), agentIds: [] });
    expect(all!.covered[0]).toEqual({ start: d(1), end: d(4) });
    expect(all!.holes[0]).toEqual(range(4, 5));
  });
});
