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

/** Every readable id of a page, placed or not: what the paging proof counts as received. */
export function idsOf(page: RecordsRead): string[] {
  const ids = page.records.map((r) => r.id);
  for (const r of page.rejects) if (r.recordId !== undefined) ids.push(r.recordId);
  return ids;
}
