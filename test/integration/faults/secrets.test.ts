import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/client.ts';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { idsOf } from '../../helpers/harness.ts';
import { cliEnv, freePort, runCli, simEnv, type CliResult } from '../ops/cli-process.ts';

/*
 * No secret reaches a log line, the terminal or the ledger, even at LOG_LEVEL=debug and on
 * every error path: a sync through retries, 401s and token renewals; failing runs; rejected
 * credentials (exit 3); a configuration error (exit 2); an unreachable database (exit 3).
 * Secrets: the client secret, the database password (plain and URL-encoded), the Basic
 * credentials header value, and every bearer token the login endpoint issued — collected by
 * a recording proxy between the CLI and the simulator.
 */
const NOW = new Date('2025-06-20T12:00:00Z');
const CLIENT_ID = 'gsync-secret-scan-client';
const CLIENT_SECRET = 'CSec-9q7Lw2Zx4Rt8Vb6Nm1Kp3Hj5';
const WRONG_SECRET = 'Wrong-5t6Y7u8I9o0P1a2S3d4F';
// Characters that URLs must encode, so the encoded form is checked too.
const PASSWORD = 'Pw-7Gh2$Kq9/xZ:m@3';

/** A pass-through HTTP proxy in front of the simulator that keeps every access token it sees issued. */
async function startRecordingProxy(target: string): Promise<{ url: string; tokens: Set<string>; close(): Promise<void> }> {
  const tokens = new Set<string>();
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (req.url === '/oauth/token' && answer.statusCode === 200) {
            const token = (JSON.parse(body.toString('utf8')) as { access_token?: string }).access_token;
            if (token) tokens.add(token);
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
        answer.on('error', () => req.socket.destroy());
      },
    );
    // The simulator dropped the connection: drop ours too, so the client sees the same fault.
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('secrets stay out of output and the ledger', () => {
  /** Serves the run under faults (its fault settings are its own)... */
  let faultySim: Simulator;
  /** ...and this one the other runs, which run at the same time. */
  let sim: Simulator;
  let db: TestDatabase;
  let handle: DatabaseHandle;
  let faultyProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let databaseUrl: string;
  const outputs: Array<{ what: string; result: CliResult }> = [];

  beforeAll(async () => {
    const simOptions = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, org: { agentCount: 10, days: 6, conversationsPerDay: 40, now: NOW } };
    [faultySim, sim, db] = await Promise.all([
      startSimulator({ seed: 61, ...simOptions }),
      startSimulator({ seed: 62, ...simOptions }),
      createTestDatabase(),
    ]);
    handle = await db.open();
    [faultyProxy, proxy] = await Promise.all([startRecordingProxy(faultySim.url), startRecordingProxy(sim.url)]);
    const u = new URL(db.url);
    u.username = u.username || 'postgres';
    u.password = encodeURIComponent(PASSWORD); // trust auth accepts any password
    databaseUrl = u.toString();
    expect(databaseUrl).toContain(encodeURIComponent(PASSWORD));
  });
  afterAll(async () => {
    await Promise.all([faultyProxy?.close(), proxy?.close()]);
    await Promise.all([faultySim?.close(), sim?.close()]);
    await db?.drop();
  });

  const env = (extra: Record<string, string> = {}, via = proxy) =>
    simEnv({ url: via.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, databaseUrl, {
      // One stream: the secrets pass through the one client both streams share, and a second stream
      // under these fault rates only doubles the run's time.
      LOG_LEVEL: 'debug', GENESYS_RATE_LIMIT_PER_MIN: '100000', GENESYS_MAX_RETRIES: '10', SYNC_STREAMS: 'conversations', ...extra,
    });
  /**
   * A process where a run talks to Genesys and the database (whatever a library prints is caught
   * too); in-process where the output is the dispatcher's and the commands' own (configuration
   * errors, status, migrate): the same code, without a process's start-up.
   */
  const cli = async (what: string, args: string[], e: NodeJS.ProcessEnv, how: 'process' | 'in-process' = 'process') => {
    const result = await runCli(args, e, 120_000, how);
    outputs.push({ what, result });
    return result;
  };
  const interval = ['--from', '2025-06-15', '--to', '2025-06-18'];

  // The runs are independent (two simulators, one database): run them at the same time.
  describe.concurrent('every kind of run, at LOG_LEVEL=debug', () => {
    it('a sync through 429s, 5xx, dropped connections, a revoked token and 2-second tokens (exit 0)', async () => {
      // Moderate rates: the CLI backs off as in production (0.5 s doubling up to 30 s).
      faultySim.setFaults({ rateLimitRate: 0.15, retryAfterSeconds: 1, serverErrorRate: 0.1, dropRate: 0.05, tokenLifetimeSeconds: 2, latencyMs: 20 });
      faultySim.queueFaults(['401', 'drop', '503', '429']);
      const agents = faultySim.org.agents.slice(0, 6).map((a) => a.id).join(',');
      const result = await cli('sync with faults', ['sync', ...interval, '--agents', agents], env({ SYNC_PAGE_SIZE: '10' }, faultyProxy));
      expect(result.code, result.stderr).toBe(0);
      // The paths that could leak were taken: debug lines, retries, renewals.
      expect(result.logs.some((l) => l.level === 20)).toBe(true);
      expect(result.logs.some((l) => l.msg === 'Genesys rejected the access token (401); renewing it and retrying')).toBe(true);
      expect(faultySim.stats().tokensIssued).toBeGreaterThan(1);
      const runId = /run ([0-9a-f-]{36})/.exec(result.stdout)![1]!;
      const run = await handle.prisma.syncRun.findUniqueOrThrow({ where: { runId } });
      expect(run.rateLimited).toBe(faultySim.stats().byStatus[429] ?? 0);
      expect(run.rateLimited).toBeGreaterThan(0);
      expect(run.retries).toBeGreaterThan(run.rateLimited);
    });

    it('failing runs: a malformed record, and retries exhausted on 5xx (exit 1)', async () => {
      const victim = idsOf(sim.expected({ from: new Date('2025-06-16T00:00:00Z'), to: new Date('2025-06-17T00:00:00Z') }))[4]!;
      sim.corrupt(victim, 'missingSessionId');
      const corrupt = await cli('malformed record', ['sync', ...interval], env());
      sim.clearCorruption();
      expect(corrupt.code, corrupt.stderr).toBe(1);
      expect(corrupt.stdout).toContain(victim);

      sim.setFaults({ serverErrorRate: 1 });
      const exhausted = await cli('retries exhausted', ['sync', ...interval], env({ GENESYS_MAX_RETRIES: '1' }));
      sim.setFaults({ serverErrorRate: 0 });
      expect(exhausted.code, exhausted.stderr).toBe(1);
      expect(exhausted.stdout).toMatch(/gave up after \d+ attempts/);
    });

    it('rejected credentials (exit 3), configuration errors (exit 2), an unreachable or missing database (exit 3)', async () => {
      const closed = new URL(databaseUrl);
      closed.port = String(await freePort());
      const missing = new URL(databaseUrl);
      missing.pathname = '/gs_no_such_database';
      const [badCreds, config, badUrl, unreachable, noDb] = await Promise.all([
        cli('bad credentials', ['sync', ...interval], env({ GENESYS_CLIENT_SECRET: WRONG_SECRET })),
        cli('config error', ['sync', ...interval], env({ SYNC_CONCURRENCY: 'lots', GENESYS_API_URL: 'not a url' }), 'in-process'),
        cli('config error (database url)', ['sync', ...interval], env({ DATABASE_URL: `mysql://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1/x` }), 'in-process'),
        cli('unreachable database', ['sync', ...interval], env({ DATABASE_URL: closed.toString() })),
        cli('missing database', ['sync', ...interval], env({ DATABASE_URL: missing.toString() })),
      ]);
      expect(badCreds.code, badCreds.stderr).toBe(3);
      expect(config.code).toBe(2);
      expect(config.stderr).toContain('SYNC_CONCURRENCY');
      expect(badUrl.code).toBe(2);
      expect(badUrl.stderr).toContain('DATABASE_URL');
      expect(unreachable.code).toBe(3);
      expect(unreachable.stderr).toMatch(/cannot connect/);
      expect(noDb.code).toBe(3);

      // Commands that only read the database, for good measure.
      const readOnly = cliEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'debug', GENESYS_CLIENT_SECRET: CLIENT_SECRET });
      await Promise.all([cli('status', ['status'], readOnly, 'in-process'), cli('status --json', ['status', '--json'], readOnly, 'in-process'), cli('migrate', ['migrate'], readOnly, 'in-process')]);
    });
  });

  it('none of the output, sync_runs.error or sync_windows.error holds a secret', async () => {
    expect(outputs.length).toBeGreaterThanOrEqual(10);
    const tokens = [...faultyProxy.tokens, ...proxy.tokens];
    expect(faultyProxy.tokens.size).toBeGreaterThan(1);
    expect(proxy.tokens.size).toBeGreaterThan(0);
    const literals = new Map<string, string>([
      ['client secret', CLIENT_SECRET],
      ['wrong client secret', WRONG_SECRET],
      ['database password', PASSWORD],
      ['database password (URL-encoded)', encodeURIComponent(PASSWORD)],
      ['Basic credentials', Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')],
      ['Basic credentials (wrong secret)', Buffer.from(`${CLIENT_ID}:${WRONG_SECRET}`).toString('base64')],
      ...tokens.map((t, i) => [`bearer token #${i + 1}`, t] as [string, string]),
    ]);
    const shapes: Array<[string, RegExp]> = [
      ['a bearer token', /Bearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/i],
      ['Basic credentials', /Basic\s+(?!\[REDACTED\])[A-Za-z0-9+/=]{8,}/],
      ['an access_token value', /access_token"?\s*[:=]\s*"?(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/i],
      ['a URL with a password', /[a-z]+:\/\/[^:/?#\s@]*:(?!\[REDACTED\])[^@/?#\s]+@/i],
    ];
    const problems: string[] = [];
    const scan = (where: string, text: string) => {
      for (const [name, secret] of literals) if (text.includes(secret)) problems.push(`${where}: ${name}`);
      for (const [name, shape] of shapes) {
        const m = shape.exec(text);
        if (m) problems.push(`${where}: ${name} (${m[0].slice(0, 40)}…)`);
      }
    };
    for (const { what, result } of outputs) {
      result.stdout.split('\n').forEach((line, i) => scan(`${what}, stdout line ${i + 1}`, line));
      result.stderr.split('\n').forEach((line, i) => scan(`${what}, stderr line ${i + 1}`, line));
    }
    const runs = await handle.prisma.syncRun.findMany({ select: { runId: true, error: true } });
    const windows = await handle.prisma.syncWindow.findMany({ select: { windowId: true, error: true } });
    expect(runs.filter((r) => r.error).length).toBeGreaterThanOrEqual(2);
    for (const r of runs) scan(`sync_runs.error of ${r.runId}`, r.error ?? '');
    for (const w of windows) scan(`sync_windows.error of ${w.windowId}`, w.error ?? '');
    expect(problems).toEqual([]);
  });
});
