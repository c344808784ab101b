import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileChecker } from '../../../src/genesys/contract-checker.ts';
import { conversationContract, parseConversation } from '../../../src/genesys/schemas.ts';
import { createGenContext, generateDay } from '../../../src/sim/generate.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { DAY_MS } from '../../../src/time.ts';

/*
 * The check-only contract must give zod's verdict on every record, or a record zod would
 * quarantine could be written. Differential: simulator records (several seeds, with and without
 * explicit nulls), then every path of those records replaced by each of a set of hostile values.
 */
const NOW = Date.parse('2026-03-10T00:00:00.000Z');
const TODAY = Math.floor(NOW / DAY_MS);
type Json = Record<string, unknown>;

function simulatorRecords(seed: number, count: number): Json[] {
  const ctx = createGenContext(seed, generateOrg(seed, 30), 400, NOW, { explicitNulls: seed % 2 === 1 });
  const records: Json[] = [];
  for (let day = TODAY; records.length < count; day--) {
    // Through JSON, as the API delivers them.
    for (const c of generateDay(ctx, day)) records.push(JSON.parse(JSON.stringify(c)) as Json);
  }
  return records.slice(0, count);
}

/** Thousands of full-contract checks on a shared 2-core machine: far over the unit default of 5 s. */
const HEAVY = { timeout: 120_000 };

const records = [1, 7, 42, 2024].flatMap((seed) => simulatorRecords(seed, 800));

const MUTATIONS: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null], ['undefined (deleted)', undefined], ['""', ''], ['"x"', 'x'], ['1.5', 1.5], ['2**60', 2 ** 60],
  ['-1', -1], ['0', 0], ['true', true], ['{}', {}], ['[]', []], ['NaN', NaN], ['Infinity', Infinity],
  ['bad date', '2024-02-30T25:61:00.000Z'], ['date with offset', '2024-05-01T10:00:00.000+02:00'],
  ['date', '2024-05-01T10:00:00Z'], ['date without zone', '2024-05-01T10:00:00'], ['astral "𝒳"', '𝒳'],
];

interface Slot {
  readonly parent: Json | unknown[];
  readonly key: string | number;
  /** The path with array indices as `[]`: which schema node the slot is checked by. */
  readonly shape: string;
}

function slots(value: unknown, shape = '', out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push({ parent: value, key: i, shape: `${shape}[]` });
      slots(item, `${shape}[]`, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push({ parent: value as Json, key, shape: `${shape}.${key}` });
      slots(item, `${shape}.${key}`, out);
    }
  }
  return out;
}

/** Sets the slot to `replacement` (deletes it for undefined in an object), returns the undo. */
function mutate({ parent, key }: Slot, replacement: unknown): () => void {
  const before = (parent as Json)[key as string];
  if (replacement === undefined && !Array.isArray(parent)) delete parent[key as string];
  else (parent as Json)[key as string] = replacement;
  return () => { (parent as Json)[key as string] = before; };
}

function verdicts(record: unknown): { zod: boolean; fast: boolean } {
  return { zod: conversationContract.zodAccepts(record), fast: conversationContract.fastAccepts(record) };
}

describe('the check-only conversation contract (compiled from the zod schema)', () => {
  it('leaves to zod only what it does not understand: the free-form attributes record', () => {
    expect(conversationContract.fallbacks).toEqual(['participants[].attributes: node kind record']);
  });

  it('accepts every simulator record, as zod does', HEAVY, () => {
    expect(records.length).toBe(3_200);
    const disagreements = records.filter((record) => {
      const { zod, fast } = verdicts(record);
      return !zod || !fast;
    });
    expect(disagreements.map((r) => r['conversationId'])).toEqual([]);
  });

  it('agrees with zod on every path of the records replaced by each hostile value', HEAVY, () => {
    const perShape = new Map<string, number>();
    const disagreements: string[] = [];
    let rejected = 0;
    let tried = 0;
    for (const record of records) {
      for (const slot of slots(record)) {
        // Two occurrences of each schema position (ids, arrays, nested objects, unknown keys) are enough.
        const seen = perShape.get(slot.shape) ?? 0;
        if (seen >= 2) continue;
        perShape.set(slot.shape, seen + 1);
        for (const [name, replacement] of MUTATIONS) {
          const undo = mutate(slot, replacement);
          const { zod, fast } = verdicts(record);
          undo();
          tried++;
          if (!zod) rejected++;
          if (zod !== fast) disagreements.push(`${String(record['conversationId'])} ${slot.shape} = ${name}: zod ${zod}, fast ${fast}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Both answers were exercised, on every part of the contract.
    expect(perShape.size).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(tried / 4);
    expect(tried - rejected).toBeGreaterThan(tried / 4);
  });

  it('agrees with zod when the whole record is not an object', () => {
    for (const [, replacement] of MUTATIONS) expect(verdicts(replacement)).toEqual({ zod: false, fast: false });
  });

  it('refuses a repeated participant or session id, as zod does', () => {
    const record = records.find((r) => (r['participants'] as Json[] | undefined)?.some((p) => ((p['sessions'] as Json[] | undefined)?.length ?? 0) > 1))!;
    const participants = record['participants'] as Json[];
    const withSessions = participants.find((p) => (p['sessions'] as Json[]).length > 1)!;
    const sessions = withSessions['sessions'] as Json[];
    const undoSession = mutate({ parent: sessions[1]!, key: 'sessionId', shape: '' }, sessions[0]!['sessionId']);
    expect(verdicts(record)).toEqual({ zod: false, fast: false });
    undoSession();
    const undoParticipant = mutate({ parent: participants[1]!, key: 'participantId', shape: '' }, participants[0]!['participantId']);
    expect(verdicts(record)).toEqual({ zod: false, fast: false });
    expect(parseConversation(record)).toMatchObject({ ok: false, problem: expect.stringContaining('duplicate participantId') });
    undoParticipant();
    expect(verdicts(record)).toEqual({ zod: true, fast: true });
  });

  it('parseConversation returns the original object when valid and zod\'s problem text when not', () => {
    const record = records[0]!;
    expect(parseConversation(record)).toEqual({ ok: true, conversation: record });
    const undo = mutate({ parent: record, key: 'conversationStart', shape: '' }, 'yesterday');
    const expected = z.safeParse(z.looseObject({ conversationStart: z.iso.datetime({ offset: true }) }), record);
    const parsed = parseConversation(record);
    undo();
    expect(expected.success).toBe(false);
    expect(parsed).toMatchObject({ ok: false, problem: `conversationStart: ${expected.error!.issues[0]!.message}` });
  });
});

describe('compileChecker', () => {
  it('falls back to zod, never to "accept", for what it does not understand', () => {
    const schema = z.looseObject({
      mail: z.email().optional(),
      positive: z.number().refine((n) => n > 0).optional(),
      trimmed: z.string().transform((s) => s.trim()).optional(),
      strict: z.strictObject({ a: z.string() }).optional(),
      name: z.string().min(2),
    });
    const compiled = compileChecker(schema);
    expect(compiled.fallbacks).toEqual([
      'mail: string format email',
      'positive: check custom',
      'trimmed: node kind pipe',
      'strict: object catchall other than unknown',
    ]);
    const cases: unknown[] = [
      { name: 'ab' }, { name: 'a' }, { name: '𝒳' }, { name: '𝒳𝒳' }, { name: 'ab', mail: 'x' }, { name: 'ab', mail: 'a@b.co' },
      { name: 'ab', positive: -1 }, { name: 'ab', positive: 2 }, { name: 'ab', trimmed: 3 }, { name: 'ab', trimmed: ' a ' },
      { name: 'ab', strict: { a: 'x', b: 1 } }, { name: 'ab', strict: { a: 'x' } }, { name: 'ab', mail: undefined }, {},
    ];
    for (const value of cases) expect([value, compiled.check(value)]).toEqual([value, schema.safeParse(value).success]);
  });
});
