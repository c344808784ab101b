/**
 * The reference lists (queues, wrap-up codes, divisions, skills, languages) as entity
 * listings: `{entities, pageSize, pageNumber, total, pageCount, firstUri, nextUri?, lastUri,
 * selfUri}` (docs/genesys-api-facts.md §8). Deleted entries are not listed, while older
 * conversations still reference them. A list can be made to answer 403, as for an OAuth
 * client without that list's permission.
 */
import { listed, type Org, type RefEntry } from './org.ts';

export const SIM_REFERENCE_LISTS = {
  queues: { path: '/api/v2/routing/queues', permission: 'routing:queue:view' },
  wrap_up_codes: { path: '/api/v2/routing/wrapupcodes', permission: 'routing:wrapupCode:view' },
  divisions: { path: '/api/v2/authorization/divisions', permission: 'authorization:division:view' },
  skills: { path: '/api/v2/routing/skills', permission: 'routing:skill:view' },
  languages: { path: '/api/v2/routing/languages', permission: 'routing:language:view' },
} as const;

export type SimReferenceList = keyof typeof SIM_REFERENCE_LISTS;

const DEFAULT_REFERENCE_PAGE_SIZE = 25;
const MAX_REFERENCE_PAGE_SIZE = 500;

/** The list served at `path`, if any. */
export function referenceListAt(path: string): SimReferenceList | undefined {
  return (Object.keys(SIM_REFERENCE_LISTS) as SimReferenceList[]).find((list) => SIM_REFERENCE_LISTS[list].path === path);
}

/** The org's entries (listed or not) behind `list`. */
export function referenceEntries(org: Org, list: SimReferenceList): RefEntry[] {
  const byList: Record<SimReferenceList, RefEntry[]> = {
    queues: org.queues, wrap_up_codes: org.wrapUpCodes, divisions: org.divisions, skills: org.skills, languages: org.languages,
  };
  return byList[list];
}

/** A stable creation date per entry, so listings are the same for a seed. */
const created = (i: number) => new Date(Date.UTC(2024, 0, 1 + i * 9)).toISOString();
const divisionRef = (org: Org, id: string) => {
  const d = org.divisions.find((x) => x.id === id) ?? org.divisions[0]!;
  return { id: d.id, name: d.name, selfUri: `/api/v2/authorization/divisions/${d.id}` };
};

/** The entities Genesys lists for `list`, shaped like the SDK models (Queue, WrapupCode, ...). */
function referenceEntities(org: Org, list: SimReferenceList): Record<string, unknown>[] {
  const self = (e: RefEntry) => `${SIM_REFERENCE_LISTS[list].path}/${e.id}`;
  switch (list) {
    case 'queues':
      return listed(org.queues).map((q, i) => ({
        id: q.id, name: q.name, division: divisionRef(org, q.divisionId), description: `${q.name} queue`,
        dateCreated: created(i), memberCount: 4 + i, userMemberCount: 4 + i, joinedMemberCount: 2 + i,
        acwSettings: { wrapupPrompt: 'MANDATORY_TIMEOUT', timeoutMs: 60_000 }, skillEvaluationMethod: 'BEST',
        autoAnswerOnly: false, enableTranscription: false, selfUri: self(q),
      }));
    case 'wrap_up_codes':
      return listed(org.wrapUpCodes).map((w, i) => ({
        id: w.id, name: w.name, division: divisionRef(org, org.divisions[0]!.id), dateCreated: created(i), createdBy: 'sim-admin', selfUri: self(w),
      }));
    case 'divisions':
      return listed(org.divisions).map((d, i) => ({ id: d.id, name: d.name, description: `${d.name} division`, homeDivision: i === 0, selfUri: self(d) }));
    case 'skills':
      return listed(org.skills).map((s, i) => ({ id: s.id, name: s.name, state: 'active', dateModified: created(i), version: '1', selfUri: self(s) }));
    case 'languages':
      return listed(org.languages).map((l, i) => ({ id: l.id, name: l.name, state: 'active', dateModified: created(i), version: '1', selfUri: self(l) }));
  }
}

type Result = { status: 200; body: Record<string, unknown> } | { status: 400 | 403; code: string; message: string };

const intParam = (q: URLSearchParams, name: string, fallback: number): number | undefined => {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
};

/** GET of a reference list: one page sorted by name then id, or 403 when the list is forbidden. */
export function referenceListPage(org: Org, list: SimReferenceList, q: URLSearchParams, forbidden: readonly string[]): Result {
  const { path, permission } = SIM_REFERENCE_LISTS[list];
  if (forbidden.includes(list)) {
    return { status: 403, code: 'missing.any.permissions', message: `Unable to perform the requested action. You are missing the following permission(s): ${permission}` };
  }
  const pageSize = intParam(q, 'pageSize', DEFAULT_REFERENCE_PAGE_SIZE);
  const pageNumber = intParam(q, 'pageNumber', 1);
  if (pageSize === undefined || pageSize < 1 || pageSize > MAX_REFERENCE_PAGE_SIZE) {
    return { status: 400, code: 'bad.request', message: `pageSize must be between 1 and ${MAX_REFERENCE_PAGE_SIZE}` };
  }
  if (pageNumber === undefined || pageNumber < 1) return { status: 400, code: 'bad.request', message: 'pageNumber must be 1 or greater' };
  const all = referenceEntities(org, list).sort((a, b) => {
    const [an, bn] = [String(a['name']), String(b['name'])];
    return an === bn ? (String(a['id']) < String(b['id']) ? -1 : 1) : an < bn ? -1 : 1;
  });
  const total = all.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (n: number) => `${path}?pageSize=${pageSize}&pageNumber=${n}`;
  return {
    status: 200,
    body: {
      entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), pageSize, pageNumber, total, pageCount,
      firstUri: uri(1),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber),
    },
  };
}
