import { describe, expect, it } from 'vitest';
import { SeenRecords } from '../../../src/pipeline/seen-records.ts';

const w = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
const conv = (id: string, start: string) => ({ id, timeMs: Date.parse(start) });

describe('SeenRecords', () => {
  it('remembers a record while a window touching its start day is still open', () => {
    const seen = new SeenRecords();
    const a = w('2025-01-01T00:00:00Z', '2025-01-03T00:00:00Z');
    const b = w('2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z');
    seen.open(a);
    seen.open(b);
    seen.add(conv('x', '2025-01-02T10:00:00Z'));
    seen.close(a);
    expect(seen.has(conv('x', '2025-01-02T10:00:00Z'))).toBe(true);
    seen.close(b);
    expect(seen.has(conv('x', '2025-01-02T10:00:00Z'))).toBe(false);
    expect(seen.size).toBe(0);
  });

  it('forgets a day as soon as its last window closes, so memory does not grow with the run', () => {
    const seen = new SeenRecords();
    for (let day = 1; day <= 30; day++) {
      const d = String(day).padStart(2, '0');
      const window = w(`2025-01-${d}T00:00:00Z`, day === 31 ? '2025-02-01T00:00:00Z' : new Date(Date.UTC(2025, 0, day + 1)).toISOString());
      seen.open(window);
      for (let i = 0; i < 100; i++) seen.add(conv(`${d}-${i}`, `2025-01-${d}T12:00:00Z`));
      seen.close(window);
      expect(seen.size).toBe(0);
    }
  });
});
