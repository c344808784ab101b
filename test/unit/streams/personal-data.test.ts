import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { redactDeep, redactText } from '../../../src/redact.ts';
import { parseConversation } from '../../../src/genesys/schemas.ts';
import { conversationRecordReader } from '../../../src/streams/conversations/contract.ts';
import { KEEP_ALL, personalDataPolicy, protectContacts } from '../../../src/streams/conversations/personal-data.ts';

const KEY = 'a-test-key-of-sufficient-length';
const PHONE = 'tel:+15555550123';
const NAME = 'Dana Whitfield';
const NOTE = 'Called back about invoice #4471.';

function record() {
  return {
    conversationId: 'c-1',
    conversationStart: '2025-06-01T08:30:00.000Z',
    participants: [
      {
        participantId: 'p-1', purpose: 'customer', participantName: NAME, attributes: { caseId: 'CS-1' },
        sessions: [{
          sessionId: 's-1', mediaType: 'voice', ani: PHONE, dnis: 'tel:+18005550100', sessionDnis: 'tel:+18005550100',
          addressFrom: PHONE, addressTo: 'tel:+18005550100', remoteNameDisplayable: NAME, callbackNumbers: [PHONE], cc: ['x@mail.example'],
          flow: { flowId: 'f-1', entryType: 'dnis', entryReason: 'tel:+18005550100' },
          segments: [{ segmentStart: '2025-06-01T08:30:00.000Z', segmentType: 'wrapup', wrapUpNote: NOTE }],
        }],
      },
      {
        participantId: 'p-2', purpose: 'agent', participantName: 'Agent Smith', userId: 'u-1',
        sessions: [{ sessionId: 's-2', addressSelf: 'sip:agent@example', addressOther: PHONE, remote: NAME, segments: [] }],
      },
    ],
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Out = { participants: Array<Record<string, any>> };
const hmac = (v: string) => `hmac:${createHmac('sha256', KEY).update(v).digest('hex')}`;
const text = (v: unknown) => JSON.stringify(v);

describe('personal data in conversation records', () => {
  it('keep: the very same object, not a copy', () => {
    const raw = record();
    expect(protectContacts(raw, KEEP_ALL)).toBe(raw);
    expect(protectContacts(raw, personalDataPolicy({ mode: 'keep', attributes: 'keep', hashKey: KEY }))).toBe(raw);
  });

  it('hash: every contact field becomes its keyed HMAC, equal values alike, the rest untouched, the input unchanged', () => {
    const raw = record();
    const before = text(raw);
    const out = protectContacts(raw, personalDataPolicy({ mode: 'hash', attributes: 'keep', hashKey: KEY })) as Out;
    expect(text(raw)).toBe(before);
    for (const clear of [PHONE, NAME, NOTE, '8005550100', 'x@mail.example', 'sip:agent@example']) expect(text(out)).not.toContain(clear);
    const [customer, agent] = out.participants;
    const s = customer!.sessions[0]!;
    expect(s.ani).toBe(hmac(PHONE));
    expect(s.addressFrom).toBe(s.ani);
    expect(agent!.sessions[0]!.addressOther).toBe(s.ani);
    expect(s.callbackNumbers).toEqual([hmac(PHONE)]);
    expect(customer!.participantName).toBe(hmac(NAME));
    expect(s.segments[0]!.wrapUpNote).toBe(hmac(NOTE));
    expect(s.flow.entryReason).toBe(hmac('tel:+18005550100'));
    expect(agent!.participantName).toBe('Agent Smith');
    expect(customer!.attributes).toEqual({ caseId: 'CS-1' });
    expect(s.flow.flowId).toBe('f-1');
    expect(parseConversation(out).ok).toBe(true);
  });

  it('hash is idempotent (protect re-applied to stored rows) and another key hashes differently', () => {
    const policy = personalDataPolicy({ mode: 'hash', attributes: 'keep', hashKey: KEY });
    const once = protectContacts(record(), policy);
    expect(protectContacts(once, policy)).toEqual(once);
    const other = protectContacts(record(), personalDataPolicy({ mode: 'hash', attributes: 'keep', hashKey: `${KEY}-2` }));
    expect(text(other)).not.toBe(text(once));
  });

  it('drop: contact fields null, lists null; attributes dropped as {} so stored ones are not carried over', () => {
    const out = protectContacts(record(), personalDataPolicy({ mode: 'drop', attributes: 'drop' })) as Out;
    const s = out.participants[0]!.sessions[0]!;
    expect([s.ani, s.dnis, s.sessionDnis, s.addressFrom, s.addressTo, s.remoteNameDisplayable, s.callbackNumbers, s.cc]).toEqual(Array(8).fill(null));
    expect(out.participants[0]!.participantName).toBeNull();
    expect(out.participants[0]!.attributes).toEqual({});
    expect(out.participants[1]!.attributes).toEqual({});
    expect(out.participants[1]!.sessions[0]!.remote).toBeNull();
    expect(parseConversation(out).ok).toBe(true);
  });

  it('attributes dropped, contacts kept', () => {
    const out = protectContacts(record(), personalDataPolicy({ mode: 'keep', attributes: 'drop' })) as Out;
    expect(out.participants[0]!.attributes).toEqual({});
    expect(out.participants[0]!.sessions[0]!.ani).toBe(PHONE);
  });

  it('protects what the contract refuses too, whatever its shape: a name under an unreadable purpose, a number where text belongs', () => {
    const raw = { conversationId: 'c-2', participants: [{ purpose: 7, participantName: NAME, sessions: [{ ani: 15555550123 }, null, 'x'] }, null] };
    const read = conversationRecordReader(personalDataPolicy({ mode: 'hash', attributes: 'keep', hashKey: KEY }))(raw);
    expect(read.ok).toBe(false);
    const stored = text(read.ok ? read.record.raw : read.reject.raw);
    expect(stored).not.toContain(NAME);
    expect(stored).not.toContain('15555550123');
    for (const odd of [null, 'x', 3, [], { participants: 'none' }]) expect(protectContacts(odd, personalDataPolicy({ mode: 'drop', attributes: 'drop' }))).toEqual(odd);
  });

  it('the boundary read stores the protected record under the same id and time', () => {
    const read = conversationRecordReader(personalDataPolicy({ mode: 'drop', attributes: 'keep' }))(record());
    expect(read.ok && read.record.id).toBe('c-1');
    expect(read.ok && text(read.record.raw)).not.toContain(PHONE);
  });
});

describe('PII configuration', () => {
  const env = { DATABASE_URL: 'postgresql://u:p@localhost/db' };

  it('hash needs a key; the key never shows in an error or a log', () => {
    expect(() => loadConfig({ ...env, PII_MODE: 'hash' })).toThrow(/PII_HASH_KEY: required when PII_MODE=hash/);
    expect(() => loadConfig({ ...env, PII_MODE: 'hash', PII_HASH_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, PII_MODE: 'maybe' })).toThrow(/PII_MODE: must be one of keep, hash, drop/);
    const config = loadConfig({ ...env, PII_MODE: 'HASH', PII_HASH_KEY: KEY, PII_ATTRIBUTES: 'drop' });
    expect(config.personalData).toEqual({ mode: 'hash', hashKey: KEY, attributes: 'drop' });
    expect(text(redactDeep(config))).not.toContain(KEY);
    expect(redactText(`PII_HASH_KEY=${KEY} and again ${KEY}`)).not.toContain(KEY);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', destination: { write: (l: string) => lines.push(l) } });
    logger.info({ personalData: config.personalData, config }, `key ${KEY}`);
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toContain(KEY);
  });

  it('defaults keep everything', () => {
    expect(loadConfig(env).personalData).toEqual({ mode: 'keep', hashKey: undefined, attributes: 'keep' });
  });
});
