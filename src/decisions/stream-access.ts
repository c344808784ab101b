/**
 * What a stream does when Genesys will not serve its API (docs/sync.md §17). Two refusals are
 * told apart, because the fix differs: a 403 means the OAuth client lacks the stream's
 * permission (grant it); a 404 means the org, API or region has no such endpoint (nothing to
 * grant; leave the stream out). Either way, a stream only on by default is left out of the run
 * with a warning naming what is missing, and the other streams are read as before; a stream
 * asked for by name (--streams, SYNC_STREAMS) fails the run, its error naming what is missing.
 * Any other answer is not a refusal: the stream is read, and its windows meet whatever it was.
 */

export interface StreamRefusalInput {
  /** The stream ('agent-activity'), and what its records are called in a message ('agent activity'). */
  stream: string;
  what: string;
  /** The HTTP status Genesys answered (undefined: no HTTP answer, e.g. a network error). */
  status: number | undefined;
  /** The request refused, as `METHOD /path`. */
  endpoint: string;
  /** The permission the stream's API needs. */
  permission: string;
  /** The run named the stream (--streams, SYNC_STREAMS) rather than reading it by default. */
  explicit: boolean;
}

export type StreamRefusal =
  /** Not a refusal: read the stream. */
  | { action: 'read' }
  /** On by default: leave the stream out, record `warning` in the run's ledger row. */
  | { action: 'leave-out'; missing: 'permission' | 'endpoint'; warning: string }
  /** Asked for by name: fail (the window, and so the run: exit 1) with `error`. */
  | { action: 'fail'; missing: 'permission' | 'endpoint'; error: string };

export function judgeStreamRefusal(input: StreamRefusalInput): StreamRefusal {
  const missing = input.status === 403 ? 'permission' : input.status === 404 ? 'endpoint' : undefined;
  if (missing === undefined) return { action: 'read' };
  const why =
    missing === 'permission'
      ? `Genesys refused ${input.endpoint} (403): the OAuth client lacks the permission ${input.permission}`
      : `Genesys has no ${input.endpoint} for this org or region (404): its API does not offer ${input.what}`;
  if (input.explicit) {
    const fix = missing === 'permission' ? `grant the permission ${input.permission}` : `leave ${input.stream} out of --streams / SYNC_STREAMS`;
    return { action: 'fail', missing, error: `${input.what} cannot be read: ${why}; ${fix}` };
  }
  const fix =
    missing === 'permission'
      ? `grant the OAuth client the permission ${input.permission}, or leave ${input.stream} out of SYNC_STREAMS`
      : `set SYNC_STREAMS without ${input.stream} to stop asking`;
  return { action: 'leave-out', missing, warning: `${input.what} not synced: ${why}; ${fix}` };
}
