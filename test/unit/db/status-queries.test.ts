import { describe, expect, it } from 'vitest';
import { describeMissingColumn, missingColumnOf } from '../../../src/db/status-queries.ts';

describe('a ledger column the database lacks', () => {
  it('is read from Prisma (P2022, driver adapter cause) and from raw SQL (42703)', () => {
    expect(missingColumnOf({ code: 'P2022', meta: { driverAdapterError: { cause: { originalCode: '42703', column: 'sync_windows.lane' } } } })).toBe('sync_windows.lane');
    expect(missingColumnOf({ code: 'P2022', meta: { column: 'sync_runs.catch_up_from' } })).toBe('sync_runs.catch_up_from');
    expect(missingColumnOf(new Error('Raw query failed. Code: `42703`. Message: `column w.lane does not exist`'))).toBe('w.lane');
    expect(missingColumnOf(new Error('Raw query failed. Code: `42703`. Message: `column "lane" does not exist`'))).toBe('lane');
  });

  it('is not invented for other errors', () => {
    expect(missingColumnOf(new Error('connection refused'))).toBeUndefined();
    expect(missingColumnOf({ code: 'P2021', meta: { table: 'sync_runs' } })).toBeUndefined();
    expect(missingColumnOf(undefined)).toBeUndefined();
  });

  it('is described with the migration that creates it and the fix', async () => {
    const error = await describeMissingColumn({ code: 'P2022', meta: { column: 'sync_runs.catch_up_from' } });
    expect(error?.message).toMatch(/^the ledger has no column sync_runs\.catch_up_from \(it is created by migration 20261130041453_rolling_catch_up_from, /);
    expect(error?.message).toContain('Run `npm run migrate`');
    expect(await describeMissingColumn(new Error('other'))).toBeUndefined();
  });
});
