/**
 * The registered streams: adding a stream is its folder and one line here. The composition
 * root (src/runtime.ts) opens the streams a run reads.
 */
import type { OpenStreams, RunStream, StreamRunContext } from '../pipeline/stream.ts';
import { openConversationStream, type StreamDeps } from './conversations/stream.ts';

const STREAMS = {
  conversations: openConversationStream,
} satisfies Record<string, (deps: StreamDeps, run: StreamRunContext) => RunStream>;

export type StreamName = keyof typeof STREAMS;
export const STREAM_NAMES = Object.keys(STREAMS) as StreamName[];
export type { StreamDeps };

/** Opens the named streams (every registered one by default) for each run. */
export function streamOpener(deps: StreamDeps, names: readonly StreamName[] = STREAM_NAMES): OpenStreams {
  return { names, open: (run) => names.map((name) => STREAMS[name](deps, run)) };
}
