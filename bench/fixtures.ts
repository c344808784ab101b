/**
 * Deterministic, realistic conversation detail records for the write-path benchmark: the mix
 * and the shapes of a contact centre's day (voice through IVR and queue to one or two agents,
 * holds, transfers, wrap-up, metrics; chats, emails, outbound calls), about 5 KB of JSON each.
 * Only depends on a seed, so every run writes exactly the same data.
 */
import type { ConversationRecord, ParticipantRecord, SessionRecord } from '../src/db/extract.ts';

/** mulberry32: tiny, fast, good enough for fixtures. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A small org, fixed by the seed: agents, queues, wrap-up codes, flows, edges. */
export interface BenchOrg {
  agents: { id: string; name: string }[];
  queues: string[];
  wrapUpCodes: string[];
  flows: { flowId: string; flowName: string }[];
  divisionId: string;
  edges: string[];
}

export function benchOrg(seed = 1): BenchOrg {
  const g = new Gen(seed * 7919);
  const first = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elif', 'Femi', 'Grace', 'Hugo', 'Ines', 'Jonas'];
  const last = ['Abara', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad'];
  return {
    agents: Array.from({ length: 60 }, (_, i) => ({ id: g.uuid(), name: `${first[i % 10]} ${last[(i * 3) % 8]}` })),
    queues: Array.from({ length: 6 }, () => g.uuid()),
    wrapUpCodes: Array.from({ length: 8 }, () => g.uuid()),
    flows: [
      { flowId: g.uuid(), flowName: 'Main IVR' },
      { flowId: g.uuid(), flowName: 'After Hours IVR' },
    ],
    divisionId: g.uuid(),
    edges: [g.uuid(), g.uuid()],
  };
}

interface Ctx {
  g: Gen;
  org: BenchOrg;
  t: number;
}

function agentLeg(ctx: Ctx, media: string, queueId: string, start: number, last: boolean): { p: ParticipantRecord; end: number } {
  const { g, org } = ctx;
  const agent = g.pick(org.agents);
  const alertMs = g.int(2_000, 15_000);
  const talkMs = g.int(30_000, 600_000);
  const holdMs = g.chance(0.35) ? g.int(10_000, 120_000) : 0;
  const acwMs = g.int(5_000, 90_000);
  const answer = start + alertMs;
  const session: SessionRecord = {
    sessionId: g.uuid(),
    mediaType: media,
    direction: 'inbound',
    ...(media === 'voice'
      ? { ani: 'tel:+14155550100', dnis: 'tel:+18005550199', addressOther: 'tel:+14155550100', addressSelf: `sip:${agent.id}@localhost`, edgeId: g.pick(org.edges), protocolCallId: g.hex(32), recording: true }
      : { addressFrom: 'customer@example.com', addressTo: 'support@example.com' }),
    provider: media === 'voice' ? 'Edge' : 'PureCloud',
    remote: 'Jane Customer',
    peerId: g.uuid(),
    usedRouting: 'Standard',
    requestedRoutings: ['Standard'],
    segments: [],
    metrics: [],
  };
  const segs = session.segments!;
  const mets = session.metrics!;
  segs.push({ segmentStart: iso(start), segmentEnd: iso(answer), segmentType: 'alert', queueId });
  let t = answer;
  if (holdMs > 0) {
    const h = t + Math.floor(talkMs / 2);
    segs.push({ segmentStart: iso(t), segmentEnd: iso(h), segmentType: 'interact', queueId });
    segs.push({ segmentStart: iso(h), segmentEnd: iso(h + holdMs), segmentType: 'hold', queueId });
    t = h + holdMs;
  }
  const talkEnd = answer + talkMs + holdMs;
  segs.push({ segmentStart: iso(t), segmentEnd: iso(talkEnd), segmentType: 'interact', queueId, disconnectType: last ? 'peer' : 'transfer' });
  segs.push({ segmentStart: iso(talkEnd), segmentEnd: iso(talkEnd + acwMs), segmentType: 'wrapup', queueId, wrapUpCode: g.pick(org.wrapUpCodes), ...(g.chance(0.2) ? { wrapUpNote: 'customer asked for a callback' } : {}) });
  mets.push({ name: 'tAlert', value: alertMs, emitDate: iso(answer) });
  mets.push({ name: 'tAnswered', value: alertMs + g.int(0, 60_000), emitDate: iso(answer) });
  mets.push({ name: 'nConnected', value: 1, emitDate: iso(answer) });
  if (holdMs > 0) {
    mets.push({ name: 'tHeld', value: holdMs, emitDate: iso(t) });
    mets.push({ name: 'tHeldComplete', value: holdMs, emitDate: iso(t) });
    mets.push({ name: 'nHeld', value: 1, emitDate: iso(t) });
  }
  mets.push({ name: 'tTalk', value: talkMs, emitDate: iso(talkEnd) });
  mets.push({ name: 'tTalkComplete', value: talkMs, emitDate: iso(talkEnd) });
  if (!last) mets.push({ name: 'nTransferred', value: 1, emitDate: iso(talkEnd) });
  mets.push({ name: 'tAcw', value: acwMs, emitDate: iso(talkEnd + acwMs) });
  mets.push({ name: 'tHandle', value: talkMs + holdMs + acwMs, emitDate: iso(talkEnd + acwMs) });
  return {
    p: { participantId: g.uuid(), participantName: agent.name, purpose: 'agent', userId: agent.id, sessions: [session] },
    end: talkEnd,
  };
}

/** One conversation; `index` keeps ids and times unique and deterministic. */
export function benchConversation(org: BenchOrg, seed: number, index: number): ConversationRecord {
  const g = new Gen(seed * 1_000_003 + index);
  const start = Date.UTC(2026, 0, 5) + index * 3_000 + g.int(0, 2_999);
  const ctx: Ctx = { g, org, t: start };
  const media = g.chance(0.7) ? 'voice' : g.pick(['chat', 'email', 'message']);
  const outbound = media === 'voice' && g.chance(0.15);
  const queueId = g.pick(org.queues);
  const participants: ParticipantRecord[] = [];
  const customer: ParticipantRecord = { participantId: g.uuid(), participantName: 'Jane Customer', purpose: outbound ? 'external' : 'customer', sessions: [] };
  participants.push(customer);
  const custSession: SessionRecord = {
    sessionId: g.uuid(),
    mediaType: media,
    direction: outbound ? 'outbound' : 'inbound',
    ...(media === 'voice' ? { ani: 'tel:+14155550100', dnis: 'tel:+18005550199', sessionDnis: 'tel:+18005550199', edgeId: g.pick(org.edges), protocolCallId: g.hex(32), recording: true } : { addressFrom: 'customer@example.com', addressTo: 'support@example.com' }),
    provider: media === 'voice' ? 'Edge' : 'PureCloud',
    remoteNameDisplayable: 'Jane Customer',
    segments: [],
    metrics: [],
  };
  customer.sessions!.push(custSession);

  let t = start;
  if (media === 'voice' && !outbound) {
    const ivrMs = g.int(5_000, 60_000);
    const flow = g.pick(org.flows);
    participants.push({
      participantId: g.uuid(),
      participantName: flow.flowName,
      purpose: 'ivr',
      sessions: [{
        sessionId: g.uuid(), mediaType: 'voice', direction: 'inbound', ani: 'tel:+14155550100', dnis: 'tel:+18005550199', provider: 'Edge',
        flow: { flowId: flow.flowId, flowName: flow.flowName, flowVersion: '12.0', flowType: 'INBOUNDCALL', entryType: 'dnis', exitReason: 'TRANSFER', transferType: 'ACD', outcomes: [] },
        segments: [{ segmentStart: iso(t), segmentEnd: iso(t + ivrMs), segmentType: 'ivr', disconnectType: 'transfer' }],
        metrics: [{ name: 'tIvr', value: ivrMs, emitDate: iso(t + ivrMs) }],
      }],
    });
    custSession.segments!.push({ segmentStart: iso(t), segmentEnd: iso(t + ivrMs), segmentType: 'ivr' });
    t += ivrMs;
  }
  const custInteractStart = t;
  const waitMs = g.int(3_000, 240_000);
  participants.push({
    participantId: g.uuid(),
    participantName: 'General Support',
    purpose: 'acd',
    sessions: [{
      sessionId: g.uuid(), mediaType: media, direction: 'inbound', provider: media === 'voice' ? 'Edge' : 'PureCloud', usedRouting: 'Standard',
      requestedRoutings: ['Standard'], selectedAgentId: org.agents[0]!.id,
      segments: [{ segmentStart: iso(t), segmentEnd: iso(t + waitMs), segmentType: 'interact', queueId, disconnectType: 'transfer' }],
      metrics: [
        { name: 'nOffered', value: 1, emitDate: iso(t) },
        { name: 'tAcd', value: waitMs, emitDate: iso(t + waitMs) },
        { name: 'tWait', value: waitMs, emitDate: iso(t + waitMs) },
      ],
    }],
  });
  t += waitMs;
  const agents = g.chance(0.25) ? 2 : 1;
  for (let i = 0; i < agents; i++) {
    const leg = agentLeg(ctx, media, queueId, t, i === agents - 1);
    participants.push(leg.p);
    t = leg.end;
  }
  custSession.segments!.push({ segmentStart: iso(custInteractStart), segmentEnd: iso(t), segmentType: 'interact', queueId, disconnectType: 'endpoint' });
  custSession.metrics!.push({ name: 'nConnected', value: 1, emitDate: iso(start) }, { name: 'tConnected', value: t - start, emitDate: iso(t) });

  return {
    conversationId: g.uuid(),
    conversationStart: iso(start),
    conversationEnd: iso(t),
    originatingDirection: outbound ? 'outbound' : 'inbound',
    conversationInitiator: outbound ? 'agent' : 'customer',
    divisionIds: [org.divisionId],
    mediaStatsMinConversationMos: media === 'voice' ? 4.38 + g.int(0, 10) / 100 : undefined,
    participants,
  };
}

/** `conversations` records split into pages of `pageSize`, as the details query serves them. */
export function benchPages(conversations: number, options: { pageSize?: number; seed?: number } = {}): ConversationRecord[][] {
  const pageSize = options.pageSize ?? 100;
  const seed = options.seed ?? 1;
  const org = benchOrg(seed);
  const pages: ConversationRecord[][] = [];
  for (let i = 0; i < conversations; i += pageSize) {
    const page: ConversationRecord[] = [];
    for (let j = i; j < Math.min(conversations, i + pageSize); j++) {
      // Round-trip through JSON, as records arriving from the API would (drops undefined).
      page.push(JSON.parse(JSON.stringify(benchConversation(org, seed, j))) as ConversationRecord);
    }
    pages.push(page);
  }
  return pages;
}
