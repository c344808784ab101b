/**
 * The write path's contract with the pipeline, owned here because the database implements it:
 * a stream's records arrive read once at the boundary (src/streams/<name>/contract.ts: id and
 * time taken with the stream's own rules), and one batch is written, its refused records
 * quarantined and the open rejects of what it stored closed, all in ONE transaction.
 */

/** One record of a stream, read once at the boundary: its key, its time, the record as received (stored losslessly). */
export interface StreamRecord {
  /** The stream's key (a conversation id). */
  id: string;
  /** The stream's time (a conversation's start), epoch ms: what windows are cut and re-filtered on. */
  timeMs: number;
  raw: unknown;
}

/** A record that is not stored, kept in sync_rejects with why. */
export interface RejectedRecord {
  /**
   * The record's key when one could be read. One that Postgres cannot store as text (a NUL,
   * an unpaired surrogate) is quarantined under its JSON string literal (`"a\u0000b"`).
   */
  recordId: string | undefined;
  /** The record exactly as received. */
  raw: unknown;
  problem: string;
}

export interface BatchWrite {
  /** Records to store; a repeated id: the later one wins. */
  records: readonly StreamRecord[];
  /** Records refused before the writer (no readable key or time): quarantined in the same transaction. */
  rejects: readonly RejectedRecord[];
  /** Where the batch came from, for the quarantine rows; `stream` also scopes the rejects closed. */
  source: { stream: string; runId: string; windowId: bigint; page: string };
  /** Close the open rejects of the records stored (only worth a statement when some may be open). */
  resolveRejects: boolean;
  /** The run's clock for this batch (last_synced_at etc.). */
  syncedAt: Date;
  /** When the records were fetched: a stored version fetched later wins (these are then stale). */
  fetchedAt: Date;
}

export interface BatchWritten {
  /** Ids stored by this batch or found stored in a newer version (stale): every id not refused, in id order. */
  storedIds: string[];
  /** New, or stored with a different content: rewritten with their children. */
  changed: number;
  /** Same content as stored: only last_synced_at moved. */
  unchanged: number;
  /** Skipped: the stored version was fetched later. */
  stale: number;
  /** Everything quarantined by this batch: the `rejects` passed in, then the records the writer refused. */
  rejected: RejectedRecord[];
  /** Open rejects closed because their record is now stored. */
  rejectsResolved: number;
}

/**
 * How a stream's batches reach its tables (src/db/<tables>.ts implements one per stream; the
 * conversations' is createConversationWriter in src/db/conversations.ts). Retries its own
 * transaction on a deadlock or serialization failure; any other failure commits nothing.
 */
export interface StreamWriter {
  write(batch: BatchWrite): Promise<BatchWritten>;
}
