/** The machine and run details every benchmark prints first (docs/performance.md records them). */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { SERVER_URL } from './database.ts';

export async function runInfo(command: string): Promise<string> {
  let free = '';
  try {
    free = execFileSync('free', ['-h'], { encoding: 'utf8' }).trim();
  } catch {
    free = `total ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  }
  let postgres = 'PostgreSQL (unknown)';
  try {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      postgres = `PostgreSQL ${rows[0]!.server_version}`;
    } finally {
      await client.end();
    }
  } catch (e) {
    postgres = `PostgreSQL (unreachable: ${(e as Error).message})`;
  }
  let git = 'unknown';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma'], { encoding: 'utf8' })
      .split('\n').filter(Boolean).map((l) => l.slice(3));
    git = dirty.length > 0 ? `${head} + uncommitted changes in ${dirty.join(', ')}` : head;
  } catch {
    // not a git checkout
  }
  return [
    `date:     ${new Date().toISOString()}`,
    `code:     ${git}`,
    `command:  ${command}`,
    `machine:  ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${os.platform()} ${os.release()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `memory:\n${free.replace(/^/gm, '          ')}`,
    `node:     ${process.version}`,
    `postgres: ${postgres}`,
  ].join('\n');
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtS = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** A non-negative number flag, or `fallback` when absent; anything else stops the bench with the value named. */
export function numberFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative number: ${value}`);
  return n;
}
