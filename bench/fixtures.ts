/**
 * Benchmark data: pages of conversation detail records from the Genesys simulator's own
 * generator (src/sim/generate.ts): the realistic mix the rest of the project tests against
 * (voice through IVR and queue to one or more agents, transfers, holds, wrap-ups, chats,
 * e-mails, messages, callbacks, outbound calls, some still live), deterministic per seed.
 * Pages are what the details query serves: up to 100 records, ordered by conversationStart.
 */
import type { ConversationRecord } from '../src/db/extract.ts';
import { createGenContext, generateDay } from '../src/sim/generate.ts';
import { generateOrg } from '../src/sim/org.ts';
import { DAY_MS } from '../src/time.ts';

export interface BenchPagesOptions {
  /** Records per page; the details query serves at most 100. */
  pageSize?: number;
  seed?: number;
  /** Agents in the simulated org. */
  agents?: number;
  /** Conversations per simulated day (a mid-sized contact centre). */
  conversationsPerDay?: number;
}

/** A fixed "now" so the data never depends on the wall clock: 2026-03-10T00:00Z. */
const NOW_MS = Date.UTC(2026, 2, 10);

/** `conversations` records, split into API-sized pages, from consecutive past days. */
export function benchPages(conversations: number, options: BenchPagesOptions = {}): ConversationRecord[][] {
  const pageSize = options.pageSize ?? 100;
  const perDay = options.conversationsPerDay ?? 5_000;
  const ctx = createGenContext(options.seed ?? 42, generateOrg(options.seed ?? 42, options.agents ?? 80), perDay, NOW_MS);
  const records: ConversationRecord[] = [];
  for (let day = Math.floor(NOW_MS / DAY_MS) - 1; records.length < conversations; day--) {
    // Through JSON, as records arriving from the API would be (plain objects, no undefined).
    for (const c of generateDay(ctx, day)) records.push(JSON.parse(JSON.stringify(c)) as ConversationRecord);
  }
  records.length = conversations;
  const pages: ConversationRecord[][] = [];
  for (let i = 0; i < records.length; i += pageSize) pages.push(records.slice(i, i + pageSize));
  return pages;
}
