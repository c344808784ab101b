/**
 * The naive baseline of the end-to-end benchmark: how a script written after the official
 * SDK's examples syncs conversation details. For each agent, for each 7-day window, it asks
 * page 1, 2, ... of the single-agent details query one at a time (stopping at the first page
 * that is not full), and stores each conversation with one Prisma `upsert` and its children with
 * `deleteMany` + `createMany`, in one transaction. Plain
 * `fetch` with a bearer token; on a 429 it sleeps for Retry-After and sends the same request
 * again, which is the least such a script needs to finish against a rate-limited API.
 *
 * It is deliberately not a straw man: it lists users with `state=any` (so conversations of
 * inactive and deleted agents are not lost), uses 100 per page, stops at the first short
 * page instead of asking for an empty one, and maps records with our own pure extractor
 * (the columns are the same as ours, so both contenders store the same rows).
 */
import { buildDetailsQueryBody, DETAILS_QUERY_PATH } from '../src/genesys/index.ts';
import { extractConversation, type ConversationRecord } from '../src/db/extract.ts';
import type { Db } from '../src/db/client.ts';
import type { Prisma } from '../src/generated/prisma/client.ts';
import { forPrisma } from './prisma-rows.ts';

export interface NaiveOptions {
  apiUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  db: Db;
  interval: { start: Date; end: Date };
  pageSize?: number;
  windowDays?: number;
  /** Stop (between requests) once this much wall time has passed; the caller extrapolates. */
  budgetMs?: number;
  onProgress?: (p: NaiveProgress) => void;
}

export interface NaiveProgress {
  agentsDone: number;
  agents: number;
  requests: number;
  upserts: number;
  elapsedMs: number;
}

export interface NaiveResult {
  /** API requests sent (token excluded), 429s included. */
  requests: number;
  detailsRequests: number;
  usersRequests: number;
  rateLimited: number;
  /** Upserts done: a conversation with two of the agents is fetched and upserted twice. */
  upserts: number;
  /** Time spent in HTTP calls (latency, 429 sleeps and JSON parsing included) and in upserts. */
  httpMs: number;
  upsertMs: number;
  wallMs: number;
  /** The agents in the order processed (the users listing's order). */
  agentIds: string[];
  windows: Array<{ from: Date; to: Date }>;
  /** Completed (agent, window) pairs, and whether the budget stopped the run. */
  agentWindowsDone: number;
  stoppedByBudget: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in seconds (what the SDK examples read), else the Genesys reset header, else 1 s. */
function retryAfterMs(headers: Headers): number {
  const seconds = Number(headers.get('retry-after') ?? headers.get('inin-ratelimit-reset') ?? '1');
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000;
}

export async function runNaiveBaseline(options: NaiveOptions): Promise<NaiveResult> {
  const pageSize = options.pageSize ?? 100;
  const windowDays = options.windowDays ?? 7;
  const started = performance.now();
  const deadline = options.budgetMs !== undefined ? started + options.budgetMs : Infinity;
  const r: NaiveResult = {
    requests: 0, detailsRequests: 0, usersRequests: 0, rateLimited: 0, upserts: 0,
    httpMs: 0, upsertMs: 0, wallMs: 0, agentIds: [], windows: [], agentWindowsDone: 0, stoppedByBudget: false,
  };

  // Client credentials grant.
  const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
  const tokenResponse = await fetch(`${options.loginUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (!tokenResponse.ok) throw new Error(`token request failed: ${tokenResponse.status}`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

  async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const t = performance.now();
    try {
      for (;;) {
        r.requests++;
        const res = await fetch(`${options.apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        if (res.status === 429) {
          r.rateLimited++;
          await res.arrayBuffer();
          await sleep(retryAfterMs(res.headers));
          continue;
        }
        if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      }
    } finally {
      r.httpMs += performance.now() - t;
    }
  }

  // Every user, page by page (state=any: inactive and deleted agents have conversations too).
  for (let pageNumber = 1; ; pageNumber++) {
    r.usersRequests++;
    const page = await api<{ entities: Array<{ id: string }>; pageCount: number }>('GET', `/api/v2/users?pageSize=100&pageNumber=${pageNumber}&state=any`);
    r.agentIds.push(...page.entities.map((u) => u.id));
    if (pageNumber >= page.pageCount) break;
  }

  const DAY = 86_400_000;
  for (let s = options.interval.start.getTime(); s < options.interval.end.getTime(); s += windowDays * DAY) {
    r.windows.push({ from: new Date(s), to: new Date(Math.min(s + windowDays * DAY, options.interval.end.getTime())) });
  }

  outer: for (const [agentIndex, agentId] of r.agentIds.entries()) {
    for (const window of r.windows) {
      for (let pageNumber = 1; ; pageNumber++) {
        if (performance.now() >= deadline) {
          r.stoppedByBudget = true;
          break outer;
        }
        const body = buildDetailsQueryBody({ interval: { start: window.from, end: window.to }, scope: { kind: 'agents', userIds: [agentId] }, pageNumber, pageSize });
        r.detailsRequests++;
        const page = await api<{ conversations?: ConversationRecord[]; totalHits: number }>('POST', DETAILS_QUERY_PATH, body);
        const conversations = page.conversations ?? [];
        for (const record of conversations) {
          const t = performance.now();
          await upsertConversation(options.db, record);
          r.upsertMs += performance.now() - t;
          r.upserts++;
        }
        if (conversations.length < pageSize) break;
      }
      r.agentWindowsDone++;
    }
    options.onProgress?.({ agentsDone: agentIndex + 1, agents: r.agentIds.length, requests: r.requests, upserts: r.upserts, elapsedMs: performance.now() - started });
  }
  r.wallMs = performance.now() - started;
  return r;
}

/** One conversation, one Prisma transaction: upsert the row, then replace its children (deleteMany + createMany per table). */
async function upsertConversation(db: Db, record: ConversationRecord): Promise<void> {
  const e = extractConversation(record);
  const c = e.conversation;
  const fields = {
    conversationStart: c.conversationStart,
    conversationEnd: c.conversationEnd,
    originatingDirection: c.originatingDirection,
    conversationInitiator: c.conversationInitiator,
    externalTag: c.externalTag,
    divisionIds: c.divisionIds,
    mediaTypes: c.mediaTypes,
    agentUserIds: c.agentUserIds,
    raw: record as unknown as Prisma.InputJsonValue,
    rawHash: c.rawHash,
  };
  const where = { conversationId: c.conversationId };
  const now = new Date();
  // The children have no relation fields (no foreign key to conversations): replaced table by table, in one transaction.
  await db.$transaction([
    db.conversation.upsert({
      where,
      create: { conversationId: c.conversationId, ...fields, firstSyncedAt: now, lastSyncedAt: now, lastChangedAt: now },
      update: { ...fields, lastSyncedAt: now },
    }),
    db.participant.deleteMany({ where }),
    db.session.deleteMany({ where }),
    db.segment.deleteMany({ where }),
    db.sessionMetric.deleteMany({ where }),
    db.participant.createMany({ data: e.participants }),
    db.session.createMany({ data: e.sessions.map((s) => forPrisma(s)) }),
    db.segment.createMany({ data: e.segments.map((g) => forPrisma(g)) }),
    db.sessionMetric.createMany({ data: e.sessionMetrics.map((m) => ({ ...m, value: BigInt(m.value) })) }),
  ]);
}
