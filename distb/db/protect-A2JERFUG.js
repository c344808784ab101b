import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  stopSignal
} from "./chunk-QHFLPGZM.js";
import {
  MAX_BATCH_CONVERSATIONS,
  configuredPersonalData,
  createConversationWriter,
  openRuntime,
  protectContacts
} from "./chunk-FQAQLBJI.js";
import {
  parseConversation
} from "./chunk-THCJX753.js";
import {
  EXIT,
  UsageError
} from "./chunk-NYIOMDCQ.js";
import "./chunk-KA34AMGA.js";
import "./chunk-PBIHHMKK.js";
import {
  systemClock
} from "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";

// dist/commands/protect.js
import { parseArgs } from "node:util";

// dist/streams/conversations/reapply.js
import { randomUUID } from "node:crypto";

// dist/db/personal-data.js
async function readStoredConversations(db, afterId, limit) {
  const rows = await db.$queryRawUnsafe(`SELECT conversation_id AS id, (extract(epoch FROM conversation_start) * 1000)::float8 AS start_ms, raw,
            (extract(epoch FROM coalesce(fetched_at, last_synced_at)) * 1000)::float8 AS fetched_ms
       FROM conversations WHERE conversation_id > $1 ORDER BY conversation_id LIMIT $2`, afterId, limit);
  return rows.map((r) => ({ id: r.id, timeMs: r.start_ms, raw: r.raw, fetchedMs: r.fetched_ms }));
}
async function readStoredRejects(db, afterRejectId, limit) {
  const rows = await db.$queryRawUnsafe(`SELECT reject_id, raw_json FROM sync_rejects WHERE reject_id > $1::bigint ORDER BY reject_id LIMIT $2`, afterRejectId.toString(), limit);
  return rows.map((r) => ({ rejectId: BigInt(r.reject_id), rawJson: r.raw_json }));
}
async function rewriteRejectRaw(db, rows) {
  if (rows.length === 0)
    return 0;
  return db.$executeRawUnsafe(`UPDATE sync_rejects AS r SET raw_json = u.raw
       FROM unnest($1::bigint[], $2::text[]) AS u(id, raw) WHERE r.reject_id = u.id`, rows.map((r) => r.rejectId.toString()), rows.map((r) => r.rawJson));
}

// dist/streams/conversations/reapply.js
var DEFAULT_BATCH_SIZE = 500;
async function reapplyPersonalData(db, policy, options) {
  const batchSize = Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, MAX_BATCH_CONVERSATIONS);
  const report = { conversationsRead: 0, conversationsRewritten: 0, conversationsRefused: [], rejectsRead: 0, rejectsRewritten: 0, complete: false };
  const writer = createConversationWriter(db);
  for (let afterId = ""; !options.signal?.aborted; ) {
    const batch = await readStoredConversations(db, afterId, batchSize);
    if (batch.length === 0)
      break;
    await rewriteConversations(writer, batch, policy, options.now(), report);
    afterId = batch[batch.length - 1].id;
  }
  for (let afterReject = 0n; !options.signal?.aborted; ) {
    const batch = await readStoredRejects(db, afterReject, batchSize);
    if (batch.length === 0)
      break;
    report.rejectsRead += batch.length;
    const changed = batch.flatMap((r) => {
      const rawJson = JSON.stringify(protectContacts(JSON.parse(r.rawJson), policy));
      return rawJson === r.rawJson ? [] : [{ rejectId: r.rejectId, rawJson }];
    });
    report.rejectsRewritten += await rewriteRejectRaw(db, changed);
    afterReject = batch[batch.length - 1].rejectId;
  }
  report.complete = !options.signal?.aborted;
  return report;
}
async function rewriteConversations(writer, batch, policy, now, report) {
  report.conversationsRead += batch.length;
  const byFetchedAt = /* @__PURE__ */ new Map();
  for (const stored of batch) {
    const raw = protectContacts(stored.raw, policy);
    if (raw === stored.raw || JSON.stringify(raw) === JSON.stringify(stored.raw))
      continue;
    if (!parseConversation(raw).ok) {
      report.conversationsRefused.push(stored.id);
      continue;
    }
    const group = byFetchedAt.get(stored.fetchedMs) ?? [];
    group.push({ id: stored.id, timeMs: stored.timeMs, raw });
    byFetchedAt.set(stored.fetchedMs, group);
  }
  const source = { stream: "conversations", runId: randomUUID(), windowId: 0n, page: "protect" };
  for (const [fetchedMs, records] of byFetchedAt) {
    const written = await writer.write({ records, rejects: [], source, resolveRejects: false, syncedAt: now, fetchedAt: new Date(fetchedMs) });
    report.conversationsRewritten += written.changed;
  }
}

// dist/commands/protect.js
function parseProtectArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { "batch-size": { type: "string" } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  const text = values["batch-size"];
  if (text === void 0)
    return { batchSize: void 0 };
  const batchSize = Number(text);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_CONVERSATIONS) {
    throw new UsageError(`--batch-size: must be an integer from 1 to ${MAX_BATCH_CONVERSATIONS} (got "${text}")`);
  }
  return { batchSize };
}
async function protectCommand(argv, config, logger) {
  const { batchSize } = parseProtectArgs(argv);
  const policy = configuredPersonalData(config);
  const runtime = await openRuntime(config, logger);
  const stop = stopSignal(logger);
  try {
    logger.info({ mode: policy.mode, attributes: policy.attributes }, `applying PII_MODE=${policy.mode} PII_ATTRIBUTES=${policy.attributes} to the stored rows`);
    const report = await reapplyPersonalData(runtime.database.prisma, policy, { now: systemClock, signal: stop.signal, ...batchSize ? { batchSize } : {} });
    const { conversationsRefused: refused, ...counts } = report;
    logger.info({ ...counts, refused: refused.length }, `${report.conversationsRewritten} of ${report.conversationsRead} conversations and ${report.rejectsRewritten} of ${report.rejectsRead} quarantined records rewritten`);
    if (!report.complete)
      return EXIT.INTERRUPTED;
    if (refused.length > 0) {
      logger.error({ conversationIds: refused.slice(0, 20) }, `${refused.length} conversation(s) left as stored: protected, they would fail the record contract`);
      return EXIT.FAILED;
    }
    return EXIT.OK;
  } finally {
    stop.dispose();
    await runtime.close();
  }
}
export {
  protectCommand
};
