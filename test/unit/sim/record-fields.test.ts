import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../src/time.ts';
import {
  parseConversation, type GenesysAgentGroup, type GenesysEvaluation, type GenesysFlow, type GenesysFlowOutcome, type GenesysMediaEndpointStat,
  type GenesysProposedAgent, type GenesysResolution, type GenesysScoredAgent, type GenesysSegment, type GenesysSegmentProperty, type GenesysSurvey,
} from '../../../src/genesys/schemas.ts';
import { afterCareAt, createGenContext, generateDay } from '../../../src/sim/generate.ts';
import { replaceAfterCare } from '../../../src/sim/mutations.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { decodeConversationId } from '../../../src/sim/prng.ts';
import type { SimConversation } from '../../../src/sim/types.ts';

/*
 * The simulator must produce every part of the conversation record the SDK documents
 * (docs/record-fields.md), in realistic proportions, and every record must pass the contract.
 * A simulated month: 30 days of 200 conversations, the volume of a small org.
 */
const NOW = Date.parse('2024-06-10T12:00:00.000Z');
const TODAY = Math.floor(NOW / DAY_MS);
const ctx = createGenContext(7, generateOrg(7, 20), 200, NOW);
const month: SimConversation[] = Array.from({ length: 30 }, (_, d) => generateDay(ctx, TODAY - d)).flat();

/**
 * Every field of the SDK models (JS SDK 259.0.0 build/index.d.ts; docs/genesys-api-facts.md §10),
 * split into those the simulator produces and those it deliberately does not, with why. A field
 * Genesys adds must be placed in one list or the other (the completeness test fails otherwise).
 */
const MODELS = {
  conversation: {
    simulated: `associatedConversationId conferenceStart consultationConversationIds conversationEnd conversationId conversationInitiator
      conversationStart customerParticipation divisionIds externalTag inactivityTimeout knowledgeBaseIds mediaStatsMinConversationMos
      mediaStatsMinConversationRFactor originatingDirection originatingSocialMediaPublic selfServed evaluations surveys resolutions participants`,
    // Access attributes: their format is undocumented.
    not: 'accessAttributes',
  },
  session: {
    simulated: `activeSkillIds acwSkipped addressFrom addressOther addressSelf addressTo agentAssistantId agentBullseyeRing agentOwned ani
      assignerId authenticated bcc callbackNumbers callbackScheduledTime callbackUserName cc deliveryPushed deliveryStatus
      deliveryStatusChangeDate destinationAddresses detectedSpeechEnd detectedSpeechStart direction dispositionAnalyzer dispositionName dnis
      edgeId eligibleAgentCounts engagementSource errorCodeDescription journeyActionId journeyActionMapId journeyActionMapVersion journeyCustomerId
      journeyCustomerIdType journeyCustomerSessionId journeyCustomerSessionIdType mediaCount mediaType messageType outboundCampaignId
      outboundContactId outboundContactListId peerId protocolCallId provider recording remote remoteNameDisplayable removedSkillIds
      requestedRoutings roomId routingRing routingRuleType scriptId selectedAgentId selectedAgentRank sessionDnis sessionId skillExpressionId
      usedRouting videoAddressSelf videoRoomId waitingInteractionCounts agentGroups proposedAgents mediaEndpointStats flow metrics segments`,
    // Supervisor monitoring/barging/coaching, cobrowse and screen share are not simulated scenarios; the
    // delivery sub-status, flow in/out types, routing rule names and preview-dialing settings have undocumented values.
    not: `bargedParticipantId cleared coachedParticipantId cobrowseRole cobrowseRoomId extendedDeliveryStatus flowInType flowOutType
      mediaBridgeId monitoredParticipantId routingRule screenMonitoredUserId screenShareAddressSelf screenShareRoomId sharingScreen skipEnabled
      snippetRecording timeoutSeconds`,
  },
  segment: {
    simulated: `audioMuted conference destinationConversationId destinationSessionId disconnectType errorCode groupId q850ResponseCodes queueId
      requestedLanguageId requestedRoutingSkillIds requestedRoutingUserIds segmentEnd segmentStart segmentType sipResponseCodes
      sourceConversationId sourceSessionId subject videoMuted wrapUpCode wrapUpNote wrapUpTags scoredAgents properties`,
    not: '',
  },
  evaluation: {
    simulated: `assigneeApplicable assigneeId calibrationId contextId deleted evaluationId evaluationStatus evaluatorId eventTime formId formName
      queueId released rescored systemSubmitted userId oTotalCriticalScore oTotalScore`,
    not: '',
  },
  survey: {
    simulated: `eventTime queueId surveyCompletedDate surveyFormContextId surveyFormId surveyFormName surveyId surveyPartialResponse
      surveyPromoterScore surveyStatus surveyType userId oSurveyTotalScore`,
    not: '',
  },
  resolution: { simulated: 'eventTime queueId userId nNextContactAvoided', not: '' },
  flow: {
    simulated: `endingLanguage entryReason entryType exitReason flowId flowName flowType flowVersion issuedCallback recognitionFailureReason
      startingLanguage transferTargetAddress transferTargetName transferType outcomes`,
    not: '',
  },
  flowOutcome: { simulated: 'flowOutcome flowOutcomeEndTimestamp flowOutcomeId flowOutcomeStartTimestamp flowOutcomeValue', not: '' },
  mediaEndpointStat: {
    simulated: `codecs discardedPackets duplicatePackets eventTime invalidPackets maxLatencyMs minMos minRFactor overrunPackets receivedPackets
      underrunPackets`,
    not: '',
  },
  proposedAgent: { simulated: 'agentRank proposedAgentId', not: '' },
  scoredAgent: { simulated: 'agentScore scoredAgentId', not: '' },
  agentGroup: { simulated: 'agentGroupId agentGroupType', not: '' },
  property: { simulated: 'property propertyType value', not: '' },
} as const;

type Level = keyof typeof MODELS;
const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** Field counts in the SDK models (JS SDK 259.0.0), to catch a list edited out of step with the SDK. */
const SDK_FIELD_COUNTS: Record<Level, number> = {
  conversation: 22, session: 89, segment: 25, evaluation: 18, survey: 13, resolution: 4, flow: 15, flowOutcome: 5,
  mediaEndpointStat: 11, proposedAgent: 2, scoredAgent: 2, agentGroup: 2, property: 3,
};

type Item = Record<string, unknown>;
const list = (v: unknown): Item[] => (Array.isArray(v) ? (v as Item[]) : []);

/** Every object of each level in the month, typed with the contract's exported types where there is one. */
function collect(convs: readonly SimConversation[]): Record<Level, Item[]> {
  const out = Object.fromEntries(Object.keys(MODELS).map((k) => [k, [] as Item[]])) as Record<Level, Item[]>;
  for (const c of convs) {
    out.conversation.push(c);
    out.evaluation.push(...(list(c['evaluations']) as GenesysEvaluation[]));
    out.survey.push(...(list(c['surveys']) as GenesysSurvey[]));
    out.resolution.push(...(list(c['resolutions']) as GenesysResolution[]));
    for (const p of c.participants) {
      for (const s of p.sessions) {
        out.session.push(s);
        out.mediaEndpointStat.push(...(list(s['mediaEndpointStats']) as GenesysMediaEndpointStat[]));
        out.proposedAgent.push(...(list(s['proposedAgents']) as GenesysProposedAgent[]));
        out.agentGroup.push(...(list(s['agentGroups']) as GenesysAgentGroup[]));
        const flow = s.flow as GenesysFlow | undefined;
        if (flow) {
          out.flow.push(flow);
          out.flowOutcome.push(...((flow.outcomes ?? []) as GenesysFlowOutcome[]));
        }
        for (const g of s.segments as GenesysSegment[]) {
          out.segment.push(g);
          out.scoredAgent.push(...(list(g['scoredAgents']) as GenesysScoredAgent[]));
          out.property.push(...(list(g['properties']) as GenesysSegmentProperty[]));
        }
      }
    }
  }
  return out;
}

const parts = collect(month);
const share = (n: number, d: number): number => n / Math.max(1, d);
const mediaOf = (c: SimConversation): string | undefined => c.participants[0]?.sessions[0]?.mediaType;
const handled = (c: SimConversation): boolean => c.participants.some((p) => p.purpose === 'agent' && p.sessions.some((s) => s.segments.some((g) => g.segmentType === 'interact')));

describe('the simulated record covers every documented field', () => {
  it('classifies every SDK field as simulated or not, once', () => {
    for (const [level, { simulated, not }] of Object.entries(MODELS) as [Level, { simulated: string; not: string }][]) {
      const all = [...words(simulated), ...words(not)];
      expect(new Set(all).size, `${level}: a field listed twice`).toBe(all.length);
      expect(all.length, `${level}: the SDK model has ${SDK_FIELD_COUNTS[level]} fields`).toBe(SDK_FIELD_COUNTS[level]);
    }
  });

  it('produces every simulated field somewhere in a month, with a value (not only explicit nulls)', () => {
    for (const [level, { simulated }] of Object.entries(MODELS) as [Level, { simulated: string }][]) {
      const present = new Set(parts[level].flatMap((o) => Object.keys(o).filter((k) => o[k] != null)));
      const absent = words(simulated).filter((f) => !present.has(f));
      expect(absent, `${level} fields never generated`).toEqual([]);
    }
  });

  it('never produces a field it says it does not simulate (the list stays honest)', () => {
    for (const [level, { not }] of Object.entries(MODELS) as [Level, { not: string }][]) {
      const present = new Set(parts[level].flatMap((o) => Object.keys(o)));
      expect(words(not).filter((f) => present.has(f)), level).toEqual([]);
    }
  });

  it('passes the contract with every record of the month, explicit nulls included', () => {
    const rejected = month.map((c) => parseConversation(c)).filter((r) => !r.ok);
    expect(rejected).toEqual([]);
    expect(month.some((c) => c['mediaStatsMinConversationMos'] === null), 'the explicit-null variant is exercised').toBe(true);
  }, 60_000); // 6,000 records through zod take a few seconds on a shared machine
});

describe('proportions (documented in aftercare.ts CARE_RATES, details.ts DETAIL_RATES, variety.ts RATES)', () => {
  const ended = month.filter((c) => c.conversationEnd !== undefined && Date.parse(c.conversationEnd) < NOW - 14 * DAY_MS);
  const voice = ended.filter((c) => mediaOf(c) === 'voice' && handled(c));
  const other = ended.filter((c) => mediaOf(c) !== 'voice' && handled(c));

  it('evaluates a few percent of voice conversations, rarely other media, with some rescored, deleted, calibrated', () => {
    expect(share(voice.filter((c) => c['evaluations']).length, voice.length)).toBeGreaterThan(0.03);
    expect(share(voice.filter((c) => c['evaluations']).length, voice.length)).toBeLessThan(0.08);
    expect(share(other.filter((c) => c['evaluations']).length, other.length)).toBeLessThan(0.03);
    const evaluations = parts.evaluation as GenesysEvaluation[];
    expect(evaluations.filter((e) => e.rescored).length).toBeGreaterThan(0);
    expect(evaluations.filter((e) => e.deleted).length).toBeGreaterThan(0);
    expect(evaluations.filter((e) => e.calibrationId).length).toBeGreaterThan(0);
    // Scores exist once the form is submitted, and only then.
    for (const e of evaluations) expect(e.oTotalScore !== undefined).toBe(e.evaluationStatus !== 'Pending' && e.evaluationStatus !== 'InProgress');
  });

  it('surveys a few percent of handled conversations; completed ones carry a completion date and a promoter score', () => {
    const surveyed = ended.filter((c) => handled(c) && c['surveys']).length;
    expect(share(surveyed, ended.filter(handled).length)).toBeGreaterThan(0.02);
    expect(share(surveyed, ended.filter(handled).length)).toBeLessThan(0.07);
    for (const s of parts.survey as GenesysSurvey[]) {
      expect(s.surveyCompletedDate !== undefined).toBe(s.surveyStatus === 'Finished');
      if (s.surveyStatus === 'Finished') expect(s.surveyPromoterScore).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives resolutions to about a tenth of handled conversations', () => {
    const rate = share(ended.filter((c) => handled(c) && c['resolutions']).length, ended.filter(handled).length);
    expect(rate).toBeGreaterThan(0.06);
    expect(rate).toBeLessThan(0.15);
  });

  it('measures most voice calls, with the conversation minimum equal to the worst endpoint and MOS agreeing with R-factor', () => {
    const measured = voice.filter((c) => typeof c['mediaStatsMinConversationMos'] === 'number');
    expect(share(measured.length, voice.length)).toBeGreaterThan(0.75);
    for (const c of measured) {
      const stats = c.participants.flatMap((p) => p.sessions.flatMap((s) => list(s['mediaEndpointStats']) as GenesysMediaEndpointStat[]));
      expect(c['mediaStatsMinConversationMos']).toBe(Math.min(...stats.map((s) => s.minMos!)));
      expect(c['mediaStatsMinConversationRFactor']).toBe(Math.min(...stats.map((s) => s.minRFactor!)));
    }
    for (const s of parts.mediaEndpointStat as GenesysMediaEndpointStat[]) {
      expect(s.minMos).toBeGreaterThanOrEqual(1);
      expect(s.minMos).toBeLessThanOrEqual(4.5);
      // E-model: R 80 or more is at least MOS 4.0; R under 70, under 3.6.
      if (s.minRFactor! >= 80) expect(s.minMos).toBeGreaterThanOrEqual(4);
      if (s.minRFactor! < 70) expect(s.minMos).toBeLessThan(3.6);
    }
    expect(month.some((c) => mediaOf(c) !== 'voice' && c['mediaStatsMinConversationMos'] !== undefined && c['mediaStatsMinConversationMos'] !== null)).toBe(false);
  });

  it('runs flows on IVR participants, with outcomes on a third or so and one outcome metric per outcome', () => {
    const ivr = month.flatMap((c) => c.participants.filter((p) => p.purpose === 'ivr').flatMap((p) => p.sessions));
    expect(ivr.length).toBeGreaterThan(month.length * 0.25);
    expect(ivr.every((s) => s.flow?.flowType === 'INBOUNDCALL')).toBe(true);
    const withOutcomes = ivr.filter((s) => s.flow?.outcomes);
    expect(share(withOutcomes.length, ivr.length)).toBeGreaterThan(0.25);
    expect(share(withOutcomes.length, ivr.length)).toBeLessThan(0.55);
    for (const s of withOutcomes) expect(s.metrics!.filter((m) => m.name === 'nFlowOutcome').length).toBe(s.flow!.outcomes!.length);
  });
});

describe('after-care changes in a later version', () => {
  const ended = month.filter((c) => c.conversationEnd !== undefined);
  const whereOf = (c: SimConversation) => decodeConversationId(ctx.idKey, c.conversationId)!;

  it('renders as of now exactly what generation served', () => {
    for (const c of ended.filter((x) => x['evaluations'] || x['surveys'] || x['resolutions']).slice(0, 40)) {
      const { dayNumber, index } = whereOf(c);
      const care = afterCareAt(ctx, dayNumber, index, NOW)!;
      expect(care.evaluations ?? undefined).toEqual(c['evaluations'] ?? undefined);
      expect(care.surveys).toEqual(c['surveys']);
      expect(care.resolutions).toEqual(c['resolutions']);
    }
  });

  it('completes surveys and finishes or revises evaluations when read weeks later', () => {
    const later = NOW + 30 * DAY_MS;
    const pending = ended.filter((c) => list(c['surveys']).some((s) => s['surveyStatus'] === 'Sent' || s['surveyStatus'] === 'InProgress'));
    expect(pending.length).toBeGreaterThan(0);
    const revised = pending.map((c) => {
      const { dayNumber, index } = whereOf(c);
      return replaceAfterCare(c, afterCareAt(ctx, dayNumber, index, later)!);
    });
    const completed = revised.flatMap((c) => list(c['surveys'])).filter((s) => s['surveyStatus'] === 'Finished');
    expect(completed.length).toBeGreaterThan(0);
    for (const s of completed) expect(typeof s['surveyCompletedDate']).toBe('string');
    for (const c of revised) expect(parseConversation(c).ok).toBe(true);

    // Recent evaluations move on: pending ones finish, some get rescored or deleted.
    const recent = ended.filter((c) => Date.parse(c.conversationEnd!) > NOW - 3 * DAY_MS && c['evaluations'] === undefined);
    const newlyEvaluated = recent.filter((c) => {
      const { dayNumber, index } = whereOf(c);
      return afterCareAt(ctx, dayNumber, index, later)?.evaluations !== undefined;
    });
    expect(newlyEvaluated.length, 'evaluations appear on conversations that had none yet').toBeGreaterThan(0);
    const before = parts.evaluation.filter((e) => e['evaluationStatus'] === 'Pending' || e['evaluationStatus'] === 'InProgress').length;
    expect(before, 'the month has evaluations still open at now').toBeGreaterThan(0);
  });

  it('refuses a live conversation: its after-care has not begun', () => {
    const live = month.find((c) => c.conversationEnd === undefined && Date.parse(c.conversationStart) > NOW - 3 * HOUR_MS);
    expect(live).toBeDefined();
    const { dayNumber, index } = whereOf(live!);
    expect(afterCareAt(ctx, dayNumber, index, NOW + DAY_MS)).toBeUndefined();
  });
});
