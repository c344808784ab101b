/**
 * The organization presences that name the `organizationPresenceId`s of users details records
 * (docs/genesys-api-facts.md §9). Read from the legacy paged listing `GET /api/v2/presencedefinitions`
 * through the one paged lister: it needs no permission [sdk] and, with `deleted=ALL`, also lists
 * the deactivated presences old records still name. The newer `GET /api/v2/presence/definitions`
 * needs `presence:presenceDefinition:view`, is not paged and lists active or deactivated ones,
 * never both; Genesys asks apps to migrate to it, so this is the call to revisit if the legacy
 * listing goes away.
 */
import { z } from 'zod';
import type { CallApi } from './api.ts';
import { InvalidResponseError } from './errors.ts';
import { DEFAULT_PRESENCE_DEFINITIONS_PAGE_SIZE } from './limits.ts';
import { listAllPages } from './paged-list.ts';

const PRESENCE_DEFINITIONS_PATH = '/api/v2/presencedefinitions';

/**
 * `OrganizationPresence`: only `id` is required. `systemPresence` is spelt as the definitions
 * spell it (`Available`, `OnQueue`), not as analytics records do (`AVAILABLE`, `ON_QUEUE`).
 */
const PresenceDefinitionSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  systemPresence: z.string().nullish(),
  deactivated: z.boolean().nullish(),
  primary: z.boolean().nullish(),
  languageLabels: z.record(z.string(), z.string()).nullish(),
});

export type PresenceDefinition = z.infer<typeof PresenceDefinitionSchema>;

const EnvelopeSchema = z.looseObject({
  entities: z.array(PresenceDefinitionSchema).nullish(),
  pageCount: z.number().int().nonnegative().nullish(),
  nextUri: z.string().nullish(),
});

export interface ListPresenceDefinitionsOptions {
  /** `ALL` (default): deactivated presences too, since older records name them. */
  readonly deleted?: 'ALL' | 'FALSE' | 'TRUE';
  readonly pageSize?: number;
  readonly signal?: AbortSignal | undefined;
}

/** Every presence definition, all pages (any failure rejects). */
export function listPresenceDefinitions(callApi: CallApi, options: ListPresenceDefinitionsOptions = {}): Promise<PresenceDefinition[]> {
  return listAllPages(callApi, {
    path: PRESENCE_DEFINITIONS_PATH,
    query: { deleted: (options.deleted ?? 'ALL').toLowerCase() },
    pageSize: options.pageSize ?? DEFAULT_PRESENCE_DEFINITIONS_PAGE_SIZE,
    signal: options.signal,
    parse: (json, context) => {
      const page = EnvelopeSchema.safeParse(json);
      if (!page.success) {
        throw new InvalidResponseError({ ...context, problem: page.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(page)'}: ${i.message}`).join('; ') });
      }
      // The caller's objects, untouched: unknown fields and key order survive.
      const entities = ((json as { entities?: PresenceDefinition[] | null }).entities ?? []);
      return { entities, pageCount: page.data.pageCount, nextUri: page.data.nextUri };
    },
  });
}
