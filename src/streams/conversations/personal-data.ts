/**
 * Personal data in conversation records (issue #19 §4, docs/schema.md "Personal data"): the
 * contact fields are kept, hashed (keyed HMAC-SHA256, so equal numbers still join) or dropped
 * (null) as PII_MODE says, and participant attributes kept or dropped as PII_ATTRIBUTES says.
 * Applied once, where a record is read at the boundary (contract.ts), to stored and refused
 * records alike, so the columns, `raw`, `raw_hash` and `sync_rejects.raw_json` all derive from
 * the protected record; `npm run protect` applies it again to rows stored under another mode.
 *
 * The transform never mutates its input (a page may be shared) and, in `keep` mode with
 * attributes kept, returns the very same object (no copy, no walk).
 */
import { createHmac } from 'node:crypto';

/** PII_MODE's values (config.ts parses them). */
type PiiMode = 'keep' | 'hash' | 'drop';
/** PII_ATTRIBUTES' values. */
type PiiAttributeMode = 'keep' | 'drop';

/** What the configuration asks for; `hashKey` is required (and only read) in `hash` mode. */
interface PersonalDataSettings {
  mode: PiiMode;
  attributes: PiiAttributeMode;
  hashKey?: string | undefined;
}

/** The policy the transform applies: its settings and, in `hash` mode, the keyed hash. */
export interface PersonalDataPolicy {
  readonly mode: PiiMode;
  readonly attributes: PiiAttributeMode;
  /** The protected form of one value (hash mode: `hmac:` + hex; drop mode: null). Undefined in keep mode. */
  readonly protect?: (value: unknown) => string | null;
}

/** Marks a hashed value: analysts can tell it from a clear one. */
const HASH_PREFIX = 'hmac:';

/** Session fields holding one contact value each (JSON paths: participants[].sessions[].<field>). */
const SESSION_CONTACT_FIELDS = [
  'ani',
  'dnis',
  'sessionDnis',
  'addressFrom',
  'addressTo',
  'addressOther',
  'addressSelf',
  'remote',
  'remoteNameDisplayable',
  'callbackUserName',
  'screenShareAddressSelf',
  'videoAddressSelf',
] as const;
/** Session fields holding a list of contact values (each element hashed; the list dropped whole). */
const SESSION_CONTACT_LISTS = ['callbackNumbers', 'destinationAddresses', 'cc', 'bcc'] as const;
/** Participants whose name is a contact's (a name under any other purpose is an agent's, a queue's, a flow's). */
const CONTACT_PURPOSES: ReadonlySet<string> = new Set(['customer', 'external']);

export const KEEP_ALL: PersonalDataPolicy = Object.freeze({ mode: 'keep', attributes: 'keep' });

/** The keyed hash of one value: `hmac:` + the hex HMAC-SHA256 of its text (of its JSON text when not a string). */
export function hmacOf(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return HASH_PREFIX + createHmac('sha256', key).update(text).digest('hex');
}

/** Builds the policy; throws when `hash` has no key (config.ts reports it as a ConfigError first). */
export function personalDataPolicy(settings: PersonalDataSettings): PersonalDataPolicy {
  if (settings.mode === 'keep') return settings.attributes === 'keep' ? KEEP_ALL : { mode: 'keep', attributes: settings.attributes };
  if (settings.mode === 'drop') return { mode: 'drop', attributes: settings.attributes, protect: () => null };
  const key = settings.hashKey;
  if (!key) throw new Error('PII_MODE=hash needs PII_HASH_KEY');
  return { mode: 'hash', attributes: settings.attributes, protect: (value) => (isHashed(value) ? value : hmacOf(key, value)) };
}

const HASHED = /^hmac:[0-9a-f]{64}$/;

/**
 * A value hashed already (a row stored under `hash`, protected again by `npm run protect`): kept,
 * so hashing stays idempotent and equal numbers keep joining. No key can be told from the hash,
 * so a value hashed under an older key stays as it is (docs/schema.md).
 */
function isHashed(value: unknown): value is string {
  return typeof value === 'string' && HASHED.test(value);
}

/** Whether the policy leaves every record as it is. */
export function keepsEverything(policy: PersonalDataPolicy): boolean {
  return policy.mode === 'keep' && policy.attributes === 'keep';
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The record with its contact fields protected and its attributes dropped as the policy says:
 * a new object (the input is never changed), or the input itself when the policy keeps all.
 * Any shape is accepted (a refused record's raw may be anything); only objects and arrays
 * where the contract expects them are walked, the rest is copied by reference.
 */
export function protectContacts(raw: unknown, policy: PersonalDataPolicy): unknown {
  if (keepsEverything(policy) || !isObject(raw) || !Array.isArray(raw['participants'])) return raw;
  return { ...raw, participants: raw['participants'].map((p) => protectParticipant(p, policy)) };
}

function protectParticipant(participant: unknown, policy: PersonalDataPolicy): unknown {
  if (!isObject(participant)) return participant;
  const out: Json = { ...participant };
  const purpose = participant['purpose'];
  // A purpose that is not text (a refused record) may hide a customer: its name is protected too.
  const contact = typeof purpose !== 'string' || CONTACT_PURPOSES.has(purpose.toLowerCase());
  if (contact && policy.protect) protectField(out, 'participantName', policy.protect);
  // `{}` rather than no key: the writer carries stored attributes over to a version without any.
  if (policy.attributes === 'drop') out['attributes'] = {};
  if (Array.isArray(participant['sessions'])) out['sessions'] = participant['sessions'].map((s) => protectSession(s, policy));
  return out;
}

function protectSession(session: unknown, policy: PersonalDataPolicy): unknown {
  const protect = policy.protect;
  if (!isObject(session) || !protect) return session;
  const out: Json = { ...session };
  for (const field of SESSION_CONTACT_FIELDS) protectField(out, field, protect);
  for (const field of SESSION_CONTACT_LISTS) {
    const list = out[field];
    if (list == null) continue;
    out[field] = policy.mode === 'drop' ? null : Array.isArray(list) ? list.map((v) => (v == null ? v : protect(v))) : protect(list);
  }
  const flow = out['flow'];
  // A flow entered by the number dialled names that number (the DNIS) as its entry reason.
  if (isObject(flow) && flow['entryType'] === 'dnis') {
    out['flow'] = { ...flow };
    protectField(out['flow'] as Json, 'entryReason', protect);
  }
  if (Array.isArray(out['segments'])) {
    out['segments'] = out['segments'].map((g) => {
      if (!isObject(g)) return g;
      const segment = { ...g };
      protectField(segment, 'wrapUpNote', protect);
      return segment;
    });
  }
  return out;
}

/** Replaces a present, non-null value of `field` (in an object the caller owns) with its protected form. */
function protectField(out: Json, field: string, protect: (value: unknown) => string | null): void {
  if (out[field] != null) out[field] = protect(out[field]);
}
