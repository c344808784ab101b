import { describe, expect, it } from 'vitest';
import { parseRunArgs, syncOptions } from '../../../src/commands/sync.ts';
import { loadConfig } from '../../../src/config.ts';

const config = loadConfig({ DATABASE_URL: 'postgresql://localhost/x', SYNC_LOOKBACK: '3d' });
const now = new Date('2025-03-20T08:00:00Z');

describe('parseRunArgs: which runs are rolling (catch up to the coverage)', () => {
  it('sync without an interval is rolling, with or without --agents', () => {
    expect(parseRunArgs('sync', [], config, now).rolling).toBe(true);
    expect(parseRunArgs('sync', ['--agents', 'a,b'], config, now).rolling).toBe(true);
  });

  it('an explicit --lookback, --from/--to, or a backfill is not', () => {
    expect(parseRunArgs('sync', ['--lookback', '1d'], config, now).rolling).toBe(false);
    expect(parseRunArgs('sync', ['--from', '2025-03-01'], config, now).rolling).toBe(false);
    expect(parseRunArgs('backfill', ['--from', '2025-03-01', '--to', '2025-03-02'], config, now).rolling).toBe(false);
  });

  it('passes where a rolling run aimed to start to the ledger', () => {
    const catchUpFrom = new Date('2025-03-01T00:00:00Z');
    const args = { ...parseRunArgs('sync', [], config, now), catchUpFrom };
    expect(syncOptions('sync', args, config).catchUpFrom).toEqual(catchUpFrom);
  });
});
