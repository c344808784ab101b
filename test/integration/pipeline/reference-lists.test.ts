import { Writable } from 'node:stream';
import { runDeps } from '../../../src/runtime.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../../src/pipeline/sync.ts';
import { readStatus } from '../../../src/pipeline/status.ts';
import { DAY_MS } from '../../../src/time.ts';
import { simClient, startHarness, type Harness } from '../../helpers/harness.ts';

/*
 * The reference lists end to end: the simulator serves queues, wrap-up codes, divisions,
 * skills and languages over HTTP with paging; a sync stores their names; an entry Genesys
 * stops listing keeps its row and name, inactive; a 403 on one list is a warning naming the
 * permission, the run still succeeds, and `status` shows the list could not be read.
 */
describe('reference lists', () => {
  let h: Harness;
  const interval = () => ({ start: new Date(h.sim.range.start), end: new Date(h.sim.range.end.getTime() + 1) });

  beforeAll(async () => {
    h = await startHarness({ seed: 41, org: { agentCount: 12, days: 6, conversationsPerDay: 40 } });
  });
  afterAll(async () => h?.close());

  it('stores every listed entry with its name, raw object and active flag, and names the view', async () => {
    const report = await h.run({ interval: interval(), windowDays: 7 });
    expect(report.status).toBe('succeeded');
    const db = h.handle.prisma;
    const listedQueues = h.sim.org.queues.filter((q) => q.deletedDaysAgo === undefined);
    const queues = await db.queue.findMany({ orderBy: { name: 'asc' } });
    expect(queues.map((q) => q.name)).toEqual(listedQueues.map((q) => q.name).sort());
    for (const q of queues) {
      const org = listedQueues.find((x) => x.id === q.queueId)!;
      expect(q).toMatchObject({ divisionId: org.divisionId, active: true });
      expect((q.raw as { selfUri: string }).selfUri).toBe(`/api/v2/routing/queues/${q.queueId}`);
    }
    expect(await db.wrapUpCode.count()).toBe(h.sim.org.wrapUpCodes.filter((w) => w.deletedDaysAgo === undefined).length);
    expect((await db.division.findMany()).map((d) => d.name).sort()).toEqual(h.sim.org.divisions.map((d) => d.name).sort());
    expect(await db.skill.count({ where: { active: true } })).toBe(h.sim.org.skills.filter((s) => s.deletedDaysAgo === undefined).length);
    expect((await db.language.findMany()).map((l) => l.name).sort()).toEqual(h.sim.org.languages.map((l) => l.name).sort());
    // The simulator's pre-existing deletions were never listed: this database cannot know them.
    const deletedQueue = h.sim.org.queues.find((q) => q.deletedDaysAgo !== undefined)!;
    expect(await db.queue.findUnique({ where: { queueId: deletedQueue.id } })).toBeNull();

    const refreshes = await db.referenceListRefresh.findMany({ orderBy: { list: 'asc' } });
    expect(refreshes.map((r) => [r.list, r.status])).toEqual(
      [['divisions', 'ok'], ['languages', 'ok'], ['presence_definitions', 'ok'], ['queues', 'ok'], ['skills', 'ok'], ['wrap_up_codes', 'ok']],
    );

    // The view: every interaction on a listed queue is named, and names match the ids.
    const rows = await db.$queryRawUnsafe<Array<{ queue_id: string | null; queue_name: string | null; wrap_up_code: string | null; wrap_up_name: string | null }>>(
      'SELECT queue_id, queue_name, wrap_up_code, wrap_up_name FROM agent_interactions',
    );
    const queueName = new Map(h.sim.org.queues.map((q) => [q.id, q.name]));
    const codeName = new Map(h.sim.org.wrapUpCodes.map((w) => [w.id, w.name]));
    const onListedQueue = rows.filter((r) => r.queue_id !== null && listedQueues.some((q) => q.id === r.queue_id));
    expect(onListedQueue.length).toBeGreaterThan(50);
    for (const r of onListedQueue) expect(r.queue_name).toBe(queueName.get(r.queue_id!));
    const coded = rows.filter((r) => r.wrap_up_code !== null && codeName.has(r.wrap_up_code) && !h.sim.org.wrapUpCodes.find((w) => w.id === r.wrap_up_code)!.deletedDaysAgo);
    expect(coded.length).toBeGreaterThan(50);
    for (const r of coded) expect(r.wrap_up_name).toBe(codeName.get(r.wrap_up_code!));
    // Conversations older than a deletion still reference the deleted queue, unnamed here.
    expect(rows.some((r) => r.queue_id === deletedQueue.id && r.queue_name === null)).toBe(true);
  });

  it('keeps an entry Genesys no longer lists, with its name, marked inactive', async () => {
    const db = h.handle.prisma;
    const queue = h.sim.org.queues.find((q) => q.deletedDaysAgo === undefined && q.name === 'Retention')!;
    const before = await db.queue.findUniqueOrThrow({ where: { queueId: queue.id } });
    const interactions = await db.$queryRawUnsafe<Array<{ n: bigint }>>('SELECT count(*) AS n FROM agent_interactions WHERE queue_id = $1', queue.id);
    expect(Number(interactions[0]!.n)).toBeGreaterThan(0);

    h.sim.deleteReferenceEntry('queues', queue.id);
    expect((await h.run({ interval: interval(), windowDays: 7 })).status).toBe('succeeded');

    const after = await db.queue.findUniqueOrThrow({ where: { queueId: queue.id } });
    expect(after).toMatchObject({ name: 'Retention', active: false, firstSeenAt: before.firstSeenAt, lastSeenAt: before.lastSeenAt });
    expect(await db.queue.count({ where: { active: true } })).toBe(h.sim.org.queues.filter((q) => q.deletedDaysAgo === undefined).length);
    const named = await db.$queryRawUnsafe<Array<{ queue_name: string }>>('SELECT DISTINCT queue_name FROM agent_interactions WHERE queue_id = $1', queue.id);
    expect(named).toEqual([{ queue_name: 'Retention' }]);
  });

  it('treats a 403 on one list as a warning naming the permission: the run succeeds and status shows the list', async () => {
    const db = h.handle.prisma;
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const skillsBefore = await db.skill.findMany({ orderBy: { skillId: 'asc' } });
    h.sim.setFaults({ forbiddenLists: ['skills'] });
    const client = simClient(h.sim, { concurrency: 4, ratePerMinute: 100_000 });
    try {
      const report = await runSync(
        runDeps({ database: h.handle }, client, { logger: pino({ level: 'info' }, sink), clock: () => new Date() }),
        { kind: 'sync', agentIds: [], agentGroupSize: 25, windowDays: 7, pageSize: 100, windowMaxHits: 10_000, concurrency: 4, resume: false, interval: interval() },
      );
      expect(report.status).toBe('succeeded');
      expect(report.conversationsWritten).toBeGreaterThan(0);
    } finally {
      client.close();
      h.sim.setFaults({ forbiddenLists: [] });
    }
    const warnings = lines.filter((l) => l.level === 40 && l.list === 'skills');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('routing:skill:view');
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    // What was stored before stays as it was: a list that could not be read deactivates nothing.
    expect(await db.skill.findMany({ orderBy: { skillId: 'asc' } })).toEqual(skillsBefore);

    const skills = await db.referenceListRefresh.findUniqueOrThrow({ where: { list: 'skills' } });
    expect(skills).toMatchObject({ status: 'forbidden', permission: 'routing:skill:view', entries: null });
    expect(skills.lastSuccessAt).not.toBeNull();
    expect(skills.error).toContain('403');
    // As of the simulator's now, with a one-day lookback the runs above cover: healthy apart from the lists.
    const status = await readStatus(db, { now: h.sim.range.end, limit: 5, maxAgeMs: DAY_MS, worker: { agentIds: [], lookbackMs: DAY_MS, lagMs: 0 } });
    expect(status.problems).toEqual([]);
    expect(status.healthy).toBe(true);
    expect(status.warnings).toEqual(['skills could not be read: the OAuth client lacks the permission routing:skill:view']);
    expect(status.referenceLists.find((l) => l.list === 'queues')?.status).toBe('ok');
  });
});
