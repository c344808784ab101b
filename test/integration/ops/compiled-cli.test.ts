import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { cliEnv, REPO_ROOT, simEnv } from './cli-process.ts';

/*
 * The production entry: `npm run build` compiles src/ to dist/, and the `genesys-sync` bin
 * (package.json) runs it with plain node, no tsx. Run through npx in the checkout, the way
 * the README shows, against a scratch database and the simulator.
 */
function npx(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['--no-install', 'genesys-sync', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('compiled CLI (npm run build, the genesys-sync bin)', () => {
  let db: TestDatabase;
  let sim: Simulator;

  beforeAll(async () => {
    // The integration project's global setup ran `npm run build` once for the whole run
    // (test/helpers/global-setup.ts): the other CLI tests run that build too.
    const build = inject('cliBuild');
    expect(build, 'the global setup of the integration project (vitest.config.ts) runs npm run build').toBeDefined();
    expect(build!.status, build!.output).toBe(0);
    db = await createTestDatabase({ migrate: false });
    sim = await startSimulator({ seed: 21, org: { agentCount: 5, days: 2, conversationsPerDay: 40 } });
  }, 180_000);
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('compiles every relative import to .js and needs neither tsx nor TypeScript at run time', () => {
    const files = jsFiles(path.join(REPO_ROOT, 'dist'));
    expect(files.some((f) => f.endsWith(path.join('dist', 'generated', 'prisma', 'client.js')))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ["']\.{1,2}\/[^"']*\.ts["']|import\(["']\.{1,2}\/[^"']*\.ts["']\)/);
      expect(text, file).not.toMatch(/from ["'](tsx|typescript)["']/);
    }
    expect(readFileSync(path.join(REPO_ROOT, 'dist', 'cli.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // Executable, so the bin runs in a checkout whatever npm did or did not chmod (tsc writes new files 0644).
    expect(statSync(path.join(REPO_ROOT, 'dist', 'cli.js')).mode & 0o111).toBe(0o111);
  });

  it('runs --help, migrate, sync and status through `npx genesys-sync`', async () => {
    const help = await npx(['--help'], cliEnv({}));
    expect(help.code).toBe(0);
    expect(help.stderr).toContain('usage: genesys-sync <command>');

    const env = simEnv(sim, db.url, { GENESYS_RATE_LIMIT_PER_MIN: '100000' }); // no client-side pacing: nothing here is about it
    const migrate = await npx(['migrate'], env);
    expect(migrate.code, migrate.stderr).toBe(0);

    const before = await npx(['status', '--json'], env);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout)).toMatchObject({ healthy: false, problems: ['no sync run has succeeded yet'] });

    const sync = await npx(['sync', '--lookback', '2d'], env);
    expect(sync.code, sync.stderr).toBe(0);

    const after = await npx(['status', '--json'], env);
    expect(after.code, after.stdout).toBe(0);
    const status = JSON.parse(after.stdout) as { healthy: boolean; runs: Array<{ status: string; conversationsWritten: number }> };
    expect(status.healthy).toBe(true);
    expect(status.runs[0]).toMatchObject({ status: 'succeeded' });
    expect(status.runs[0]!.conversationsWritten).toBeGreaterThan(0);
  });
});
