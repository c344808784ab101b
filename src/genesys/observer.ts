/**
 * What the client reports about its HTTP traffic as it happens, for metrics. Optional: the
 * client keeps its own counters (GenesysStats) for the run ledger either way. Endpoints are
 * route templates (routeTemplate below), never URLs with ids or query strings, so a metric
 * label stays one of a handful of values.
 */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'network';

export interface RequestObserver {
  /** One HTTP attempt ended: with a response of that status class, or with none ('network'). */
  request(endpoint: string, statusClass: StatusClass): void;
  /** An attempt is about to be repeated (after a 429, a 5xx/408, a network error or a 401). */
  retry(endpoint: string): void;
  /** A 429 response. */
  rateLimited(endpoint: string): void;
}

export function statusClassOf(status: number): StatusClass {
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx` as StatusClass;
  return 'network';
}

/** A path segment that names one thing rather than a route: a UUID, a number, a long token. */
const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[A-Za-z0-9_-]{32,})$/i;

/**
 * `/api/v2/users?pageSize=100&state=any` → `/api/v2/users`;
 * `/api/v2/analytics/conversations/details/jobs/0c5e…/results` → `/api/v2/analytics/conversations/details/jobs/{id}/results`.
 */
export function routeTemplate(pathAndQuery: string): string {
  const path = pathAndQuery.split(/[?#]/, 1)[0] ?? '';
  return path
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment))
    .join('/');
}
