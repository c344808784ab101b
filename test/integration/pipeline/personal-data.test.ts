/**
 * Issue #19 §4: under PII_MODE=hash and drop no contact value is left in clear anywhere in the
 * database (every text, varchar, text[] and jsonb column of every table, sync_rejects included),
 * while equal values hash alike; `protect` brings rows stored under another mode in line.
 * The contact values are read from the simulator's own records (its ground truth), and the
 * same scan finds them in a database synced under `keep`, so it can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { readStatus } from '../../../src/pipeline/status.ts';
import { formatStatus, statusJson } from '../../../src/present/status.ts';
import { runSync } from '../../../src/pipeline/sync.ts';
import { runDeps } from '../../../src/runtime.ts';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import type { Conversation } from '../../../src/sim/index.ts';
import { hmacOf, personalDataPolicy, type PersonalDataPolicy } from '../../../src/streams/conversations/personal-data.ts';
import { reapplyPersonalData } from '../../../src/streams/conversations/reapply.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf, quietLogger, startHarness, type Harness } from '../../helpers/harness.ts';

const NOW = new Date('2025-06-20T12:00:00Z');
const DAY = { start: new Date('2025-06-11T00:00:00Z'), end: new Date('2025-06-12T00:00:00Z') };
const KEY = 'integration-test-hmac-key-0123456789';
const HASH = personalDataPolicy({ mode: 'hash', attributes: 'keep', hashKey: KEY });
const DROP = personalDataPolicy({ mode: 'drop', attributes: 'drop' });
const KEEP = personalDataPolicy({ mode: 'keep', attributes: 'keep' });

/** The contact fields, read from the simulator's records: what must never be stored in clear. */
const SESSION_FIELDS = ['ani', 'dnis', 'sessionDnis', 'addressFrom', 'addressTo', 'addressOther', 'addressSelf', 'remote'];
/** Customer phone numbers and e-mail addresses wherever they are (callback numbers, cc, names that are numbers). */
const CUSTOMER_CONTACT = /\+1\d{3}555\d{4}|[a-z]+\.[0-9a-f]{4}@mail\.example/g;

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function contactValues(conversations: readonly Conversation[]): Set<string> {
  const values = new Set<string>();
  const add = (v: unknown) => typeof v === 'string' && v.length >= 4 && values.add(v);
  for (const c of conversations) {
    for (const p of list((c as unknown as Json)['participants'])) {
      if (p['purpose'] === 'customer' || p['purpose'] === 'external') add(p['participantName']);
      for (const s of list(p['sessions'])) {
        for (const f of SESSION_FIELDS) add(s[f]);
        for (const g of list(s['segments'])) add(g['wrapUpNote']);
      }
      for (const m of JSON.stringify(p).matchAll(CUSTOMER_CONTACT)) add(m[0]);
    }
  }
  return values;
}

/** Every text-like and jsonb column of every table of the database's schema, as text. */
async function databaseText(handle: DatabaseHandle): Promise<Map<string, string>> {
  const columns = await handle.prisma.$queryRawUnsafe<{ t: string; c: string }[]>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND (data_type IN ('text', 'character varying', 'jsonb', 'json') OR udt_name IN ('_text', '_varchar'))`,
  );
  const out = new Map<string, string>();
  for (const { t, c } of columns) {
    const rows = await handle.prisma.$queryRawUnsafe<{ v: string }[]>(`SELECT "${c}"::text AS v FROM "${t}" WHERE "${c}" IS NOT NULL`);
    out.set(`${t}.${c}`, rows.map((r) => r.v).join('\n'));
  }
  return out;
}

/** Where each known contact value is found in clear (column → count of values found). */
async function clearContactValues(handle: DatabaseHandle, values: Set<string>): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const [column, text] of await databaseText(handle)) {
    const n = [...values].filter((v) => text.includes(v)).length;
    if (n > 0) found[column] = n;
  }
  return found;
}

async function sync(h: Harness, handle: DatabaseHandle, personalData: PersonalDataPolicy, logger: Logger = quietLogger) {
  return runSync(runDeps({ database: handle }, h.client(), { logger, clock: () => new Date(), personalData }), {
    kind: 'backfill', agentIds: [], agentGroupSize: 25, windowDays: 1, pageSize: 100, windowMaxHits: 10_000, concurrency: 4, resume: false,
    interval: DAY,
    lanes: { mode: 'jobs', availability: h.sim.availabilityDate(), jobWindowDays: 31, jobs: { maxConcurrentJobs: 2, maxAttempts: 2, timeoutMs: 20_000, pollInitialMs: 10, pollMaxMs: 40 } },
  });
}

describe('personal data: hash and drop leave no contact value in clear', () => {
  let h: Harness;
  let keepDb: TestDatabase;
  let keepHandle: DatabaseHandle;
  let expected: Conversation[];
  let values: Set<string>;
  let victims: string[];

  beforeAll(async () => {
    h = await startHarness({ seed: 19, org: { agentCount: 20, days: 12, conversationsPerDay: 150, now: NOW } });
    keepDb = await createTestDatabase();
    keepHandle = await keepDb.open();
    expected = h.sim.expected({ from: DAY.start, to: DAY.end });
    values = contactValues(expected);
    // Two customers' records refused: one at the boundary (no start), one by the writer's contract.
    const withCustomer = expected.filter((c) => JSON.stringify(c).match(CUSTOMER_CONTACT) && idsOf([c]).length === 1);
    victims = [withCustomer[3]!.conversationId, withCustomer[7]!.conversationId];
    h.sim.corrupt(victims[0]!, 'missingConversationStart');
    h.sim.corrupt(victims[1]!, 'missingSegmentStart');
  }, 120_000);
  afterAll(async () => {
    await keepHandle?.close();
    await keepDb?.drop();
    await h?.close();
  });

  it('keep stores them in clear (the scan sees them, in columns, raw and sync_rejects)', async () => {
    expect(values.size).toBeGreaterThan(50);
    const report = await sync(h, keepHandle, KEEP);
    expect(report.recordsRejected).toBe(2);
    const found = await clearContactValues(keepHandle, values);
    for (const column of ['sessions.ani', 'sessions.address_from', 'participants.participant_name', 'conversations.raw', 'sync_rejects.raw_json']) {
      expect(found[column], column).toBeGreaterThan(0);
    }
    expect(await keepHandle.prisma.participant.count({ where: { attributes: { not: { equals: null } } } })).toBeGreaterThan(0);
  }, 180_000);

  it('hash: nothing in clear anywhere; equal numbers hash alike, in columns and raw', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', format: 'json', destination: { write: (l: string) => lines.push(l) } });
    const report = await sync(h, h.handle, HASH, logger);
    expect(report.recordsRejected).toBe(2);
    expect(await clearContactValues(h.handle, values)).toEqual({});
    // The run's log (every level, the quarantined records included) names no contact value.
    expect(lines.join('\n')).toContain('record quarantined in sync_rejects');
    expect([...values].filter((v) => lines.some((l) => l.includes(v)))).toEqual([]);
    const sessions = await h.handle.prisma.session.findMany({ select: { conversationId: true, sessionId: true, ani: true, addressFrom: true } });
    const byKey = new Map(sessions.map((s) => [`${s.conversationId} ${s.sessionId}`, s]));
    const byClearAni = new Map<string, Set<string | null>>();
    const sessionsPerAni = new Map<string, number>();
    for (const c of expected.filter((x) => !victims.includes(x.conversationId))) {
      for (const p of list((c as unknown as Json)['participants'])) {
        for (const s of list(p['sessions'])) {
          const stored = byKey.get(`${c.conversationId} ${String(s['sessionId'])}`);
          if (!stored || typeof s['ani'] !== 'string') continue;
          expect(stored.ani).toBe(hmacOf(KEY, s['ani']));
          if (s['addressFrom'] === s['ani']) expect(stored.addressFrom).toBe(stored.ani);
          byClearAni.set(s['ani'], (byClearAni.get(s['ani']) ?? new Set()).add(stored.ani));
          sessionsPerAni.set(s['ani'], (sessionsPerAni.get(s['ani']) ?? 0) + 1);
        }
      }
    }
    // Numbers seen in several sessions (the customer's and the agent's, the org's DNIS on every call): one hash each.
    expect([...sessionsPerAni.values()].filter((n) => n > 1).length).toBeGreaterThan(10);
    expect([...byClearAni.values()].every((hashes) => hashes.size === 1)).toBe(true);
    const raw = await h.handle.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM sessions s JOIN conversations c USING (conversation_id)
        WHERE s.ani IS NOT NULL AND NOT c.raw @? format('$.participants[*].sessions[*] ? (@.sessionId == "%s" && @.ani == "%s")', s.session_id, s.ani)::jsonpath`,
    );
    expect(Number(raw[0]!.n)).toBe(0);

    const status = await readStatus(h.handle.prisma, {
      now: new Date(), limit: 5, maxAgeMs: 86_400_000, worker: { agentIds: [], lookbackMs: 7 * 86_400_000, lagMs: 120_000 },
      personalData: { mode: HASH.mode, attributes: HASH.attributes },
    });
    expect(formatStatus(status)).toMatch(/PERSONAL DATA {2}PII_MODE=hash \(contact fields hashed \(HMAC-SHA256\)\), PII_ATTRIBUTES=keep/);
    expect(statusJson(status)).toMatchObject({ personalData: { mode: 'hash', attributes: 'keep' } });
    expect(JSON.stringify(statusJson(status)) + formatStatus(status)).not.toContain(KEY);
  }, 180_000);

  it('protect: a keep database hashed in place matches one synced under hash; then dropped, attributes too', async () => {
    const hashed = await reapplyPersonalData(keepHandle.prisma, HASH, { now: () => new Date(), batchSize: 97 });
    expect(hashed).toMatchObject({ complete: true, conversationsRefused: [], rejectsRead: 2, rejectsRewritten: 2 });
    expect(hashed.conversationsRewritten).toBe(hashed.conversationsRead);
    expect(await clearContactValues(keepHandle, values)).toEqual({});
    const columns = (handle: DatabaseHandle) =>
      handle.prisma.session.findMany({ select: { conversationId: true, sessionId: true, ani: true, dnis: true, addressOther: true, remote: true }, orderBy: [{ conversationId: 'asc' }, { sessionId: 'asc' }] });
    expect(await columns(keepHandle)).toEqual(await columns(h.handle));
    const again = await reapplyPersonalData(keepHandle.prisma, HASH, { now: () => new Date() });
    expect(again).toMatchObject({ conversationsRewritten: 0, rejectsRewritten: 0 });

    const dropped = await reapplyPersonalData(keepHandle.prisma, DROP, { now: () => new Date() });
    expect(dropped.conversationsRewritten).toBe(dropped.conversationsRead);
    const text = [...(await databaseText(keepHandle)).values()].join('\n');
    expect(text).not.toMatch(/hmac:[0-9a-f]{64}/);
    expect(await keepHandle.prisma.session.count({ where: { OR: [{ ani: { not: null } }, { addressFrom: { not: null } }, { remote: { not: null } }] } })).toBe(0);
    const attributes = await keepHandle.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM participants WHERE attributes IS NOT NULL AND attributes <> '{}'::jsonb`);
    expect(Number(attributes[0]!.n)).toBe(0);
  }, 180_000);

  it('drop: a later sync under drop keeps the stored attributes dropped and stores no contact value', async () => {
    await sync(h, keepHandle, DROP);
    expect(await clearContactValues(keepHandle, values)).toEqual({});
    const attributes = await keepHandle.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM participants WHERE attributes <> '{}'::jsonb`);
    expect(Number(attributes[0]!.n)).toBe(0);
  }, 180_000);
});
