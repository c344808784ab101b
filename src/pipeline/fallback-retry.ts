/**
 * A backfill's fallen-back windows get one more try through jobs (docs/sync.md §15, "Attribute
 * debt"): a jobs window whose jobs failed was read by the query lane, completely but without
 * participant attributes. At the end of the backfill each such window is read again by a run
 * of its own on the jobs lane (kind backfill, its interval that window's), for that window's
 * stream only, with the backfill's own deps: its streams as opened (explicit or by default) and
 * its personal-data policy. What still falls back stays owed: the worker's settling re-reads it
 * on later ticks, and status lists it.
 */
import { findFallbackWindows } from '../db/lane-ledger.ts';
import { onlyStream } from './stream.ts';
import { runSync, type SyncDeps, type SyncOptions, type SyncReport } from './sync.ts';

export async function retryFallbacks(deps: SyncDeps, options: SyncOptions, report: SyncReport): Promise<SyncReport[]> {
  const lanes = options.lanes;
  if (options.kind !== 'backfill' || !lanes || lanes.mode === 'query' || report.laneFallbacks === 0) return [];
  if (report.status === 'interrupted' || report.authFailed) return [];
  const windows = await findFallbackWindows(deps.db, report.runId);
  deps.logger.info({ windows: windows.length }, `${windows.length} window(s) fell back to the query lane: one more try through jobs`);
  const retries: SyncReport[] = [];
  for (const window of windows) {
    if (deps.signal?.aborted) break;
    retries.push(await runSync({ ...deps, openStreams: onlyStream(deps.openStreams, window.stream) }, { ...options, interval: { start: window.start, end: window.end }, resume: false, catchUpFrom: undefined, lanes: { ...lanes, mode: 'jobs' } }));
  }
  return retries;
}
