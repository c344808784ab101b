import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FatalApiError, REFERENCE_LIST_NAMES, type GenesysClient } from '../../../src/genesys/index.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { simClient } from '../../helpers/harness.ts';

/** The simulator's reference lists read through the project's client: paging, deletions, 403. */
describe('reference lists (simulator + client)', () => {
  let sim: Simulator;
  let client: GenesysClient;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 6, org: { agentCount: 10, now: new Date('2024-06-10T12:00:00Z'), days: 2, conversationsPerDay: 10 } });
    client = simClient(sim, { concurrency: 2, ratePerMinute: 100_000 });
  });
  afterAll(async () => {
    client?.close();
    await sim?.close();
  });

  it('pages through each list and returns every listed entry once, deleted ones left out', async () => {
    const orgLists = { queues: sim.org.queues, wrap_up_codes: sim.org.wrapUpCodes, divisions: sim.org.divisions, skills: sim.org.skills, languages: sim.org.languages };
    for (const list of REFERENCE_LIST_NAMES) {
      sim.resetStats();
      const entities = await client.listReferenceEntities(list, { pageSize: 2 });
      const expected = orgLists[list].filter((e) => e.deletedDaysAgo === undefined);
      expect(entities.map((e) => e.id).sort(), list).toEqual(expected.map((e) => e.id).sort());
      expect(entities.every((e) => typeof e['name'] === 'string' && typeof e['selfUri'] === 'string')).toBe(true);
      expect(sim.stats().requests.referenceLists, list).toBe(Math.ceil(expected.length / 2));
    }
    expect(sim.org.queues.some((q) => q.deletedDaysAgo !== undefined)).toBe(true);
    expect(sim.org.wrapUpCodes.some((w) => w.deletedDaysAgo !== undefined)).toBe(true);
  });

  it('stops listing an entry deleted at run time', async () => {
    const victim = sim.org.languages[1]!;
    sim.deleteReferenceEntry('languages', victim.id);
    const ids = (await client.listReferenceEntities('languages')).map((e) => e.id);
    expect(ids).not.toContain(victim.id);
    expect(ids).toHaveLength(sim.org.languages.length - 1);
  });

  it('answers 403 naming the permission for a forbidden list, and only for it', async () => {
    sim.setFaults({ forbiddenLists: ['divisions'] });
    try {
      const error = await client.listReferenceEntities('divisions').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FatalApiError);
      expect((error as FatalApiError).status).toBe(403);
      expect((error as FatalApiError).apiMessage).toContain('authorization:division:view');
      expect((await client.listReferenceEntities('queues')).length).toBeGreaterThan(0);
    } finally {
      sim.setFaults({ forbiddenLists: [] });
    }
  });
});
