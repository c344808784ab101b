import { SECOND_MS } from '../time.ts';
import { iso } from './build.ts';
import type { SimConversation, SimParticipant, SimSegment } from './types.ts';

/*
 * Late changes the real API shows between two reads of the same conversation
 * (docs/genesys-api-facts.md §1.5): a live conversation ends, a wrap-up code is corrected, the
 * nightly reprocessing drops a segment, new fields appear. Each function returns a
 * changed deep copy; the caller stores it as an override.
 */

export type CorruptionKind =
  | 'missingConversationStart'
  | 'badConversationStart'
  | 'participantsNotArray'
  | 'missingSessionId'
  | 'missingSegmentStart';

export const CORRUPTION_KINDS: readonly CorruptionKind[] = [
  'missingConversationStart', 'badConversationStart', 'participantsNotArray', 'missingSessionId', 'missingSegmentStart',
];

/** After-call work added when a live conversation is ended. */
const END_ACW_MS = 30 * SECOND_MS;

const allSegments = (c: SimConversation): SimSegment[] => c.participants.flatMap((p) => p.sessions.flatMap((s) => s.segments));
const duration = (seg: SimSegment): number => (seg.segmentEnd ? Date.parse(seg.segmentEnd) - Date.parse(seg.segmentStart) : 0);

/** Whether anything is still running (no conversationEnd, or an open segment). */
function isOpen(c: SimConversation): boolean {
  return c.conversationEnd === undefined || allSegments(c).some((s) => s.segmentEnd === undefined);
}

/** Latest segmentStart, so callers can pick a valid end time. */
export function latestSegmentStartMs(c: SimConversation): number {
  return Math.max(Date.parse(c.conversationStart), ...allSegments(c).map((s) => Date.parse(s.segmentStart)));
}

function disconnectFor(p: SimParticipant, seg: SimSegment): string {
  if (p.purpose === 'customer' || p.purpose === 'external') return 'endpoint';
  if (p.purpose === 'agent') return seg.segmentType === 'alert' ? 'noAnswerTransfer' : 'peer';
  return 'transfer';
}

/** Ends a live conversation at `atMs`: closes open segments, sets conversationEnd, adds wrap-ups. */
export function endConversation(c: SimConversation, atMs: number, wrapUpCode: string): SimConversation {
  if (!isOpen(c)) throw new Error(`conversation ${c.conversationId} is not live`);
  if (atMs <= latestSegmentStartMs(c)) throw new RangeError(`end time ${iso(atMs)} is not after the last segment start of ${c.conversationId}`);
  const out = structuredClone(c);
  const at = iso(atMs);
  for (const p of out.participants) {
    for (const s of p.sessions) {
      const last = s.segments[s.segments.length - 1];
      for (const seg of s.segments) {
        if (seg.segmentEnd !== undefined) continue;
        seg.segmentEnd = at;
        if (seg === last) seg.disconnectType = disconnectFor(p, seg);
      }
    }
    const segs = p.sessions.flatMap((s) => s.segments);
    const main = p.sessions[0];
    if (p.purpose !== 'agent' || !main || segs.some((s) => s.segmentType === 'wrapup') || !segs.some((s) => s.segmentType === 'interact')) continue;
    const talkMs = segs.filter((s) => s.segmentType === 'interact').reduce((sum, s) => sum + duration(s), 0);
    const heldMs = segs.filter((s) => s.segmentType === 'hold').reduce((sum, s) => sum + duration(s), 0);
    const queueId = segs.map((s) => s.queueId).filter(Boolean).pop();
    main.segments.push({ segmentStart: at, segmentEnd: iso(atMs + END_ACW_MS), segmentType: 'wrapup', ...(queueId ? { queueId } : {}), wrapUpCode });
    const metrics = (main.metrics ??= []);
    const wrapEnd = iso(atMs + END_ACW_MS);
    // Talk stretches that ended before emitted their tTalk already: add only the rest.
    const emitted = metrics.filter((m) => m.name === 'tTalkComplete').reduce((sum, m) => sum + m.value, 0);
    metrics.push(
      { name: 'tTalk', value: talkMs - emitted, emitDate: at },
      { name: 'tTalkComplete', value: talkMs - emitted, emitDate: at },
      { name: 'tAcw', value: END_ACW_MS, emitDate: wrapEnd },
      { name: 'tHandle', value: talkMs + heldMs + END_ACW_MS, emitDate: wrapEnd },
    );
  }
  out.conversationEnd ??= at;
  return out;
}

/** Sets a new wrap-up code on every agent wrap-up segment. */
export function recodeWrapUp(c: SimConversation, code: string): SimConversation {
  const out = structuredClone(c);
  const wrapups = out.participants.filter((p) => p.purpose === 'agent').flatMap((p) => p.sessions.flatMap((s) => s.segments)).filter((s) => s.segmentType === 'wrapup');
  if (wrapups.length === 0) throw new Error(`conversation ${c.conversationId} has no wrap-up segment`);
  for (const seg of wrapups) seg.wrapUpCode = code;
  return out;
}

/** Removes the last segment of the first agent session that has at least two. */
export function dropSegment(c: SimConversation): SimConversation {
  const out = structuredClone(c);
  const session = out.participants.filter((p) => p.purpose === 'agent').flatMap((p) => p.sessions).find((s) => s.segments.length >= 2);
  if (!session) throw new Error(`conversation ${c.conversationId} has no agent session with two segments`);
  session.segments.pop();
  return out;
}

/**
 * Replaces the evaluations, surveys and resolutions with a later rendering of the same
 * timeline (generate.ts `afterCareAt`): a survey completed since, an evaluation finished,
 * rescored or deleted. A key whose value is undefined is removed, as Genesys omits an empty list.
 */
export function replaceAfterCare(c: SimConversation, care: Readonly<Record<string, Record<string, unknown>[] | undefined>>): SimConversation {
  const out = structuredClone(c);
  for (const [key, value] of Object.entries(care)) {
    if (value === undefined) delete out[key];
    else out[key] = structuredClone(value);
  }
  return out;
}

/**
 * Sets `value` at a dotted path (`'newField'`, or `'participants.0.sessions.0.mediaType'`
 * for an unknown enum value). Containers along the path must exist.
 */
export function addField(c: SimConversation, path: string, value: unknown): SimConversation {
  const out = structuredClone(c);
  const keys = path.split('.');
  let holder: Record<string, unknown> = out;
  for (const key of keys.slice(0, -1)) {
    const next = holder[key];
    if (typeof next !== 'object' || next === null) throw new Error(`no object at '${key}' in path '${path}'`);
    holder = next as Record<string, unknown>;
  }
  holder[keys[keys.length - 1] as string] = structuredClone(value);
  return out;
}

/** A malformed copy for serving, to test that the sync rejects bad records. */
export function corrupted(c: SimConversation, kind: CorruptionKind): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(c);
  const firstSession = c.participants[0]?.sessions[0] ? (out['participants'] as SimParticipant[])[0]?.sessions[0] : undefined;
  switch (kind) {
    case 'missingConversationStart':
      delete out['conversationStart'];
      break;
    case 'badConversationStart':
      out['conversationStart'] = 'not-a-date';
      break;
    case 'participantsNotArray':
      out['participants'] = Object.fromEntries(c.participants.map((p, i) => [String(i), p]));
      break;
    case 'missingSessionId':
      if (firstSession) delete (firstSession as Partial<typeof firstSession>).sessionId;
      break;
    case 'missingSegmentStart':
      if (firstSession?.segments[0]) delete (firstSession.segments[0] as Partial<SimSegment>).segmentStart;
      break;
    default:
      throw new Error(`unknown corruption kind ${String(kind)}`);
  }
  return out;
}
