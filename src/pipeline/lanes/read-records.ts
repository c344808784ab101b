/** Reads a page's raw records once, with the stream's contract, into what a LanePage carries. */
import type { RejectedRecord, StreamRecord } from '../../db/stream-writer.ts';
import type { RecordRead } from '../stream.ts';

export type ReadRecord = (raw: unknown) => RecordRead;

export interface RecordsRead {
  records: StreamRecord[];
  rejects: RejectedRecord[];
}

export function readRecords(raws: readonly unknown[], read: ReadRecord): RecordsRead {
  const out: RecordsRead = { records: [], rejects: [] };
  for (const raw of raws) {
    const r = read(raw);
    if (r.ok) out.records.push(r.record);
    else out.rejects.push(r.reject);
  }
  return out;
}

/** Every readable id of a page with its time when readable, placed or not: what the paging proof counts. */
export function receivedOf(page: RecordsRead): Array<{ id: string | undefined; timeMs: number | undefined }> {
  return [...page.records.map((r) => ({ id: r.id, timeMs: r.timeMs })), ...page.rejects.map((r) => ({ id: r.recordId, timeMs: undefined }))];
}
