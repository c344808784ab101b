/**
 * The registered streams: adding a stream is its folder and one line here. The composition
 * root (src/runtime.ts) opens the streams a run reads.
 */
import type { OpenStreams, RunStream, StreamRunContext } from '../pipeline/stream.ts';
import { AGENT_ACTIVITY_MAX_WINDOW_DAYS, agentActivityJobsAvailability, openAgentActivityStream } from './agent-activity/stream.ts';
import type { GenesysClient } from '../genesys/index.ts';
import { openConversationStream, type StreamDeps } from './conversations/stream.ts';

/** How a stream is opened for a run; `explicit`: the run asked for it by name (it was not only on by default). */
type OpenStream = (deps: StreamDeps, run: StreamRunContext, open: { explicit: boolean }) => RunStream;

const STREAMS = {
  conversations: openConversationStream,
  'agent-activity': openAgentActivityStream,
} satisfies Record<string, OpenStream>;

/** The longest window each stream's API reads at once, as the stream itself declares it (the dry run plans with it too). */
export const STREAM_MAX_WINDOW_DAYS: Partial<Record<string, number>> = { 'agent-activity': AGENT_ACTIVITY_MAX_WINDOW_DAYS };

/** The streams whose jobs API has a data-availability date of its own, as the stream reads it (the dry run cuts their lanes there too). */
export function streamJobsAvailability(genesys: GenesysClient): Partial<Record<string, () => Promise<Date>>> {
  return { 'agent-activity': () => agentActivityJobsAvailability(genesys) };
}

export type StreamName = keyof typeof STREAMS;
export const STREAM_NAMES = Object.keys(STREAMS) as StreamName[];

/**
 * The streams a run reads when none is named: all of them. A stream only on by default that
 * Genesys refuses (a 403: the permission; a 404: no such endpoint in this org or region) is left
 * out of the run with a warning that names what is missing, recorded in sync_runs.warnings and
 * shown by `status`; the other streams are read as before (src/decisions/stream-access.ts).
 */
const DEFAULT_STREAMS: readonly StreamName[] = ['conversations', 'agent-activity'];
export type { StreamDeps };

/**
 * Opens the named streams for each run: the default ones (DEFAULT_STREAMS), or those the run
 * asked for by name (`explicit`: --streams, SYNC_STREAMS), whose refusals then fail the run.
 */
export function streamOpener(deps: StreamDeps, names: readonly StreamName[] = DEFAULT_STREAMS, explicit = false): OpenStreams {
  return { names, open: (run) => names.map((name) => (STREAMS[name] as OpenStream)(deps, run, { explicit })) };
}

/**
 * The streams a run reads: those named by --streams, else by SYNC_STREAMS (both `explicit`: a
 * refusal fails the run), else the default streams (DEFAULT_STREAMS), on by default.
 */
export function chooseStreams(flag: string | undefined, env: string | undefined): { names: StreamName[]; explicit: boolean } {
  if (flag !== undefined) return { names: parseStreamNames(flag, '--streams'), explicit: true };
  if (env !== undefined && env.trim() !== '') return { names: parseStreamNames(env, 'SYNC_STREAMS'), explicit: true };
  return { names: [...DEFAULT_STREAMS], explicit: false };
}

/** Reads a comma-separated list of stream names; throws naming the unknown one and the known ones. */
function parseStreamNames(text: string, what: string): StreamName[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new RangeError(`${what}: name at least one stream (${STREAM_NAMES.join(', ')})`);
  for (const name of names) {
    if (!(STREAM_NAMES as string[]).includes(name)) throw new RangeError(`${what}: unknown stream "${name}"; known streams: ${STREAM_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as StreamName[];
}
