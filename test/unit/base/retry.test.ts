import { describe, expect, it } from 'vitest';
import { retry } from '../../../src/retry.ts';

describe('retry', () => {
  const noWait = async () => {};

  it('returns the first success and waits between failures with the delays asked for', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls += 1;
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { attempts: 5, delayMs: (a) => a * 100, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('rethrows the last error once the attempts are spent', async () => {
    let calls = 0;
    await expect(
      retry(async (a) => {
        calls += 1;
        throw new Error(`fail ${a}`);
      }, { attempts: 3, delayMs: () => 1, sleep: noWait }),
    ).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });

  it('does not retry an error the policy calls final, nor after the signal aborted', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls += 1;
        throw new Error('final');
      }, { attempts: 5, delayMs: () => 1, sleep: noWait, retryable: () => false }),
    ).rejects.toThrow('final');
    expect(calls).toBe(1);

    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    calls = 0;
    await expect(
      retry(async () => {
        calls += 1;
        throw new Error('boom');
      }, { attempts: 5, delayMs: () => 1, sleep: noWait, signal: stop.signal }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  it('refuses a policy without a single attempt', async () => {
    await expect(retry(async () => 1, { attempts: 0, delayMs: () => 1 })).rejects.toThrow(RangeError);
  });
});
