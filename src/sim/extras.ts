import { iso } from './build.ts';
import { Random } from './prng.ts';
import type { SimConversation, SimFlow } from './types.ts';

/*
 * Optional SDK fields that only some conversations carry. They exist so the project's
 * loader meets every shape the real API can send (media endpoint stats, flow outcomes), not
 * just the common path. Evaluations, surveys and resolutions: aftercare.ts; the rest of the
 * documented fields: details.ts.
 */

/** Share of voice endpoints with poor quality (congested network, bad Wi-Fi). */
const POOR_QUALITY = 0.06;

/**
 * Voice quality stats of one endpoint. The R-factor is drawn (mostly 80 to 93.2, the G.711
 * ceiling; a few poor calls 45 to 70) and the MOS derived from it by the ITU-T G.107 E-model,
 * so the two agree as they do in real records.
 */
export function mediaEndpointStats(rng: Random, atMs: number): { stats: Record<string, unknown>[]; mos: number; rFactor: number } {
  const r = rng.chance(POOR_QUALITY) ? 45 + rng.float() * 25 : 80 + rng.float() * 13.2;
  const rFactor = Math.round(r * 100) / 100;
  const mos = Math.round((1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)) * 1000) / 1000;
  return {
    mos,
    rFactor,
    stats: [{
      codecs: [rng.pick(['audio/opus', 'audio/PCMU'])], minMos: mos, minRFactor: rFactor,
      maxLatencyMs: rng.int(20, 180), receivedPackets: rng.int(1_000, 90_000), invalidPackets: 0,
      discardedPackets: rng.int(0, 20), duplicatePackets: 0, overrunPackets: 0, underrunPackets: rng.int(0, 5),
      eventTime: iso(atMs),
    }],
  };
}

/** Flow outcomes are org configuration: the same names and ids in every conversation. */
const OUTCOMES = ['IdentifiedCustomer', 'SelfServicePayment', 'MenuChoice'];
const OUTCOME_RNG = new Random(0xf10_0c0e);
const OUTCOME_IDS = OUTCOMES.map(() => OUTCOME_RNG.uuid());

/** The `flow` object of an IVR session, sometimes with flow outcomes. */
export function ivrFlow(rng: Random, flow: { id: string; name: string; type: string }, startMs: number, endMs: number): SimFlow {
  const f: SimFlow = {
    flowId: flow.id, flowName: flow.name, flowVersion: `${rng.int(1, 40)}.0`, flowType: flow.type,
    entryType: 'dnis', entryReason: 'tel:+18005550100', exitReason: 'TRANSFER', transferType: 'ACD',
  };
  if (rng.chance(0.4)) {
    // One to three outcomes (identified, paid, chose a menu), each a stretch of the IVR time.
    const n = rng.weighted([1, 2, 3], [60, 30, 10]);
    const span = Math.max(n, endMs - startMs);
    f.outcomes = Array.from({ length: n }, (_, k) => ({
      flowOutcome: OUTCOMES[k % OUTCOMES.length], flowOutcomeId: OUTCOME_IDS[k % OUTCOME_IDS.length],
      flowOutcomeValue: rng.chance(0.8) ? 'SUCCESS' : 'FAILURE',
      flowOutcomeStartTimestamp: iso(startMs + Math.floor((span * k) / n)),
      flowOutcomeEndTimestamp: iso(startMs + Math.floor((span * (k + 1)) / n) - 1),
    }));
  }
  return f;
}

const after = (value: unknown, cutMs: number): boolean => typeof value === 'string' && Date.parse(value) > cutMs;

/** Drops items stamped after the cut from an optional array field; removes the field when empty. */
function pruneTimed(holder: Record<string, unknown>, key: string, stampKey: string, cutMs: number): void {
  const list = holder[key];
  if (!Array.isArray(list)) return;
  const kept = list.filter((item: Record<string, unknown>) => !after(item[stampKey], cutMs));
  if (kept.length === 0) delete holder[key];
  else holder[key] = kept;
}

/** Session fields stamped with when something happened: unknown before it did. */
const TIMED_SESSION_FIELDS = ['deliveryStatusChangeDate', 'detectedSpeechStart', 'detectedSpeechEnd'];

/**
 * Shows the conversation as it looked at `cutMs`: later segments, metrics and after-care
 * fields disappear, segments still running lose segmentEnd (and their disconnectType),
 * and conversationEnd is removed if it had not happened yet. This is how live
 * conversations are made, so they are consistent by construction.
 */
export function truncateAt(c: SimConversation, cutMs: number): void {
  for (const p of c.participants) {
    for (const s of p.sessions) {
      s.segments = s.segments.filter((seg) => Date.parse(seg.segmentStart) < cutMs);
      for (const seg of s.segments) {
        if (seg.segmentEnd !== undefined && Date.parse(seg.segmentEnd) > cutMs) {
          delete seg.segmentEnd;
          // What is only known once a segment ends.
          for (const key of ['disconnectType', 'errorCode', 'sipResponseCodes', 'q850ResponseCodes']) delete seg[key];
        }
      }
      if (s.metrics) {
        s.metrics = s.metrics.filter((m) => Date.parse(m.emitDate) <= cutMs);
        if (s.metrics.length === 0) delete s.metrics;
      }
      pruneTimed(s, 'mediaEndpointStats', 'eventTime', cutMs);
      for (const key of TIMED_SESSION_FIELDS) if (after(s[key], cutMs)) delete s[key];
      if (s.flow) pruneTimed(s.flow, 'outcomes', 'flowOutcomeEndTimestamp', cutMs);
    }
    p.sessions = p.sessions.filter((s) => s.segments.length > 0);
  }
  c.participants = c.participants.filter((p) => p.sessions.length > 0);
  if (after(c.conversationEnd, cutMs)) delete c.conversationEnd;
  if (after(c['conferenceStart'], cutMs)) delete c['conferenceStart'];
  for (const key of ['evaluations', 'surveys', 'resolutions']) pruneTimed(c, key, 'eventTime', cutMs);
}
