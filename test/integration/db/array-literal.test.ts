import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { arrayLiteral } from '../../../src/db/array-literal.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

describe('array literals read back by Postgres', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    db = (await database.open()).prisma;
  });
  afterAll(async () => database?.drop());

  it('round-trip every awkward string exactly, and NULL as NULL', async () => {
    const values = ['', ' ', 'NULL', 'null', 'Null', 'a,b', '{}', '{"a":1}', 'quote " and \\ backslash', 'tab\tnew\nline', 'émoji 🎧 ü', '  padded  ', 'x'.repeat(5000), null];
    const [row] = await db.$queryRawUnsafe<{ v: (string | null)[] }[]>(`SELECT $1::text[] AS v`, arrayLiteral(values));
    expect(row!.v).toEqual(values);
  });

  it('carry integers and booleans into typed arrays', async () => {
    const [row] = await db.$queryRawUnsafe<{ i: bigint[]; b: (boolean | null)[] }[]>(
      `SELECT $1::int8[] AS i, $2::bool[] AS b`,
      arrayLiteral([0, -5, 9007199254740991]),
      arrayLiteral([true, false, null]),
    );
    expect(row).toEqual({ i: [0n, -5n, 9007199254740991n], b: [true, false, null] });
  });
});
