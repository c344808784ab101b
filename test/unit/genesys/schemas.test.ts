import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidRecordError, InvalidResponseError } from '../../../src/genesys/errors.ts';
import { parseConversation, parseDetailsPage, parseUsersPage } from '../../../src/genesys/schemas.ts';

const fixtureText = readFileSync(new URL('./fixtures/details-page.json', import.meta.url), 'utf8');
const fixture = () => JSON.parse(fixtureText) as { conversations: Array<Record<string, unknown>>; totalHits: number };
const context = { method: 'POST', path: '/api/v2/analytics/conversations/details/query', pageNumber: 4, interval: '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z' };

describe('parseDetailsPage', () => {
  it('returns the original records, unknown fields and key order untouched', () => {
    const json = fixture();
    const page = parseDetailsPage(json, context);
    expect(page.totalHits).toBe(2);
    expect(page.records[0]).toBe(json.conversations[0]);
    expect(JSON.stringify(page.records)).toBe(JSON.stringify(JSON.parse(fixtureText).conversations));
    expect((page.records[0] as Record<string, unknown>)['zzFieldNotInventedYet']).toBe('keep me');
  });

  it('treats a page with totalHits and no conversations as empty', () => {
    expect(parseDetailsPage({ totalHits: 0 }, context)).toEqual({ records: [], totalHits: 0 });
  });

  it('keeps a page of conversations without totalHits, saying the total is unknown', () => {
    const json = fixture() as Record<string, unknown>;
    delete json.totalHits;
    expect(parseDetailsPage(json, context).totalHits).toBeUndefined();
  });

  it('refuses a 2xx body with neither conversations nor totalHits: it proves nothing about the window', () => {
    const error = catchError(() => parseDetailsPage({}, context));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('neither conversations nor totalHits');
  });

  it('does not validate records: one bad record must cost only itself, so the writer checks each alone', () => {
    const json = fixture();
    delete json.conversations[1]!['conversationStart'];
    expect(parseDetailsPage(json, context).records).toHaveLength(2);
  });

  it('rejects a broken envelope as an invalid response', () => {
    expect(() => parseDetailsPage({ conversations: {} }, context)).toThrow(InvalidResponseError);
    expect(() => parseDetailsPage([], context)).toThrow(InvalidResponseError);
  });
});

describe('parseConversation (the one contract for a record)', () => {
  it('returns the original object for a valid record, enum values Genesys has not added yet included', () => {
    const json = fixture();
    const participant = (json.conversations[0]!['participants'] as Array<Record<string, unknown>>)[1]!;
    participant['purpose'] = 'hologram';
    const parsed = parseConversation(json.conversations[0]);
    expect(parsed.ok && parsed.conversation).toBe(json.conversations[0]);
  });

  it('names the conversation and the path of each problem', () => {
    const json = fixture();
    const sessions = ((json.conversations[0]!['participants'] as Array<Record<string, unknown>>)[1]!['sessions']) as Array<Record<string, unknown>>;
    (sessions[0]!['metrics'] as Array<Record<string, unknown>>)[0]!['value'] = '300000';
    (sessions[0]!['segments'] as Array<Record<string, unknown>>)[0]!['segmentEnd'] = 'yesterday';
    const parsed = parseConversation(json.conversations[0]);
    expect(parsed).toMatchObject({ ok: false, conversationId: '6c3f1b8e-1d2a-4c55-9a70-2b0c6f1e9a01' });
    const problem = parsed.ok ? '' : parsed.problem;
    expect(problem).toContain('participants.1.sessions.0.segments.0.segmentEnd');
    expect(problem).toContain('participants.1.sessions.0.metrics.0.value');
  });

  it('says when the id itself is unreadable', () => {
    const json = fixture();
    json.conversations[0]!['conversationId'] = '';
    expect(parseConversation(json.conversations[0])).toMatchObject({ ok: false, conversationId: undefined });
  });
});

describe('parseUsersPage', () => {
  const users = { method: 'GET', path: '/api/v2/users?pageNumber=2', pageNumber: 2 };

  it('keeps users as returned and requires an id', () => {
    const json = { entities: [{ id: 'u-1', name: 'Ann', state: 'active', extra: { a: 1 } }], pageCount: 2, pageNumber: 2 };
    expect(parseUsersPage(json, users).entities[0]).toBe(json.entities[0]);
    const error = catchError(() => parseUsersPage({ entities: [{ name: 'no id' }] }, users)) as InvalidRecordError;
    expect(error).toMatchObject({ entity: 'user', recordId: undefined, pageNumber: 2, fieldPath: 'id' });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
