import { describe, expect, it } from 'vitest';
import { parseConversation } from '../../../src/genesys/schemas.ts';
import { readConversationRecord } from '../../../src/streams/conversations/contract.ts';

const record = (over: Record<string, unknown>) => ({ conversationId: 'c-1', conversationStart: '2025-06-01T08:30:00.000Z', participants: [], ...over });

describe('the conversation stream reads each record once at the boundary', () => {
  it('places a record by its id and its start, keeping the record as received', () => {
    const raw = record({});
    const read = readConversationRecord(raw);
    expect(read).toEqual({ ok: true, record: { id: 'c-1', timeMs: Date.parse('2025-06-01T08:30:00.000Z'), raw } });
    if (read.ok) expect(read.record.raw).toBe(raw);
  });

  it('accepts a start with an offset, at the instant it names', () => {
    const read = readConversationRecord(record({ conversationStart: '2025-06-01T10:30:00+02:00' }));
    expect(read.ok && read.record.timeMs).toBe(Date.parse('2025-06-01T08:30:00Z'));
  });

  it('refuses, naming the field, what the full contract refuses: the same rule in both places', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ conversationStart: '2025-06-01 08:30' }, /conversationStart/],
      [{ conversationStart: '2025-06-01T08:30:00' }, /conversationStart/], // no zone: which instant?
      [{ conversationStart: 'yesterday' }, /conversationStart/],
      [{ conversationStart: undefined }, /conversationStart/],
      [{ conversationId: '' }, /conversationId/],
      [{ conversationId: 42 }, /conversationId/],
    ];
    for (const [over, problem] of cases) {
      const raw = record(over);
      const read = readConversationRecord(raw);
      expect(read.ok, JSON.stringify(over)).toBe(false);
      if (!read.ok) {
        expect(read.reject.problem).toMatch(problem);
        expect(read.reject.raw).toBe(raw);
      }
      expect(parseConversation(raw).ok, JSON.stringify(over)).toBe(false);
    }
  });

  it('keeps the id of a record it refuses for its time, so the reject names it', () => {
    const read = readConversationRecord(record({ conversationStart: 'soon' }));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reject.recordId).toBe('c-1');
  });

  it('refuses an id with a NUL character, which Postgres cannot store, instead of failing its window', () => {
    const read = readConversationRecord(record({ conversationId: 'c-\u0000-1' }));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reject.problem).toMatch(/conversationId: contains a NUL character/);
  });

  it('refuses what is not an object at all', () => {
    for (const raw of [null, 'x', 3, []]) expect(readConversationRecord(raw).ok).toBe(false);
  });
});
