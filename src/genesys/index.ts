/** Genesys Cloud API client: auth, rate-limited requests, users and conversation details. */
export { createGenesysClient, type GenesysClient, type GenesysClientOptions } from './client.ts';
export { KNOWN_REGIONS, regionDomain, resolveHosts, type HostOptions, type Hosts, type RegionKey, type RegionDomain } from './regions.ts';
export * from './limits.ts';
export {
  buildDetailsQueryBody,
  formatInterval,
  DETAILS_QUERY_PATH,
  type DetailsPageResult,
  type DetailsQueryBody,
  type DetailsQueryPage,
  type QueryScope,
} from './details-query.ts';
export {
  buildDetailsJobBody,
  isJobGone,
  DETAILS_JOBS_PATH,
  type DetailsJobBody,
  type DetailsJobRequest,
  type DetailsJobResultsPage,
  type DetailsJobState,
  type DetailsJobStatus,
} from './details-jobs.ts';
export {
  REFERENCE_LISTS,
  REFERENCE_LIST_NAMES,
  type ListReferenceOptions,
  type ReferenceEntity,
  type ReferenceListName,
  type ReferenceListSpec,
} from './reference-lists.ts';
export { type ListUsersOptions, type UserState } from './users.ts';
export type { GenesysConversation, GenesysParticipant, GenesysSession, GenesysSegment, GenesysMetric, GenesysUser } from './schemas.ts';
export type { GenesysStats } from './request.ts';
export { routeTemplate, statusClassOf, type RequestObserver, type StatusClass } from './observer.ts';
export {
  AuthError,
  FatalApiError,
  GenesysApiError,
  GenesysError,
  InvalidRecordError,
  InvalidResponseError,
  NetworkError,
  RetriableApiError,
  RetriesExhaustedError,
  type GenesysErrorCode,
} from './errors.ts';
