/**
 * The permission the users details API needs (docs/genesys-api-facts.md §9). A 403 from it is
 * turned into an error that names the permission, wherever the stream meets it.
 */
import { GenesysApiError } from '../../genesys/index.ts';

export const USER_DETAIL_PERMISSION = 'analytics:userDetail:view';

class UserDetailsForbiddenError extends Error {
  override readonly name = 'UserDetailsForbiddenError';
  constructor(cause: unknown) {
    super(`Genesys refused the users details API (403): the OAuth client lacks the permission ${USER_DETAIL_PERMISSION}, so agent activity cannot be read`, { cause });
  }
}

export function isForbidden(error: unknown): boolean {
  return error instanceof GenesysApiError && error.status === 403;
}

/** Runs a users details call; a 403 becomes a UserDetailsForbiddenError naming the permission. */
export async function namingPermission<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isForbidden(error)) throw new UserDetailsForbiddenError(error);
    throw error;
  }
}
