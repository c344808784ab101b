/** Genesys Cloud API client: auth, rate-limited requests, users and conversation details. */
export { createGenesysClient, type GenesysClient, type GenesysClientOptions } from './client.ts';
export {  } from './regions.ts';
export * from './limits.ts';
export {
  buildDetailsQueryBody,
  formatInterval,
  DETAILS_QUERY_PATH,
  
  
  
  type QueryScope,
} from './details-query.ts';
export {
  
  isJobGone,
  
  
  
  type DetailsJobResultsPage,
  
  
} from './details-jobs.ts';
export {
  REFERENCE_LISTS,
  REFERENCE_LIST_NAMES,
  
  
  type ReferenceListName,
  
} from './reference-lists.ts';
export { type UserState } from './users.ts';
export type { GenesysConversation, GenesysUser } from './schemas.ts';
export type { GenesysStats } from './request.ts';
export { routeTemplate, statusClassOf, type RequestObserver } from './observer.ts';
export {
  AuthError,
  FatalApiError,
  GenesysApiError,
  
  InvalidRecordError,
  InvalidResponseError,
  NetworkError,
  RetriableApiError,
  RetriesExhaustedError,
  
} from './errors.ts';
