/**
 * What to do with a window that holds more conversations than one read may take: halve it on
 * a UTC midnight while it spans two days or more, else halve its agent group, else nothing
 * (one agent's single day: the window must be read as it is, up to the API's paging cap).
 */
import type { QueryScope } from '../genesys/details-query.ts';
import { splitScope } from './scopes.ts';
import { splitWindow, type Window } from './windows.ts';

interface WindowPart {
  scope: QueryScope;
  window: Window;
}

export type SplitPlan = { by: 'days' | 'agents'; parts: WindowPart[] };

export function planSplit(scope: QueryScope, window: Window): SplitPlan | undefined {
  const days = splitWindow(window);
  if (days) return { by: 'days', parts: days.map((w) => ({ scope, window: w })) };
  const scopes = splitScope(scope);
  if (scopes) return { by: 'agents', parts: scopes.map((s) => ({ scope: s, window })) };
  return undefined;
}
