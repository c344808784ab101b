/**
 * The db tests' way into the conversation writer: records as the fixtures build them, read
 * at the boundary (id, start) as the stream contract does, written as one batch.
 */
import type { Db } from '../../../src/db/client.ts';
import { createConversationWriter, type ConversationWriterOptions } from '../../../src/db/conversations.ts';
import type { BatchWrite, BatchWritten, StreamRecord } from '../../../src/db/stream-writer.ts';
import { readConversationId } from '../../../src/genesys/schemas.ts';

export const TEST_SOURCE: BatchWrite['source'] = {
  stream: 'conversations',
  runId: '6b3a4f2e-1c0d-4e9f-8a7b-5c4d3e2f1a0b',
  windowId: 1n,
  page: 'page 1',
};

/** Each record with its id and start read once; every fixture record has both. */
function streamRecords(records: readonly unknown[]): StreamRecord[] {
  return records.map((raw) => {
    const id = readConversationId(raw);
    if (id === undefined) throw new Error('a test record without a conversationId: pass it as a reject');
    return { id, timeMs: Date.parse((raw as { conversationStart: string }).conversationStart), raw };
  });
}

export interface WriteOptions extends ConversationWriterOptions, Partial<Pick<BatchWrite, 'rejects' | 'resolveRejects' | 'source'>> {
  syncedAt: Date;
  fetchedAt?: Date;
}

/** Writes `records` as one batch through createConversationWriter. */
export function writeRecords(db: Db, records: readonly unknown[], options: WriteOptions): Promise<BatchWritten> {
  const { syncedAt, fetchedAt, rejects, resolveRejects, source, ...writerOptions } = options;
  return createConversationWriter(db, writerOptions).write({
    records: streamRecords(records),
    rejects: rejects ?? [],
    source: source ?? TEST_SOURCE,
    resolveRejects: resolveRejects ?? false,
    syncedAt,
    fetchedAt: fetchedAt ?? syncedAt,
  });
}
