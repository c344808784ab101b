import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freePort, startCli } from './cli-process.ts';

/*
 * `npm run demo` end to end with nothing configured: no Genesys credentials, no
 * DATABASE_URL. The simulator, the embedded database (in a temporary folder, on a free
 * port), the migrations and a real sync, then the analyst queries and the psql hint.
 */
describe('demo', () => {
  let dir: string;
  let port: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'genesys-sync-demo-'));
    port = await freePort();
    env = cliEnv({ EMBEDDED_DB_DIR: dir, EMBEDDED_DB_PORT: String(port), LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // One demo, as the README runs it: its summary and queries printed, the database up for psql
  // until Ctrl-C (`--once`, which only skips that wait, is not run again: a demo costs seconds of CPU).
  it('syncs a simulated org into the embedded database, prints the example queries, and stays up for psql until Ctrl-C', async () => {
    const demo = startCli(['demo'], env);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no psql hint\n${demo.stdout}\n${demo.stderr}`)), 180_000);
        const poll = setInterval(() => {
          if (demo.stdout.includes('stays up until you press Ctrl-C')) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 100);
      });
      const out = demo.stdout;
      expect(out).toMatch(/Genesys simulator: 20 agents/);
      expect(out).toContain('Database: embedded (PGlite');
      expect(out).toMatch(/sync SUCCEEDED {2}run [0-9a-f-]{36}/);
      expect(out).toMatch(/conversations +\d{3,} written/);
      expect(out).toMatch(/Handle time per agent \(top 10\):\n.*\n {2}agent +interactions +avg handle \(s\) +total handle \(h\)\n {2}\S/);
      expect(out).toMatch(/Conversations per media type per day:\n.*\n {2}day \(UTC\) +\w+/);
      // Names from the reference tables, not ids: the simulator's queues are called "General Support", "Billing", ...
      expect(out).toMatch(/Handle time per queue, with its most used wrap-up code:\n.*\n {2}queue +interactions +avg handle \(s\) +most used wrap-up\n {2}(General Support|Billing|Sales|Technical|Retention|VIP) +\d+ +[\d.]+ +[A-Z]/);
      // Agents by name, with evaluations scored (the simulator evaluates a few percent of voice calls).
      expect(out).toMatch(/Quality per agent: evaluations, average score, surveys and NPS:\n.*\n {2}agent +evaluations +avg score +surveys answered +NPS\n {2}[A-Z][a-z]+ [A-Z][a-z]+ +[1-9]\d* +[\d.]+ /);
      // Agent activity is read by default: occupancy per agent and day, agents by name, from agent_status_time.
      expect(out).toMatch(/agent-activity +\d{3,} written/);
      expect(out).toMatch(
        /Occupancy per agent and day \(interacting ÷ on-queue time, from agents' presence and routing status\):\n.*\n {2}agent +day \(UTC\) +on queue \(h\) +interacting \(h\) +occupancy %\n {2}[A-Z][a-z]+ [A-Z][a-z]+ +\d{4}-\d\d-\d\d +[\d.]+ +[\d.]+ +\d+\.\d\n/,
      );
      // Seven days back from now touch eight UTC days.
      const dayRows = out.split('\n').filter((l) => /^ {2}\d{4}-\d{2}-\d{2} /.test(l));
      expect(dayRows.length).toBeGreaterThanOrEqual(7);
      expect(out).toContain(`psql "postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable"`);
      const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_interactions');
        expect(rows[0]!.n).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
      demo.child.kill('SIGINT');
      const result = await demo.exited;
      expect(result.code, result.stderr).toBe(0);
    } finally {
      demo.child.kill('SIGKILL');
    }
  });
});
