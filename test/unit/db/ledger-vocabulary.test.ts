/**
 * The CHECK constraints of the run ledger list exactly the vocabulary of src/decisions/states.ts:
 * a status added to the code without a migration (or the reverse) fails here, not in production.
 */
import { describe, expect, it } from 'vitest';
import { readMigrationsList } from '../../../src/db/migrations-dir.ts';
import { RUN_KIND, RUN_KINDS, RUN_STATUS, RUN_STATUSES, WINDOW_STATUS, WINDOW_STATUSES } from '../../../src/decisions/states.ts';

/** The values the newest migration defining `constraint` lists in its `CHECK (col IN (...))`. */
async function checkedValues(constraint: string): Promise<string[] | undefined> {
  const pattern = new RegExp(`CONSTRAINT "${constraint}"\\s+CHECK \\("\\w+" IN \\(([^)]*)\\)\\)`, 'g');
  let latest: string[] | undefined;
  for (const dir of (await readMigrationsList()).migrationDirectories) {
    const content = dir.migrationFile.content;
    if (content.tag !== 'ok') continue;
    for (const match of content.value.matchAll(pattern)) latest = [...match[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  }
  return latest;
}

describe('the ledger vocabulary', () => {
  it('is what the CHECK constraints of the migrations allow, no more, no less', async () => {
    expect((await checkedValues('sync_runs_kind_check'))?.sort()).toEqual([...RUN_KINDS].sort());
    expect((await checkedValues('sync_runs_status_check'))?.sort()).toEqual([...RUN_STATUSES].sort());
    expect((await checkedValues('sync_windows_status_check'))?.sort()).toEqual([...WINDOW_STATUSES].sort());
  });

  it('names each value after itself', () => {
    expect(Object.entries(RUN_KIND)).toEqual(RUN_KINDS.map((k) => [k, k]));
    expect(Object.entries(RUN_STATUS)).toEqual(RUN_STATUSES.map((s) => [s, s]));
    expect(Object.entries(WINDOW_STATUS)).toEqual(WINDOW_STATUSES.map((s) => [s, s]));
  });
});
