import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireGenesys } from '../../../src/config.ts';

const valid = {
  GENESYS_REGION: 'mypurecloud.de',
  GENESYS_CLIENT_ID: 'client-123',
  GENESYS_CLIENT_SECRET: 'very-secret-value',
  DATABASE_URL: 'postgresql://sync:db-password-42@db.internal:5432/genesys',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('maps a region to its api and login hosts and applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.genesys).toMatchObject({
      apiUrl: 'https://api.mypurecloud.de',
      loginUrl: 'https://login.mypurecloud.de',
      clientId: 'client-123',
      ratePerMinute: 250,
    });
    expect(config.sync).toMatchObject({ concurrency: 4, pageSize: 100, windowMaxHits: 10_000, agentIds: [], timezone: 'UTC' });
    expect(config.sync.lookbackMs).toBe(7 * 24 * 3600 * 1000);
  });

  it('turns the metrics server on with METRICS_PORT, off when empty or unset, and refuses a port out of range', () => {
    expect(loadConfig(valid).metrics.port).toBeUndefined();
    expect(loadConfig({ ...valid, METRICS_PORT: '' }).metrics.port).toBeUndefined();
    expect(loadConfig({ ...valid, METRICS_PORT: '9464' }).metrics.port).toBe(9464);
    for (const bad of ['0', '65536', 'http', '94.64']) {
      expect(problems({ ...valid, METRICS_PORT: bad })).toEqual([expect.stringMatching(/^METRICS_PORT: must be a TCP port from 1 to 65535/)]);
    }
  });

  it('lets GENESYS_API_URL and GENESYS_LOGIN_URL override the region, plain http included', () => {
    const config = loadConfig({ ...valid, GENESYS_API_URL: 'http://127.0.0.1:9000/', GENESYS_LOGIN_URL: 'http://127.0.0.1:9000' });
    expect(config.genesys?.apiUrl).toBe('http://127.0.0.1:9000');
  });

  it('refuses plain http for the Genesys URLs except on loopback, naming the variable', () => {
    for (const host of ['127.0.0.1:9000', '127.8.9.10', 'localhost:8080', '[::1]:9000']) {
      expect(problems({ ...valid, GENESYS_API_URL: `http://${host}`, GENESYS_LOGIN_URL: `http://${host}` })).toEqual([]);
    }
    expect(problems({ ...valid, GENESYS_API_URL: 'https://proxy.example.com', GENESYS_LOGIN_URL: 'https://login.example.com' })).toEqual([]);
    for (const host of ['proxy.example.com', '10.0.0.5', '127.0.0.1.example.com', '[::2]', '0.0.0.0']) {
      const found = problems({ ...valid, GENESYS_API_URL: 'https://api.example.com', GENESYS_LOGIN_URL: `http://${host}` });
      expect(found, host).toHaveLength(1);
      expect(found[0]).toMatch(/^GENESYS_LOGIN_URL: must be an https:\/\/ URL \(plain http is allowed only on loopback/);
    }
    expect(problems({ ...valid, GENESYS_API_URL: 'ftp://x', GENESYS_LOGIN_URL: 'https://login.example.com' })).toEqual(['GENESYS_API_URL: must be an https:// URL']);
  });

  it('refuses a lookback longer than the longest interval a run may cover', () => {
    expect(problems({ ...valid, SYNC_LOOKBACK: '100000000d' })).toEqual([expect.stringMatching(/^SYNC_LOOKBACK: must be at most 3660d/)]);
    expect(loadConfig({ ...valid, SYNC_LOOKBACK: '3660d' }).sync.lookbackMs).toBe(3660 * 24 * 3600 * 1000);
  });

  it('reports every problem at once, each naming its variable', () => {
    const found = problems({
      ...valid,
      SYNC_CONCURRENCY: 'many',
      SYNC_PAGE_SIZE: '500',
      SYNC_LOOKBACK: 'a week',
      SYNC_SCHEDULE: 'every night',
      SYNC_TIMEZONE: 'Mars/Olympus',
      SYNC_AGENT_IDS: 'good-id,bad id!',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    const names = found.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(
      ['DATABASE_URL', 'LOG_LEVEL', 'SYNC_AGENT_IDS', 'SYNC_CONCURRENCY', 'SYNC_LOOKBACK', 'SYNC_PAGE_SIZE', 'SYNC_SCHEDULE', 'SYNC_TIMEZONE'].sort(),
    );
  });

  it('reads SYNC_MAX_CATCH_UP as an optional duration: unset (or empty) = no cap', () => {
    expect(loadConfig(valid).sync.maxCatchUpMs).toBeUndefined();
    expect(loadConfig({ ...valid, SYNC_MAX_CATCH_UP: '' }).sync.maxCatchUpMs).toBeUndefined();
    expect(loadConfig({ ...valid, SYNC_MAX_CATCH_UP: '30d' }).sync.maxCatchUpMs).toBe(30 * 24 * 3600 * 1000);
    expect(problems({ ...valid, SYNC_MAX_CATCH_UP: 'a month' })).toEqual([
      'SYNC_MAX_CATCH_UP: must be a duration like 7d, 36h, 90m or 45s, or empty for no cap (got "a month")',
    ]);
  });

  it('lists the known regions for an unknown one', () => {
    const [problem] = problems({ ...valid, GENESYS_REGION: 'mypurecloud.moon' });
    expect(problem).toMatch(/^GENESYS_REGION: unknown region "mypurecloud.moon"; known regions: .*mypurecloud\.de/);
  });

  it('reports an unknown region together with the other problems', () => {
    const names = problems({ ...valid, GENESYS_REGION: 'moon', SYNC_CONCURRENCY: '0' }).map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['GENESYS_REGION', 'SYNC_CONCURRENCY']);
  });

  it('names each missing Genesys variable when a command needs Genesys', () => {
    const config = loadConfig({ DATABASE_URL: valid.DATABASE_URL });
    expect(() => requireGenesys(config)).toThrow(ConfigError);
    expect(config.genesysProblems.map((p) => p.split(':')[0])).toEqual([
      'GENESYS_REGION',
      'GENESYS_CLIENT_ID',
      'GENESYS_CLIENT_SECRET',
    ]);
  });

  it('never echoes a secret, even inside an invalid value', () => {
    const error = (() => {
      try {
        loadConfig({ ...valid, DATABASE_URL: 'postgres://u:db-password-42@host:notaport/db x', GENESYS_CLIENT_SECRET: 'very-secret-value', SYNC_PAGE_SIZE: 'very-secret-value' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).not.toContain('very-secret-value');
    expect(error!.message).not.toContain('db-password-42');
  });
});

describe('lanes and settling configuration', () => {
  it('defaults: auto lane, 31-day jobs, 2 jobs at once, 3 attempts, settling on', () => {
    const config = loadConfig(valid);
    expect(config.lanes).toEqual({ backfillLane: 'auto', jobWindowDays: 31, maxConcurrentJobs: 2, maxJobAttempts: 3, jobTimeoutMs: 3_600_000, pollInitialMs: 1_000, pollMaxMs: 10_000 });
    expect(config.settle).toEqual({ enabled: true, daysPerTick: 7 });
  });

  it('accepts a lane in any case and names BACKFILL_LANE and the job window when they are wrong', () => {
    expect(loadConfig({ ...valid, BACKFILL_LANE: 'Jobs' }).lanes.backfillLane).toBe('jobs');
    const found = problems({ ...valid, BACKFILL_LANE: 'lake', BACKFILL_JOB_WINDOW_DAYS: '32', SETTLE_ENABLED: 'maybe' });
    expect(found.map((p) => p.split(':')[0])).toEqual(['BACKFILL_LANE', 'BACKFILL_JOB_WINDOW_DAYS', 'SETTLE_ENABLED']);
    expect(found[0]).toContain('auto, jobs, query');
  });
});
