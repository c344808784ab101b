/**
 * The reference lists that give names to the ids in conversation records (queues, wrap-up
 * codes, divisions, skills, languages): one generic paged lister serves all of them, since
 * they share the entity-listing envelope `{entities, pageSize, pageNumber, total, pageCount,
 * nextUri?}`. Endpoints and permissions: docs/genesys-api-facts.md §8 and docs/sync.md "Reference lists".
 */
import { z } from 'zod';
import type { CallApi } from './api.ts';
import { InvalidResponseError } from './errors.ts';
import { DEFAULT_REFERENCE_PAGE_SIZE } from './limits.ts';
import { listAllPages } from './paged-list.ts';

/** Named after the tables they fill. */
export const REFERENCE_LIST_NAMES = ['queues', 'wrap_up_codes', 'divisions', 'skills', 'languages'] as const;
export type ReferenceListName = (typeof REFERENCE_LIST_NAMES)[number];

export interface ReferenceListSpec {
  readonly name: ReferenceListName;
  readonly path: string;
  /** The permission the OAuth client needs; without it the API answers 403 for this list only. */
  readonly permission: string;
}

/** https://developer.genesys.cloud/routing/routing/ and .../authorization/ (SDK RoutingApi, AuthorizationApi). */
export const REFERENCE_LISTS: Readonly<Record<ReferenceListName, ReferenceListSpec>> = {
  queues: { name: 'queues', path: '/api/v2/routing/queues', permission: 'routing:queue:view' },
  wrap_up_codes: { name: 'wrap_up_codes', path: '/api/v2/routing/wrapupcodes', permission: 'routing:wrapupCode:view' },
  divisions: { name: 'divisions', path: '/api/v2/authorization/divisions', permission: 'authorization:division:view' },
  skills: { name: 'skills', path: '/api/v2/routing/skills', permission: 'routing:skill:view' },
  languages: { name: 'languages', path: '/api/v2/routing/languages', permission: 'routing:language:view' },
};

const EntitySchema = z.looseObject({ id: z.string().min(1) });

/** One entry of a reference list as the API returned it (only `id` is checked; every field is kept). */
export type ReferenceEntity = z.infer<typeof EntitySchema>;

const EnvelopeSchema = z.looseObject({
  entities: z.array(z.unknown()).nullable().optional(),
  pageSize: z.number().int().nullable().optional(),
  pageNumber: z.number().int().nullable().optional(),
  total: z.number().int().nullable().optional(),
  pageCount: z.number().int().nonnegative().nullable().optional(),
  nextUri: z.string().nullable().optional(),
});

export interface ListReferenceOptions {
  readonly pageSize?: number;
  readonly maxPages?: number;
  readonly signal?: AbortSignal | undefined;
}

/** Every entry of `list`, through the one paged lister (any failure, a 403 included, rejects). */
export function listReferenceEntities(callApi: CallApi, list: ReferenceListName, options: ListReferenceOptions = {}): Promise<ReferenceEntity[]> {
  return listAllPages(callApi, {
    path: REFERENCE_LISTS[list].path,
    pageSize: options.pageSize ?? DEFAULT_REFERENCE_PAGE_SIZE,
    maxPages: options.maxPages,
    signal: options.signal,
    parse: parseReferencePage,
  });
}

/** Validates one page of a reference list; every entity needs a non-empty string `id`. */
function parseReferencePage(json: unknown, context: { method: string; path: string }): { entities: ReferenceEntity[]; pageCount: number | null | undefined; nextUri: string | null | undefined } {
  const page = EnvelopeSchema.safeParse(json);
  if (!page.success) {
    throw new InvalidResponseError({ ...context, problem: page.error.issues.map((i) => `${i.path.join('.') || '(page)'}: ${i.message}`).join('; ') });
  }
  const records = page.data.entities ?? [];
  records.forEach((record, index) => {
    if (!EntitySchema.safeParse(record).success) {
      throw new InvalidResponseError({ ...context, problem: `entities.${index}: an entity without a string id` });
    }
  });
  // The caller's objects, untouched: they are stored as `raw`.
  return { entities: records as ReferenceEntity[], pageCount: page.data.pageCount, nextUri: page.data.nextUri };
}
