import { HOUR_MS, MINUTE_MS } from '../time.ts';
import { iso } from './build.ts';
import type { Random } from './prng.ts';
import type { SimConversation, SimFlow } from './types.ts';

/*
 * Optional SDK fields that only some conversations carry. They exist so the project's
 * loader meets every shape the real API can send (evaluations, surveys, resolutions,
 * media endpoint stats, flow outcomes), not just the common path.
 */

export interface AgentTouch {
  userId: string;
  queueId?: string;
  evaluatorId: string;
}

/** Quality evaluations, surveys and resolutions arrive hours after the conversation ends. */
export function addAfterCareFields(c: SimConversation, rng: Random, endMs: number, touch: AgentTouch): void {
  const q = touch.queueId ? { queueId: touch.queueId } : {};
  if (rng.chance(0.06)) {
    const score = rng.int(40, 100);
    c['evaluations'] = [{
      evaluationId: rng.uuid(), formId: rng.uuid(), formName: 'Standard QA Form', evaluatorId: touch.evaluatorId,
      userId: touch.userId, ...q, eventTime: iso(endMs + rng.int(1, 72) * HOUR_MS),
      evaluationStatus: 'Finished', released: true, rescored: false, deleted: false,
      oTotalScore: score, oTotalCriticalScore: Math.min(100, score + rng.int(0, 10)),
    }];
  }
  if (rng.chance(0.05)) {
    const nps = rng.int(0, 10);
    c['surveys'] = [{
      surveyId: rng.uuid(), surveyFormId: rng.uuid(), surveyFormName: 'Post-contact NPS', surveyStatus: 'Finished',
      surveyType: rng.pick(['Web', 'Voice']), surveyPromoterScore: nps, oSurveyTotalScore: nps * 10,
      eventTime: iso(endMs + rng.int(5, 600) * MINUTE_MS), userId: touch.userId, ...q,
    }];
  }
  if (rng.chance(0.04)) {
    c['resolutions'] = [{ eventTime: iso(endMs + rng.int(24, 96) * HOUR_MS), ...q, userId: touch.userId, nNextContactAvoided: 1 }];
  }
}

/** Voice quality stats on a customer voice session, plus the conversation-level minimum MOS. */
export function mediaEndpointStats(rng: Random, atMs: number): { stats: Record<string, unknown>[]; mos: number } {
  const mos = Math.round((3.2 + rng.float() * 1.3) * 1000) / 1000;
  return {
    mos,
    stats: [{
      codecs: [rng.pick(['audio/opus', 'audio/PCMU'])], minMos: mos, minRFactor: Math.round((70 + rng.float() * 23) * 100) / 100,
      maxLatencyMs: rng.int(20, 180), receivedPackets: rng.int(1_000, 90_000), invalidPackets: 0,
      discardedPackets: rng.int(0, 20), duplicatePackets: 0, overrunPackets: 0, underrunPackets: rng.int(0, 5),
      eventTime: iso(atMs),
    }],
  };
}

/** The `flow` object of an IVR session, sometimes with flow outcomes. */
export function ivrFlow(rng: Random, flow: { id: string; name: string; type: string }, startMs: number, endMs: number): SimFlow {
  const f: SimFlow = {
    flowId: flow.id, flowName: flow.name, flowVersion: `${rng.int(1, 40)}.0`, flowType: flow.type,
    entryType: 'dnis', entryReason: 'tel:+18005550100', exitReason: 'TRANSFER', transferType: 'ACD',
  };
  if (rng.chance(0.4)) {
    f.outcomes = [{
      flowOutcome: rng.pick(['IdentifiedCustomer', 'SelfServicePayment', 'MenuChoice']), flowOutcomeId: rng.uuid(),
      flowOutcomeValue: rng.pick(['SUCCESS', 'FAILURE']), flowOutcomeStartTimestamp: iso(startMs),
      flowOutcomeEndTimestamp: iso(Math.min(endMs, startMs + 20_000)),
    }];
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
      if (s.flow) pruneTimed(s.flow, 'outcomes', 'flowOutcomeEndTimestamp', cutMs);
    }
    p.sessions = p.sessions.filter((s) => s.segments.length > 0);
  }
  c.participants = c.participants.filter((p) => p.sessions.length > 0);
  if (after(c.conversationEnd, cutMs)) delete c.conversationEnd;
  if (after(c['conferenceStart'], cutMs)) delete c['conferenceStart'];
  for (const key of ['evaluations', 'surveys', 'resolutions']) pruneTimed(c, key, 'eventTime', cutMs);
}
