import { DAY_MS } from '../time.ts';
import { Random } from './prng.ts';
import { RATES } from './rates.ts';
import type { SimUser, UserState } from './types.ts';

/**
 * An entry of a reference list. `deletedDaysAgo`: Genesys no longer lists it (deleted that
 * many days before the simulated now), yet conversations from before then reference it.
 */
export interface RefEntry {
  id: string;
  name: string;
  deletedDaysAgo?: number;
}

/** The simulated organisation: who can take conversations and where they are routed. */
export interface Org {
  agents: SimUser[];
  divisions: RefEntry[];
  queues: (RefEntry & { divisionId: string })[];
  wrapUpCodes: RefEntry[];
  skills: RefEntry[];
  languages: RefEntry[];
  flows: { id: string; name: string; type: string }[];
  /** Work team of each agent in one (most are). */
  teamIds: Record<string, string>;
  /** Outbound dialer campaigns and their contact lists. */
  campaigns: { id: string; name: string; contactListId: string }[];
  /** Groups agents can be rung through. */
  groupIds: string[];
  edgeIds: string[];
  /** Org phone numbers customers dial (dnis). */
  numbers: string[];
}

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elif', 'Femi', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Maya', 'Nils', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wen', 'Yusuf', 'Zoe'];
const LAST = ['Abara', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jansen', 'Kowalski', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quist', 'Rossi', 'Silva', 'Tanaka'];
const DEPARTMENTS = ['Customer Care', 'Sales', 'Billing', 'Technical Support'];
const DIVISION_NAMES = ['Home', 'North America', 'EMEA'];
const QUEUE_NAMES = ['General Support', 'Billing', 'Sales', 'Technical', 'Retention', 'VIP'];
const WRAP_UP_NAMES = ['Resolved', 'Follow-up required', 'Escalated', 'Sale completed', 'Wrong number', 'Information given', 'Complaint', 'Callback scheduled'];
const SKILL_NAMES = ['Billing', 'Technical L2', 'VIP Handling', 'Retention Offers', 'Outbound Sales'];
const LANGUAGE_NAMES = ['English', 'Spanish', 'French', 'German'];
/** Deleted entries (no longer listed) with the days before now they were deleted. */
const DELETED_QUEUE = { name: 'Winter Campaign', daysAgo: 3 };
const DELETED_WRAP_UP = { name: 'Promo 2025 accepted', daysAgo: 4 };
const DELETED_SKILL = { name: 'Fax Support', daysAgo: 5 };

/** Number of team leads among the agents; they are always active and manage the others. */
const LEAD_COUNT = 2;

const DOMAIN = 'example-sim.com';

/** Generates the org deterministically from the seed. */
export function generateOrg(seed: number, agentCount: number): Org {
  const rng = Random.from(seed, 'org');
  const divisions: RefEntry[] = DIVISION_NAMES.map((name) => ({ id: rng.uuid(), name }));
  const queues: Org['queues'] = QUEUE_NAMES.map((name, i) => ({
    id: rng.uuid(),
    name,
    divisionId: (divisions[i % divisions.length] as { id: string }).id,
  }));
  const wrapUpCodes: RefEntry[] = WRAP_UP_NAMES.map((name) => ({ id: rng.uuid(), name }));
  const flows = [
    { id: rng.uuid(), name: 'Main IVR', type: 'INBOUNDCALL' },
    { id: rng.uuid(), name: 'After Hours IVR', type: 'INBOUNDCALL' },
    { id: rng.uuid(), name: 'Web Messaging Bot', type: 'INBOUNDSHORTMESSAGE' },
    { id: rng.uuid(), name: 'Email Router', type: 'INBOUNDEMAIL' },
  ];
  const edgeIds = [rng.uuid(), rng.uuid()];
  const numbers = ['+18005550100', '+18005550111', '+442035550123'];
  const states = assignStates(rng, agentCount);
  const agents: SimUser[] = [];
  for (let i = 0; i < agentCount; i++) {
    const id = rng.uuid();
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(i / FIRST.length + i * 7) % LAST.length] as string;
    const suffix = i >= FIRST.length ? String(Math.floor(i / FIRST.length)) : '';
    const username = `${first}.${last}${suffix}`.toLowerCase() + `@${DOMAIN}`;
    const division = rng.pick(divisions);
    const lead = agents[i % LEAD_COUNT];
    agents.push({
      id,
      name: `${first} ${last}${suffix ? ` ${suffix}` : ''}`,
      username,
      email: username,
      state: states[i] ?? 'active',
      division: { id: division.id, name: division.name, selfUri: `/api/v2/authorization/divisions/${division.id}` },
      department: rng.pick(DEPARTMENTS),
      title: i < LEAD_COUNT ? 'Team Lead' : rng.pick(['Agent', 'Senior Agent', 'Agent']),
      ...(i >= LEAD_COUNT && lead ? { manager: { id: lead.id, selfUri: `/api/v2/users/${lead.id}` } } : {}),
      chat: { jabberId: `${rng.hex(24)}@sim.orgspan.com` },
      primaryContactInfo: [{ address: username, mediaType: 'EMAIL', type: 'PRIMARY' }],
      addresses: [],
      acdAutoAnswer: false,
      version: rng.int(1, 9),
      selfUri: `/api/v2/users/${id}`,
    });
  }
  // A separate stream: adding reference data must not move the ids drawn above.
  const ref = Random.from(seed, 'org-reference');
  queues.push({ id: ref.uuid(), name: DELETED_QUEUE.name, divisionId: divisions[0]!.id, deletedDaysAgo: DELETED_QUEUE.daysAgo });
  wrapUpCodes.push({ id: ref.uuid(), name: DELETED_WRAP_UP.name, deletedDaysAgo: DELETED_WRAP_UP.daysAgo });
  const skills: RefEntry[] = SKILL_NAMES.map((name) => ({ id: ref.uuid(), name }));
  skills.push({ id: ref.uuid(), name: DELETED_SKILL.name, deletedDaysAgo: DELETED_SKILL.daysAgo });
  const languages: RefEntry[] = LANGUAGE_NAMES.map((name) => ({ id: ref.uuid(), name }));
  flows.push(
    { id: ref.uuid(), name: 'In-Queue Hold Music', type: 'INQUEUECALL' },
    { id: ref.uuid(), name: 'Messaging Queue Flow', type: 'INQUEUESHORTMESSAGE' },
  );
  const teams = [ref.uuid(), ref.uuid(), ref.uuid()];
  const teamIds: Record<string, string> = {};
  for (const [i, agent] of agents.entries()) if (ref.chance(RATES.team)) teamIds[agent.id] = teams[i % teams.length]!;
  const campaigns = ['Renewals Q4', 'Win-back'].map((name) => ({ id: ref.uuid(), name, contactListId: ref.uuid() }));
  const groupIds = [ref.uuid(), ref.uuid()];
  return { agents, divisions, queues, wrapUpCodes, skills, languages, flows, teamIds, campaigns, groupIds, edgeIds, numbers };
}

/** Entries a conversation starting at `atMs` can reference: those not yet deleted by then. */
export function usableAt<T extends RefEntry>(entries: readonly T[], atMs: number, nowMs: number): T[] {
  return entries.filter((e) => e.deletedDaysAgo === undefined || atMs < nowMs - e.deletedDaysAgo * DAY_MS);
}

/** Entries Genesys still lists. */
export function listed<T extends RefEntry>(entries: readonly T[]): T[] {
  return entries.filter((e) => e.deletedDaysAgo === undefined);
}

/**
 * About 10% inactive and 10% deleted. With 10+ agents there is at least one of each
 * (tests rely on that); leads stay active so every manager reference resolves to an active user.
 */
function assignStates(rng: Random, agentCount: number): UserState[] {
  const states: UserState[] = Array.from({ length: agentCount }, () => 'active');
  const candidates = Array.from({ length: Math.max(0, agentCount - LEAD_COUNT) }, (_, i) => i + LEAD_COUNT);
  // Fisher-Yates so the choice of who left is seed-dependent but stable.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [candidates[i], candidates[j]] = [candidates[j] as number, candidates[i] as number];
  }
  const share = agentCount >= 10 ? Math.max(1, Math.round(agentCount * 0.1)) : rng.chance(0.5) ? 1 : 0;
  const take = (n: number, state: UserState) => {
    for (let k = 0; k < n; k++) {
      const idx = candidates.shift();
      if (idx !== undefined) states[idx] = state;
    }
  };
  take(share, 'inactive');
  take(share, 'deleted');
  return states;
}
