import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/sim/index.ts';
import { runSimulatorCli } from '../../../src/sim/main.ts';
import { getToken } from './client.ts';

describe('simulator CLI', () => {
  it('starts from flags, prints the env vars to use, and stops when aborted', async () => {
    const stop = new AbortController();
    let output = '';
    let sim: Simulator | undefined;
    const running = runSimulatorCli(['--port', '0', '--seed', '9', '--agents', '12', '--days', '1', '--per-day', '5'], {
      write: (t) => { output += t; },
      signal: stop.signal,
      onStarted: (s) => { sim = s; },
    });
    await expect.poll(() => output).toContain('GENESYS_CLIENT_SECRET=');
    expect(output).toContain(`GENESYS_API_URL=${sim!.url} GENESYS_LOGIN_URL=${sim!.url} GENESYS_CLIENT_ID=sim-client GENESYS_CLIENT_SECRET=sim-secret`);
    expect(sim!.org.agents).toHaveLength(12);
    expect(typeof (await getToken(sim!))).toBe('string');
    stop.abort();
    await running;
    await expect(fetch(`${sim!.url}/api/v2/users`)).rejects.toThrow();
  });

  it('rejects malformed numbers', async () => {
    await expect(runSimulatorCli(['--agents', 'many'], { write: () => {} })).rejects.toThrow(/--agents/);
  });
});
