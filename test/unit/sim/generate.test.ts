import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import { createGenContext, generateConversation, generateDay } from '../../../src/sim/generate.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { Random, decodeConversationId, encodeConversationId, hash32 } from '../../../src/sim/prng.ts';
import type { SimConversation, SimSession } from '../../../src/sim/types.ts';

const NOW = Date.parse('2024-06-10T12:00:00.000Z');
const TODAY = Math.floor(NOW / DAY_MS);
const ctxFor = (seed: number, perDay = 200) => createGenContext(seed, generateOrg(seed, 20), perDay, NOW);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const sessions = (c: SimConversation) => c.participants.flatMap((p) => p.sessions.map((s) => ({ p, s })));
/** A metric's total: real sessions repeat a name (one tHeld per hold, one tTalk per talk stretch). */
const metric = (s: SimSession, name: string) => s.metrics?.filter((m) => m.name === name).reduce<number | undefined>((sum, m) => (sum ?? 0) + m.value, undefined);
const spanMs = (s: SimSession, type: string) => s.segments.filter((g) => g.segmentType === type && g.segmentEnd)
  .reduce((sum, g) => sum + Date.parse(g.segmentEnd!) - Date.parse(g.segmentStart), 0);

describe('prng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.float())).not.toEqual(seqA);
  });

  it('makes version-4-shaped UUIDs', () => {
    const r = new Random(1);
    for (let i = 0; i < 50; i++) expect(r.uuid()).toMatch(UUID);
  });

  it('encodes day and index into conversation ids and decodes them back', () => {
    const key = hash32(99, 'ids');
    for (const [day, index] of [[0, 0], [19_884, 1_999], [20_000, 123_456], [16_777_215, 16_777_215]] as const) {
      const id = encodeConversationId(key, day, index, new Random(day + index));
      expect(id).toMatch(UUID);
      expect(decodeConversationId(key, id)).toEqual({ dayNumber: day, index });
    }
  });
});

describe('org generation', () => {
  it('is deterministic and has active, inactive and deleted agents with managers', () => {
    const org = generateOrg(3, 20);
    expect(generateOrg(3, 20)).toEqual(org);
    expect(generateOrg(4, 20).agents[0]!.id).not.toBe(org.agents[0]!.id);
    const states = org.agents.map((a) => a.state);
    expect(states.filter((s) => s === 'inactive').length).toBeGreaterThanOrEqual(1);
    expect(states.filter((s) => s === 'deleted').length).toBeGreaterThanOrEqual(1);
    expect(states.filter((s) => s === 'active').length).toBeGreaterThanOrEqual(14);
    const ids = new Set(org.agents.map((a) => a.id));
    expect(ids.size).toBe(20);
    for (const a of org.agents) {
      expect(a.id).toMatch(UUID);
      expect(a.email).toContain('@');
      if (a.manager) expect(ids.has(a.manager.id)).toBe(true);
    }
    expect(new Set(org.agents.map((a) => a.name)).size).toBe(20);
  });
});

describe('conversation generation', () => {
  it('generates the same day identically from the same seed, lazily and in any order', () => {
    const day = TODAY - 3;
    const first = generateDay(ctxFor(11), day);
    generateDay(ctxFor(11), day - 1);
    expect(generateDay(ctxFor(11), day)).toEqual(first);
    expect(generateDay(ctxFor(12), day)[0]!.conversationId).not.toBe(first[0]!.conversationId);
    expect(first).toHaveLength(200);
  });

  it('sorts a day by conversationStart then conversationId, all starting on that UTC day', () => {
    const day = TODAY - 2;
    const convs = generateDay(ctxFor(5), day);
    for (let i = 1; i < convs.length; i++) {
      const [a, b] = [convs[i - 1]!, convs[i]!];
      expect(a.conversationStart < b.conversationStart || (a.conversationStart === b.conversationStart && a.conversationId < b.conversationId)).toBe(true);
    }
    for (const c of convs) expect(Math.floor(Date.parse(c.conversationStart) / DAY_MS)).toBe(day);
  });

  it('serves well-formed records with every common media type and segment type', () => {
    const convs = [TODAY - 5, TODAY - 4, TODAY - 3].flatMap((d) => generateDay(ctxFor(2), d));
    const media = new Set<string>();
    const segmentTypes = new Set<string>();
    const purposes = new Set<string>();
    for (const c of convs) {
      expect(c.conversationId).toMatch(UUID);
      expect(c.conversationStart).toMatch(ISO_MS);
      expect(c.conversationEnd).toMatch(ISO_MS);
      expect(['inbound', 'outbound']).toContain(c.originatingDirection);
      expect(c.divisionIds.length).toBeGreaterThan(0);
      for (const { p, s } of sessions(c)) {
        purposes.add(p.purpose);
        media.add(s.mediaType);
        expect(s.sessionId).toMatch(UUID);
        for (const g of s.segments) {
          segmentTypes.add(g.segmentType);
          expect(g.segmentStart).toMatch(ISO_MS);
          expect(g.segmentEnd).toMatch(ISO_MS);
          expect(g.segmentEnd! >= g.segmentStart).toBe(true);
        }
        for (const m of s.metrics ?? []) expect(m.emitDate).toMatch(ISO_MS);
      }
    }
    expect([...media].sort()).toEqual(['callback', 'chat', 'email', 'message', 'video', 'voice']);
    for (const t of ['alert', 'interact', 'hold', 'wrapup', 'ivr', 'dialing', 'contacting']) expect(segmentTypes).toContain(t);
    for (const p of ['customer', 'external', 'ivr', 'acd', 'agent']) expect(purposes).toContain(p);
    expect(convs.some((c) => c['evaluations'])).toBe(true);
    expect(convs.some((c) => c['surveys'])).toBe(true);
    expect(convs.some((c) => sessions(c).some(({ s }) => s['mediaEndpointStats']))).toBe(true);
    expect(convs.some((c) => sessions(c).some(({ s }) => s.flow?.outcomes))).toBe(true);
    expect(convs.some((c) => c.participants.filter((p) => p.purpose === 'agent').length >= 3)).toBe(true);
  });

  it('keeps agent metrics consistent with segment times (ms)', () => {
    const convs = generateDay(ctxFor(9), TODAY - 6);
    let checked = 0;
    for (const c of convs) {
      for (const { p, s } of sessions(c)) {
        if (p.purpose !== 'agent' || s.mediaType === 'callback' || s.direction === 'outbound') continue;
        const wrapup = s.segments.find((g) => g.segmentType === 'wrapup');
        if (!wrapup) continue;
        expect(wrapup.wrapUpCode).toBeTruthy();
        expect(metric(s, 'tAlert')).toBe(spanMs(s, 'alert'));
        expect(metric(s, 'tTalk')).toBe(spanMs(s, 'interact'));
        expect(metric(s, 'tAcw')).toBe(spanMs(s, 'wrapup'));
        expect(metric(s, 'tHeld')).toBe(spanMs(s, 'hold') || undefined);
        expect(metric(s, 'tHandle')).toBe(spanMs(s, 'interact') + spanMs(s, 'hold') + spanMs(s, 'wrapup'));
        checked++;
      }
      const acd = sessions(c).find(({ p }) => p.purpose === 'acd');
      if (acd) expect(metric(acd.s, 'tAcd') ?? metric(acd.s, 'tAbandon')).toBe(spanMs(acd.s, 'interact'));
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('has conversations that start just before midnight and end the next day', () => {
    const convs = generateDay(ctxFor(4, 400), TODAY - 8);
    const crossing = convs.filter((c) => c.conversationEnd!.slice(0, 10) !== c.conversationStart.slice(0, 10));
    expect(crossing.length).toBeGreaterThan(0);
  });

  it('makes recent conversations live: no conversationEnd, an open segment, no wrapup where it is open', () => {
    const ctx = ctxFor(6, 400);
    const live = generateDay(ctx, TODAY).filter((c) => Date.parse(c.conversationStart) < NOW && !c.conversationEnd);
    expect(live.length).toBeGreaterThan(0);
    for (const c of live) {
      expect(Date.parse(c.conversationStart)).toBeGreaterThan(NOW - 4 * HOUR_MS);
      // A transferred-from agent may be in wrap-up while the call goes on; the running talk has none.
      const open = sessions(c).filter(({ s }) => s.segments.some((g) => !g.segmentEnd && g.segmentType !== 'wrapup'));
      expect(open.length).toBeGreaterThan(0);
      for (const { s } of open) {
        expect(s.segments[s.segments.length - 1]!.segmentEnd).toBeUndefined();
        expect(s.segments.some((g) => g.segmentType === 'wrapup')).toBe(false);
      }
      for (const { s } of sessions(c)) for (const m of s.metrics ?? []) expect(Date.parse(m.emitDate)).toBeLessThanOrEqual(NOW);
    }
  });

  it('lets inactive and deleted agents take part in conversations', () => {
    const ctx = ctxFor(8);
    const gone = new Set(ctx.org.agents.filter((a) => a.state !== 'active').map((a) => a.id));
    const convs = Array.from({ length: 10 }, (_, i) => generateDay(ctx, TODAY - 40 + i)).flat();
    const seen = new Set(convs.flatMap((c) => c.participants.map((p) => p.userId)).filter((id) => id && gone.has(id)));
    expect(seen.size).toBe(gone.size);
  });

  it('regenerates a single conversation identically to its copy in the day', () => {
    const ctx = ctxFor(10);
    const day = generateDay(ctx, TODAY - 1);
    const c = day[17]!;
    const where = decodeConversationId(ctx.idKey, c.conversationId)!;
    expect(where.dayNumber).toBe(TODAY - 1);
    expect(generateConversation(ctx, where.dayNumber, where.index)).toEqual(c);
  });

  it('produces the varied shapes of real recorded records, each somewhere in a few days', () => {
    const convs = [TODAY - 9, TODAY - 8, TODAY - 7, TODAY - 6].flatMap((d) => generateDay(ctxFor(21), d));
    const all = convs.flatMap((c) => sessions(c).map(({ p, s }) => ({ c, p, s })));
    const segs = all.flatMap(({ p, s }) => s.segments.map((g) => ({ p, s, g })));
    const has = (what: string, ok: boolean) => expect(ok, what).toBe(true);
    // Every non-customer session of an inbound conversation names the customer's session as its peer.
    for (const c of convs.filter((x) => x.originatingDirection === 'inbound')) {
      const customer = sessions(c).find(({ p }) => p.purpose === 'customer')!.s;
      for (const { p, s } of sessions(c)) if (p.purpose !== 'customer') expect(s['peerId']).toBe(customer.sessionId);
    }
    for (const { p, s } of all) {
      if (p.purpose === 'customer' && s.mediaType === 'voice') expect(s.segments[0]!.segmentType).toBe('system');
    }
    has('delay segments', segs.some(({ g }) => g.segmentType === 'delay'));
    for (const type of ['system', 'timeout', 'error']) has(`disconnectType ${type}`, segs.some(({ g }) => g.disconnectType === type));
    has('workflow participants in messaging', convs.some((c) => c.participants.some((p) => p.purpose === 'workflow' && p.sessions[0]!.mediaType === 'message')));
    const flows = all.map(({ s }) => s.flow).filter((f) => f !== undefined);
    for (const type of ['INBOUNDCALL', 'INQUEUECALL', 'INBOUNDSHORTMESSAGE', 'INQUEUESHORTMESSAGE']) has(`flow type ${type}`, flows.some((f) => f.flowType === type));
    has('entry type direct', flows.some((f) => f.entryType === 'direct'));
    const repeated = (name: string) => all.some(({ s }) => (s.metrics ?? []).filter((m) => m.name === name).length >= 2);
    for (const name of ['tHeld', 'tHeldComplete', 'tTalk', 'tTalkComplete']) has(`${name} repeated in a session`, repeated(name));
    has('nError with an errorCode', all.some(({ s }) => s.metrics?.some((m) => m.name === 'nError') && s.segments.some((g) => typeof g['errorCode'] === 'string')));
    has('sipResponseCodes', segs.some(({ g }) => Array.isArray(g['sipResponseCodes'])));
    has('q850ResponseCodes', segs.some(({ g }) => Array.isArray(g['q850ResponseCodes'])));
    for (const key of ['outboundCampaignId', 'outboundContactId', 'outboundContactListId', 'callbackNumbers', 'callbackScheduledTime', 'callbackUserName',
      'journeyCustomerId', 'journeyCustomerSessionId', 'journeyActionId', 'mediaEndpointStats', 'addressSelf', 'addressOther']) {
      has(`session ${key}`, all.some(({ s }) => s[key] !== undefined));
    }
    has('agent media endpoint stats', all.some(({ p, s }) => p.purpose === 'agent' && s['mediaEndpointStats'] !== undefined));
    for (const key of ['teamId', 'externalContactId', 'externalOrganizationId', 'screenRecording']) {
      has(`participant ${key}`, convs.some((c) => c.participants.some((p) => p[key] !== undefined)));
    }
    for (const key of ['wrapUpNote', 'requestedLanguageId', 'requestedRoutingSkillIds', 'groupId']) has(`segment ${key}`, segs.some(({ g }) => g[key] !== undefined));
  });

  it('sends explicit nulls for absent optional fields unless told not to, deterministically', () => {
    const org = generateOrg(31, 20);
    const plain = generateDay(createGenContext(31, org, 300, NOW, { explicitNulls: false }), TODAY - 2);
    const nulls = generateDay(createGenContext(31, org, 300, NOW), TODAY - 2);
    expect(generateDay(createGenContext(31, org, 300, NOW, { explicitNulls: true }), TODAY - 2)).toEqual(nulls);
    const hasNull = (value: unknown): boolean =>
      value === null || (typeof value === 'object' && Object.values(value as object).some(hasNull));
    expect(plain.some(hasNull)).toBe(false);
    const withNulls = nulls.filter(hasNull);
    expect(withNulls.length).toBeGreaterThan(2);
    expect(withNulls.length).toBeLessThan(nulls.length / 10);
    for (const c of withNulls) {
      expect(c['externalTag'] === null || typeof c['externalTag'] === 'string').toBe(true);
      // Never the fields whose absence means live.
      expect(c.conversationEnd).not.toBeNull();
      for (const { s } of sessions(c)) for (const g of s.segments) expect(g.segmentEnd).not.toBeNull();
    }
  });
});
