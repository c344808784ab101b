/**
 * What the users details API needs (docs/genesys-api-facts.md §9): the permission
 * analytics:userDetail:view, and an org, API or region that has the endpoints at all. A refusal
 * (403: the permission; 404: the endpoint) is judged by src/decisions/stream-access.ts wherever
 * the stream meets it: the probe of a stream on by default leaves it out with a warning; a
 * stream asked for by name fails with an error naming what is missing.
 */
import { judgeStreamRefusal, type StreamRefusal } from '../../decisions/stream-access.ts';
import { GenesysApiError } from '../../genesys/index.ts';

const USER_DETAIL_PERMISSION = 'analytics:userDetail:view';
const STREAM = 'agent-activity';
const WHAT = 'agent activity';

class UserDetailsRefusedError extends Error {
  override readonly name = 'UserDetailsRefusedError';
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** How a failed users details call is judged: a 403 or 404 is a refusal naming what is missing; anything else is not. */
export function judgeUserDetailsError(error: unknown, explicit: boolean): StreamRefusal {
  if (!(error instanceof GenesysApiError)) return { action: 'read' };
  const endpoint = `${error.method} ${error.path.split('?')[0]}`;
  return judgeStreamRefusal({ stream: STREAM, what: WHAT, status: error.status, endpoint, permission: USER_DETAIL_PERMISSION, explicit });
}

/**
 * Runs a users details call of a window the run reads; a 403 or 404 becomes an error naming the
 * missing permission or endpoint (the window fails, and so the run).
 */
export async function namingPermission<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const judged = judgeUserDetailsError(error, true);
    if (judged.action === 'fail') throw new UserDetailsRefusedError(judged.error, error);
    throw error;
  }
}
