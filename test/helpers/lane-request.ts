/**
 * What the lane tests hand a lane: a read request that records what the lane hands back (pages,
 * named jobs, restarts), and a fallback lane that only counts the windows it was given.
 */
import type { QueryScope } from '../../src/genesys/index.ts';
import type { Lane, LanePage, LaneReadRequest } from '../../src/pipeline/lanes/lane.ts';

export interface Seen {
  pages: LanePage[];
  jobIds: Array<string | null>;
  /** Pages handed over when the lane announced each restart. */
  restarts: number[];
}

export const freshSeen = (): Seen => ({ pages: [], jobIds: [], restarts: [] });

export function recordingRequest(window: { start: Date; end: Date }, seen: Seen, scope: QueryScope = { kind: 'all' }, signal = new AbortController().signal): LaneReadRequest {
  return {
    scope, window, unsplittable: false, signal,
    onPage: async (page) => {
      seen.pages.push(page);
    },
    onRemoteJob: async (id) => {
      seen.jobIds.push(id);
    },
    onRestart: () => {
      seen.restarts.push(seen.pages.length);
    },
  };
}

/** Stands in for the query lane behind a jobs lane: the jobs lane only needs to hand it the window. */
export function countingFallback(): { lane: Lane; reads: () => number; reset: () => void } {
  let reads = 0;
  return {
    lane: {
      name: 'query',
      read: async () => {
        reads++;
        return { kind: 'done', lane: 'query', hitsAnnounced: 0, idsReceived: 0, pages: 0 };
      },
    },
    reads: () => reads,
    reset: () => {
      reads = 0;
    },
  };
}
