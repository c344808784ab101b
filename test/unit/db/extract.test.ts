import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EXTRACTOR_VERSION, extractConversation, findUnstorableCharacter, hashRawJson, type ConversationRecord } from '../../../src/db/extract.ts';
import { parseConversation } from '../../../src/genesys/schemas.ts';
import {
  ADA_USER_ID,
  BEN_USER_ID,
  VOICE_ID,
  WRAP_UP_ADA,
  WRAP_UP_BEN,
  firstSession,
  liveVoiceConversation,
  participant,
  voiceConversation,
} from '../../fixtures/db/conversations.ts';

/** What the contract says is wrong with `record`, or a failure if it passes. */
function contractError(record: unknown): { conversationId: string | undefined; problem: string } {
  const parsed = parseConversation(record);
  if (parsed.ok) throw new Error('expected the contract to refuse the record');
  return parsed;
}

describe('extractConversation', () => {
  it('projects the conversation row and hashes the exact JSON text of the record', () => {
    const record = voiceConversation();
    const { conversation, rawJson } = extractConversation(record);
    expect(conversation).toEqual({
      conversationId: VOICE_ID,
      conversationStart: new Date('2026-03-02T09:14:03.117Z'),
      conversationEnd: new Date('2026-03-02T09:21:55.002Z'),
      originatingDirection: 'inbound',
      conversationInitiator: 'customer',
      externalTag: 'CRM-48213',
      divisionIds: ['0d5e4f3a-2b1c-4a9d-8e7f-6a5b4c3d2e1f'],
      mediaTypes: ['voice'],
      agentUserIds: [ADA_USER_ID, BEN_USER_ID],
      mediaStatsMinConversationMos: 4.41,
      mediaStatsMinConversationRFactor: 89.27,
      customerParticipation: true,
      selfServed: null,
      originatingSocialMediaPublic: null,
      associatedConversationId: null,
      conferenceStart: null,
      inactivityTimeout: null,
      // The fixture lists no knowledge base: kept as the empty list it is; absent arrays are null.
      knowledgeBaseIds: [],
      consultationConversationIds: null,
      accessAttributes: null,
      raw: record,
      rawHash: createHash('md5').update(`v${EXTRACTOR_VERSION}:`).update(JSON.stringify(record)).digest('hex'),
    });
    expect(conversation.raw).toBe(record);
    expect(rawJson).toBe(JSON.stringify(record));
  });

  it('numbers participants in API order and keeps their optional fields', () => {
    const { participants } = extractConversation(voiceConversation());
    expect(participants.map((p) => [p.participantIndex, p.purpose, p.participantName])).toEqual([
      [0, 'customer', 'Jane Customer'],
      [1, 'ivr', 'Main IVR'],
      [2, 'acd', 'General Support'],
      [3, 'agent', 'Ada Abara'],
      [4, 'agent', 'Ben Berg'],
    ]);
    expect(participants[0]).toMatchObject({ userId: null, externalContactId: 'c0ffee00-1234-4abc-9def-0123456789ab', screenRecording: null });
    expect(participants[3]).toEqual({
      conversationId: VOICE_ID,
      participantId: 'a1b2c3d4-0004-4000-8000-000000000004',
      participantIndex: 3,
      purpose: 'agent',
      userId: ADA_USER_ID,
      participantName: 'Ada Abara',
      teamId: '7ea70000-0000-4000-8000-000000000001',
      externalContactId: null,
      externalOrganizationId: null,
      flaggedReason: null,
      screenRecording: false,
      attributesJson: null,
    });
    expect(participants[4]!.flaggedReason).toBe('general');
  });

  it('projects sessions with their participant, flow and routing fields', () => {
    const { sessions } = extractConversation(voiceConversation());
    expect(sessions).toHaveLength(5);
    expect(sessions.every((s) => s.sessionIndex === 0 && s.mediaType === 'voice')).toBe(true);
    const ivr = sessions[1]!;
    expect(ivr).toMatchObject({ participantId: 'a1b2c3d4-0002-4000-8000-000000000002', flowId: 'f10f0000-1111-4222-8333-444444444444', flowName: 'Main IVR' });
    expect(sessions[2]).toMatchObject({ usedRouting: 'Bullseye', selectedAgentId: ADA_USER_ID, flowId: null });
    expect(sessions[0]).toMatchObject({
      ani: 'tel:+14155550123',
      dnis: 'tel:+18005550199',
      sessionDnis: 'tel:+18005550199',
      addressFrom: 'tel:+14155550123',
      addressTo: 'tel:+18005550199',
      provider: 'Edge',
      edgeId: 'ed9e0000-aaaa-4bbb-8ccc-dddddddddddd',
      protocolCallId: '9b1d0c6e2f3a4b5c6d7e8f9a0b1c2d3e',
      recording: true,
      remote: null,
      messageType: null,
      outboundCampaignId: null,
    });
    expect(sessions[3]).toMatchObject({ addressSelf: 'sip:ada.abara@example.com', addressOther: 'tel:+14155550123' });
  });

  it('numbers segments within their session and carries the owning participant', () => {
    const { segments } = extractConversation(voiceConversation());
    expect(segments).toHaveLength(14);
    const ada = segments.filter((g) => g.sessionId === '5e551011-0004-4000-8000-00000000c004');
    expect(ada.map((g) => [g.segmentIndex, g.segmentType])).toEqual([
      [0, 'alert'],
      [1, 'interact'],
      [2, 'hold'],
      [3, 'interact'],
      [4, 'wrapup'],
    ]);
    expect(ada.every((g) => g.participantId === 'a1b2c3d4-0004-4000-8000-000000000004')).toBe(true);
    expect(ada[3]).toMatchObject({ disconnectType: 'transfer', queueId: '9a0e1c2b-0001-4d3c-8b2a-1f0e9d8c7b6a' });
    expect(ada[4]).toMatchObject({
      segmentStart: new Date('2026-03-02T09:19:40.250Z'),
      segmentEnd: new Date('2026-03-02T09:20:10.250Z'),
      wrapUpCode: WRAP_UP_ADA,
      wrapUpNote: 'Billing question, transferred to Billing',
      conference: false,
    });
    expect(segments.find((g) => g.wrapUpCode === WRAP_UP_BEN)?.segmentType).toBe('wrapup');
    expect(segments.find((g) => g.requestedLanguageId !== null)?.requestedLanguageId).toBe('1a2b3c4d-0000-4000-8000-0000000000e1');
  });

  it('keeps open segments open (segmentEnd null) while the conversation is live', () => {
    const { conversation, segments } = extractConversation(liveVoiceConversation());
    expect(conversation.conversationEnd).toBeNull();
    const ben = segments.filter((g) => g.participantId === 'a1b2c3d4-0005-4000-8000-000000000005');
    expect(ben.map((g) => g.segmentEnd === null)).toEqual([false, true]);
  });

  it('numbers session metrics and keeps value and emitDate', () => {
    const { sessionMetrics } = extractConversation(voiceConversation());
    expect(sessionMetrics).toHaveLength(25);
    const ada = sessionMetrics.filter((m) => m.sessionId === '5e551011-0004-4000-8000-00000000c004');
    expect(ada.map((m) => m.metricIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ada.find((m) => m.name === 'tHandle')).toEqual({
      conversationId: VOICE_ID,
      sessionId: '5e551011-0004-4000-8000-00000000c004',
      metricIndex: 9,
      name: 'tHandle',
      value: 302246,
      emitDate: new Date('2026-03-02T09:20:10.250Z'),
    });
  });

  it('leaves fields outside the SDK models (the future one included) to raw only', () => {
    const record = voiceConversation();
    const { conversation, rawJson, ...children } = extractConversation(record);
    const { raw, ...conversationColumns } = conversation;
    const text = JSON.stringify([conversationColumns, children]);
    for (const unknown of ['futureInsights', 'sentimentScore']) {
      expect(text).not.toContain(unknown);
      expect(rawJson).toContain(unknown);
    }
    expect(raw).toBe(record);
  });

  it('projects the documented parts only raw held before: media stats, flow, wrap-up tags, routing', () => {
    const e = extractConversation(voiceConversation());
    expect(e.mediaEndpointStats).toHaveLength(1);
    expect(e.mediaEndpointStats[0]!.minMos).toBeGreaterThanOrEqual(4.41);
    expect(e.flowOutcomes).toHaveLength(1);
    expect(e.sessions.filter((s) => s.flowVersion !== null).map((s) => s.flowVersion)).toEqual(['12.0']);
    expect(e.sessions.filter((s) => s.remoteNameDisplayable !== null)).toHaveLength(1);
    expect(e.segments.filter((g) => g.wrapUpTags !== null).map((g) => g.wrapUpTags)).toEqual([['billing']]);
    expect(e.segments.filter((g) => g.requestedRoutingSkillIds !== null)).toHaveLength(1);
  });

  it('lists distinct media types and agent user ids, sorted', () => {
    const record = voiceConversation();
    const ada = participant(record, 'Ada Abara');
    ada.sessions!.push({ sessionId: 'callback-session', mediaType: 'callback', segments: [] });
    participant(record, 'Ben Berg').userId = ADA_USER_ID; // the same agent twice
    const { conversation } = extractConversation(record);
    expect(conversation.mediaTypes).toEqual(['callback', 'voice']);
    expect(conversation.agentUserIds).toEqual([ADA_USER_ID]);
  });

  it('accepts a minimal record (no participants, no divisions)', () => {
    const rows = extractConversation({ conversationId: 'c-1', conversationStart: '2026-01-01T00:00:00Z' });
    expect(rows.participants).toEqual([]);
    expect(rows.conversation).toMatchObject({ divisionIds: [], mediaTypes: [], agentUserIds: [], conversationEnd: null });
  });

  it('changes the hash when anything changes, and only then', () => {
    const a = extractConversation(voiceConversation()).conversation.rawHash;
    expect(extractConversation(voiceConversation()).conversation.rawHash).toBe(a);
    const changed = voiceConversation();
    firstSession(participant(changed, 'Ada Abara')).segments![4]!.wrapUpCode = WRAP_UP_BEN;
    expect(extractConversation(changed).conversation.rawHash).not.toBe(a);
  });

  it('uses the JSON text and hash the caller already computed', () => {
    const record = voiceConversation();
    const rows = extractConversation(record, { rawJson: 'TEXT', rawHash: 'HASH' });
    expect(rows.rawJson).toBe('TEXT');
    expect(rows.conversation.rawHash).toBe('HASH');
  });

  describe('the one contract (parseConversation) refuses what the tables cannot hold, naming the conversation and the field', () => {
    it('an unparseable segmentStart', () => {
      const record = voiceConversation();
      firstSession(participant(record, 'Ada Abara')).segments![1]!.segmentStart = 'yesterday-ish';
      const error = contractError(record);
      expect(error.conversationId).toBe(VOICE_ID);
      expect(error.problem).toContain('participants.3.sessions.0.segments.1.segmentStart');
    });

    it('a missing segmentStart, conversationStart or purpose', () => {
      const a = voiceConversation();
      delete (firstSession(participant(a, 'acd')).segments![0] as Partial<{ segmentStart: string }>).segmentStart;
      expect(contractError(a).problem).toContain('participants.2.sessions.0.segments.0.segmentStart');
      const b = voiceConversation() as Partial<ConversationRecord>;
      delete b.conversationStart;
      expect(contractError(b).problem).toContain('conversationStart');
      const c = voiceConversation();
      (participant(c, 'Main IVR') as { purpose?: string }).purpose = '';
      expect(contractError(c).problem).toContain('participants.1.purpose');
    });

    it('a record without a conversationId, or not an object at all', () => {
      const error = contractError({ conversationStart: '2026-03-02T09:14:03.117Z' });
      expect(error.conversationId).toBeUndefined();
      expect(error.problem).toContain('conversationId');
      expect(contractError(null).problem).toContain('expected object');
    });

    it('a metric value that is not an integer', () => {
      const record = voiceConversation();
      firstSession(participant(record, 'Ben Berg')).metrics![0]!.value = 12.5;
      expect(contractError(record).problem).toContain('participants.4.sessions.0.metrics.0.value');
      firstSession(participant(record, 'Ben Berg')).metrics![0]!.value = '12' as unknown as number;
      expect(contractError(record).problem).toContain('expected number');
    });

    it('a field of the wrong type', () => {
      const record = voiceConversation();
      (firstSession(participant(record, 'customer')) as Record<string, unknown>).ani = 14155550123;
      const error = contractError(record);
      expect(error.problem).toContain('participants.0.sessions.0.ani');
      expect(error.problem).toContain('expected string');
      const other = voiceConversation();
      (other as Record<string, unknown>).participants = { not: 'an array' };
      expect(contractError(other).problem).toContain('participants');
    });

    it('a participant or session id repeated within the conversation', () => {
      const a = voiceConversation();
      participant(a, 'Ben Berg').participantId = participant(a, 'Ada Abara').participantId;
      expect(contractError(a).problem).toContain('duplicate participantId');
      const b = voiceConversation();
      firstSession(participant(b, 'Ben Berg')).sessionId = firstSession(participant(b, 'Ada Abara')).sessionId;
      expect(contractError(b).problem).toContain('duplicate sessionId');
    });

    it('accepts an explicit null wherever a field is optional, and a metric without emitDate', () => {
      const record = voiceConversation() as Record<string, unknown>;
      record.conversationEnd = null;
      record.divisionIds = null;
      record.externalTag = null;
      const ada = participant(record as ConversationRecord, 'Ada Abara') as Record<string, unknown>;
      ada.teamId = null;
      const session = firstSession(ada as never) as Record<string, unknown>;
      session.flow = null;
      session.ani = null;
      (session.segments as Array<Record<string, unknown>>)[0]!.wrapUpCode = null;
      delete (session.metrics as Array<Record<string, unknown>>)[0]!.emitDate;
      const parsed = parseConversation(record);
      expect(parsed.ok).toBe(true);
      const rows = extractConversation(record as ConversationRecord);
      expect(rows.conversation.conversationEnd).toBeNull();
      expect(rows.conversation.divisionIds).toEqual([]);
      expect(rows.sessions.find((s) => s.participantId === ada.participantId)!.flowId).toBeNull();
      expect(rows.sessionMetrics.some((m) => m.emitDate === null)).toBe(true);
    });
  });

  describe('finds what Postgres cannot store (the writer quarantines such records)', () => {
    it('a NUL character or an unpaired surrogate anywhere, even in a field only raw keeps', () => {
      expect(findUnstorableCharacter(JSON.stringify({ note: 'bad\u0000byte' }))).toContain('NUL');
      expect(findUnstorableCharacter(JSON.stringify({ note: 'half an emoji \ud83d' }))).toContain('unpaired UTF-16 surrogate');
    });

    it('but not text that merely spells an escape, nor a whole emoji', () => {
      expect(findUnstorableCharacter(JSON.stringify({ note: 'C:\\u0000\\ud800 and 🎧' }))).toBeUndefined();
      expect(findUnstorableCharacter(JSON.stringify({ a: '\\\u0000' }))).toContain('NUL');
    });
  });

  it('folds the extractor version into the hash, so an upgrade rewrites unchanged records once', () => {
    const text = JSON.stringify(voiceConversation());
    expect(hashRawJson(text)).toBe(createHash('md5').update(`v${EXTRACTOR_VERSION}:`).update(text).digest('hex'));
    expect(hashRawJson(text)).not.toBe(createHash('md5').update(text).digest('hex'));
  });
});
