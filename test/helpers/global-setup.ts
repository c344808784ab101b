/**
 * Vitest globalSetup of the integration project: what every integration test file would
 * otherwise redo, done once per run before any file starts.
 *
 * - A migrated template database: createTestDatabase (database.ts) copies it (CREATE DATABASE
 *   ... TEMPLATE, milliseconds) rather than running the WASM migration engine in every file.
 *   Its name is unique to the run, so parallel workers and other runs on the same server
 *   never share or race on it; it is dropped when the run ends.
 * - `npm run build`: the CLI child processes (test/integration/ops/cli-process.ts) run the
 *   compiled `node dist/cli.js`, which starts in about half the CPU time of tsx, and
 *   compiled-cli.test.ts checks this very build. Not when dist/ is already current: the build
 *   stamps dist/ with a hash of its inputs (scripts/build-stamp.mjs), so the build `npm ci`
 *   made is used as is, and any change to src/ since is compiled (about 25 s of CPU saved
 *   on a clean clone, a tenth of the suite's).
 *
 * Both are made again when watch mode reruns tests.
 * They reach the workers through vitest's provide/inject.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from './scratch-database.ts';

/** The Postgres server test databases are created on. */
export const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The outcome of this run's `npm run build`. */
export interface CliBuild {
  status: number | null;
  output: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template of this run (absent when a runner did not set it up). */
    migratedTemplate?: string;
    /** This run's `npm run build` (absent when a runner did not set it up). */
    cliBuild?: CliBuild;
  }
}

function run(command: string, args: string[]): Promise<CliBuild> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // vitest's loader hooks must not leak into the child
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', (error) => resolve({ status: null, output: `${output}\n${String(error)}` }));
    child.once('close', (status) => resolve({ status, output }));
  });
}

/** `npm run build`, unless dist/ was built from the sources as they are now. */
async function build(): Promise<CliBuild> {
  const current = await run(process.execPath, ['scripts/build-stamp.mjs', 'check']);
  if (current.status === 0) return { status: 0, output: 'dist/ is current (dist/.build-stamp matches src/): not built again' };
  return run('npm', ['run', 'build']);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templates: Array<{ drop(): Promise<void> }> = [];
  const prepare = async () => {
    const [template, cliBuild] = await Promise.all([createTemplateDatabase(SERVER_URL, 'template'), build()]);
    templates.push(template);
    project.provide('migratedTemplate', template.name);
    project.provide('cliBuild', cliBuild);
  };
  await prepare();
  // Watch mode: the source or the migrations may have changed since.
  project.onTestsRerun(prepare);
  return async () => {
    await Promise.all(templates.map((t) => t.drop()));
  };
}
