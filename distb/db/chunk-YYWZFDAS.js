import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  SECOND_MS,
  sleep
} from "./chunk-CTOUFHIB.js";

// dist/sim/prng.js
function hash32(...parts) {
  let h = 2166136261;
  for (const part of parts) {
    const s = typeof part === "number" ? `#${part}` : `$${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
var HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
var Random = class _Random {
  next;
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  /** Derives an independent generator, so adding draws in one place does not shift another. */
  static from(...parts) {
    return new _Random(hash32(...parts));
  }
  /** Uniform in [0, 1). */
  float() {
    return this.next();
  }
  /** Integer in [min, max], both inclusive. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(items) {
    if (items.length === 0)
      throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)];
  }
  /** Picks by relative weight; weights must not all be zero. */
  weighted(items, weights) {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0)
        return items[i];
    }
    return items[items.length - 1];
  }
  hex(length) {
    let out = "";
    while (out.length < length)
      out += HEX_BYTES[Math.floor(this.next() * 256)];
    return out.length === length ? out : out.slice(0, length);
  }
  /** A version-4-shaped UUID. */
  uuid() {
    const h = this.hex(32);
    const variant = (parseInt(h[16] ?? "0", 16) & 3 | 8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
};
var HALF_BITS = 24;
var HALF_MASK = (1 << HALF_BITS) - 1;
var ROUNDS = 4;
function feistel(left, right, key, decode) {
  let l = left;
  let r = right;
  for (let i = 0; i < ROUNDS; i++) {
    const k = hash32(key, decode ? ROUNDS - 1 - i : i);
    if (decode) {
      const prevR = l;
      l = (r ^ hash32(l, k) & HALF_MASK) & HALF_MASK;
      r = prevR;
    } else {
      const prevL = r;
      r = (l ^ hash32(r, k) & HALF_MASK) & HALF_MASK;
      l = prevL;
    }
  }
  return [l, r];
}
function encodeConversationId(key, dayNumber, index, rng) {
  if (dayNumber < 0 || dayNumber > HALF_MASK || index < 0 || index > HALF_MASK) {
    throw new RangeError(`cannot encode day ${dayNumber} / index ${index}`);
  }
  const [l, r] = feistel(dayNumber, index, key, false);
  const head = rng.uuid().slice(0, 24);
  return `${head}${l.toString(16).padStart(6, "0")}${r.toString(16).padStart(6, "0")}`;
}
function decodeConversationId(key, id) {
  const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{6})([0-9a-f]{6})$/i.exec(id);
  if (!m)
    return void 0;
  const [l, r] = feistel(parseInt(m[1], 16), parseInt(m[2], 16), key, true);
  return { dayNumber: l, index: r };
}

// dist/sim/rates.js
var RATES = {
  /** Outbound voice calls placed by a dialer campaign (campaign, contact and contact-list ids). */
  campaignCall: 0.35,
  /** Web chat / messaging sessions that carry Predictive Engagement journey ids. */
  journey: 0.5,
  /** ... of which also the journey action that started the chat. */
  journeyAction: 0.3,
  /** Customer participants matched to an external contact, and to its organization. */
  externalContact: 0.35,
  externalOrganization: 0.1,
  /** Agents who belong to a work team. */
  team: 0.85,
  /** Agent participants with a screen-recording flag, and flagged conversations. */
  screenRecordingKnown: 0.3,
  flagged: 5e-3,
  /** Wrap-up segments with a note typed by the agent. */
  wrapUpNote: 0.12,
  /** Queue segments asking for a language, and for one or two skills. */
  requestedLanguage: 0.25,
  requestedSkills: 0.4,
  /** Voice queue sessions running an in-queue flow (hold music, position announcements). */
  inQueueFlow: 0.4,
  /** Messaging queue sessions running an in-queue flow. */
  inQueueMessageFlow: 0.5,
  /** Agent alerts rung through a group rather than the queue. */
  groupRing: 0.05,
  /** Unanswered alerts that failed with an error instead (nError, errorCode). */
  alertError: 0.3,
  /** Agent sessions with their own and the other party's address. */
  agentAddresses: 0.6,
  /** Voice legs with two holds (one tHeld per hold). */
  secondHold: 0.3,
  /** Ended customer legs cut by the platform (disconnectType system). */
  systemDisconnect: 0.02,
  /** Abandoned chats/messages that ended because the customer went idle (disconnectType timeout). */
  idleTimeout: 0.5,
  /**
   * Voice sessions with media endpoint stats: the Edge measures every call it carries, so most
   * have them; the rest went through a trunk or phone that reports none.
   */
  customerMediaStats: 0.85,
  agentMediaStats: 0.6
};

// dist/sim/org.js
var FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe"];
var LAST = ["Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jansen", "Kowalski", "Lopez", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Rossi", "Silva", "Tanaka"];
var DEPARTMENTS = ["Customer Care", "Sales", "Billing", "Technical Support"];
var DIVISION_NAMES = ["Home", "North America", "EMEA"];
var QUEUE_NAMES = ["General Support", "Billing", "Sales", "Technical", "Retention", "VIP"];
var WRAP_UP_NAMES = ["Resolved", "Follow-up required", "Escalated", "Sale completed", "Wrong number", "Information given", "Complaint", "Callback scheduled"];
var SKILL_NAMES = ["Billing", "Technical L2", "VIP Handling", "Retention Offers", "Outbound Sales"];
var LANGUAGE_NAMES = ["English", "Spanish", "French", "German"];
var DELETED_QUEUE = { name: "Winter Campaign", daysAgo: 3 };
var DELETED_WRAP_UP = { name: "Promo 2025 accepted", daysAgo: 4 };
var DELETED_SKILL = { name: "Fax Support", daysAgo: 5 };
var LEAD_COUNT = 2;
var DOMAIN = "example-sim.com";
function generateOrg(seed, agentCount) {
  const rng = Random.from(seed, "org");
  const divisions = DIVISION_NAMES.map((name) => ({ id: rng.uuid(), name }));
  const queues = QUEUE_NAMES.map((name, i) => ({
    id: rng.uuid(),
    name,
    divisionId: divisions[i % divisions.length].id
  }));
  const wrapUpCodes = WRAP_UP_NAMES.map((name) => ({ id: rng.uuid(), name }));
  const flows = [
    { id: rng.uuid(), name: "Main IVR", type: "INBOUNDCALL" },
    { id: rng.uuid(), name: "After Hours IVR", type: "INBOUNDCALL" },
    { id: rng.uuid(), name: "Web Messaging Bot", type: "INBOUNDSHORTMESSAGE" },
    { id: rng.uuid(), name: "Email Router", type: "INBOUNDEMAIL" }
  ];
  const edgeIds = [rng.uuid(), rng.uuid()];
  const numbers = ["+18005550100", "+18005550111", "+442035550123"];
  const states = assignStates(rng, agentCount);
  const agents = [];
  for (let i = 0; i < agentCount; i++) {
    const id = rng.uuid();
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length + i * 7) % LAST.length];
    const suffix = i >= FIRST.length ? String(Math.floor(i / FIRST.length)) : "";
    const username = `${first}.${last}${suffix}`.toLowerCase() + `@${DOMAIN}`;
    const division = rng.pick(divisions);
    const lead = agents[i % LEAD_COUNT];
    agents.push({
      id,
      name: `${first} ${last}${suffix ? ` ${suffix}` : ""}`,
      username,
      email: username,
      state: states[i] ?? "active",
      division: { id: division.id, name: division.name, selfUri: `/api/v2/authorization/divisions/${division.id}` },
      department: rng.pick(DEPARTMENTS),
      title: i < LEAD_COUNT ? "Team Lead" : rng.pick(["Agent", "Senior Agent", "Agent"]),
      ...i >= LEAD_COUNT && lead ? { manager: { id: lead.id, selfUri: `/api/v2/users/${lead.id}` } } : {},
      chat: { jabberId: `${rng.hex(24)}@sim.orgspan.com` },
      primaryContactInfo: [{ address: username, mediaType: "EMAIL", type: "PRIMARY" }],
      addresses: [],
      acdAutoAnswer: false,
      version: rng.int(1, 9),
      selfUri: `/api/v2/users/${id}`
    });
  }
  const ref = Random.from(seed, "org-reference");
  queues.push({ id: ref.uuid(), name: DELETED_QUEUE.name, divisionId: divisions[0].id, deletedDaysAgo: DELETED_QUEUE.daysAgo });
  wrapUpCodes.push({ id: ref.uuid(), name: DELETED_WRAP_UP.name, deletedDaysAgo: DELETED_WRAP_UP.daysAgo });
  const skills = SKILL_NAMES.map((name) => ({ id: ref.uuid(), name }));
  skills.push({ id: ref.uuid(), name: DELETED_SKILL.name, deletedDaysAgo: DELETED_SKILL.daysAgo });
  const languages = LANGUAGE_NAMES.map((name) => ({ id: ref.uuid(), name }));
  flows.push({ id: ref.uuid(), name: "In-Queue Hold Music", type: "INQUEUECALL" }, { id: ref.uuid(), name: "Messaging Queue Flow", type: "INQUEUESHORTMESSAGE" });
  const teams = [ref.uuid(), ref.uuid(), ref.uuid()];
  const teamIds = {};
  for (const [i, agent] of agents.entries())
    if (ref.chance(RATES.team))
      teamIds[agent.id] = teams[i % teams.length];
  const campaigns = ["Renewals Q4", "Win-back"].map((name) => ({ id: ref.uuid(), name, contactListId: ref.uuid() }));
  const groupIds = [ref.uuid(), ref.uuid()];
  return { agents, divisions, queues, wrapUpCodes, skills, languages, flows, teamIds, campaigns, groupIds, edgeIds, numbers };
}
function usableAt(entries, atMs, nowMs) {
  return entries.filter((e) => e.deletedDaysAgo === void 0 || atMs < nowMs - e.deletedDaysAgo * DAY_MS);
}
function listed(entries) {
  return entries.filter((e) => e.deletedDaysAgo === void 0);
}
function assignStates(rng, agentCount) {
  const states = Array.from({ length: agentCount }, () => "active");
  const candidates = Array.from({ length: Math.max(0, agentCount - LEAD_COUNT) }, (_, i) => i + LEAD_COUNT);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const share = agentCount >= 10 ? Math.max(1, Math.round(agentCount * 0.1)) : rng.chance(0.5) ? 1 : 0;
  const take = (n, state) => {
    for (let k = 0; k < n; k++) {
      const idx = candidates.shift();
      if (idx !== void 0)
        states[idx] = state;
    }
  };
  take(share, "inactive");
  take(share, "deleted");
  return states;
}

// dist/sim/reference-lists.js
var SIM_REFERENCE_LISTS = {
  queues: { path: "/api/v2/routing/queues", permission: "routing:queue:view" },
  wrap_up_codes: { path: "/api/v2/routing/wrapupcodes", permission: "routing:wrapupCode:view" },
  divisions: { path: "/api/v2/authorization/divisions", permission: "authorization:division:view" },
  skills: { path: "/api/v2/routing/skills", permission: "routing:skill:view" },
  languages: { path: "/api/v2/routing/languages", permission: "routing:language:view" }
};
var DEFAULT_REFERENCE_PAGE_SIZE = 25;
var MAX_REFERENCE_PAGE_SIZE = 500;
function referenceListAt(path) {
  return Object.keys(SIM_REFERENCE_LISTS).find((list) => SIM_REFERENCE_LISTS[list].path === path);
}
function referenceEntries(org, list) {
  const byList = {
    queues: org.queues,
    wrap_up_codes: org.wrapUpCodes,
    divisions: org.divisions,
    skills: org.skills,
    languages: org.languages
  };
  return byList[list];
}
var created = (i) => new Date(Date.UTC(2024, 0, 1 + i * 9)).toISOString();
var divisionRef = (org, id) => {
  const d = org.divisions.find((x) => x.id === id) ?? org.divisions[0];
  return { id: d.id, name: d.name, selfUri: `/api/v2/authorization/divisions/${d.id}` };
};
function referenceEntities(org, list) {
  const self = (e) => `${SIM_REFERENCE_LISTS[list].path}/${e.id}`;
  switch (list) {
    case "queues":
      return listed(org.queues).map((q, i) => ({
        id: q.id,
        name: q.name,
        division: divisionRef(org, q.divisionId),
        description: `${q.name} queue`,
        dateCreated: created(i),
        memberCount: 4 + i,
        userMemberCount: 4 + i,
        joinedMemberCount: 2 + i,
        acwSettings: { wrapupPrompt: "MANDATORY_TIMEOUT", timeoutMs: 6e4 },
        skillEvaluationMethod: "BEST",
        autoAnswerOnly: false,
        enableTranscription: false,
        selfUri: self(q)
      }));
    case "wrap_up_codes":
      return listed(org.wrapUpCodes).map((w, i) => ({
        id: w.id,
        name: w.name,
        division: divisionRef(org, org.divisions[0].id),
        dateCreated: created(i),
        createdBy: "sim-admin",
        selfUri: self(w)
      }));
    case "divisions":
      return listed(org.divisions).map((d, i) => ({ id: d.id, name: d.name, description: `${d.name} division`, homeDivision: i === 0, selfUri: self(d) }));
    case "skills":
      return listed(org.skills).map((s, i) => ({ id: s.id, name: s.name, state: "active", dateModified: created(i), version: "1", selfUri: self(s) }));
    case "languages":
      return listed(org.languages).map((l, i) => ({ id: l.id, name: l.name, state: "active", dateModified: created(i), version: "1", selfUri: self(l) }));
  }
}
var intParam = (q, name, fallback) => {
  const raw = q.get(name);
  if (raw === null || raw === "")
    return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : void 0;
};
function referenceListPage(org, list, q, forbidden) {
  const { path, permission } = SIM_REFERENCE_LISTS[list];
  if (forbidden.includes(list)) {
    return { status: 403, code: "missing.any.permissions", message: `Unable to perform the requested action. You are missing the following permission(s): ${permission}` };
  }
  const pageSize = intParam(q, "pageSize", DEFAULT_REFERENCE_PAGE_SIZE);
  const pageNumber = intParam(q, "pageNumber", 1);
  if (pageSize === void 0 || pageSize < 1 || pageSize > MAX_REFERENCE_PAGE_SIZE) {
    return { status: 400, code: "bad.request", message: `pageSize must be between 1 and ${MAX_REFERENCE_PAGE_SIZE}` };
  }
  if (pageNumber === void 0 || pageNumber < 1)
    return { status: 400, code: "bad.request", message: "pageNumber must be 1 or greater" };
  const all = referenceEntities(org, list).sort((a, b) => {
    const [an, bn] = [String(a["name"]), String(b["name"])];
    return an === bn ? String(a["id"]) < String(b["id"]) ? -1 : 1 : an < bn ? -1 : 1;
  });
  const total = all.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (n) => `${path}?pageSize=${pageSize}&pageNumber=${n}`;
  return {
    status: 200,
    body: {
      entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
      pageSize,
      pageNumber,
      total,
      pageCount,
      firstUri: uri(1),
      ...pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {},
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber)
    }
  };
}

// dist/sim/auth.js
import { randomBytes, timingSafeEqual } from "node:crypto";
var TokenStore = class {
  issued = 0;
  expiries = /* @__PURE__ */ new Map();
  issue(lifetimeSeconds, nowMs) {
    const token = randomBytes(48).toString("base64url");
    this.expiries.set(token, nowMs + lifetimeSeconds * SECOND_MS);
    this.issued++;
    return { access_token: token, token_type: "bearer", expires_in: lifetimeSeconds };
  }
  check(token, nowMs) {
    const expiresAt = this.expiries.get(token);
    if (expiresAt === void 0)
      return "unknown";
    return nowMs < expiresAt ? "ok" : "expired";
  }
  /** Makes every issued token expired (faster than waiting in tests). */
  expireAll() {
    for (const token of this.expiries.keys())
      this.expiries.set(token, 0);
  }
};
function parseBasic(header) {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m)
    return void 0;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? void 0 : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
function parseBearer(header) {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m ? m[1] : void 0;
}
function same(a, b) {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
function tokenResponse(authorization, body, creds, tokens, lifetimeSeconds, nowMs) {
  const basic = parseBasic(authorization);
  if (!basic || !same(basic.id, creds.clientId) || !same(basic.secret, creds.clientSecret)) {
    return { status: 401, body: { error: "invalid_client", description: "Invalid client credentials" } };
  }
  const grant = new URLSearchParams(body).get("grant_type");
  if (grant !== "client_credentials") {
    return { status: 400, body: { error: "unsupported_grant_type", description: `Unsupported grant type: ${grant ?? "(missing)"}` } };
  }
  return { status: 200, body: tokens.issue(lifetimeSeconds, nowMs) };
}

// dist/sim/faults.js
var DEFAULT_FAULTS = {
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  rateLimitStyle: "normal",
  serverErrorRate: 0,
  serverErrorStatuses: [500, 502, 503, 504],
  dropRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  tokenLifetimeSeconds: 86400,
  rateLimitPerMinute: 0,
  maxBodyBytes: 0,
  faultTokenRequests: false,
  lakeLagMs: 24 * 60 * MINUTE_MS,
  jobQueueMs: 2 * SECOND_MS,
  jobMsPerThousand: 500,
  jobRetentionMs: 24 * 60 * MINUTE_MS,
  jobFailureRate: 0,
  jobConcurrencyLimit: 0,
  jobCreatesPerMinute: 0,
  maxJobIntervalDays: 31,
  forbiddenLists: [],
  userDetailsForbidden: false,
  userDetailsNotFound: false,
  userDetailsLakeLagMs: null,
  userDetailsTotalHitsBias: 0,
  totalHitsLie: "honest",
  strayForDropped: false,
  jobResultsEnd: "honest"
};
function announcedHits(truth, lie) {
  if (lie === "too-low")
    return Math.floor(truth / 10);
  if (lie === "too-high")
    return truth + Math.floor(truth / 10) + 1;
  if (lie === "zero")
    return 0;
  return truth;
}
var FaultInjector = class {
  settings;
  script = [];
  rng;
  constructor(seed, initial = {}) {
    this.rng = Random.from(seed, "faults");
    this.settings = { ...DEFAULT_FAULTS, ...initial };
  }
  set(partial) {
    this.settings = { ...this.settings, ...partial };
  }
  /** Appends to the script; entries are consumed by the next API requests in order. */
  queue(kinds, includeTokenRequests = false) {
    for (const kind of kinds)
      this.script.push({ kind, includeTokenRequests });
  }
  clearQueue() {
    this.script = [];
  }
  get queued() {
    return this.script.map((s) => s.kind);
  }
  /** The fault for the next request. Token requests skip script entries not meant for them. */
  next(isTokenRequest) {
    const head = this.script[0];
    if (head && (!isTokenRequest || head.includeTokenRequests)) {
      this.script.shift();
      return head.kind;
    }
    if (isTokenRequest && !this.settings.faultTokenRequests)
      return "ok";
    const s = this.settings;
    if (s.dropRate > 0 && this.rng.chance(s.dropRate))
      return "drop";
    if (s.rateLimitRate > 0 && this.rng.chance(s.rateLimitRate)) {
      return s.rateLimitStyle === "normal" ? "429" : `429-${s.rateLimitStyle}`;
    }
    if (s.serverErrorRate > 0 && this.rng.chance(s.serverErrorRate)) {
      return String(this.rng.pick(s.serverErrorStatuses.length > 0 ? s.serverErrorStatuses : [500]));
    }
    return "ok";
  }
  latencyMs() {
    const { latencyMs, latencyJitterMs } = this.settings;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.rng.float() * latencyJitterMs) : 0);
  }
};
var RateLimiter = class {
  windows = /* @__PURE__ */ new Map();
  /** Records the request unless over the limit; `resetSeconds` is when a slot frees up. */
  take(token, limit, nowMs) {
    const window = (this.windows.get(token) ?? []).filter((t) => t > nowMs - MINUTE_MS);
    const allowed = limit <= 0 || window.length < limit;
    if (allowed)
      window.push(nowMs);
    this.windows.set(token, window);
    const oldest = window[0] ?? nowMs;
    const resetSeconds = Math.max(1, Math.ceil((oldest + MINUTE_MS - nowMs) / SECOND_MS));
    return { allowed, count: window.length, resetSeconds };
  }
  reset() {
    this.windows.clear();
  }
};

// dist/sim/iso.js
var PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
var PAD3 = Array.from({ length: 1e3 }, (_, i) => String(i).padStart(3, "0"));
var cachedDay = NaN;
var cachedPrefix = "";
function iso(ms2) {
  const t = Math.floor(ms2);
  const day = Math.floor(t / DAY_MS);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = t - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const s = Math.floor(rest / SECOND_MS);
  return `${cachedPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[rest - s * SECOND_MS]}Z`;
}

// dist/sim/variety.js
var NOTES = ["Customer asked for a follow-up e-mail.", "Refund approved, ticket closed.", "Escalated to tier 2.", "Called back about invoice #4471."];
function customerParticipantFields(rng) {
  return {
    ...rng.chance(RATES.externalContact) ? { externalContactId: rng.uuid() } : {},
    ...rng.chance(RATES.externalOrganization) ? { externalOrganizationId: rng.uuid() } : {}
  };
}
function agentParticipantFields(rng, org, userId) {
  const teamId = org.teamIds[userId];
  return {
    ...teamId !== void 0 ? { teamId } : {},
    ...rng.chance(RATES.screenRecordingKnown) ? { screenRecording: rng.chance(0.35) } : {},
    ...rng.chance(RATES.flagged) ? { flaggedReason: "general" } : {}
  };
}
function journeyFields(rng) {
  if (!rng.chance(RATES.journey))
    return {};
  return {
    journeyCustomerId: rng.uuid(),
    journeyCustomerIdType: "cookie",
    journeyCustomerSessionId: rng.uuid(),
    journeyCustomerSessionIdType: "web",
    ...rng.chance(RATES.journeyAction) ? { journeyActionId: rng.uuid(), journeyActionMapId: rng.uuid(), journeyActionMapVersion: rng.int(1, 12) } : {}
  };
}
function campaignFields(rng, org) {
  const campaign = rng.pick(org.campaigns);
  return { outboundCampaignId: campaign.id, outboundContactId: rng.uuid(), outboundContactListId: campaign.contactListId };
}
function callbackFields(phone, name, scheduledMs) {
  return { callbackNumbers: [`tel:${phone}`], callbackScheduledTime: iso(scheduledMs), callbackUserName: name };
}
function wrapUpNote(rng) {
  return rng.chance(RATES.wrapUpNote) ? { wrapUpNote: rng.pick(NOTES) } : {};
}
function routingRequest(rng, languages, skills) {
  const out = {};
  if (languages.length > 0 && rng.chance(RATES.requestedLanguage))
    out["requestedLanguageId"] = rng.pick(languages).id;
  if (skills.length > 0 && rng.chance(RATES.requestedSkills)) {
    const first = rng.pick(skills).id;
    const second = rng.pick(skills).id;
    out["requestedRoutingSkillIds"] = first === second ? [first] : [first, second];
  }
  return out;
}
function voiceCodes(disconnectType) {
  return disconnectType === "system" ? { sipResponseCodes: [503], q850ResponseCodes: [41] } : { sipResponseCodes: [200], q850ResponseCodes: [16] };
}
function callbackScheduledMs(rng, queuedAtMs) {
  return queuedAtMs + rng.int(0, 30) * MINUTE_MS;
}
function directFlow(rng, flow) {
  return { flowId: flow.id, flowName: flow.name, flowVersion: `${rng.int(1, 40)}.0`, flowType: flow.type, entryType: "direct" };
}
var EXPLICIT_NULL_RATE = 0.03;
var NULLABLE = {
  conversation: ["externalTag", "mediaStatsMinConversationMos", "mediaStatsMinConversationRFactor", "knowledgeBaseIds", "evaluations"],
  participant: ["userId", "teamId", "externalContactId"],
  session: ["remote", "outboundCampaignId", "selectedAgentId", "activeSkillIds", "mediaEndpointStats", "proposedAgents"],
  segment: ["queueId", "wrapUpCode", "errorCode", "requestedLanguageId", "requestedRoutingSkillIds", "scoredAgents"]
};
function addExplicitNulls(c, rng) {
  if (!rng.chance(EXPLICIT_NULL_RATE))
    return;
  const fill = (o, keys) => {
    for (const key of keys)
      if (o[key] === void 0)
        o[key] = null;
  };
  fill(c, NULLABLE.conversation);
  for (const p of c["participants"]) {
    fill(p, NULLABLE.participant);
    for (const s of p["sessions"]) {
      fill(s, NULLABLE.session);
      for (const g of s["segments"])
        fill(g, NULLABLE.segment);
    }
  }
}

// dist/sim/build.js
var ConvBuilder = class {
  rng;
  participants = [];
  /** The customer's session: sessions of other purposes (ivr, workflow, acd, agent) name it as `peerId`. */
  peerId;
  constructor(rng) {
    this.rng = rng;
  }
  participant(purpose, fields = {}) {
    const p = { participantId: this.rng.uuid(), purpose, ...fields, sessions: [] };
    this.participants.push(p);
    return p;
  }
  session(p, mediaType, direction, fields = {}) {
    const peer = this.peerId !== void 0 && p.purpose !== "customer" && p.purpose !== "external" ? { peerId: this.peerId } : {};
    const s = { sessionId: this.rng.uuid(), mediaType, direction, ...fields, ...peer, segments: [] };
    p.sessions.push(s);
    return s;
  }
  seg(s, segmentType, startMs, endMs, fields = {}) {
    const seg = { segmentStart: iso(startMs), segmentEnd: iso(endMs), segmentType, ...fields };
    s.segments.push(seg);
    return seg;
  }
  /** Metric values are milliseconds for `t*` and counts for `n*`, emitted when they become known. */
  metric(s, name, value, emitMs) {
    (s.metrics ??= []).push({ name, value: Math.round(value), emitDate: iso(emitMs) });
  }
};
function addAgentLeg(b, media, leg, sessionFields) {
  const { agent, queueId } = leg;
  const p = b.participant("agent", { participantName: agent.name, userId: agent.id, ...leg.participantFields });
  const q = queueId ? { queueId } : {};
  const sub = leg.subject ? { subject: leg.subject } : {};
  const main = b.session(p, media, "inbound", { ...sessionFields, ...leg.sessionFields });
  b.seg(main, "alert", leg.alertStart, leg.answerAt, { ...q, ...sub, ...leg.alertFields });
  b.metric(main, "tAlert", leg.answerAt - leg.alertStart, leg.answerAt);
  b.metric(main, "tAnswered", leg.answerAt - leg.queuedAt, leg.answerAt);
  const talkSession = media === "callback" ? b.session(p, "voice", "outbound", { ...sessionFields, provider: "Edge" }) : main;
  let t = leg.answerAt;
  if (media === "callback") {
    b.seg(main, "callback", t, t + leg.talkMs + leg.holdMs + CALLBACK_DIAL_MS, q);
    b.seg(talkSession, "dialing", t, t + 3e3, q);
    b.seg(talkSession, "contacting", t + 3e3, t + CALLBACK_DIAL_MS, q);
    b.metric(talkSession, "tDialing", 3e3, t + 3e3);
    b.metric(talkSession, "tContacting", CALLBACK_DIAL_MS - 3e3, t + CALLBACK_DIAL_MS);
    t += CALLBACK_DIAL_MS;
  }
  const talkEnd = addTalk(b, talkSession, t, leg);
  if (leg.endType === "transfer")
    b.metric(main, "nTransferred", 1, talkEnd);
  addWrapUp(b, main, talkEnd, leg);
  return talkEnd;
}
var CALLBACK_DIAL_MS = 13e3;
function addTalk(b, s, startMs, leg, lastFields = {}) {
  const q = leg.queueId ? { queueId: leg.queueId } : {};
  const talkEnd = startMs + leg.talkMs + leg.holdMs;
  const talk = (from, to, fields) => {
    b.seg(s, "interact", from, to, fields);
    b.metric(s, "tTalk", to - from, to);
    b.metric(s, "tTalkComplete", to - from, to);
  };
  const holds = leg.holdMs > 0 ? Math.max(1, leg.holdCount ?? 1) : 0;
  let t = startMs;
  let held = 0;
  for (let k = 0; k < holds; k++) {
    const holdMs = k < holds - 1 ? Math.floor(leg.holdMs / holds) : leg.holdMs - held;
    const holdStart = startMs + Math.floor(leg.talkMs * (k + 1) / (holds + 1)) + held;
    talk(t, holdStart, q);
    b.seg(s, "hold", holdStart, holdStart + holdMs, q);
    b.metric(s, "tHeld", holdMs, holdStart + holdMs);
    b.metric(s, "tHeldComplete", holdMs, holdStart + holdMs);
    held += holdMs;
    t = holdStart + holdMs;
  }
  const last = { ...q, disconnectType: leg.endType, ...lastFields };
  if (leg.conferenceAt !== void 0 && leg.conferenceAt > t && leg.conferenceAt < talkEnd) {
    talk(t, leg.conferenceAt, q);
    talk(leg.conferenceAt, talkEnd, { ...last, conference: true });
  } else {
    talk(t, talkEnd, leg.conferenceAt !== void 0 ? { ...last, conference: true } : last);
  }
  return talkEnd;
}
function addWrapUp(b, s, talkEnd, leg) {
  const wrapEnd = talkEnd + leg.acwMs;
  b.seg(s, "wrapup", talkEnd, wrapEnd, { ...leg.queueId ? { queueId: leg.queueId } : {}, wrapUpCode: leg.wrapUpCode, ...wrapUpNote(b.rng) });
  b.metric(s, "tAcw", leg.acwMs, wrapEnd);
  b.metric(s, "tHandle", leg.talkMs + leg.holdMs + leg.acwMs, wrapEnd);
}
var ALERT_ERROR_CODE = "error.ininedgecontrol.session.inactive";
function addNoAnswerLeg(b, media, agent, queueId, start, end, fields, failed = false) {
  const p = b.participant("agent", { participantName: agent.name, userId: agent.id });
  const s = b.session(p, media, "inbound", fields);
  if (failed) {
    b.seg(s, "alert", start, end, { queueId, disconnectType: "error", errorCode: ALERT_ERROR_CODE });
    b.metric(s, "tAlert", end - start, end);
    b.metric(s, "nError", 1, end);
    return;
  }
  b.seg(s, "alert", start, end, { queueId, disconnectType: "noAnswerTransfer" });
  b.metric(s, "tAlert", end - start, end);
  b.metric(s, "tNotResponding", end - start, end);
}
var PROVIDERS = {
  voice: "Edge",
  callback: "PureCloud Callback",
  chat: "PureCloud Webchat v2",
  message: "PureCloud Messaging",
  email: "PureCloud Email",
  video: "PureCloud Video"
};
function addressFields(media, customer, orgNumber, edgeId, rng) {
  const provider = PROVIDERS[media] ?? "PureCloud";
  switch (media) {
    case "voice":
      return {
        ani: `tel:${customer.phone}`,
        dnis: `tel:${orgNumber}`,
        sessionDnis: `tel:${orgNumber}`,
        addressFrom: `tel:${customer.phone}`,
        addressTo: `tel:${orgNumber}`,
        provider,
        edgeId,
        protocolCallId: rng.hex(32),
        recording: true,
        remoteNameDisplayable: customer.name
      };
    case "callback":
      return { ani: `tel:${customer.phone}`, callbackNumbers: [`tel:${customer.phone}`], provider, remoteNameDisplayable: customer.name };
    case "message":
      return { addressFrom: customer.phone, addressTo: orgNumber, provider, messageType: rng.pick(["webmessaging", "sms", "whatsapp", "facebook"]) };
    case "email":
      return { addressFrom: customer.email, addressTo: "support@example-sim.com", provider };
    default:
      return { addressFrom: customer.email, addressTo: orgNumber, provider, remoteNameDisplayable: customer.name };
  }
}

// dist/sim/aftercare.js
var CARE_RATES = {
  /** Voice conversations an agent handled that a supervisor evaluates (recorded calls). */
  evaluationVoice: 0.05,
  /** Other media an agent handled (chats, e-mails...): evaluated far less often. */
  evaluationOther: 0.01,
  /** Evaluated conversations evaluated twice: the second is a calibration. */
  calibration: 0.1,
  /** Finished evaluations the agent disputes (InReview until rescored). */
  disputed: 0.05,
  /** Finished evaluations rescored later (rescored: true, a new score). */
  rescored: 0.08,
  /** Evaluations deleted later (deleted: true). */
  deleted: 0.03,
  /** Evaluations retracted by the evaluator (status Retracted). */
  retracted: 0.02,
  /** Evaluations the system submitted when their due date passed. */
  systemSubmitted: 0.03,
  /** Finished evaluations released to the agent. */
  released: 0.9,
  /** Conversations an agent handled that get a post-contact survey invitation. */
  survey: 0.04,
  /** Voice conversations whose survey is a post-call IVR survey (the rest get a web survey). */
  voiceSurvey: 0.4,
  /** Survey outcomes: completed, completed partially, opted out; the rest expire unanswered. */
  surveyCompleted: 0.5,
  surveyPartial: 0.1,
  surveyOptOut: 0.1,
  /** Answered conversations in queues with resolution analytics (next-contact avoidance). */
  resolution: 0.1,
  /** Resolutions where no next contact came within the window. */
  nextContactAvoided: 0.75
};
var WEB_SURVEY_EXPIRY_MS = 7 * DAY_MS;
var VOICE_SURVEY_EXPIRY_MS = 5 * MINUTE_MS;
var FORM_RNG = new Random(1592652021);
var EVALUATION_FORMS = ["Standard QA Form", "Sales Call Review", "Compliance Checklist"].map((name) => ({ id: FORM_RNG.uuid(), contextId: FORM_RNG.uuid(), name }));
var SURVEY_FORMS = ["Post-contact NPS", "Customer Effort Survey"].map((name) => ({ id: FORM_RNG.uuid(), contextId: FORM_RNG.uuid(), name }));
var AFTER_CARE_KEYS = ["evaluations", "surveys", "resolutions"];
function afterCare(rng, input, asOfMs) {
  const out = {};
  const evaluations = evaluationsAsOf(rng, input, asOfMs);
  if (evaluations.length > 0)
    out.evaluations = evaluations;
  const survey = surveyAsOf(rng, input, asOfMs);
  if (survey)
    out.surveys = [survey];
  const resolution = resolutionAsOf(rng, input, asOfMs);
  if (resolution)
    out.resolutions = [resolution];
  return out;
}
function evaluationsAsOf(rng, input, asOfMs) {
  const rate = input.media === "voice" ? CARE_RATES.evaluationVoice : CARE_RATES.evaluationOther;
  if (!rng.chance(rate))
    return [];
  const count = rng.chance(CARE_RATES.calibration) ? 2 : 1;
  const calibrationId = count === 2 ? rng.uuid() : void 0;
  const out = [];
  for (let k = 0; k < count; k++) {
    const form = rng.pick(EVALUATION_FORMS);
    const evaluationId = rng.uuid();
    const createdMs = input.endMs + rng.int(2, 120) * HOUR_MS;
    const startedMs = createdMs + rng.int(0, 48) * HOUR_MS;
    const finishedMs = startedMs + rng.int(5, 90) * MINUTE_MS;
    const score = rng.int(45, 100);
    const critical = rng.chance(0.8) ? 100 : rng.int(0, 80);
    const systemSubmitted = rng.chance(CARE_RATES.systemSubmitted);
    const released = rng.chance(CARE_RATES.released);
    const disputeMs = rng.chance(CARE_RATES.disputed) ? finishedMs + rng.int(1, 72) * HOUR_MS : void 0;
    const rescoreMs = rng.chance(CARE_RATES.rescored) ? (disputeMs ?? finishedMs) + rng.int(24, 240) * HOUR_MS : void 0;
    const rescoreDelta = rng.int(-15, 15) || 5;
    const deleteMs = rng.chance(CARE_RATES.deleted) ? finishedMs + rng.int(24, 336) * HOUR_MS : void 0;
    const retractMs = rng.chance(CARE_RATES.retracted) ? finishedMs + rng.int(1, 48) * HOUR_MS : void 0;
    if (asOfMs < createdMs)
      continue;
    const events = [createdMs, startedMs, finishedMs, disputeMs, rescoreMs, deleteMs, retractMs].filter((t) => t !== void 0 && t <= asOfMs);
    const finished = asOfMs >= finishedMs;
    const rescored = rescoreMs !== void 0 && asOfMs >= rescoreMs;
    let status = asOfMs < startedMs ? "Pending" : finished ? "Finished" : "InProgress";
    if (disputeMs !== void 0 && asOfMs >= disputeMs && !rescored)
      status = "InReview";
    if (retractMs !== void 0 && asOfMs >= retractMs)
      status = "Retracted";
    const evaluatorId = k === 0 ? input.evaluatorId : input.calibratorId;
    const finalScore = rescored ? Math.max(0, Math.min(100, score + rescoreDelta)) : score;
    out.push({
      evaluationId,
      formId: form.id,
      formName: form.name,
      contextId: form.contextId,
      ...calibrationId ? { calibrationId } : {},
      evaluatorId,
      assigneeId: evaluatorId,
      assigneeApplicable: true,
      userId: input.userId,
      ...input.queueId ? { queueId: input.queueId } : {},
      eventTime: iso(Math.max(...events)),
      evaluationStatus: status,
      released: finished && released,
      rescored,
      deleted: deleteMs !== void 0 && asOfMs >= deleteMs,
      systemSubmitted: finished && systemSubmitted,
      // Scores exist once the evaluator submitted the form.
      ...finished ? { oTotalScore: finalScore, oTotalCriticalScore: critical } : {}
    });
  }
  return out;
}
function surveyAsOf(rng, input, asOfMs) {
  if (!rng.chance(CARE_RATES.survey))
    return void 0;
  const voice = input.media === "voice" && rng.chance(CARE_RATES.voiceSurvey);
  const form = rng.pick(SURVEY_FORMS);
  const surveyId = rng.uuid();
  const sentMs = input.endMs + (voice ? rng.int(2, 20) * SECOND_MS : rng.int(1, 30) * MINUTE_MS);
  const fate = rng.float();
  const answerMs = sentMs + (voice ? rng.int(30, 180) * SECOND_MS : rng.int(2, 72 * 60) * MINUTE_MS);
  const nps = rng.weighted([0, 2, 4, 5, 6, 7, 8, 9, 10], [4, 3, 3, 5, 6, 10, 15, 22, 32]);
  const total = Math.min(100, nps * 10 + rng.int(-5, 5) * (nps > 0 && nps < 10 ? 1 : 0));
  if (asOfMs < sentMs)
    return void 0;
  const completed = fate < CARE_RATES.surveyCompleted + CARE_RATES.surveyPartial;
  const partial = completed && fate >= CARE_RATES.surveyCompleted;
  const optOut = !completed && fate < CARE_RATES.surveyCompleted + CARE_RATES.surveyPartial + CARE_RATES.surveyOptOut;
  const expiresMs = sentMs + (voice ? VOICE_SURVEY_EXPIRY_MS : WEB_SURVEY_EXPIRY_MS);
  const base = {
    surveyId,
    surveyFormId: form.id,
    surveyFormName: form.name,
    surveyFormContextId: form.contextId,
    surveyType: voice ? "Voice" : "Web",
    userId: input.userId,
    ...input.queueId ? { queueId: input.queueId } : {}
  };
  if (completed && asOfMs >= answerMs) {
    return {
      ...base,
      surveyStatus: "Finished",
      eventTime: iso(answerMs),
      surveyCompletedDate: iso(answerMs),
      surveyPartialResponse: partial,
      surveyPromoterScore: nps,
      ...partial ? {} : { oSurveyTotalScore: total }
    };
  }
  if (optOut && asOfMs >= answerMs)
    return { ...base, surveyStatus: "OptOut", eventTime: iso(answerMs) };
  if (!completed && !optOut && asOfMs >= expiresMs)
    return { ...base, surveyStatus: "Expired", eventTime: iso(expiresMs) };
  return { ...base, surveyStatus: voice ? "InProgress" : "Sent", eventTime: iso(sentMs) };
}
function resolutionAsOf(rng, input, asOfMs) {
  if (!rng.chance(CARE_RATES.resolution))
    return void 0;
  const atMs = input.endMs + rng.int(48, 96) * HOUR_MS;
  const avoided = rng.chance(CARE_RATES.nextContactAvoided) ? 1 : 0;
  if (asOfMs < atMs)
    return void 0;
  return { eventTime: iso(atMs), ...input.queueId ? { queueId: input.queueId } : {}, userId: input.userId, nNextContactAvoided: avoided };
}

// dist/sim/extras.js
var POOR_QUALITY = 0.06;
function mediaEndpointStats(rng, atMs) {
  const r = rng.chance(POOR_QUALITY) ? 45 + rng.float() * 25 : 80 + rng.float() * 13.2;
  const rFactor = Math.round(r * 100) / 100;
  const mos = Math.round((1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)) * 1e3) / 1e3;
  return {
    mos,
    rFactor,
    stats: [{
      codecs: [rng.pick(["audio/opus", "audio/PCMU"])],
      minMos: mos,
      minRFactor: rFactor,
      maxLatencyMs: rng.int(20, 180),
      receivedPackets: rng.int(1e3, 9e4),
      invalidPackets: 0,
      discardedPackets: rng.int(0, 20),
      duplicatePackets: 0,
      overrunPackets: 0,
      underrunPackets: rng.int(0, 5),
      eventTime: iso(atMs)
    }]
  };
}
var OUTCOMES = ["IdentifiedCustomer", "SelfServicePayment", "MenuChoice"];
var OUTCOME_RNG = new Random(252709902);
var OUTCOME_IDS = OUTCOMES.map(() => OUTCOME_RNG.uuid());
function ivrFlow(rng, flow, startMs, endMs) {
  const f = {
    flowId: flow.id,
    flowName: flow.name,
    flowVersion: `${rng.int(1, 40)}.0`,
    flowType: flow.type,
    entryType: "dnis",
    entryReason: "tel:+18005550100",
    exitReason: "TRANSFER",
    transferType: "ACD"
  };
  if (rng.chance(0.4)) {
    const n = rng.weighted([1, 2, 3], [60, 30, 10]);
    const span = Math.max(n, endMs - startMs);
    f.outcomes = Array.from({ length: n }, (_, k) => ({
      flowOutcome: OUTCOMES[k % OUTCOMES.length],
      flowOutcomeId: OUTCOME_IDS[k % OUTCOME_IDS.length],
      flowOutcomeValue: rng.chance(0.8) ? "SUCCESS" : "FAILURE",
      flowOutcomeStartTimestamp: iso(startMs + Math.floor(span * k / n)),
      flowOutcomeEndTimestamp: iso(startMs + Math.floor(span * (k + 1) / n) - 1)
    }));
  }
  return f;
}
var after = (value, cutMs) => typeof value === "string" && Date.parse(value) > cutMs;
function pruneTimed(holder, key, stampKey, cutMs) {
  const list = holder[key];
  if (!Array.isArray(list))
    return;
  const kept = list.filter((item) => !after(item[stampKey], cutMs));
  if (kept.length === 0)
    delete holder[key];
  else
    holder[key] = kept;
}
var TIMED_SESSION_FIELDS = ["deliveryStatusChangeDate", "detectedSpeechStart", "detectedSpeechEnd"];
function truncateAt(c, cutMs) {
  for (const p of c.participants) {
    for (const s of p.sessions) {
      s.segments = s.segments.filter((seg) => Date.parse(seg.segmentStart) < cutMs);
      for (const seg of s.segments) {
        if (seg.segmentEnd !== void 0 && Date.parse(seg.segmentEnd) > cutMs) {
          delete seg.segmentEnd;
          for (const key of ["disconnectType", "errorCode", "sipResponseCodes", "q850ResponseCodes"])
            delete seg[key];
        }
      }
      if (s.metrics) {
        s.metrics = s.metrics.filter((m) => Date.parse(m.emitDate) <= cutMs);
        if (s.metrics.length === 0)
          delete s.metrics;
      }
      pruneTimed(s, "mediaEndpointStats", "eventTime", cutMs);
      for (const key of TIMED_SESSION_FIELDS)
        if (after(s[key], cutMs))
          delete s[key];
      if (s.flow)
        pruneTimed(s.flow, "outcomes", "flowOutcomeEndTimestamp", cutMs);
    }
    p.sessions = p.sessions.filter((s) => s.segments.length > 0);
  }
  c.participants = c.participants.filter((p) => p.sessions.length > 0);
  if (after(c.conversationEnd, cutMs))
    delete c.conversationEnd;
  if (after(c["conferenceStart"], cutMs))
    delete c["conferenceStart"];
  for (const key of ["evaluations", "surveys", "resolutions"])
    pruneTimed(c, key, "eventTime", cutMs);
}

// dist/sim/details.js
var DETAIL_RATES = {
  /** Queue sessions routed by predictive routing (proposed and scored agents, selected rank). */
  predictive: 0.1,
  /** Queue sessions with two requested skills where one was removed while waiting (skill relaxation). */
  removedSkill: 0.2,
  /** Queue sessions routed by a skill expression. */
  skillExpression: 0.03,
  /** Queue segments carrying custom segment properties. */
  segmentProperties: 0.02,
  /** Callback queue sessions owned by one agent. */
  agentOwnedCallback: 0.1,
  /** Agent sessions with an agent assistant (copilot), and with a script. */
  agentAssistant: 0.1,
  script: 0.2,
  /** Agent voice talk segments where the agent muted, and video segments with video off. */
  audioMuted: 0.03,
  videoMuted: 0.2,
  /** Wrap-up segments with wrap-up tags. */
  wrapUpTags: 0.05,
  /** E-mail agent sessions assigned by a supervisor. */
  assigned: 0.05,
  /** Messaging customer sessions with attachments (mediaCount), authenticated customers. */
  mediaCount: 0.15,
  authenticated: 0.25,
  /** E-mails with cc and with bcc addresses. */
  cc: 0.1,
  bcc: 0.03,
  /** Messaging sessions pushed to a mobile device. */
  deliveryPushed: 0.3,
  /** Outbound voice sessions with media endpoint stats (both the agent's and the contact's). */
  outboundMediaStats: 0.8,
  /** Voice sessions with a second media endpoint stat (the codec changed mid-call). */
  secondMediaStat: 0.1,
  /** Two-agent conversations where the transfer was a consult (a second conversation). */
  consult: 0.2,
  /** Callbacks started from another conversation (associatedConversationId). */
  associatedCallback: 0.3,
  /** Bot or IVR conversations where the flow searched a knowledge base. */
  knowledgeBaseMessaging: 0.3,
  knowledgeBaseVoice: 0.05,
  /** Messaging conversations with an inactivity timeout set. */
  inactivityTimeout: 0.3,
  /** Facebook messaging conversations that started on a public post. */
  socialPublic: 0.1,
  /** IVR flows that issued a callback, failed speech recognition, ended in another language. */
  issuedCallback: 0.02,
  recognitionFailure: 0.04,
  languageSwitch: 0.05
};
var CONFIG_RNG = new Random(3732541933);
var ASSISTANT_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
var SCRIPT_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
var KNOWLEDGE_BASE_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
var SKILL_EXPRESSION_IDS = [CONFIG_RNG.uuid(), CONFIG_RNG.uuid()];
var WRAP_UP_TAGS = ["billing", "follow-up", "vip", "complaint", "upsell"];
var ENGAGEMENT_SOURCE = { webmessaging: "WebChat", sms: "SMS", whatsapp: "WhatsApp", facebook: "FacebookMessenger" };
var DELIVERY_STATUSES = ["Read", "DeliverySuccess", "Sent", "DeliveryFailed"];
var DELIVERY_WEIGHTS = [60, 30, 6, 4];
var endOf = (s) => {
  const last = s.segments[s.segments.length - 1];
  return last ? Date.parse(last.segmentEnd ?? last.segmentStart) : 0;
};
function addRecordDetails(c, x, org) {
  const media = c.participants[0]?.sessions[0]?.mediaType ?? "voice";
  const agents = c.participants.filter((p) => p.purpose === "agent");
  const videoRoomId = media === "video" ? x.uuid() : void 0;
  for (const p of c.participants) {
    for (const s of p.sessions) {
      if (s.mediaType === "voice")
        voiceStats(c, p, s, x);
      if (p.purpose === "customer" || p.purpose === "external")
        customerSession(s, x);
      else if (p.purpose === "agent")
        agentSession(s, x, org);
      else if (p.purpose === "acd")
        queueSession(s, x, org);
      else if (s.flow)
        flowSession(c, s, x, org);
      if (videoRoomId !== void 0 && (p.purpose === "customer" || p.purpose === "agent")) {
        s["videoRoomId"] = videoRoomId;
        s["videoAddressSelf"] = `video:${x.hex(12)}`;
      }
    }
  }
  conversationFields(c, media, agents, x);
}
function voiceStats(c, p, s, x) {
  const end = endOf(s);
  if (s["mediaEndpointStats"] === void 0 && c.originatingDirection === "outbound" && (p.purpose === "agent" || p.purpose === "external") && x.chance(DETAIL_RATES.outboundMediaStats)) {
    s["mediaEndpointStats"] = mediaEndpointStats(x, end).stats;
  }
  const stats = s["mediaEndpointStats"];
  if (stats && x.chance(DETAIL_RATES.secondMediaStat)) {
    const first = mediaEndpointStats(x, Math.max(Date.parse(s.segments[0]?.segmentStart ?? ""), end - 60 * SECOND_MS)).stats[0];
    s["mediaEndpointStats"] = [first, ...stats];
  }
}
function customerSession(s, x) {
  switch (s.mediaType) {
    case "message": {
      const type = s["messageType"];
      if (typeof type === "string" && ENGAGEMENT_SOURCE[type])
        s["engagementSource"] = ENGAGEMENT_SOURCE[type];
      if (x.chance(DETAIL_RATES.mediaCount))
        s["mediaCount"] = x.int(1, 3);
      if (x.chance(DETAIL_RATES.authenticated))
        s["authenticated"] = x.chance(0.6);
      break;
    }
    case "chat":
      s["roomId"] = `${x.hex(24)}@conference.sim.orgspan.com`;
      if (x.chance(DETAIL_RATES.authenticated))
        s["authenticated"] = x.chance(0.6);
      break;
    case "email":
      s["destinationAddresses"] = [String(s["addressTo"] ?? "support@example-sim.com")];
      if (x.chance(DETAIL_RATES.cc))
        s["cc"] = [`cc.${x.hex(4)}@mail.example`];
      if (x.chance(DETAIL_RATES.bcc))
        s["bcc"] = [`archive@example-sim.com`];
      break;
    case "voice":
      if (s["outboundCampaignId"] !== void 0) {
        const contacting = s.segments.find((g) => g.segmentType === "interact");
        if (contacting) {
          const at = Date.parse(contacting.segmentStart);
          s["detectedSpeechStart"] = iso(at + x.int(200, 900));
          s["detectedSpeechEnd"] = iso(at + x.int(1e3, 3e3));
          s["dispositionAnalyzer"] = "disposition.analysis.callable.person";
          s["dispositionName"] = "disposition.classification.callable.live";
        }
      }
      break;
    default:
      break;
  }
}
function agentSession(s, x, org) {
  if (x.chance(DETAIL_RATES.agentAssistant))
    s["agentAssistantId"] = x.pick(ASSISTANT_IDS);
  if (x.chance(DETAIL_RATES.script))
    s["scriptId"] = x.pick(SCRIPT_IDS);
  const group = s.segments.find((g) => g.groupId !== void 0)?.groupId;
  if (typeof group === "string")
    s["agentGroups"] = [{ agentGroupId: group, agentGroupType: "Group" }];
  const wrapup = s.segments.find((g) => g.segmentType === "wrapup");
  if (wrapup)
    s["acwSkipped"] = false;
  if (wrapup && x.chance(DETAIL_RATES.wrapUpTags))
    wrapup["wrapUpTags"] = [x.pick(WRAP_UP_TAGS)];
  if (s.segments.some((g) => g.errorCode !== void 0))
    s["errorCodeDescription"] = "The agent station did not answer: its session was inactive.";
  if (s.mediaType === "email" && x.chance(DETAIL_RATES.assigned))
    s["assignerId"] = org.agents[0]?.id ?? x.uuid();
  if (s.mediaType === "message") {
    s["deliveryStatus"] = x.weighted(DELIVERY_STATUSES, DELIVERY_WEIGHTS);
    s["deliveryStatusChangeDate"] = iso(endOf(s) - x.int(1, 30) * SECOND_MS);
    s["deliveryPushed"] = x.chance(DETAIL_RATES.deliveryPushed);
  }
  for (const g of s.segments) {
    if (g.segmentType !== "interact")
      continue;
    if (s.mediaType === "voice" && x.chance(DETAIL_RATES.audioMuted))
      g["audioMuted"] = true;
    if (s.mediaType === "video")
      g["videoMuted"] = x.chance(DETAIL_RATES.videoMuted);
  }
}
function queueSession(s, x, org) {
  const queueSeg = s.segments.find((g) => g.segmentType === "interact");
  const skills = queueSeg?.["requestedRoutingSkillIds"];
  if (skills) {
    const removed = skills.length > 1 && x.chance(DETAIL_RATES.removedSkill);
    s["activeSkillIds"] = removed ? skills.slice(0, 1) : [...skills];
    if (removed)
      s["removedSkillIds"] = skills.slice(1);
  }
  if (x.chance(DETAIL_RATES.skillExpression))
    s["skillExpressionId"] = x.pick(SKILL_EXPRESSION_IDS);
  const selected = s["selectedAgentId"];
  if (s["usedRouting"] === "Bullseye") {
    const ring = x.int(1, 4);
    s["routingRuleType"] = "Bullseye";
    s["agentBullseyeRing"] = ring;
    s["routingRing"] = ring;
    s["eligibleAgentCounts"] = Array.from({ length: ring }, (_, k) => x.int(1, 4) * (k + 1));
    s["waitingInteractionCounts"] = Array.from({ length: ring }, () => x.int(0, 12));
  } else if (s["usedRouting"] === "Preferred" && typeof selected === "string" && queueSeg) {
    queueSeg["requestedRoutingUserIds"] = [selected];
  }
  if (typeof selected === "string" && queueSeg && x.chance(DETAIL_RATES.predictive)) {
    const others = org.agents.filter((a) => a.id !== selected && a.state === "active");
    const proposed = [selected, x.pick(others).id, x.pick(others).id].filter((id, i, all) => all.indexOf(id) === i);
    s["requestedRoutings"] = ["Predictive"];
    s["usedRouting"] = "Predictive";
    s["routingRuleType"] = "Predictive";
    s["selectedAgentRank"] = 1;
    s["proposedAgents"] = proposed.map((proposedAgentId, k) => ({ agentRank: k + 1, proposedAgentId }));
    let score = x.int(70, 99);
    queueSeg["scoredAgents"] = proposed.map((scoredAgentId) => ({ agentScore: score -= x.int(1, 15), scoredAgentId }));
  }
  if (s.mediaType === "callback" && x.chance(DETAIL_RATES.agentOwnedCallback))
    s["agentOwned"] = true;
  if (queueSeg && x.chance(DETAIL_RATES.segmentProperties)) {
    queueSeg["properties"] = [{ property: "callReason", propertyType: "string", value: x.pick(["billing", "outage", "upgrade"]) }];
  }
}
function flowSession(c, s, x, org) {
  const flow = s.flow;
  const language = x.chance(0.85) ? "en-us" : "es-us";
  flow["startingLanguage"] = language;
  flow["endingLanguage"] = x.chance(DETAIL_RATES.languageSwitch) ? language === "en-us" ? "es-us" : "en-us" : language;
  if (flow.exitReason === "TRANSFER" || flow.entryType === "dnis") {
    const queueId = c.participants.find((p) => p.purpose === "acd")?.sessions[0]?.segments.find((g) => g.queueId)?.queueId;
    const queue = org.queues.find((q) => q.id === queueId);
    if (queue)
      Object.assign(flow, { transferTargetAddress: queue.id, transferTargetName: queue.name });
  }
  if (flow.flowType === "INBOUNDCALL") {
    flow["issuedCallback"] = x.chance(DETAIL_RATES.issuedCallback);
    if (x.chance(DETAIL_RATES.recognitionFailure))
      flow["recognitionFailureReason"] = x.pick(["NO_INPUT", "NO_MATCH"]);
  }
  for (const o of flow.outcomes ?? []) {
    const start = Date.parse(String(o["flowOutcomeStartTimestamp"]));
    const end = Date.parse(String(o["flowOutcomeEndTimestamp"]));
    (s.metrics ??= []).push({ name: "nFlowOutcome", value: 1, emitDate: iso(end) }, { name: "tFlowOutcome", value: end - start, emitDate: iso(end) });
    if (o["flowOutcomeValue"] === "FAILURE")
      s.metrics.push({ name: "nFlowOutcomeFailed", value: 1, emitDate: iso(end) });
  }
}
function conversationFields(c, media, agents, x) {
  const hasFlow = c.participants.some((p) => p.purpose === "ivr" || p.purpose === "workflow");
  if (hasFlow && x.chance(media === "voice" ? DETAIL_RATES.knowledgeBaseVoice : DETAIL_RATES.knowledgeBaseMessaging)) {
    c["knowledgeBaseIds"] = [x.pick(KNOWLEDGE_BASE_IDS)];
  }
  if (hasFlow)
    c["selfServed"] = false;
  const first = agents[0];
  const second = agents[1];
  if (first && second && x.chance(DETAIL_RATES.consult)) {
    const consultId = x.uuid();
    c["consultationConversationIds"] = [consultId];
    const last = lastInteract(first);
    const target = second.sessions[0];
    if (last && target) {
      last["destinationConversationId"] = consultId;
      last["destinationSessionId"] = x.uuid();
      const alert = target.segments[0];
      if (alert)
        Object.assign(alert, { sourceConversationId: consultId, sourceSessionId: last["destinationSessionId"] });
    }
  }
  if (media === "callback" && x.chance(DETAIL_RATES.associatedCallback))
    c["associatedConversationId"] = x.uuid();
  if (media === "message") {
    if (x.chance(DETAIL_RATES.inactivityTimeout))
      c["inactivityTimeout"] = iso(Date.parse(c.conversationStart) + 72 * HOUR_MS);
    const type = c.participants[0]?.sessions[0]?.["messageType"];
    if (type === "facebook")
      c["originatingSocialMediaPublic"] = x.chance(DETAIL_RATES.socialPublic);
  }
}
function lastInteract(p) {
  const segs = p.sessions.flatMap((s) => s.segments).filter((g) => g.segmentType === "interact");
  return segs[segs.length - 1];
}
function setConversationMediaStats(c) {
  let mos = Infinity;
  let rFactor = Infinity;
  for (const p of c.participants) {
    for (const s of p.sessions) {
      for (const stat of s["mediaEndpointStats"] ?? []) {
        mos = Math.min(mos, stat["minMos"]);
        rFactor = Math.min(rFactor, stat["minRFactor"]);
      }
    }
  }
  if (mos !== Infinity)
    c["mediaStatsMinConversationMos"] = mos;
  if (rFactor !== Infinity)
    c["mediaStatsMinConversationRFactor"] = rFactor;
}

// dist/sim/scenarios.js
var DURATIONS = {
  voice: { wait: [5, 240], alert: [3, 15], talk: [30, 900], acw: [5, 120] },
  callback: { wait: [60, 1800], alert: [3, 20], talk: [30, 600], acw: [5, 90] },
  chat: { wait: [5, 300], alert: [3, 20], talk: [60, 1800], acw: [5, 90] },
  message: { wait: [5, 600], alert: [3, 20], talk: [60, 2400], acw: [5, 90] },
  email: { wait: [60, 7200], alert: [5, 30], talk: [60, 900], acw: [10, 120] },
  video: { wait: [5, 180], alert: [3, 15], talk: [60, 1200], acw: [5, 90] }
};
var CUSTOMERS = ["Alex Moreno", "Bea Lindqvist", "Carl Obi", "Dana Whitfield", "Eli Sato", "Fay Romero", "Gus Nakamura", "Hana Kim"];
var WRAP_UP_TIMEOUT = "ININ-WRAP-UP-TIMEOUT";
var secs = (rng, [min, max]) => rng.int(min, max) * SECOND_MS;
function customerOf(rng) {
  const name = rng.pick(CUSTOMERS);
  return { name, phone: `+1${rng.int(200, 989)}555${String(rng.int(0, 9999)).padStart(4, "0")}`, email: `${name.split(" ")[0]?.toLowerCase()}.${rng.hex(4)}@mail.example` };
}
function wrapUpCode(s) {
  return s.rng.chance(0.03) ? WRAP_UP_TIMEOUT : s.rng.pick(usableAt(s.ctx.org.wrapUpCodes, s.startMs, s.ctx.nowMs)).id;
}
function conversationShell(s, direction, initiator, divisionIds, endMs) {
  return {
    conversationId: s.conversationId,
    conversationStart: iso(s.startMs),
    conversationEnd: iso(endMs),
    originatingDirection: direction,
    divisionIds: [...new Set(divisionIds)],
    conversationInitiator: initiator,
    participants: []
  };
}
function customerDisconnect(s, usual, abandoned) {
  if (abandoned && (s.media === "chat" || s.media === "message") && s.rng.chance(RATES.idleTimeout))
    return "timeout";
  return s.rng.chance(RATES.systemDisconnect) ? "system" : usual;
}
function inQueueFlow(s) {
  const type = s.media === "voice" ? "INQUEUECALL" : s.media === "message" ? "INQUEUESHORTMESSAGE" : void 0;
  const rate = s.media === "voice" ? RATES.inQueueFlow : RATES.inQueueMessageFlow;
  const flow = type ? s.ctx.org.flows.find((f) => f.type === type) : void 0;
  return flow && s.rng.chance(rate) ? directFlow(s.rng, flow) : void 0;
}
function agentSessionFields(s, leg, customer, queuedAtMs) {
  const { rng, media } = s;
  const other = media === "email" || media === "chat" || media === "video" ? customer.email : `tel:${customer.phone}`;
  return {
    ...rng.chance(RATES.agentAddresses) ? { addressSelf: `sip:${leg.agent.username}`, addressOther: other } : {},
    ...media === "callback" ? callbackFields(customer.phone, customer.name, callbackScheduledMs(rng, queuedAtMs)) : {},
    ...media === "voice" && rng.chance(RATES.agentMediaStats) ? { mediaEndpointStats: mediaEndpointStats(rng, leg.answerAt + leg.talkMs).stats } : {}
  };
}
function careOf(s, agent, media, endMs, queueId) {
  const evaluatorId = agent.manager?.id ?? agent.id;
  const calibratorId = s.ctx.org.agents.find((a) => a.title === "Team Lead" && a.id !== evaluatorId)?.id ?? evaluatorId;
  return { endMs, media, userId: agent.id, evaluatorId, calibratorId, ...queueId ? { queueId } : {} };
}
function buildInbound(s) {
  const { ctx, rng, media, startMs } = s;
  const b = new ConvBuilder(rng);
  const dur = DURATIONS[media] ?? DURATIONS["voice"];
  const customer = customerOf(rng);
  const queue = rng.pick(usableAt(ctx.org.queues, startMs, ctx.nowMs));
  const addr = addressFields(media, customer, rng.pick(ctx.org.numbers), rng.pick(ctx.org.edgeIds), rng);
  const ivrMs = media === "voice" && rng.chance(0.7) ? rng.int(10, 90) * SECOND_MS : media === "message" ? rng.int(5, 60) * SECOND_MS : 0;
  const abandoned = rng.chance(0.06);
  const maxAgents = media === "email" ? 1 : media === "callback" ? 2 : 3;
  const wanted = abandoned ? 0 : Math.min(maxAgents, rng.weighted([1, 2, 3], [75, 18, 7]));
  const picked = s.pickAgents(wanted + 1);
  const agents = picked.slice(0, wanted);
  const legs = agents.map((agent, k) => ({
    agent,
    queueId: queue.id,
    alertStart: 0,
    answerAt: 0,
    queuedAt: 0,
    talkMs: secs(rng, dur.talk),
    holdMs: media === "voice" && k < 2 && rng.chance(0.25) ? rng.int(15, 120) * SECOND_MS : 0,
    acwMs: secs(rng, dur.acw),
    wrapUpCode: wrapUpCode(s),
    endType: "peer",
    ...media === "email" ? { subject: `Re: order #${rng.int(1e4, 99999)}` } : {},
    holdCount: rng.chance(RATES.secondHold) ? 2 : 1,
    participantFields: agentParticipantFields(rng, ctx.org, agent.id),
    alertFields: rng.chance(RATES.groupRing) ? { groupId: rng.pick(ctx.org.groupIds) } : {}
  }));
  const alertMs = legs.map(() => secs(rng, dur.alert));
  let waitMs = Math.max(secs(rng, dur.wait), (alertMs[0] ?? 0) + SECOND_MS);
  const customerHungUp = rng.chance(0.6);
  const extraDial = media === "callback" ? CALLBACK_DIAL_MS : 0;
  const seqLegs = legs.slice(0, 2);
  if (legs[1] && legs[2])
    legs[1].holdMs = 0;
  const seqMs = seqLegs.reduce((sum, leg, k) => sum + leg.talkMs + leg.holdMs + extraDial + (k > 0 ? alertMs[k] ?? 0 : 0), 0);
  let endMs = startMs + ivrMs + waitMs + seqMs;
  if (s.minEndMs !== void 0 && endMs < s.minEndMs) {
    const lastSeq = seqLegs[seqLegs.length - 1];
    if (lastSeq)
      lastSeq.talkMs += s.minEndMs - endMs;
    else
      waitMs += s.minEndMs - endMs;
    endMs = s.minEndMs;
  }
  const cust = b.participant("customer", { participantName: media === "voice" && rng.chance(0.5) ? customer.phone : customer.name, ...customerParticipantFields(rng) });
  const custSession = b.session(cust, media, "inbound", {
    ...addr,
    ...media === "chat" || media === "message" ? journeyFields(rng) : {},
    ...media === "callback" ? callbackFields(customer.phone, customer.name, callbackScheduledMs(rng, startMs + ivrMs)) : {}
  });
  b.peerId = custSession.sessionId;
  const customerEnd = customerDisconnect(s, customerHungUp || abandoned ? "endpoint" : "peer", abandoned);
  const codes = media === "voice" ? voiceCodes(customerEnd) : {};
  if (media === "voice") {
    const setupEnd = Math.min(endMs - 1, startMs + rng.int(150, 1500));
    b.seg(custSession, "system", startMs, setupEnd);
    b.seg(custSession, "interact", setupEnd, endMs, { disconnectType: customerEnd, ...codes });
  } else {
    b.seg(custSession, "interact", startMs, endMs, { disconnectType: customerEnd });
  }
  if (media === "voice" && rng.chance(RATES.customerMediaStats))
    custSession["mediaEndpointStats"] = mediaEndpointStats(rng, endMs).stats;
  if (ivrMs > 0 && media === "message") {
    const flow = rng.pick(ctx.org.flows.filter((f) => f.type === "INBOUNDSHORTMESSAGE"));
    const bot = b.participant("workflow", { participantName: flow.name });
    const botSession = b.session(bot, media, "inbound", { ...addr, flow: directFlow(rng, flow) });
    b.seg(botSession, "interact", startMs, startMs + ivrMs, { disconnectType: "transfer" });
    b.metric(botSession, "nFlow", 1, startMs);
    b.metric(botSession, "tFlow", ivrMs, startMs + ivrMs);
  } else if (ivrMs > 0) {
    const flow = rng.pick(ctx.org.flows.filter((f) => f.type === "INBOUNDCALL"));
    const ivr = b.participant("ivr", { participantName: flow.name });
    const ivrSession = b.session(ivr, media, "inbound", { ...addr, flow: ivrFlow(rng, flow, startMs, startMs + ivrMs) });
    b.seg(ivrSession, "ivr", startMs, startMs + ivrMs, { disconnectType: "transfer" });
    b.metric(ivrSession, "nFlow", 1, startMs);
    b.metric(ivrSession, "tIvr", ivrMs, startMs + ivrMs);
    b.metric(ivrSession, "tFlow", ivrMs, startMs + ivrMs);
  }
  const q0 = startMs + ivrMs;
  const q1 = q0 + waitMs;
  const acd = b.participant("acd", { participantName: queue.name });
  const routing = rng.pick(["Standard", "Standard", "Bullseye", "Preferred"]);
  const inQueue = inQueueFlow(s);
  const acdSession = b.session(acd, media, "inbound", {
    ...addr,
    requestedRoutings: [routing],
    usedRouting: routing,
    ...agents[0] ? { selectedAgentId: agents[0].id } : {},
    ...agents[0] && rng.chance(0.15) ? { proposedAgents: [{ agentRank: 1, proposedAgentId: agents[0].id }] } : {},
    ...inQueue ? { flow: inQueue } : {}
  });
  const delayMs = media === "callback" ? Math.floor(waitMs / 3) : 0;
  if (delayMs > 0)
    b.seg(acdSession, "delay", q0, q0 + delayMs, { queueId: queue.id });
  const request = routingRequest(rng, usableAt(ctx.org.languages, startMs, ctx.nowMs), usableAt(ctx.org.skills, startMs, ctx.nowMs));
  b.seg(acdSession, "interact", q0 + delayMs, q1, { queueId: queue.id, ...request, disconnectType: abandoned ? "peer" : "transfer" });
  b.metric(acdSession, "nOffered", 1, q0);
  b.metric(acdSession, abandoned ? "tAbandon" : "tAcd", waitMs - delayMs, q1);
  const spare = picked[wanted];
  const gap = waitMs - (alertMs[0] ?? 0);
  if (!abandoned && spare && gap > 6 * SECOND_MS && rng.chance(0.05)) {
    const naStart = q0 + Math.floor(gap / 3);
    addNoAnswerLeg(b, media, spare, queue.id, naStart, naStart + Math.min(15 * SECOND_MS, Math.floor(gap / 3)), addr, rng.chance(RATES.alertError));
  }
  const agentFields = { ...addr, ...media === "voice" ? { remote: customer.name } : {} };
  const finalEnd = customerHungUp ? "peer" : "client";
  let t = q1;
  let conferenceAt;
  seqLegs.forEach((leg, k) => {
    const alert = alertMs[k] ?? 0;
    leg.answerAt = k === 0 ? q1 : t + alert;
    leg.alertStart = leg.answerAt - alert;
    leg.queuedAt = k === 0 ? q0 : t;
    leg.endType = k < seqLegs.length - 1 ? "transfer" : finalEnd;
    if (k === 1 && legs[2])
      leg.conferenceAt = conferenceAt = leg.answerAt + extraDial + Math.floor(leg.talkMs * 0.6);
    leg.sessionFields = agentSessionFields(s, leg, customer, leg.queuedAt);
    t = addAgentLeg(b, media, leg, agentFields);
  });
  const conf = legs[2];
  if (conf && conferenceAt !== void 0) {
    Object.assign(conf, { answerAt: conferenceAt, alertStart: conferenceAt - (alertMs[2] ?? 0), queuedAt: conferenceAt - (alertMs[2] ?? 0), talkMs: t - conferenceAt - extraDial, holdMs: 0, endType: "peer" });
    conf.conferenceAt = conferenceAt;
    conf.sessionFields = agentSessionFields(s, conf, customer, conf.queuedAt);
    if (conf.talkMs > 0)
      addAgentLeg(b, media, conf, agentFields);
  }
  const c = conversationShell(s, "inbound", "customer", [queue.divisionId], endMs);
  if (media === "message")
    c["customerParticipation"] = true;
  if (conferenceAt !== void 0)
    c["conferenceStart"] = iso(conferenceAt);
  if (rng.chance(0.03))
    c["externalTag"] = `crm-${rng.hex(8)}`;
  c.participants = b.participants;
  const first = agents[0];
  return { conversation: c, endMs, ...first ? { care: careOf(s, first, media, endMs, queue.id) } : {} };
}
function buildOutbound(s) {
  const { ctx, rng, startMs } = s;
  const b = new ConvBuilder(rng);
  const [agent] = s.pickAgents(1);
  if (!agent)
    throw new Error("the simulated org has no agents");
  const customer = customerOf(rng);
  const queue = rng.chance(0.5) ? rng.pick(usableAt(ctx.org.queues, startMs, ctx.nowMs)) : void 0;
  const orgNumber = rng.pick(ctx.org.numbers);
  const addr = {
    ani: `tel:${orgNumber}`,
    dnis: `tel:${customer.phone}`,
    addressFrom: `tel:${orgNumber}`,
    addressTo: `tel:${customer.phone}`,
    provider: "Edge",
    edgeId: rng.pick(ctx.org.edgeIds),
    protocolCallId: rng.hex(32),
    recording: true,
    remoteNameDisplayable: customer.name,
    ...rng.chance(RATES.campaignCall) ? campaignFields(rng, ctx.org) : {}
  };
  const dialEnd = startMs + rng.int(1, 3) * SECOND_MS;
  const answerAt = dialEnd + rng.int(5, 30) * SECOND_MS;
  const leg = {
    queueId: queue?.id,
    talkMs: rng.int(20, 900) * SECOND_MS,
    holdMs: rng.chance(0.2) ? rng.int(10, 90) * SECOND_MS : 0,
    acwMs: rng.int(5, 120) * SECOND_MS,
    wrapUpCode: wrapUpCode(s),
    endType: rng.chance(0.5) ? "client" : "peer",
    holdCount: rng.chance(RATES.secondHold) ? 2 : 1
  };
  const natural = answerAt + leg.talkMs + leg.holdMs;
  if (s.minEndMs !== void 0 && natural < s.minEndMs)
    leg.talkMs += s.minEndMs - natural;
  const q = queue ? { queueId: queue.id } : {};
  const p = b.participant("agent", { participantName: agent.name, userId: agent.id, ...agentParticipantFields(rng, ctx.org, agent.id) });
  const session = b.session(p, "voice", "outbound", {
    ...addr,
    ...rng.chance(RATES.agentAddresses) ? { addressSelf: `sip:${agent.username}`, addressOther: `tel:${customer.phone}` } : {}
  });
  b.seg(session, "dialing", startMs, dialEnd, q);
  b.seg(session, "contacting", dialEnd, answerAt, q);
  b.metric(session, "nOutbound", 1, startMs);
  b.metric(session, "nOutboundAttempted", 1, startMs);
  b.metric(session, "tDialing", dialEnd - startMs, dialEnd);
  b.metric(session, "tContacting", answerAt - dialEnd, answerAt);
  b.metric(session, "nOutboundConnected", 1, answerAt);
  const endMs = addTalk(b, session, answerAt, leg, { q850ResponseCodes: [16] });
  addWrapUp(b, session, endMs, leg);
  const ext = b.participant("external", { participantName: rng.chance(0.5) ? customer.name : customer.phone, ...customerParticipantFields(rng) });
  const extSession = b.session(ext, "voice", "outbound", addr);
  const extEnd = customerDisconnect(s, leg.endType === "client" ? "peer" : "endpoint", false);
  b.seg(extSession, "system", dialEnd, answerAt);
  b.seg(extSession, "interact", answerAt, endMs, { disconnectType: extEnd, ...voiceCodes(extEnd) });
  const c = conversationShell(s, "outbound", "agent", [queue?.divisionId ?? agent.division.id], endMs);
  c.participants = b.participants;
  return { conversation: c, endMs, care: careOf(s, agent, "voice", endMs, queue?.id) };
}

// dist/sim/generate.js
var LIVE_CHANCE = 0.15;
var LIVE_WINDOW_MS = 3 * HOUR_MS;
var LATE_CHANCE = 0.03;
var TAIL_MS = 2 * HOUR_MS;
var LEFT_AGENT_WEIGHT = 0.15;
var MEDIA = ["voice", "chat", "message", "email", "callback", "video"];
var MEDIA_WEIGHTS = [60, 10, 12, 9, 5, 4];
function createGenContext(seed, org, conversationsPerDay, nowMs, options = {}) {
  const rng = Random.from(seed, "left");
  const leftAtMs = /* @__PURE__ */ new Map();
  for (const agent of org.agents) {
    if (agent.state !== "active")
      leftAtMs.set(agent.id, nowMs - rng.int(2, 30) * DAY_MS);
  }
  return { seed, org, conversationsPerDay, nowMs, idKey: hash32(seed, "ids"), leftAtMs, explicitNulls: options.explicitNulls ?? true };
}
function compareByStart(a, b) {
  if (a.conversationStart !== b.conversationStart)
    return a.conversationStart < b.conversationStart ? -1 : 1;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}
function generateDay(ctx, dayNumber) {
  const out = [];
  for (let i = 0; i < ctx.conversationsPerDay; i++)
    out.push(generateConversation(ctx, dayNumber, i));
  return out.sort(compareByStart);
}
function generateConversation(ctx, dayNumber, index) {
  const { conversation, endMs, care, cutMs, rng } = buildConversation(ctx, dayNumber, index);
  if (endMs + TAIL_MS > cutMs)
    truncateAt(conversation, cutMs);
  setConversationMediaStats(conversation);
  if (care)
    Object.assign(conversation, afterCare(careStream(ctx, dayNumber, index), care, cutMs));
  if (ctx.explicitNulls)
    addExplicitNulls(conversation, rng);
  return conversation;
}
function afterCareAt(ctx, dayNumber, index, asOfMs) {
  const { endMs, care, cutMs } = buildConversation(ctx, dayNumber, index);
  if (endMs > cutMs)
    return void 0;
  const rendered = care ? afterCare(careStream(ctx, dayNumber, index), care, asOfMs) : {};
  return Object.fromEntries(AFTER_CARE_KEYS.map((key) => [key, rendered[key]]));
}
var careStream = (ctx, dayNumber, index) => Random.from(ctx.seed, "care", dayNumber, index);
function buildConversation(ctx, dayNumber, index) {
  const rng = Random.from(ctx.seed, "conv", dayNumber, index);
  const conversationId = encodeConversationId(ctx.idKey, dayNumber, index, rng);
  const dayStart = dayNumber * DAY_MS;
  const late = rng.chance(LATE_CHANCE) || index === 0;
  const startMs = dayStart + startOffsetMs(rng, late);
  const minEndMs = late ? dayStart + DAY_MS + rng.int(10, 1200) * SECOND_MS : void 0;
  const media = rng.weighted(MEDIA, MEDIA_WEIGHTS);
  const scenario = { ctx, rng, conversationId, startMs, minEndMs, media, pickAgents: (n) => pickAgents(ctx, rng, n, dayStart) };
  const outbound = media === "voice" && rng.chance(0.18);
  const { conversation, endMs, care } = outbound ? buildOutbound(scenario) : buildInbound(scenario);
  addRecordDetails(conversation, Random.from(ctx.seed, "detail", dayNumber, index), ctx.org);
  let cutMs = ctx.nowMs;
  if (startMs < ctx.nowMs && startMs >= ctx.nowMs - LIVE_WINDOW_MS && rng.chance(LIVE_CHANCE)) {
    const span = Math.max(SECOND_MS, Math.floor((endMs - startMs) * (0.3 + 0.6 * rng.float())));
    cutMs = Math.min(cutMs, startMs + span);
  }
  return { conversation, endMs, care, cutMs, rng };
}
function startOffsetMs(rng, late) {
  if (late)
    return DAY_MS - rng.int(20, 15 * 60) * SECOND_MS;
  if (rng.chance(0.7))
    return 7 * HOUR_MS + rng.int(0, 12 * HOUR_MS - 1);
  return rng.int(0, DAY_MS - 15 * MINUTE_MS);
}
function pickAgents(ctx, rng, n, dayStartMs) {
  const pool = [...ctx.org.agents];
  const weights = pool.map((a) => {
    const left = ctx.leftAtMs.get(a.id);
    return left === void 0 || dayStartMs < left ? 1 : LEFT_AGENT_WEIGHT;
  });
  const chosen = [];
  while (chosen.length < n && pool.length > 0) {
    const agent = rng.weighted(pool, weights);
    const i = pool.indexOf(agent);
    pool.splice(i, 1);
    weights.splice(i, 1);
    chosen.push(agent);
  }
  return chosen;
}

// dist/sim/mutations.js
var CORRUPTION_KINDS = [
  "missingConversationStart",
  "badConversationStart",
  "participantsNotArray",
  "missingSessionId",
  "missingSegmentStart"
];
var END_ACW_MS = 30 * SECOND_MS;
var allSegments = (c) => c.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments));
var duration = (seg) => seg.segmentEnd ? Date.parse(seg.segmentEnd) - Date.parse(seg.segmentStart) : 0;
function isOpen(c) {
  return c.conversationEnd === void 0 || allSegments(c).some((s) => s.segmentEnd === void 0);
}
function latestSegmentStartMs(c) {
  return Math.max(Date.parse(c.conversationStart), ...allSegments(c).map((s) => Date.parse(s.segmentStart)));
}
function disconnectFor(p, seg) {
  if (p.purpose === "customer" || p.purpose === "external")
    return "endpoint";
  if (p.purpose === "agent")
    return seg.segmentType === "alert" ? "noAnswerTransfer" : "peer";
  return "transfer";
}
function endConversation(c, atMs, wrapUpCode2) {
  if (!isOpen(c))
    throw new Error(`conversation ${c.conversationId} is not live`);
  if (atMs <= latestSegmentStartMs(c))
    throw new RangeError(`end time ${iso(atMs)} is not after the last segment start of ${c.conversationId}`);
  const out = structuredClone(c);
  const at = iso(atMs);
  for (const p of out.participants) {
    for (const s of p.sessions) {
      const last = s.segments[s.segments.length - 1];
      for (const seg of s.segments) {
        if (seg.segmentEnd !== void 0)
          continue;
        seg.segmentEnd = at;
        if (seg === last)
          seg.disconnectType = disconnectFor(p, seg);
      }
    }
    const segs = p.sessions.flatMap((s) => s.segments);
    const main = p.sessions[0];
    if (p.purpose !== "agent" || !main || segs.some((s) => s.segmentType === "wrapup") || !segs.some((s) => s.segmentType === "interact"))
      continue;
    const talkMs = segs.filter((s) => s.segmentType === "interact").reduce((sum, s) => sum + duration(s), 0);
    const heldMs = segs.filter((s) => s.segmentType === "hold").reduce((sum, s) => sum + duration(s), 0);
    const queueId = segs.map((s) => s.queueId).filter(Boolean).pop();
    main.segments.push({ segmentStart: at, segmentEnd: iso(atMs + END_ACW_MS), segmentType: "wrapup", ...queueId ? { queueId } : {}, wrapUpCode: wrapUpCode2 });
    const metrics = main.metrics ??= [];
    const wrapEnd = iso(atMs + END_ACW_MS);
    const emitted = metrics.filter((m) => m.name === "tTalkComplete").reduce((sum, m) => sum + m.value, 0);
    metrics.push({ name: "tTalk", value: talkMs - emitted, emitDate: at }, { name: "tTalkComplete", value: talkMs - emitted, emitDate: at }, { name: "tAcw", value: END_ACW_MS, emitDate: wrapEnd }, { name: "tHandle", value: talkMs + heldMs + END_ACW_MS, emitDate: wrapEnd });
  }
  out.conversationEnd ??= at;
  return out;
}
function recodeWrapUp(c, code) {
  const out = structuredClone(c);
  const wrapups = out.participants.filter((p) => p.purpose === "agent").flatMap((p) => p.sessions.flatMap((s) => s.segments)).filter((s) => s.segmentType === "wrapup");
  if (wrapups.length === 0)
    throw new Error(`conversation ${c.conversationId} has no wrap-up segment`);
  for (const seg of wrapups)
    seg.wrapUpCode = code;
  return out;
}
function dropSegment(c) {
  const out = structuredClone(c);
  const session = out.participants.filter((p) => p.purpose === "agent").flatMap((p) => p.sessions).find((s) => s.segments.length >= 2);
  if (!session)
    throw new Error(`conversation ${c.conversationId} has no agent session with two segments`);
  session.segments.pop();
  return out;
}
function replaceAfterCare(c, care) {
  const out = structuredClone(c);
  for (const [key, value] of Object.entries(care)) {
    if (value === void 0)
      delete out[key];
    else
      out[key] = structuredClone(value);
  }
  return out;
}
function addField(c, path, value) {
  const out = structuredClone(c);
  const keys = path.split(".");
  let holder = out;
  for (const key of keys.slice(0, -1)) {
    const next = holder[key];
    if (typeof next !== "object" || next === null)
      throw new Error(`no object at '${key}' in path '${path}'`);
    holder = next;
  }
  holder[keys[keys.length - 1]] = structuredClone(value);
  return out;
}
function corrupted(c, kind) {
  const out = structuredClone(c);
  const firstSession = c.participants[0]?.sessions[0] ? out["participants"][0]?.sessions[0] : void 0;
  switch (kind) {
    case "missingConversationStart":
      delete out["conversationStart"];
      break;
    case "badConversationStart":
      out["conversationStart"] = "not-a-date";
      break;
    case "participantsNotArray":
      out["participants"] = Object.fromEntries(c.participants.map((p, i) => [String(i), p]));
      break;
    case "missingSessionId":
      if (firstSession)
        delete firstSession.sessionId;
      break;
    case "missingSegmentStart":
      if (firstSession?.segments[0])
        delete firstSession.segments[0].segmentStart;
      break;
    default:
      throw new Error(`unknown corruption kind ${String(kind)}`);
  }
  return out;
}

// dist/sim/attributes.js
var INTENTS = ["billing", "cancel", "upgrade", "technical-support", "delivery", "refund", "address-change"];
var LANGUAGES = ["en-US", "en-GB", "es-US", "fr-CA", "de-DE"];
var TIERS = ["gold", "silver", "standard"];
var WITHOUT_ATTRIBUTES = 0.15;
var CARRIERS = /* @__PURE__ */ new Set(["customer", "external"]);
function attributesFor(seed, conversationId) {
  const rng = Random.from(seed, "attributes", conversationId);
  if (rng.chance(WITHOUT_ATTRIBUTES))
    return void 0;
  const attributes = {
    accountNumber: String(rng.int(1e7, 99999999)),
    intent: rng.pick(INTENTS)
  };
  if (rng.chance(0.6))
    attributes["caseId"] = `CS-${rng.int(1e5, 999999)}`;
  if (rng.chance(0.5))
    attributes["language"] = rng.pick(LANGUAGES);
  if (rng.chance(0.4))
    attributes["customerTier"] = rng.pick(TIERS);
  if (rng.chance(0.2))
    attributes["Survey.Opt-In"] = rng.chance(0.5) ? "true" : "false";
  return attributes;
}
function withAttributes(seed, conversation) {
  const attributes = attributesFor(seed, conversation.conversationId);
  if (!attributes)
    return conversation;
  const participants = conversation.participants.map((p) => CARRIERS.has(p.purpose) ? { ...p, attributes: { ...attributes } } : p);
  return { ...conversation, participants };
}

// dist/sim/jobs.js
import { randomUUID } from "node:crypto";

// dist/sim/dimensions.js
var words = (s) => new Set(s.trim().split(/\s+/));
var CONVERSATION_DIMENSIONS = words(`accessAttribute conversationEnd conversationId conversationInitiator
  conversationStart customerParticipation divisionId externalTag mediaStatsMinConversationMos originatingDirection
  originatingSocialMediaPublic`);
var CONVERSATION_METRICS = words(`nBlindTransferred nBotInteractions nCallbackAttempts nCallbackOverSla
  nCallbackScheduled nCobrowseSessions nConnected nConsult nConsultTransferred nConversations nError nFlow
  nFlowMilestone nFlowOutcome nFlowOutcomeFailed nOffered nOutbound nOutboundAbandoned nOutboundAttempted
  nOutboundConnected nOverSla nStateTransitionError nTakeover nTransferred oAudioMessageCount
  oExternalAudioMessageCount oExternalMediaCount oFlowMilestone oMediaCount oMessageCount oMessageSegmentCount
  oMessageTurn oSkillExpressionApplications tAbandon tAcd tActiveCallback tActiveCallbackComplete tAcw
  tAgentResponseTime tAgentVideoConnected tAlert tAnswered tAverageAgentResponseTime tAverageCustomerResponseTime
  tBarging tCoaching tCoachingComplete tConnected tContacting tConversationDuration tDialing tFirstConnect
  tFirstDial tFirstEngagement tFirstResponse tFlow tFlowDisconnect tFlowExit tFlowOut tFlowOutcome tHandle tHeld
  tHeldComplete tIvr tMonitoring tMonitoringComplete tNotResponding tPark tParkComplete tScreenMonitoring
  tShortAbandon tSnippetRecord tTalk tTalkComplete tTransmitting tUserResponseTime tVoicemail`);
var SEGMENT_DIMENSIONS = words(`addressFrom addressTo agentAssistantId agentOwned ani authenticated
  bargedParticipantId callbackNumber callbackScheduledTime canonicalExternalContactId cleared coachedParticipantId
  conference deliveryPushed deliveryStatus destinationAddress destinationConversationId detectedSpeechEnd
  detectedSpeechStart direction disconnectType dnis edgeId engagementSource errorCode exitReason
  extendedDeliveryStatus externalContactId externalOrganizationId flaggedReason flowId flowName flowOutType
  flowOutcome flowOutcomeId flowOutcomeValue flowVersion groupId journeyActionId journeyActionMapId
  journeyCustomerId journeyCustomerIdType journeyCustomerSessionId mediaCount mediaType messageType
  monitoredParticipantId outboundCampaignId outboundContactId outboundContactListId participantName
  protocolCallId provider purpose queueId recording remote remoteNameDisplayable requestedLanguageId
  requestedRouting requestedRoutingSkillId scoredAgentId screenMonitoredUserId screenRecording scriptId segmentEnd
  segmentType sessionDnis sipResponseCode skillExpressionId snippetRecording subject teamId transferTargetAddress
  transferTargetName transferType usedRouting userId wrapUpCode wrapUpNote`);
var SEGMENT_METRICS = words("tSegmentDuration");
var EVALUATION_DIMENSIONS = words(`assigneeApplicable assigneeId calibrationId contextId deleted
  evaluationId evaluationStatus evaluatorId eventTime formId formName queueId released rescored systemSubmitted userId`);
var EVALUATION_METRICS = words("oTotalCriticalScore oTotalScore");
var SURVEY_DIMENSIONS = words(`eventTime queueId surveyCompletedDate surveyFormContextId surveyFormId
  surveyId surveyPartialResponse surveyPromoterScore surveyStatus surveyType userId`);
var SURVEY_METRICS = words("oSurveyTotalScore");
var RESOLUTION_DIMENSIONS = words("eventTime queueId userId");
var RESOLUTION_METRICS = words("nNextContactAvoided");
var PARTICIPANT_FIELDS = words(`purpose userId participantName teamId externalContactId
  externalOrganizationId flaggedReason screenRecording`);

// dist/sim/filters.js
var FilterError = class extends Error {
  code;
  constructor(code, message) {
    super(message);
    this.code = code;
    this.name = "FilterError";
  }
};
var VOCAB = {
  conversation: { dimensions: CONVERSATION_DIMENSIONS, metrics: CONVERSATION_METRICS },
  segment: { dimensions: SEGMENT_DIMENSIONS, metrics: SEGMENT_METRICS },
  evaluation: { dimensions: EVALUATION_DIMENSIONS, metrics: EVALUATION_METRICS },
  survey: { dimensions: SURVEY_DIMENSIONS, metrics: SURVEY_METRICS },
  resolution: { dimensions: RESOLUTION_DIMENSIONS, metrics: RESOLUTION_METRICS }
};
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function parseType(v, where) {
  if (v === "and" || v === "or")
    return v;
  throw new FilterError("invalid.value", `${where}.type must be one of [and, or]`);
}
function parsePredicate(raw, family, where) {
  if (!isObject(raw))
    throw new FilterError("bad.request", `${where} must be an object`);
  const operator = raw["operator"] ?? "matches";
  if (operator !== "matches" && operator !== "exists" && operator !== "notExists") {
    throw new FilterError("invalid.value", `${where}.operator must be one of [matches, exists, notExists]`);
  }
  const { dimension, metric, property, value, range } = raw;
  if (property !== void 0)
    throw new FilterError("bad.request", `${where}: property predicates are not supported by the simulator`);
  const vocab = VOCAB[family];
  if (typeof dimension === "string") {
    if (!vocab.dimensions.has(dimension))
      throw new FilterError("invalid.value", `${where}.dimension '${dimension}' is not a valid ${family} dimension`);
    if (operator === "matches" && typeof value !== "string")
      throw new FilterError("bad.request", `${where}.value is required (a string) for dimension ${dimension}`);
  } else if (typeof metric === "string") {
    if (!vocab.metrics.has(metric))
      throw new FilterError("invalid.value", `${where}.metric '${metric}' is not a valid ${family} metric`);
    if (operator === "matches" && !isObject(range))
      throw new FilterError("bad.request", `${where}.range is required for metric ${metric}`);
  } else {
    throw new FilterError("bad.request", `${where} needs a dimension or a metric`);
  }
  return { ...raw, operator };
}
function parseFilters(raw, family, field) {
  if (raw === void 0 || raw === null)
    return [];
  if (!Array.isArray(raw))
    throw new FilterError("bad.request", `${field} must be an array`);
  return raw.map((f, i) => {
    const where = `${field}[${i}]`;
    if (!isObject(f))
      throw new FilterError("bad.request", `${where} must be an object`);
    const preds = f["predicates"] ?? [];
    const clauses = f["clauses"] ?? [];
    if (!Array.isArray(preds) || !Array.isArray(clauses))
      throw new FilterError("bad.request", `${where}.predicates and .clauses must be arrays`);
    return {
      type: parseType(f["type"], where),
      predicates: preds.map((p, j) => parsePredicate(p, family, `${where}.predicates[${j}]`)),
      clauses: clauses.map((c, j) => {
        const cw = `${where}.clauses[${j}]`;
        if (!isObject(c) || !Array.isArray(c["predicates"]))
          throw new FilterError("bad.request", `${cw}.predicates must be an array`);
        return { type: parseType(c["type"], cw), predicates: c["predicates"].map((p, k) => parsePredicate(p, family, `${cw}.predicates[${k}]`)) };
      })
    };
  });
}
var present = (v) => v !== void 0 && v !== null && !(Array.isArray(v) && v.length === 0);
function matchesValue(actual, wanted) {
  if (Array.isArray(actual))
    return actual.some((a) => matchesValue(a, wanted));
  if (!present(actual) || typeof actual === "object")
    return false;
  return String(actual).toLowerCase() === wanted.toLowerCase();
}
function inRange(n, r) {
  if (n === void 0)
    return false;
  if (!r)
    return true;
  return (r.gt === void 0 || n > r.gt) && (r.gte === void 0 || n >= r.gte) && (r.lt === void 0 || n < r.lt) && (r.lte === void 0 || n <= r.lte);
}
function evalPredicate(p, subject) {
  const actual = p.dimension !== void 0 ? subject.dimension(p.dimension) : subject.metric(p.metric ?? "");
  if (p.operator === "exists")
    return present(actual);
  if (p.operator === "notExists")
    return !present(actual);
  return p.dimension !== void 0 ? matchesValue(actual, p.value ?? "") : inRange(actual, p.range);
}
function combine(type, results) {
  if (results.length === 0)
    return true;
  return type === "and" ? results.every(Boolean) : results.some(Boolean);
}
function evalFilter(f, subject) {
  const results = f.predicates.map((p) => evalPredicate(p, subject));
  for (const c of f.clauses)
    results.push(combine(c.type, c.predicates.map((p) => evalPredicate(p, subject))));
  return combine(f.type, results);
}
var ms = (s) => typeof s === "string" ? Date.parse(s) : void 0;
function segmentSubject(c, p, s, seg) {
  return {
    dimension(name) {
      if (PARTICIPANT_FIELDS.has(name))
        return p[name];
      if (name === "requestedRouting")
        return s["requestedRoutings"];
      if (name === "requestedRoutingSkillId")
        return seg["requestedRoutingSkillIds"];
      if (name === "sipResponseCode")
        return seg["sipResponseCodes"];
      if (name === "callbackNumber")
        return s["callbackNumbers"];
      if (name.startsWith("flowOutcome"))
        return s.flow?.outcomes?.map((o) => o[name]);
      if (name.startsWith("flow") && name !== "flowOutType")
        return s.flow?.[name];
      return seg[name] ?? s[name] ?? p[name] ?? c[name];
    },
    metric(name) {
      const start = ms(seg.segmentStart);
      const end = ms(seg.segmentEnd);
      return name === "tSegmentDuration" && start !== void 0 && end !== void 0 ? end - start : void 0;
    }
  };
}
function matchesSegmentFilters(c, filters) {
  return filters.every((f) => c.participants.some((p) => p.sessions.some((s) => s.segments.some((seg) => evalFilter(f, segmentSubject(c, p, s, seg))))));
}
function conversationSubject(c) {
  return {
    dimension: (name) => name === "divisionId" ? c.divisionIds : c[name],
    metric(name) {
      if (name === "tConversationDuration") {
        const start = ms(c.conversationStart);
        const end = ms(c.conversationEnd);
        return start !== void 0 && end !== void 0 ? end - start : void 0;
      }
      let sum;
      for (const p of c.participants)
        for (const s of p.sessions)
          for (const m of s.metrics ?? [])
            if (m.name === name)
              sum = (sum ?? 0) + m.value;
      return sum;
    }
  };
}
function matchesConversationFilters(c, filters) {
  return filters.every((f) => evalFilter(f, conversationSubject(c)));
}
function matchesItemFilters(items, filters) {
  if (filters.length === 0)
    return true;
  const list = Array.isArray(items) ? items : [];
  const subject = (item) => ({
    dimension: (name) => item[name],
    metric: (name) => typeof item[name] === "number" ? item[name] : void 0
  });
  return filters.every((f) => list.some((item) => evalFilter(f, subject(item))));
}

// dist/sim/query.js
var MAX_INTERVAL_DAYS_NO_FILTER = 7;
var MAX_INTERVAL_DAYS_WITH_FILTER = 31;
var DEFAULT_PAGE_SIZE = 25;
var MAX_PAGE_SIZE = 100;
var MAX_RESULT_WINDOW = 1e5;
var QueryError = class extends Error {
  code;
  constructor(code, message) {
    super(message);
    this.code = code;
    this.name = "QueryError";
  }
};
var ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;
function parseInstant(s) {
  const m = ISO.exec(s);
  if (!m)
    return NaN;
  const [, date, time = "00:00:00", zone = "Z"] = m;
  return Date.parse(`${date}T${time}${zone}`);
}
function parseInterval(interval) {
  if (typeof interval !== "string")
    throw new QueryError("invalid.date", "interval is required: an ISO-8601 interval such as 2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z");
  const parts = interval.split("/");
  const startMs = parts.length === 2 ? parseInstant(parts[0]) : NaN;
  const endMs = parts.length === 2 ? parseInstant(parts[1]) : NaN;
  if (Number.isNaN(startMs) || Number.isNaN(endMs))
    throw new QueryError("invalid.date", `Dates must be ISO-8601: invalid interval '${interval}'`);
  if (startMs >= endMs)
    throw new QueryError("invalid.date", `The interval start must be before its end: '${interval}'`);
  return { startMs, endMs };
}
function touchedDays(startMs, endMs) {
  const days = [];
  for (let d = Math.floor(startMs / DAY_MS); d * DAY_MS < endMs; d++)
    days.push(d);
  return days;
}
function intField(body, name, fallback) {
  const v = body[name];
  if (v === void 0 || v === null)
    return fallback;
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new QueryError("invalid.value", `paging.${name} must be an integer`);
  return v;
}
function parseFilterSet(body) {
  try {
    return {
      segmentFilters: parseFilters(body["segmentFilters"], "segment", "segmentFilters"),
      conversationFilters: parseFilters(body["conversationFilters"], "conversation", "conversationFilters"),
      evaluationFilters: parseFilters(body["evaluationFilters"], "evaluation", "evaluationFilters"),
      surveyFilters: parseFilters(body["surveyFilters"], "survey", "surveyFilters"),
      resolutionFilters: parseFilters(body["resolutionFilters"], "resolution", "resolutionFilters")
    };
  } catch (err) {
    if (err instanceof FilterError)
      throw new QueryError(err.code, err.message);
    throw err;
  }
}
var hasFilters = (filters) => Object.values(filters).some((list) => list.length > 0);
function matchesFilterSet(c, q) {
  return matchesSegmentFilters(c, q.segmentFilters) && matchesConversationFilters(c, q.conversationFilters) && matchesItemFilters(c["evaluations"], q.evaluationFilters) && matchesItemFilters(c["surveys"], q.surveyFilters) && matchesItemFilters(c["resolutions"], q.resolutionFilters);
}
function parseQuery(raw) {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new QueryError("bad.request", "The request body must be a JSON object");
  const body = raw;
  const { startMs, endMs } = parseInterval(body["interval"]);
  const filters = parseFilterSet(body);
  const filtered = hasFilters(filters);
  const maxDays = filtered ? MAX_INTERVAL_DAYS_WITH_FILTER : MAX_INTERVAL_DAYS_NO_FILTER;
  if (endMs - startMs > maxDays * DAY_MS) {
    throw new QueryError("bad.request", filtered ? `Query interval exceeds the maximum of ${MAX_INTERVAL_DAYS_WITH_FILTER} days` : `Query interval exceeds the maximum of ${MAX_INTERVAL_DAYS_NO_FILTER} days when no filters are specified; add a filter to query up to ${MAX_INTERVAL_DAYS_WITH_FILTER} days`);
  }
  const order = body["order"] ?? "asc";
  if (order !== "asc" && order !== "desc" && order !== "unordered")
    throw new QueryError("invalid.value", "order must be one of [asc, desc, unordered]");
  const orderBy = body["orderBy"] ?? "conversationStart";
  if (orderBy !== "conversationStart" && orderBy !== "conversationEnd" && orderBy !== "segmentStart" && orderBy !== "segmentEnd") {
    throw new QueryError("invalid.value", "orderBy must be one of [conversationStart, conversationEnd, segmentStart, segmentEnd]");
  }
  const paging = body["paging"] ?? {};
  if (typeof paging !== "object")
    throw new QueryError("bad.request", "paging must be an object");
  const pageSize = intField(paging, "pageSize", DEFAULT_PAGE_SIZE);
  const pageNumber = intField(paging, "pageNumber", 1);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw new QueryError("bad.request", `paging.pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  if (pageNumber < 1)
    throw new QueryError("bad.request", "paging.pageNumber must be 1 or greater");
  if (pageSize * pageNumber > MAX_RESULT_WINDOW) {
    throw new QueryError("bad.request", `Paging past ${MAX_RESULT_WINDOW} results is not allowed (pageSize * pageNumber = ${pageSize * pageNumber}). Narrow the interval or add filters, or use an asynchronous details job.`);
  }
  return {
    startMs,
    endMs,
    ...filters,
    // 'unordered' may come back in any order; ascending is a valid choice.
    order: order === "desc" ? "desc" : "asc",
    // segmentStart/segmentEnd are approximated by the conversation's own start/end.
    orderBy: orderBy === "conversationEnd" || orderBy === "segmentEnd" ? "conversationEnd" : "conversationStart",
    pageSize,
    pageNumber
  };
}
function compareByEnd(a, b) {
  const ea = a.conversationEnd ?? "\uFFFF";
  const eb = b.conversationEnd ?? "\uFFFF";
  return ea !== eb ? ea < eb ? -1 : 1 : compareByStart(a, b);
}
function selectMatches(q, day) {
  const hits = [];
  for (const d of touchedDays(q.startMs, q.endMs)) {
    day(d).forEach((c, index) => {
      if (matchesFilterSet(c, q))
        hits.push({ c, ref: { day: d, index } });
    });
  }
  if (q.orderBy === "conversationEnd")
    hits.sort((a, b) => compareByEnd(a.c, b.c));
  if (q.order === "desc")
    hits.reverse();
  return hits.map((h) => h.ref);
}
function pageOf(matches, pageSize, pageNumber, resolve) {
  const from = (pageNumber - 1) * pageSize;
  const page = matches.slice(from, from + pageSize).map(resolve);
  return page.length > 0 ? { totalHits: matches.length, conversations: page } : { totalHits: matches.length };
}
function matchKey(q) {
  const { pageSize: _s, pageNumber: _n, startMs, endMs, ...rest } = q;
  return JSON.stringify({ days: touchedDays(startMs, endMs), ...rest });
}

// dist/sim/jobs.js
var DEFAULT_JOB_PAGE_SIZE = 100;
var MAX_JOB_PAGE_SIZE = 1e3;
var OVERLAP_LOOKBACK_DAYS = 3;
function conversationJobSource(store, serve) {
  return {
    recordsKey: "conversations",
    nowMs: store.ctx.nowMs,
    select(body, interval, availabilityMs) {
      const filters = parseFilterSet(body);
      const startOfDay = body["startOfDayIntervalMatching"];
      if (startOfDay !== void 0 && typeof startOfDay !== "boolean")
        throw new QueryError("invalid.value", "startOfDayIntervalMatching must be a boolean");
      return selectOverlapping(store, interval, filters, startOfDay === true, availabilityMs);
    },
    serve: (refs) => refs.map((ref) => serve(store.at(ref.day, ref.index)))
  };
}
var JobStore = class {
  env;
  jobs = /* @__PURE__ */ new Map();
  creates = new RateLimiter();
  script = [];
  created = 0;
  constructor(env) {
    this.env = env;
  }
  now() {
    return (this.env.wallNowMs ?? Date.now)();
  }
  /** The lake's horizon: conversations that started before it are complete in job results. */
  availabilityMs() {
    return this.env.source.nowMs - this.env.settings().lakeLagMs;
  }
  queueFaults(faults) {
    this.script.push(...faults);
  }
  clearFaults() {
    this.script = [];
  }
  list() {
    const now = this.now();
    return [...this.jobs.values()].map((j) => ({ id: j.id, state: this.stateOf(j, now), matches: j.matched, submissionDate: new Date(j.submittedMs).toISOString(), deleted: j.deleted }));
  }
  /** Marks a job CANCELLED as if someone else deleted it (tests). */
  cancel(id) {
    const job = this.jobs.get(id);
    if (!job)
      return false;
    job.cancelled = true;
    job.refs = [];
    return true;
  }
  create(owner, raw) {
    const s = this.env.settings();
    const now = this.now();
    this.sweep(now);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return bad("The request body must be a JSON object");
    const body = raw;
    let interval;
    try {
      interval = parseInterval(body["interval"]);
    } catch (err) {
      if (err instanceof QueryError)
        return { status: 400, code: err.code, message: err.message };
      throw err;
    }
    if (interval.endMs - interval.startMs > s.maxJobIntervalDays * DAY_MS) {
      return bad(`Job interval exceeds the maximum of ${s.maxJobIntervalDays} days`);
    }
    const limit = body["limit"];
    if (limit !== void 0 && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1))
      return { status: 400, code: "invalid.value", message: "limit must be a positive integer" };
    if (body["paging"] !== void 0)
      return bad("paging is not supported by details jobs; read results by cursor");
    if (s.jobConcurrencyLimit > 0) {
      const active = [...this.jobs.values()].filter((j) => j.owner === owner && isRunning(this.stateOf(j, now)));
      if (active.length >= s.jobConcurrencyLimit) {
        const soonest = Math.min(...active.map((j) => j.fault === "stuck" ? now + SECOND_MS : j.doneAtMs));
        return limited(Math.max(1, Math.ceil((soonest - now) / 1e3)), `Maximum of ${s.jobConcurrencyLimit} concurrent details jobs reached`);
      }
    }
    if (s.jobCreatesPerMinute > 0) {
      const r = this.creates.take(owner, s.jobCreatesPerMinute, now);
      if (!r.allowed)
        return limited(r.resetSeconds, `Details job create rate exceeded the maximum [${s.jobCreatesPerMinute}] per minute`);
    }
    const availabilityMs = this.availabilityMs();
    let refs;
    try {
      refs = this.env.source.select(body, interval, availabilityMs);
    } catch (err) {
      if (err instanceof QueryError)
        return { status: 400, code: err.code, message: err.message };
      throw err;
    }
    if (typeof limit === "number")
      refs = refs.slice(0, limit);
    if (s.jobResultsEnd === "results" && refs.length > 0)
      refs = refs.slice(0, Math.min(refs.length - 1, Math.ceil(refs.length * 0.9)));
    const fault = this.script.shift() ?? "ok";
    const queuedUntilMs = this.now() + s.jobQueueMs;
    const doneAtMs = queuedUntilMs + Math.max(1, Math.round(s.jobMsPerThousand * refs.length / 1e3));
    const job = {
      id: randomUUID(),
      owner,
      submittedMs: now,
      queuedUntilMs,
      doneAtMs,
      expiresAtMs: fault === "expire" ? doneAtMs : doneAtMs + s.jobRetentionMs,
      availabilityMs,
      refs,
      matched: refs.length,
      fault,
      failed: fault === "fail" || fault === "ok" && s.jobFailureRate > 0 && this.env.chance(s.jobFailureRate),
      cancelled: false,
      deleted: false,
      expiredEarly: false
    };
    this.jobs.set(job.id, job);
    this.created++;
    return { status: 202, body: { jobId: job.id } };
  }
  status(id) {
    const job = this.jobs.get(id);
    if (!job)
      return notFound(id);
    const now = this.now();
    const state = this.stateOf(job, now);
    const body = { state, submissionDate: new Date(job.submittedMs).toISOString() };
    if (state === "FAILED")
      body["errorMessage"] = "The job failed while reading the data lake (simulated failure)";
    if (state === "FULFILLED" || state === "FAILED" || state === "EXPIRED")
      body["completionDate"] = new Date(job.doneAtMs).toISOString();
    if (job.fault !== "stuck")
      body["expirationDate"] = new Date(job.expiresAtMs).toISOString();
    return { status: 200, body };
  }
  results(id, params) {
    const job = this.jobs.get(id);
    if (!job || job.cancelled)
      return notFound(id);
    const state = this.stateOf(job, this.now());
    if (state === "EXPIRED")
      return { status: 410, code: "results.expired", message: `The results of job ${id} have expired` };
    if (state !== "FULFILLED")
      return bad(`Job ${id} is ${state}; results are available once it is FULFILLED`);
    const sizeText = params.get("pageSize");
    const pageSize = sizeText === null ? DEFAULT_JOB_PAGE_SIZE : Number(sizeText);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_JOB_PAGE_SIZE)
      return bad(`pageSize must be between 1 and ${MAX_JOB_PAGE_SIZE}`);
    const cursor = params.get("cursor");
    const offset = cursor === null || cursor === "" ? 0 : decodeCursor(id, cursor);
    if (offset === void 0 || offset > job.refs.length)
      return bad(`Invalid cursor for job ${id}`);
    const slice = job.refs.slice(offset, offset + pageSize);
    const next = offset + slice.length;
    if (job.fault === "expire-after-first-page")
      job.expiredEarly = true;
    return {
      status: 200,
      body: {
        [this.env.source.recordsKey]: this.env.source.serve(slice),
        ...next < job.refs.length && !(offset === 0 && this.env.settings().jobResultsEnd === "cursor") ? { cursor: encodeCursor(id, next) } : {},
        dataAvailabilityDate: new Date(job.availabilityMs).toISOString()
      }
    };
  }
  delete(id) {
    if (!this.cancel(id))
      return notFound(id);
    this.jobs.get(id).deleted = true;
    return { status: 204 };
  }
  stateOf(job, now) {
    if (job.cancelled)
      return "CANCELLED";
    if (now < job.queuedUntilMs)
      return "QUEUED";
    if (job.fault === "stuck" || now < job.doneAtMs)
      return "PENDING";
    if (job.failed)
      return "FAILED";
    if (job.expiredEarly || now >= job.expiresAtMs)
      return "EXPIRED";
    return "FULFILLED";
  }
  /** Forgets the match lists of jobs nobody can read any more. */
  sweep(now) {
    for (const job of this.jobs.values()) {
      const state = this.stateOf(job, now);
      if (state === "EXPIRED" || state === "FAILED" || state === "CANCELLED")
        job.refs = [];
    }
  }
};
function selectOverlapping(store, interval, filters, startOfDay, availabilityMs) {
  const startDay = Math.floor(interval.startMs / DAY_MS);
  const firstDay = startOfDay ? startDay : startDay - OVERLAP_LOOKBACK_DAYS;
  const lastDay = Math.floor((Math.min(interval.endMs, availabilityMs) - 1) / DAY_MS);
  const refs = [];
  for (let d = firstDay; d <= lastDay; d++) {
    store.day(d).forEach((c, index) => {
      const startMs = Date.parse(c.conversationStart);
      if (startMs >= availabilityMs || startMs >= interval.endMs)
        return;
      const endMs = c.conversationEnd === void 0 ? Infinity : Date.parse(c.conversationEnd);
      if (endMs <= interval.startMs)
        return;
      if (matchesFilterSet(c, filters))
        refs.push({ day: d, index });
    });
  }
  return refs;
}
var isRunning = (state) => state === "QUEUED" || state === "PENDING";
var bad = (message) => ({ status: 400, code: "bad.request", message });
var notFound = (id) => ({ status: 404, code: "not.found", message: `Job ${id} not found` });
var limited = (seconds, message) => ({
  status: 429,
  code: "too.many.requests.retry.after",
  message: `${message}. Retry the request in [${seconds}] seconds`,
  headers: { "retry-after": String(seconds) }
});
function encodeCursor(jobId, offset) {
  return Buffer.from(`${jobId}:${offset}`).toString("base64url");
}
function decodeCursor(jobId, cursor) {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const [id, offset] = text.split(":");
  if (id !== jobId || offset === void 0 || !/^\d+$/.test(offset))
    return void 0;
  return Number(offset);
}

// dist/sim/server.js
import { createServer } from "node:http";

// dist/sim/http.js
import { randomUUID as randomUUID2 } from "node:crypto";
function errorBody(status, code, message) {
  return { message, code, status, contextId: randomUUID2(), details: [], errors: [] };
}
function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  const correlation = typeof body === "object" && body !== null && "contextId" in body ? String(body.contextId) : randomUUID2();
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    "inin-correlation-id": correlation,
    ...headers
  });
  res.end(text);
}
function sendError(res, status, code, message, headers = {}) {
  sendJson(res, status, errorBody(status, code, message), headers);
}
var BodyTooLargeError = class extends Error {
  maxBytes;
  constructor(maxBytes) {
    super(`The request is over the size limit. Maximum bytes: ${maxBytes}`);
    this.maxBytes = maxBytes;
    this.name = "BodyTooLargeError";
  }
};
async function readBody(req, maxBytes) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk;
    size += buf.length;
    if (maxBytes === 0 || size <= maxBytes)
      chunks.push(buf);
  }
  if (maxBytes > 0 && size > maxBytes)
    throw new BodyTooLargeError(maxBytes);
  return Buffer.concat(chunks).toString("utf8");
}

// dist/sim/responses.js
var LEGACY_LIMIT_PER_MINUTE = 300;
function sendRateLimited(res, kind, seconds, extraHeaders = {}) {
  const s = String(seconds);
  const withSeconds = `Rate limit exceeded the maximum. Retry the request in [${s}] seconds`;
  switch (kind) {
    case "429-reset-only":
      return sendError(res, 429, "too.many.requests.retry.after", "Rate limit exceeded the maximum", { ...extraHeaders, "inin-ratelimit-reset": s });
    case "429-message-only":
      return sendError(res, 429, "too.many.requests.retry.after", withSeconds, extraHeaders);
    case "429-legacy":
      return sendError(res, 429, "too.many.requests", `Rate limit exceeded the maximum [${LEGACY_LIMIT_PER_MINUTE}] requests within [60] seconds`, extraHeaders);
    default:
      return sendError(res, 429, "too.many.requests.retry.after", withSeconds, { ...extraHeaders, "retry-after": s, "inin-ratelimit-reset": s });
  }
}
var SERVER_ERRORS = {
  "500": [500, "internal.server.error", "The server encountered an internal error. Please try again."],
  "502": [502, "bad.gateway", "The upstream service returned an invalid response."],
  "503": [503, "service.unavailable", "The service is currently unavailable. Please try again later."],
  "504": [504, "request.timeout", "The request timed out."]
};
function sendFault(res, kind, retryAfterSeconds) {
  if (kind.startsWith("429"))
    return sendRateLimited(res, kind, retryAfterSeconds);
  if (kind === "401")
    return sendError(res, 401, "bad.credentials", "Invalid login credentials.");
  const known = SERVER_ERRORS[kind] ?? SERVER_ERRORS["500"];
  sendError(res, known[0], known[1], known[2]);
}

// dist/sim/user-activity-api.js
var USER_DETAILS_QUERY_PATH = "/api/v2/analytics/users/details/query";
var USER_JOBS_PATH = "/api/v2/analytics/users/details/jobs";
var USER_JOB_PATH = /^\/api\/v2\/analytics\/users\/details\/jobs\/([^/]+)(\/results)?$/;
var LEGACY_DEFINITIONS_PATH = "/api/v2/presencedefinitions";
var DEFINITIONS_PATH = "/api/v2/presence/definitions";
var MAX_DAYS_NO_FILTER = 7;
var MAX_DAYS_WITH_FILTER = 31;
var DEFAULT_PAGE_SIZE2 = 25;
var MAX_PAGE_SIZE2 = 100;
var DEFAULT_DEFINITIONS_PAGE_SIZE = 25;
var MAX_DEFINITIONS_PAGE_SIZE = 100;
function isUserActivityRoute(method, path) {
  if (method === "POST" && (path === USER_DETAILS_QUERY_PATH || path === USER_JOBS_PATH))
    return true;
  if (method === "GET" && (path === `${USER_JOBS_PATH}/availability` || path === LEGACY_DEFINITIONS_PATH || path === DEFINITIONS_PATH))
    return true;
  const job = USER_JOB_PATH.exec(path);
  return job !== null && (method === "GET" || method === "DELETE" && !job[2]);
}
var ENTRIES_CACHE_SIZE = 16;
var UserActivityApi = class {
  timelines;
  settings;
  jobs;
  /** The timelines never change, so a query's entries are computed once for all its pages (not once per page). */
  entriesCache = /* @__PURE__ */ new Map();
  constructor(timelines, settings, chance) {
    this.timelines = timelines;
    this.settings = settings;
    const ownLag = () => {
      const s = settings();
      return s.userDetailsLakeLagMs === null ? s : { ...s, lakeLagMs: s.userDetailsLakeLagMs };
    };
    this.jobs = new JobStore({ source: this.jobSource(), settings: ownLag, chance });
  }
  /** Ground truth: each user's records overlapping [fromMs, toMs), whole, as served (users sorted, records by start). */
  expected(fromMs, toMs, userIds) {
    const matched = this.matching(fromMs, toMs, userIds, Infinity);
    return groupByUser(matched);
  }
  /** Answers one request on a users details or presence definitions route. */
  answer(method, url, body, owner) {
    const path = url.pathname;
    if (path === LEGACY_DEFINITIONS_PATH)
      return legacyDefinitions(this.timelines.ctx.presences, url.searchParams);
    if (path === DEFINITIONS_PATH)
      return definitions(this.timelines.ctx.presences, url.searchParams);
    if (this.settings().userDetailsForbidden) {
      return { status: 403, code: "missing.any.permissions", message: "Unable to perform the requested action. You are missing the following permission(s): analytics:userDetail:view" };
    }
    if (this.settings().userDetailsNotFound)
      return { status: 404, code: "not.found", message: `No resource found for ${method} ${path}` };
    if (path === USER_DETAILS_QUERY_PATH)
      return this.query(body);
    if (path === USER_JOBS_PATH)
      return this.jobs.create(owner, body);
    if (path === `${USER_JOBS_PATH}/availability`)
      return { status: 200, body: { dataAvailabilityDate: new Date(this.jobs.availabilityMs()).toISOString() } };
    const [, rawId, results] = USER_JOB_PATH.exec(path);
    const id = decodeURIComponent(rawId);
    if (method === "DELETE")
      return this.jobs.delete(id);
    return results ? this.jobs.results(id, url.searchParams) : this.jobs.status(id);
  }
  query(raw) {
    let parsed;
    try {
      parsed = parseUserQuery(raw);
    } catch (err) {
      if (err instanceof QueryError)
        return { status: 400, code: err.code, message: err.message };
      throw err;
    }
    const entries = this.entries(parsed);
    const slice = entries.slice((parsed.pageNumber - 1) * parsed.pageSize, parsed.pageNumber * parsed.pageSize);
    const totalHits = Math.max(0, Math.round(entries.length * (1 + this.settings().userDetailsTotalHitsBias)));
    if (slice.length === 0)
      return { status: 200, body: { totalHits } };
    const seen = /* @__PURE__ */ new Set();
    const unique = slice.filter((e) => !seen.has(e.record) && seen.add(e.record));
    return { status: 200, body: { userDetails: groupByUser(unique), totalHits } };
  }
  /** The stored entries a query pages over, in order (user, start, kind, day); remembered for its next pages. */
  entries(q) {
    const key = `${q.startMs}|${q.endMs}|${q.order}|${q.userIds?.join(",") ?? "*"}`;
    const hit = this.entriesCache.get(key);
    if (hit)
      return hit;
    const entries = this.matchEntries(q);
    this.entriesCache.set(key, entries);
    if (this.entriesCache.size > ENTRIES_CACHE_SIZE)
      this.entriesCache.delete(this.entriesCache.keys().next().value);
    return entries;
  }
  matchEntries(q) {
    const touchedFirst = Math.floor(q.startMs / DAY_MS);
    const touchedLast = Math.floor((q.endMs - 1) / DAY_MS);
    const nowMs = this.timelines.ctx.nowMs;
    const entries = this.matching(q.startMs, q.endMs, q.userIds, Infinity).flatMap((m) => {
      const startDay = Math.floor(m.record.startMs / DAY_MS);
      const endDay = Math.floor(((m.record.endMs ?? nowMs) - 1) / DAY_MS);
      const days = [.../* @__PURE__ */ new Set([startDay, Math.max(startDay, endDay)])].filter((d) => d >= touchedFirst && d <= touchedLast);
      return (days.length > 0 ? days : [startDay]).map((day) => ({ ...m, day }));
    });
    return q.order === "desc" ? entries.reverse() : entries;
  }
  /** Records overlapping [fromMs, toMs) that started before `horizonMs`, by user then start (presence before routing on ties). */
  matching(fromMs, toMs, userIds, horizonMs) {
    const wanted = userIds ? new Set(userIds) : void 0;
    const out = [];
    for (const userId of this.timelines.userIds()) {
      if (wanted && !wanted.has(userId))
        continue;
      const mine = this.timelines.records(userId).filter((r) => r.startMs < toMs && r.startMs < horizonMs && (r.endMs ?? Infinity) > fromMs);
      mine.sort((a, b) => a.startMs - b.startMs || (a.kind === b.kind ? 0 : a.kind === "presence" ? -1 : 1));
      for (const record of mine)
        out.push({ userId, record });
    }
    return out;
  }
  jobSource() {
    return {
      recordsKey: "userDetails",
      nowMs: this.timelines.ctx.nowMs,
      select: (body, interval, availabilityMs) => {
        const userIds = parseUserFilters(body["userFilters"]);
        rejectUnsupportedFilters(body);
        return this.matching(interval.startMs, interval.endMs, userIds, availabilityMs).map((m) => m.record.endMs === void 0 || m.record.endMs <= availabilityMs ? m : { ...m, record: openCopy(m.record) });
      },
      serve: (records) => groupByUser(records)
    };
  }
};
function parseUserQuery(raw) {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new QueryError("bad.request", "The request body must be a JSON object");
  const body = raw;
  const { startMs, endMs } = parseInterval(body["interval"]);
  const userIds = parseUserFilters(body["userFilters"]);
  rejectUnsupportedFilters(body);
  const maxDays = userIds !== void 0 ? MAX_DAYS_WITH_FILTER : MAX_DAYS_NO_FILTER;
  if (endMs - startMs > maxDays * DAY_MS) {
    throw new QueryError("bad.request", `The interval is limited to ${maxDays} days ${userIds ? "with" : "without"} filters`);
  }
  const order = body["order"] ?? "asc";
  if (order !== "asc" && order !== "desc" && order !== "unordered")
    throw new QueryError("invalid.value", "order must be one of [asc, desc, unordered]");
  const paging = body["paging"] ?? {};
  const pageSize = paging["pageSize"] ?? DEFAULT_PAGE_SIZE2;
  const pageNumber = paging["pageNumber"] ?? 1;
  if (typeof pageSize !== "number" || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE2) {
    throw new QueryError("bad.request", `paging.pageSize must be between 1 and ${MAX_PAGE_SIZE2}`);
  }
  if (typeof pageNumber !== "number" || !Number.isInteger(pageNumber) || pageNumber < 1)
    throw new QueryError("bad.request", "paging.pageNumber must be 1 or greater");
  return { startMs, endMs, userIds, order: order === "desc" ? "desc" : "asc", pageSize, pageNumber };
}
function parseUserFilters(raw) {
  if (raw === void 0 || raw === null)
    return void 0;
  if (!Array.isArray(raw))
    throw new QueryError("invalid.value", "userFilters must be an array");
  const ids = [];
  const predicates = (list) => Array.isArray(list) ? list : [];
  for (const filter of raw) {
    const all = [...predicates(filter["predicates"]), ...predicates(filter["clauses"]).flatMap((c) => predicates(c["predicates"]))];
    for (const p of all) {
      if (p["dimension"] !== "userId")
        throw new QueryError("invalid.value", `User filters are limited to the userId dimension, got ${String(p["dimension"])}`);
      if (typeof p["value"] !== "string" || p["value"] === "")
        throw new QueryError("invalid.value", "A userId predicate needs a value");
      ids.push(p["value"]);
    }
  }
  return ids.length > 0 ? ids : void 0;
}
function rejectUnsupportedFilters(body) {
  for (const key of ["presenceFilters", "routingStatusFilters", "presenceAggregations", "routingStatusAggregations"]) {
    const value = body[key];
    if (Array.isArray(value) && value.length > 0)
      throw new QueryError("bad.request", `${key} are not supported by the simulator`);
  }
}
function groupByUser(records) {
  const byUser = /* @__PURE__ */ new Map();
  for (const { userId, record } of records) {
    let detail = byUser.get(userId);
    if (!detail)
      byUser.set(userId, detail = { userId });
    const served = serveRecord(record);
    if (record.kind === "presence")
      (detail.primaryPresence ??= []).push(served);
    else
      (detail.routingStatus ??= []).push(served);
  }
  return [...byUser.values()];
}
function serveRecord(r) {
  const times = { startTime: new Date(r.startMs).toISOString(), ...r.endMs !== void 0 ? { endTime: new Date(r.endMs).toISOString() } : {} };
  if (r.kind === "routing")
    return { ...times, routingStatus: r.value };
  return { ...times, systemPresence: r.value, ...r.organizationPresenceId ? { organizationPresenceId: r.organizationPresenceId } : {} };
}
function openCopy(r) {
  const { endMs: _open, ...rest } = r;
  return rest;
}
function definitionOf(p, legacy) {
  const self = `${legacy ? LEGACY_DEFINITIONS_PATH : DEFINITIONS_PATH}/${p.id}`;
  const common = { id: p.id, name: p.name, languageLabels: { en_US: p.name }, systemPresence: p.definitionPresence, deactivated: p.deactivated };
  return legacy ? { ...common, primary: p.primary, selfUri: self } : { ...common, type: p.primary ? "System" : "User", selfUri: self };
}
function legacyDefinitions(presences, q) {
  const deleted = (q.get("deleted") ?? "false").toUpperCase();
  if (!["FALSE", "TRUE", "ALL"].includes(deleted))
    return { status: 400, code: "invalid.value", message: "deleted must be one of TRUE, FALSE or ALL" };
  const pageSize = Number(q.get("pageSize") ?? DEFAULT_DEFINITIONS_PAGE_SIZE);
  const pageNumber = Number(q.get("pageNumber") ?? 1);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_DEFINITIONS_PAGE_SIZE)
    return { status: 400, code: "bad.request", message: `pageSize must be between 1 and ${MAX_DEFINITIONS_PAGE_SIZE}` };
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    return { status: 400, code: "bad.request", message: "pageNumber must be 1 or greater" };
  const all = presences.filter((p) => deleted === "ALL" || p.deactivated === (deleted === "TRUE"));
  const total = all.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (n) => `${LEGACY_DEFINITIONS_PATH}?pageSize=${pageSize}&pageNumber=${n}&deleted=${deleted.toLowerCase()}`;
  return {
    status: 200,
    body: {
      entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((p) => definitionOf(p, true)),
      pageSize,
      pageNumber,
      total,
      pageCount,
      firstUri: uri(1),
      ...pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {},
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber)
    }
  };
}
function definitions(presences, q) {
  const deactivated = (q.get("deactivated") ?? "false").toUpperCase();
  if (deactivated !== "FALSE" && deactivated !== "TRUE")
    return { status: 400, code: "invalid.value", message: "deactivated must be TRUE or FALSE" };
  const entities = presences.filter((p) => p.deactivated === (deactivated === "TRUE")).map((p) => definitionOf(p, false));
  return { status: 200, body: { total: entities.length, entities, selfUri: DEFINITIONS_PATH } };
}

// dist/sim/users.js
var MAX_USERS_PAGE_SIZE = 500;
var DEFAULT_USERS_PAGE_SIZE = 25;
function usersInState(users, state) {
  return state === "any" ? [...users] : users.filter((u) => u.state === state);
}
function intParam2(q, name, fallback) {
  const raw = q.get(name);
  if (raw === null || raw === "")
    return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : void 0;
}
function usersPage(users, q) {
  const state = q.get("state") ?? "active";
  if (!["active", "inactive", "deleted", "any"].includes(state)) {
    return { status: 400, code: "invalid.value", message: "state must be one of [active, inactive, deleted, any]" };
  }
  const pageSize = intParam2(q, "pageSize", DEFAULT_USERS_PAGE_SIZE);
  const pageNumber = intParam2(q, "pageNumber", 1);
  if (pageSize === void 0 || pageSize < 1 || pageSize > MAX_USERS_PAGE_SIZE) {
    return { status: 400, code: "bad.request", message: `pageSize must be between 1 and ${MAX_USERS_PAGE_SIZE}` };
  }
  if (pageNumber === void 0 || pageNumber < 1)
    return { status: 400, code: "bad.request", message: "pageNumber must be 1 or greater" };
  const descending = q.get("sortOrder")?.toLowerCase() === "descending";
  const ids = [...q.getAll("id"), ...q.getAll("id[]")].flatMap((v) => v.split(",")).filter(Boolean);
  let selected = usersInState(users, state);
  if (ids.length > 0)
    selected = selected.filter((u) => ids.includes(u.id));
  selected.sort((a, b) => a.name === b.name ? a.id < b.id ? -1 : 1 : a.name < b.name ? -1 : 1);
  if (descending)
    selected.reverse();
  const total = selected.length;
  const pageCount = Math.ceil(total / pageSize);
  const entities = selected.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const uri = (n) => {
    const params = new URLSearchParams({ pageSize: String(pageSize), pageNumber: String(n), state });
    if (descending)
      params.set("sortOrder", "descending");
    for (const id of ids)
      params.append("id", id);
    return `/api/v2/users?${params.toString()}`;
  };
  return {
    status: 200,
    body: {
      entities,
      pageSize,
      pageNumber,
      total,
      pageCount,
      firstUri: uri(1),
      ...pageNumber > 1 ? { previousUri: uri(Math.min(pageNumber - 1, Math.max(1, pageCount))) } : {},
      ...pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {},
      lastUri: uri(Math.max(1, pageCount)),
      selfUri: uri(pageNumber)
    }
  };
}
function userById(users, id, state) {
  const user = users.find((u) => u.id === id);
  if (!user)
    return void 0;
  const wantDeleted = state === "deleted";
  return user.state === "deleted" === wantDeleted ? user : void 0;
}

// dist/sim/server.js
var emptyStats = () => ({
  requests: { token: 0, users: 0, referenceLists: 0, detailsQuery: 0, detailsJobs: 0, userActivity: 0, other: 0 },
  byStatus: {},
  inFlight: 0,
  peakInFlight: 0,
  tokensIssued: 0,
  dropped: 0
});
var JOB_ROUTES = /* @__PURE__ */ new Set(["jobCreate", "jobAvailability", "jobStatus", "jobResults", "jobDelete"]);
var DETAILS_QUERY_PATH = "/api/v2/analytics/conversations/details/query";
var JOBS_PATH = "/api/v2/analytics/conversations/details/jobs";
var JOB_PATH = /^\/api\/v2\/analytics\/conversations\/details\/jobs\/([^/]+)(\/results)?$/;
var QUERY_CACHE_SIZE = 8;
function routeOf(method, path) {
  if (method === "POST" && path === "/oauth/token")
    return "token";
  if (method === "GET" && path === "/api/v2/users")
    return "users";
  if (method === "GET" && /^\/api\/v2\/users\/[^/]+$/.test(path))
    return "user";
  if (method === "POST" && path === DETAILS_QUERY_PATH)
    return "detailsQuery";
  if (isUserActivityRoute(method, path))
    return "userActivity";
  if (method === "GET" && referenceListAt(path) !== void 0)
    return "referenceLists";
  if (method === "POST" && path === JOBS_PATH)
    return "jobCreate";
  if (method === "GET" && path === `${JOBS_PATH}/availability`)
    return "jobAvailability";
  const job = JOB_PATH.exec(path);
  if (job && method === "GET")
    return job[2] ? "jobResults" : "jobStatus";
  if (job && !job[2] && method === "DELETE")
    return "jobDelete";
  return "other";
}
function createSimServer(state) {
  const queryCache = /* @__PURE__ */ new Map();
  const open = /* @__PURE__ */ new Set();
  const matchesFor = (q) => {
    const key = matchKey(q);
    const hit = queryCache.get(key);
    if (hit && hit.version === state.store.version)
      return hit.matches;
    const matches = selectMatches(q, (d) => state.store.day(d));
    queryCache.delete(key);
    queryCache.set(key, { version: state.store.version, matches });
    if (queryCache.size > QUERY_CACHE_SIZE)
      queryCache.delete(queryCache.keys().next().value);
    return matches;
  };
  async function handleApi(req, res, route, url) {
    if (route === "other")
      return sendError(res, 404, "not.found", `No resource found for ${req.method} ${url.pathname}`);
    const token = parseBearer(req.headers.authorization);
    if (!token)
      return sendError(res, 401, "authentication.required", "No authentication bearer token specified in authorization header.");
    if (state.tokens.check(token, Date.now()) !== "ok")
      return sendError(res, 401, "bad.credentials", "Invalid login credentials.");
    const limit = state.faults.settings.rateLimitPerMinute;
    let headers = {};
    if (limit > 0) {
      const r = state.limiter.take(token, limit, Date.now());
      headers = { "inin-ratelimit-allowed": String(limit), "inin-ratelimit-count": String(r.count), "inin-ratelimit-reset": String(r.resetSeconds) };
      if (!r.allowed)
        return sendRateLimited(res, "429", r.resetSeconds, headers);
    }
    if (route === "users") {
      const r = usersPage(state.org.agents, url.searchParams);
      return r.status === 200 ? sendJson(res, 200, r.body, headers) : sendError(res, r.status, r.code, r.message, headers);
    }
    if (route === "referenceLists") {
      const r = referenceListPage(state.org, referenceListAt(url.pathname), url.searchParams, state.faults.settings.forbiddenLists);
      return r.status === 200 ? sendJson(res, 200, r.body, headers) : sendError(res, r.status, r.code, r.message, headers);
    }
    if (route === "user") {
      const id = decodeURIComponent(url.pathname.slice("/api/v2/users/".length));
      const user = userById(state.org.agents, id, url.searchParams.get("state"));
      return user ? sendJson(res, 200, user, headers) : sendError(res, 404, "not.found", `User ${id} not found`, headers);
    }
    if (route === "userActivity" && req.method !== "POST")
      return sendAnswer(res, state.activity.answer(req.method, url, void 0, token), headers);
    if (route === "jobAvailability")
      return sendJson(res, 200, { dataAvailabilityDate: new Date(state.jobs.availabilityMs()).toISOString() }, headers);
    if (route === "jobStatus" || route === "jobResults" || route === "jobDelete") {
      const id = decodeURIComponent(JOB_PATH.exec(url.pathname)[1]);
      const answer = route === "jobStatus" ? state.jobs.status(id) : route === "jobResults" ? state.jobs.results(id, url.searchParams) : state.jobs.delete(id);
      return sendAnswer(res, answer, headers);
    }
    const type = req.headers["content-type"];
    if (type !== void 0 && !/^application\/json\b/i.test(type)) {
      return sendError(res, 415, "unsupported.media.type", `Content type ${type} is not supported; use application/json`, headers);
    }
    let body;
    try {
      body = JSON.parse(await readBody(req, state.faults.settings.maxBodyBytes));
    } catch (err) {
      if (err instanceof BodyTooLargeError)
        return sendError(res, 413, "request.entity.too.large", err.message, headers);
      return sendError(res, 400, "bad.request", "The request body could not be parsed as JSON", headers);
    }
    if (route === "jobCreate")
      return sendAnswer(res, state.jobs.create(token, body), headers);
    if (route === "userActivity")
      return sendAnswer(res, state.activity.answer("POST", url, body, token), headers);
    let query;
    try {
      query = parseQuery(body);
    } catch (err) {
      if (err instanceof QueryError)
        return sendError(res, 400, err.code, err.message, headers);
      throw err;
    }
    const page = pageOf(matchesFor(query), query.pageSize, query.pageNumber, (ref) => state.store.at(ref.day, ref.index));
    lieAbout(page, query);
    const anomaly = takeAnomaly(query.pageNumber, page.conversations !== void 0);
    if (anomaly === "omit-total-hits")
      delete page.totalHits;
    if (anomaly === "shift")
      page.conversations = page.conversations.slice(1);
    if (page.conversations && state.corruption.size > 0) {
      const served = page.conversations.map((c) => {
        const kind = state.corruption.get(c.conversationId);
        return kind ? corrupted(c, kind) : c;
      });
      return sendJson(res, 200, { ...page, conversations: served }, headers);
    }
    return sendJson(res, 200, page, headers);
  }
  function lieAbout(page, query) {
    const { totalHitsLie, strayForDropped } = state.faults.settings;
    if (page.totalHits !== void 0)
      page.totalHits = announcedHits(page.totalHits, totalHitsLie);
    if (!strayForDropped || query.pageNumber !== 1 || !page.conversations)
      return;
    const stray = state.store.day(touchedDays(query.startMs, query.endMs)[0] - 1)[0];
    if (stray)
      page.conversations = [...page.conversations.slice(0, -1), stray];
  }
  function takeAnomaly(pageNumber, hasConversations) {
    if (!hasConversations)
      return void 0;
    const i = state.pageAnomalies.findIndex((a) => a.pageNumber === void 0 || a.pageNumber === pageNumber);
    return i < 0 ? void 0 : state.pageAnomalies.splice(i, 1)[0].kind;
  }
  async function handle(req, res) {
    const url = new URL(req.url ?? "/", "http://sim.invalid");
    const route = routeOf(req.method, url.pathname);
    const { stats } = state;
    stats.requests[route === "user" ? "users" : JOB_ROUTES.has(route) ? "detailsJobs" : route]++;
    const isApi = route !== "token";
    if (isApi)
      stats.peakInFlight = Math.max(stats.peakInFlight, ++stats.inFlight);
    open.add(res);
    try {
      const delay = state.faults.latencyMs();
      if (delay > 0)
        await sleep(delay);
      if (res.destroyed)
        return;
      const fault = state.faults.next(!isApi);
      if (fault === "drop") {
        stats.dropped++;
        req.socket.destroy();
        return;
      }
      if (fault === "hang") {
        await new Promise((resolve) => res.once("close", () => resolve()));
        return;
      }
      if (fault !== "ok")
        return sendFault(res, fault, state.faults.settings.retryAfterSeconds);
      if (route === "token") {
        const r = tokenResponse(req.headers.authorization, await readBody(req, 0), state.creds, state.tokens, state.faults.settings.tokenLifetimeSeconds, Date.now());
        if (r.status === 200)
          stats.tokensIssued++;
        return sendJson(res, r.status, r.body);
      }
      await handleApi(req, res, route, url);
    } catch (err) {
      if (!res.headersSent)
        sendError(res, 500, "internal.server.error", `Simulator error: ${err.message}`);
    } finally {
      open.delete(res);
      if (isApi)
        stats.inFlight--;
      if (res.headersSent)
        stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
    }
  }
  const pending = /* @__PURE__ */ new Set();
  const server = createServer((req, res) => {
    const p = handle(req, res).finally(() => pending.delete(p));
    pending.add(p);
  });
  const abortAll = async () => {
    for (const res of open)
      res.destroy();
    await Promise.allSettled([...pending]);
  };
  return { server, abortAll };
}
function sendAnswer(res, answer, headers) {
  const all = { ...headers, ...answer.headers };
  if (answer.status === 204) {
    res.writeHead(204, all);
    res.end();
    return;
  }
  if (answer.code !== void 0)
    return sendError(res, answer.status, answer.code, answer.message ?? "", all);
  sendJson(res, answer.status, answer.body, all);
}

// dist/sim/store.js
var CACHE_CONVERSATIONS = 2e4;
var MIN_CACHE_DAYS = 2;
var dayNumberOf = (ms2) => Math.floor(ms2 / DAY_MS);
var ConversationStore = class {
  ctx;
  startMs;
  endMs;
  cacheDays;
  /** Bumped on every mutation; query caches key on it. */
  version = 0;
  daysGenerated = 0;
  cache = /* @__PURE__ */ new Map();
  overrides = /* @__PURE__ */ new Map();
  /** Conversations erased upstream (a GDPR erasure, Genesys' nightly reprocessing): no API returns them. */
  erased = /* @__PURE__ */ new Set();
  constructor(ctx, startMs, endMs, cacheDays = Math.max(MIN_CACHE_DAYS, Math.floor(CACHE_CONVERSATIONS / Math.max(1, ctx.conversationsPerDay)))) {
    this.ctx = ctx;
    this.startMs = startMs;
    this.endMs = endMs;
    this.cacheDays = cacheDays;
  }
  get firstDay() {
    return dayNumberOf(this.startMs);
  }
  /** Last day holding data (inclusive). */
  get lastDay() {
    return dayNumberOf(this.endMs - 1);
  }
  /** Current (mutated) conversations of one UTC day that fall in range, in API order. */
  day(dayNumber) {
    const base = this.base(dayNumber);
    if (this.overrides.size === 0 && this.erased.size === 0)
      return base;
    return base.filter((c) => !this.erased.has(c.conversationId)).map((c) => this.overrides.get(c.conversationId) ?? c);
  }
  /** The current version of the `index`-th conversation of a day (see `day`). */
  at(dayNumber, index) {
    const c = this.erased.size === 0 ? this.base(dayNumber)[index] : this.day(dayNumber)[index];
    if (!c)
      throw new RangeError(`no conversation ${index} on day ${dayNumber}`);
    return this.overrides.get(c.conversationId) ?? c;
  }
  /** Generated (unmutated) conversations of a day in range; positions are stable across regenerations. */
  base(dayNumber) {
    if (dayNumber < this.firstDay || dayNumber > this.lastDay)
      return [];
    let base = this.cache.get(dayNumber);
    if (base) {
      this.cache.delete(dayNumber);
    } else {
      base = generateDay(this.ctx, dayNumber).filter((c) => this.inRange(Date.parse(c.conversationStart)));
      this.daysGenerated++;
      if (this.cache.size >= this.cacheDays) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== void 0)
          this.cache.delete(oldest);
      }
    }
    this.cache.set(dayNumber, base);
    return base;
  }
  /** Conversations whose start is in [fromMs, toMs), clipped to the simulated range. */
  between(fromMs, toMs) {
    const out = [];
    if (toMs <= fromMs)
      return out;
    const first = Math.max(dayNumberOf(fromMs), this.firstDay);
    const last = Math.min(dayNumberOf(toMs - 1), this.lastDay);
    for (let d = first; d <= last; d++) {
      for (const c of this.day(d)) {
        const t = Date.parse(c.conversationStart);
        if (t >= fromMs && t < toMs)
          out.push(c);
      }
    }
    return out;
  }
  /** Finds any conversation of the range by id in O(1) (the id encodes its day and index). */
  get(conversationId) {
    if (this.erased.has(conversationId))
      return void 0;
    const override = this.overrides.get(conversationId);
    if (override)
      return override;
    const where = decodeConversationId(this.ctx.idKey, conversationId);
    if (!where || where.index >= this.ctx.conversationsPerDay)
      return void 0;
    if (where.dayNumber < this.firstDay || where.dayNumber > this.lastDay)
      return void 0;
    const c = generateConversation(this.ctx, where.dayNumber, where.index);
    if (c.conversationId !== conversationId || !this.inRange(Date.parse(c.conversationStart)))
      return void 0;
    return c;
  }
  /** Replaces a conversation with a mutated copy (never mutate what `get`/`day` return). */
  put(conversation) {
    this.overrides.set(conversation.conversationId, conversation);
    this.version++;
  }
  /** Erases a conversation upstream (true), or brings it back (false). */
  setErased(conversationId, erased) {
    if (erased)
      this.erased.add(conversationId);
    else
      this.erased.delete(conversationId);
    this.version++;
  }
  inRange(ms2) {
    return ms2 >= this.startMs && ms2 < this.endMs;
  }
};

// dist/sim/user-activity.js
var SYSTEM_PRESENCES = [
  ["AVAILABLE", "Available", "Available"],
  ["AWAY", "Away", "Away"],
  ["BUSY", "Busy", "Busy"],
  ["OFFLINE", "Offline", "Offline"],
  ["IDLE", "Idle", "Idle"],
  ["ON_QUEUE", "OnQueue", "On Queue"],
  ["MEAL", "Meal", "Meal"],
  ["TRAINING", "Training", "Training"],
  ["MEETING", "Meeting", "Meeting"],
  ["BREAK", "Break", "Break"]
];
var SECONDARY_PRESENCES = [
  { name: "Lunch at desk", system: "MEAL" },
  { name: "Writing emails", system: "BUSY" },
  { name: "Coaching", system: "MEETING" },
  { name: "Smoke break", system: "BREAK", deactivatedDaysAgo: 3 }
];
var NIGHT_SHIFT_SHARE = 0.2;
var DAY_OFF_CHANCE = 1 / 7;
var LEAD_IN_DAYS = 2;
function generatePresences(seed) {
  const rng = Random.from(seed, "presences");
  const primaries = SYSTEM_PRESENCES.map(([system, definition, name]) => ({
    id: rng.uuid(),
    name,
    systemPresence: system,
    definitionPresence: definition,
    primary: true,
    deactivated: false
  }));
  const secondaries = SECONDARY_PRESENCES.map((s) => ({
    id: rng.uuid(),
    name: s.name,
    systemPresence: s.system,
    definitionPresence: SYSTEM_PRESENCES.find(([system]) => system === s.system)[1],
    primary: false,
    deactivated: "deactivatedDaysAgo" in s,
    ..."deactivatedDaysAgo" in s ? { deactivatedDaysAgo: s.deactivatedDaysAgo } : {}
  }));
  return [...primaries, ...secondaries];
}
var ActivityTimelines = class {
  ctx;
  cache;
  constructor(ctx) {
    this.ctx = ctx;
  }
  /** Agents with a timeline, by user id (sorted). */
  userIds() {
    return [...this.all().keys()].sort();
  }
  records(userId) {
    return this.all().get(userId) ?? [];
  }
  all() {
    this.cache ??= new Map(this.ctx.agents.map((agent, i) => [agent.id, buildTimeline(this.ctx, agent, i)]));
    return this.cache;
  }
};
function buildTimeline(ctx, agent, index) {
  const leftAtMs = ctx.leftAtMs.get(agent.id);
  const endMs = Math.min(ctx.nowMs, leftAtMs ?? Infinity);
  const night = Random.from(ctx.seed, "activity-shift", agent.id).chance(NIGHT_SHIFT_SHARE) || index % 5 === 4;
  const firstDay = Math.min(ctx.firstDay, leftAtMs === void 0 ? Infinity : Math.floor(leftAtMs / DAY_MS)) - LEAD_IN_DAYS;
  const blocks = [];
  const offline = primaryOf(ctx.presences, "OFFLINE");
  let cursor = firstDay * DAY_MS;
  for (let day = firstDay; day * DAY_MS < endMs; day++) {
    const rng = Random.from(ctx.seed, "activity", agent.id, day);
    if (rng.chance(DAY_OFF_CHANCE))
      continue;
    const shiftStart = day * DAY_MS + (night ? rng.int(20 * 60, 22 * 60) : rng.int(6 * 60, 10 * 60)) * MINUTE_MS;
    blocks.push({ startMs: cursor, endMs: shiftStart, presence: offline });
    cursor = shiftBlocks(ctx, rng, shiftStart, blocks);
  }
  blocks.push({ startMs: cursor, endMs: Infinity, presence: offline });
  const presence = blocks.map((b) => ({ kind: "presence", startMs: b.startMs, endMs: b.endMs, value: b.presence.systemPresence, organizationPresenceId: b.presence.id }));
  const routing = routingFor(ctx, agent.id, blocks);
  return [...clip(presence, endMs, ctx.nowMs), ...clip(routing, endMs, ctx.nowMs)];
}
function shiftBlocks(ctx, rng, startMs, out) {
  const shiftEnd = startMs + rng.int(8 * 60, 9 * 60 + 30) * MINUTE_MS;
  const mealAt = startMs + 4 * HOUR_MS;
  let t = startMs;
  let meal = false;
  const push = (minutes, presence) => {
    const end = Math.min(shiftEnd, t + minutes * MINUTE_MS);
    out.push({ startMs: t, endMs: end, presence });
    t = end;
  };
  push(rng.int(2, 10), primaryOf(ctx.presences, "AVAILABLE"));
  while (t < shiftEnd) {
    push(rng.int(50, 150), primaryOf(ctx.presences, "ON_QUEUE"));
    if (t >= shiftEnd)
      break;
    if (!meal && t >= mealAt) {
      meal = true;
      push(rng.int(30, 45), rng.chance(0.3) ? secondaryOf(ctx.presences, "MEAL") : primaryOf(ctx.presences, "MEAL"));
    } else {
      push(rng.int(10, 20), pickPause(ctx, rng, t));
    }
  }
  return shiftEnd;
}
function pickPause(ctx, rng, atMs) {
  const roll = rng.float();
  if (roll < 0.15)
    return primaryOf(ctx.presences, rng.chance(0.5) ? "MEETING" : "TRAINING");
  if (roll < 0.25)
    return secondaryOf(ctx.presences, rng.chance(0.5) ? "BUSY" : "MEETING");
  const retired = ctx.presences.find((p) => p.deactivatedDaysAgo !== void 0);
  if (retired && roll < 0.45 && atMs < ctx.nowMs - retired.deactivatedDaysAgo * DAY_MS)
    return retired;
  return primaryOf(ctx.presences, "BREAK");
}
function routingFor(ctx, userId, blocks) {
  const out = [];
  const push = (startMs, endMs, value) => {
    const last = out.at(-1);
    if (last && last.value === value && last.endMs === startMs)
      last.endMs = endMs;
    else
      out.push({ kind: "routing", startMs, endMs, value });
  };
  for (const block of blocks) {
    if (block.presence.systemPresence !== "ON_QUEUE") {
      push(block.startMs, block.endMs, "OFF_QUEUE");
      continue;
    }
    const rng = Random.from(ctx.seed, "routing", userId, block.startMs);
    let t = block.startMs;
    let interacting = false;
    while (t < block.endMs) {
      const value = interacting ? "INTERACTING" : rng.chance(0.06) ? "NOT_RESPONDING" : "IDLE";
      const minutes = value === "INTERACTING" ? rng.int(3, 15) : value === "NOT_RESPONDING" ? 1 : rng.int(1, 8);
      const end = Math.min(block.endMs, t + minutes * MINUTE_MS);
      push(t, end, value);
      t = end;
      interacting = !interacting;
    }
  }
  return out;
}
function clip(records, endMs, nowMs) {
  const out = [];
  for (const r of records) {
    if (r.startMs >= endMs)
      break;
    if (r.endMs === void 0 || r.endMs >= endMs) {
      const { endMs: _dropped, ...rest } = r;
      out.push(endMs >= nowMs ? rest : { ...rest, endMs });
      break;
    }
    out.push(r);
  }
  return out;
}
function primaryOf(presences, system) {
  return presences.find((p) => p.primary && p.systemPresence === system);
}
function secondaryOf(presences, system) {
  return presences.find((p) => !p.primary && !p.deactivated && p.systemPresence === system) ?? primaryOf(presences, system);
}

// dist/sim/index.js
var DEFAULT_SEED = 1;
var DEFAULT_DAYS = 7;
function resolveRange(o, nowMs) {
  const endMs = Math.min(o.end?.getTime() ?? nowMs, nowMs);
  const startMs = o.start?.getTime() ?? dayNumberOf(endMs) * DAY_MS - (o.days ?? DEFAULT_DAYS) * DAY_MS;
  if (!(startMs < endMs))
    throw new RangeError("simulator range is empty: start must be before end (and before now)");
  return { startMs, endMs };
}
async function startSimulator(options = {}) {
  const seed = options.seed ?? DEFAULT_SEED;
  const gen = options.org ?? {};
  const nowMs = (gen.now ?? /* @__PURE__ */ new Date()).getTime();
  const { startMs, endMs } = resolveRange(gen, nowMs);
  const org = generateOrg(seed, gen.agentCount ?? 20);
  const store = new ConversationStore(createGenContext(seed, org, gen.conversationsPerDay ?? 200, nowMs, { explicitNulls: gen.explicitNulls ?? true }), startMs, endMs, gen.cacheDays);
  const faults = new FaultInjector(seed, {
    ...options.tokenLifetimeSeconds !== void 0 ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {},
    ...options.latencyMs !== void 0 ? { latencyMs: options.latencyMs } : {},
    ...options.latencyJitterMs !== void 0 ? { latencyJitterMs: options.latencyJitterMs } : {},
    ...options.rateLimitPerMinute !== void 0 ? { rateLimitPerMinute: options.rateLimitPerMinute } : {},
    ...options.maxBodyBytes !== void 0 ? { maxBodyBytes: options.maxBodyBytes } : {},
    ...options.faults
  });
  const corruption = /* @__PURE__ */ new Map();
  const jobRng = Random.from(seed, "jobs");
  const jobs = new JobStore({
    source: conversationJobSource(store, (c) => {
      const kind = corruption.get(c.conversationId);
      const served = withAttributes(seed, c);
      return kind ? corrupted(served, kind) : served;
    }),
    settings: () => faults.settings,
    chance: (p) => jobRng.chance(p)
  });
  const presences = generatePresences(seed);
  const timelines = new ActivityTimelines({ seed, agents: org.agents, presences, firstDay: dayNumberOf(startMs), nowMs, leftAtMs: store.ctx.leftAtMs });
  const activityRng = Random.from(seed, "user-jobs");
  const activity = new UserActivityApi(timelines, () => faults.settings, (p) => activityRng.chance(p));
  const state = {
    store,
    org,
    faults,
    tokens: new TokenStore(),
    limiter: new RateLimiter(),
    creds: { clientId: options.clientId ?? "sim-client", clientSecret: options.clientSecret ?? "sim-secret" },
    corruption,
    pageAnomalies: [],
    stats: emptyStats(),
    jobs,
    activity
  };
  const { server, abortAll } = createSimServer(state);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const must = (id) => {
    const c = store.get(id);
    if (!c)
      throw new Error(`unknown conversation ${id}`);
    return c;
  };
  const mutate = (id, change) => {
    const next = change(must(id));
    store.put(next);
    return structuredClone(next);
  };
  const hasAgent = (c, ids) => c.participants.some((p) => p.purpose === "agent" && p.userId !== void 0 && ids.has(p.userId));
  return {
    url: `http://${host}:${address.port}`,
    clientId: state.creds.clientId,
    get clientSecret() {
      return state.creds.clientSecret;
    },
    setClientSecret(secret) {
      state.creds.clientSecret = secret;
    },
    seed,
    now: new Date(nowMs),
    range: { start: new Date(startMs), end: new Date(endMs) },
    org,
    get faults() {
      return faults.settings;
    },
    setFaults: (partial) => faults.set(partial),
    queueFaults: (kinds, o) => faults.queue(kinds, o?.includeTokenRequests ?? false),
    clearFaultQueue: () => faults.clearQueue(),
    expireTokens: () => state.tokens.expireAll(),
    corrupt(id, kind) {
      must(id);
      if (!CORRUPTION_KINDS.includes(kind))
        throw new Error(`unknown corruption kind ${kind}`);
      state.corruption.set(id, kind);
    },
    clearCorruption: () => state.corruption.clear(),
    queuePageAnomaly: (anomaly) => void state.pageAnomalies.push(anomaly),
    endConversation: (id, at) => mutate(id, (c) => {
      const atMs = at?.getTime() ?? Math.max(nowMs, latestSegmentStartMs(c) + SECOND_MS);
      const codes = listed(org.wrapUpCodes);
      return endConversation(c, atMs, codes[hash32(id) % codes.length].id);
    }),
    recodeWrapUp: (id, code) => mutate(id, (c) => recodeWrapUp(c, code)),
    dropSegment: (id) => mutate(id, (c) => dropSegment(c)),
    addField: (id, path, value) => mutate(id, (c) => addField(c, path, value)),
    advanceAfterCare: (id, at) => mutate(id, (c) => {
      const where = decodeConversationId(store.ctx.idKey, id);
      const care = where && afterCareAt(store.ctx, where.dayNumber, where.index, Math.max(at.getTime(), nowMs));
      if (!care)
        throw new Error(`conversation ${id} is live: its after-care has not begun`);
      return replaceAfterCare(c, care);
    }),
    erase(id) {
      must(id);
      store.setErased(id, true);
    },
    restore: (id) => store.setErased(id, false),
    expected({ from, to, agentIds }) {
      const all = store.between(from.getTime(), to.getTime());
      const ids = agentIds ? new Set(agentIds) : void 0;
      return (ids ? all.filter((c) => hasAgent(c, ids)) : all).map((c) => structuredClone(c));
    },
    getConversation: (id) => {
      const c = store.get(id);
      return c ? structuredClone(c) : void 0;
    },
    conversationsOnDay: (day) => store.day(dayNumberOf(day.getTime())).map((c) => structuredClone(c)),
    liveConversationIds: (from, to) => store.between(from.getTime(), to.getTime()).filter((c) => c.conversationEnd === void 0).map((c) => c.conversationId),
    listUsers: (s = "any") => usersInState(org.agents, s).map((u) => structuredClone(u)),
    availabilityDate: () => new Date(jobs.availabilityMs()),
    queueJobFaults: (list) => jobs.queueFaults(list),
    clearJobFaults: () => jobs.clearFaults(),
    listJobs: () => jobs.list(),
    cancelJob: (id) => jobs.cancel(id),
    attributesOf: (id) => attributesFor(seed, id),
    deleteReferenceEntry(list, id) {
      const entry = referenceEntries(org, list).find((e) => e.id === id);
      if (!entry)
        throw new Error(`unknown ${list} entry ${id}`);
      entry.deletedDaysAgo ??= 0;
    },
    presences,
    expectedActivity: ({ from, to, userIds }) => activity.expected(from.getTime(), to.getTime(), userIds),
    queueUserDetailsJobFaults: (list) => activity.jobs.queueFaults(list),
    listUserDetailsJobs: () => activity.jobs.list(),
    stats: () => structuredClone(state.stats),
    resetStats() {
      const inFlight = state.stats.inFlight;
      Object.assign(state.stats, emptyStats(), { inFlight, peakInFlight: inFlight });
    },
    async close() {
      const closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await abortAll();
      await closed;
    }
  };
}

export {
  SIM_REFERENCE_LISTS,
  startSimulator
};
