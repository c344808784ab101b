import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidRecordError, InvalidResponseError } from '../../../src/genesys/errors.ts';
import { parseDetailsPage, parseUsersPage } from '../../../src/genesys/schemas.ts';

const fixtureText = readFileSync(new URL('./fixtures/details-page.json', import.meta.url), 'utf8');
const fixture = () => JSON.parse(fixtureText) as { conversations: Array<Record<string, unknown>>; totalHits: number };
const context = { method: 'POST', path: '/api/v2/analytics/conversations/details/query', pageNumber: 4, interval: '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z' };

describe('parseDetailsPage', () => {
  it('returns the original records, unknown fields and key order untouched', () => {
    const json = fixture();
    const page = parseDetailsPage(json, context);
    expect(page.totalHits).toBe(2);
    expect(page.conversations[0]).toBe(json.conversations[0]);
    expect(JSON.stringify(page.conversations)).toBe(JSON.stringify(JSON.parse(fixtureText).conversations));
    expect(page.conversations[0]?.['zzFieldNotInventedYet']).toBe('keep me');
  });

  it('treats a page without conversations as empty', () => {
    expect(parseDetailsPage({}, context)).toEqual({ conversations: [], totalHits: 0 });
    expect(parseDetailsPage({ totalHits: 0 }, context)).toEqual({ conversations: [], totalHits: 0 });
  });

  it('accepts enum values Genesys has not added yet', () => {
    const json = fixture();
    const participant = (json.conversations[0]!['participants'] as Array<Record<string, unknown>>)[1]!;
    participant['purpose'] = 'hologram';
    expect(() => parseDetailsPage(json, context)).not.toThrow();
  });

  it('names the conversation, window and page when conversationStart is missing', () => {
    const json = fixture();
    delete json.conversations[1]!['conversationStart'];
    const error = catchError(() => parseDetailsPage(json, context));
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect(error).toMatchObject({
      name: 'InvalidRecordError',
      code: 'GENESYS_INVALID_RECORD',
      conversationId: 'live-1',
      interval: context.interval,
      pageNumber: 4,
      index: 1,
      fieldPath: 'conversationStart',
    });
    expect((error as Error).message).toMatch(/^Invalid conversation live-1 on page 4 of window 2024-05-01T00:00:00.000Z\/2024-05-02T00:00:00.000Z: conversationStart: /);
  });

  it('reports nested problems with their path', () => {
    const json = fixture();
    const sessions = ((json.conversations[0]!['participants'] as Array<Record<string, unknown>>)[1]!['sessions']) as Array<Record<string, unknown>>;
    (sessions[0]!['metrics'] as Array<Record<string, unknown>>)[0]!['value'] = '300000';
    (sessions[0]!['segments'] as Array<Record<string, unknown>>)[0]!['segmentEnd'] = 'yesterday';
    const error = catchError(() => parseDetailsPage(json, context)) as InvalidRecordError;
    expect(error.conversationId).toBe('6c3f1b8e-1d2a-4c55-9a70-2b0c6f1e9a01');
    expect(error.fieldPath).toMatch(/^participants\.1\.sessions\.0\./);
    expect(error.message).toContain('participants.1.sessions.0.segments.0.segmentEnd');
    expect(error.message).toContain('participants.1.sessions.0.metrics.0.value');
  });

  it('says when the id itself is unreadable', () => {
    const json = fixture();
    json.conversations[0]!['conversationId'] = '';
    const error = catchError(() => parseDetailsPage(json, context)) as InvalidRecordError;
    expect(error.conversationId).toBeUndefined();
    expect(error.message).toMatch(/^Invalid conversation #0 \(id unreadable\) on page 4/);
  });

  it('rejects a broken envelope as an invalid response', () => {
    expect(() => parseDetailsPage({ conversations: {} }, context)).toThrow(InvalidResponseError);
    expect(() => parseDetailsPage([], context)).toThrow(InvalidResponseError);
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
