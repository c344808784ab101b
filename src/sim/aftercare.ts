import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../time.ts';
import { iso } from './build.ts';
import { Random } from './prng.ts';

/*
 * Quality data that attaches to a conversation after it ended (docs/genesys-api-facts.md §10):
 * evaluations (`AnalyticsEvaluation`), surveys (`AnalyticsSurvey`) and resolutions
 * (`AnalyticsResolution`). Each conversation's after-care is a timeline drawn once from its own
 * random stream, then rendered "as of" a time: generation renders it as of the simulated now,
 * and a later version (the `advanceAfterCare` mutation) renders the same timeline as of a later
 * time, so a pending survey gets its surveyCompletedDate and score, an evaluation is finished,
 * rescored or deleted, exactly as re-reading a real conversation days later shows.
 * Every draw happens whatever the as-of time, so both renderings share one timeline.
 */

const CARE_RATES = {
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
  nextContactAvoided: 0.75,
} as const;

/** Web surveys expire unanswered after a week; voice surveys end with the call. */
const WEB_SURVEY_EXPIRY_MS = 7 * DAY_MS;
const VOICE_SURVEY_EXPIRY_MS = 5 * MINUTE_MS;

/** Org-wide forms: ids stable across conversations and seeds (forms are configuration, not data). */
const FORM_RNG = new Random(0x5eed_f0f5);
const EVALUATION_FORMS = ['Standard QA Form', 'Sales Call Review', 'Compliance Checklist'].map((name) => ({ id: FORM_RNG.uuid(), contextId: FORM_RNG.uuid(), name }));
const SURVEY_FORMS = ['Post-contact NPS', 'Customer Effort Survey'].map((name) => ({ id: FORM_RNG.uuid(), contextId: FORM_RNG.uuid(), name }));

/** Who handled the conversation: the subject of its evaluations, surveys and resolutions. */
export interface CareInput {
  endMs: number;
  media: string;
  userId: string;
  queueId?: string;
  /** The agent's manager (or the agent, without one): evaluates. */
  evaluatorId: string;
  /** Another lead, for calibrations. */
  calibratorId: string;
}

export interface AfterCare {
  evaluations?: Record<string, unknown>[];
  surveys?: Record<string, unknown>[];
  resolutions?: Record<string, unknown>[];
}

export const AFTER_CARE_KEYS = ['evaluations', 'surveys', 'resolutions'] as const;

/** The after-care of one conversation as it stands at `asOfMs`; `rng` is the conversation's care stream. */
export function afterCare(rng: Random, input: CareInput, asOfMs: number): AfterCare {
  const out: AfterCare = {};
  const evaluations = evaluationsAsOf(rng, input, asOfMs);
  if (evaluations.length > 0) out.evaluations = evaluations;
  const survey = surveyAsOf(rng, input, asOfMs);
  if (survey) out.surveys = [survey];
  const resolution = resolutionAsOf(rng, input, asOfMs);
  if (resolution) out.resolutions = [resolution];
  return out;
}

function evaluationsAsOf(rng: Random, input: CareInput, asOfMs: number): Record<string, unknown>[] {
  const rate = input.media === 'voice' ? CARE_RATES.evaluationVoice : CARE_RATES.evaluationOther;
  if (!rng.chance(rate)) return [];
  const count = rng.chance(CARE_RATES.calibration) ? 2 : 1;
  const calibrationId = count === 2 ? rng.uuid() : undefined;
  const out: Record<string, unknown>[] = [];
  for (let k = 0; k < count; k++) {
    // Every draw first: the timeline must not depend on asOfMs.
    const form = rng.pick(EVALUATION_FORMS);
    const evaluationId = rng.uuid();
    const createdMs = input.endMs + rng.int(2, 120) * HOUR_MS;
    const startedMs = createdMs + rng.int(0, 48) * HOUR_MS;
    const finishedMs = startedMs + rng.int(5, 90) * MINUTE_MS;
    const score = rng.int(45, 100);
    const critical = rng.chance(0.8) ? 100 : rng.int(0, 80);
    const systemSubmitted = rng.chance(CARE_RATES.systemSubmitted);
    const released = rng.chance(CARE_RATES.released);
    const disputeMs = rng.chance(CARE_RATES.disputed) ? finishedMs + rng.int(1, 72) * HOUR_MS : undefined;
    const rescoreMs = rng.chance(CARE_RATES.rescored) ? (disputeMs ?? finishedMs) + rng.int(24, 240) * HOUR_MS : undefined;
    const rescoreDelta = rng.int(-15, 15) || 5;
    const deleteMs = rng.chance(CARE_RATES.deleted) ? finishedMs + rng.int(24, 336) * HOUR_MS : undefined;
    const retractMs = rng.chance(CARE_RATES.retracted) ? finishedMs + rng.int(1, 48) * HOUR_MS : undefined;
    if (asOfMs < createdMs) continue;

    const events = [createdMs, startedMs, finishedMs, disputeMs, rescoreMs, deleteMs, retractMs].filter((t): t is number => t !== undefined && t <= asOfMs);
    const finished = asOfMs >= finishedMs;
    const rescored = rescoreMs !== undefined && asOfMs >= rescoreMs;
    let status = asOfMs < startedMs ? 'Pending' : finished ? 'Finished' : 'InProgress';
    if (disputeMs !== undefined && asOfMs >= disputeMs && !rescored) status = 'InReview';
    if (retractMs !== undefined && asOfMs >= retractMs) status = 'Retracted';
    const evaluatorId = k === 0 ? input.evaluatorId : input.calibratorId;
    const finalScore = rescored ? Math.max(0, Math.min(100, score + rescoreDelta)) : score;
    out.push({
      evaluationId, formId: form.id, formName: form.name, contextId: form.contextId,
      ...(calibrationId ? { calibrationId } : {}),
      evaluatorId, assigneeId: evaluatorId, assigneeApplicable: true, userId: input.userId,
      ...(input.queueId ? { queueId: input.queueId } : {}),
      eventTime: iso(Math.max(...events)), evaluationStatus: status,
      released: finished && released, rescored, deleted: deleteMs !== undefined && asOfMs >= deleteMs,
      systemSubmitted: finished && systemSubmitted,
      // Scores exist once the evaluator submitted the form.
      ...(finished ? { oTotalScore: finalScore, oTotalCriticalScore: critical } : {}),
    });
  }
  return out;
}

function surveyAsOf(rng: Random, input: CareInput, asOfMs: number): Record<string, unknown> | undefined {
  if (!rng.chance(CARE_RATES.survey)) return undefined;
  const voice = input.media === 'voice' && rng.chance(CARE_RATES.voiceSurvey);
  const form = rng.pick(SURVEY_FORMS);
  const surveyId = rng.uuid();
  const sentMs = input.endMs + (voice ? rng.int(2, 20) * SECOND_MS : rng.int(1, 30) * MINUTE_MS);
  const fate = rng.float();
  const answerMs = sentMs + (voice ? rng.int(30, 180) * SECOND_MS : rng.int(2, 72 * 60) * MINUTE_MS);
  // NPS answers cluster at the ends: many promoters, a tail of detractors.
  const nps = rng.weighted([0, 2, 4, 5, 6, 7, 8, 9, 10], [4, 3, 3, 5, 6, 10, 15, 22, 32]);
  const total = Math.min(100, nps * 10 + rng.int(-5, 5) * (nps > 0 && nps < 10 ? 1 : 0));
  if (asOfMs < sentMs) return undefined;

  const completed = fate < CARE_RATES.surveyCompleted + CARE_RATES.surveyPartial;
  const partial = completed && fate >= CARE_RATES.surveyCompleted;
  const optOut = !completed && fate < CARE_RATES.surveyCompleted + CARE_RATES.surveyPartial + CARE_RATES.surveyOptOut;
  const expiresMs = sentMs + (voice ? VOICE_SURVEY_EXPIRY_MS : WEB_SURVEY_EXPIRY_MS);
  const base = {
    surveyId, surveyFormId: form.id, surveyFormName: form.name, surveyFormContextId: form.contextId,
    surveyType: voice ? 'Voice' : 'Web', userId: input.userId, ...(input.queueId ? { queueId: input.queueId } : {}),
  };
  if (completed && asOfMs >= answerMs) {
    return {
      ...base, surveyStatus: 'Finished', eventTime: iso(answerMs), surveyCompletedDate: iso(answerMs), surveyPartialResponse: partial,
      surveyPromoterScore: nps, ...(partial ? {} : { oSurveyTotalScore: total }),
    };
  }
  if (optOut && asOfMs >= answerMs) return { ...base, surveyStatus: 'OptOut', eventTime: iso(answerMs) };
  if (!completed && !optOut && asOfMs >= expiresMs) return { ...base, surveyStatus: 'Expired', eventTime: iso(expiresMs) };
  return { ...base, surveyStatus: voice ? 'InProgress' : 'Sent', eventTime: iso(sentMs) };
}

function resolutionAsOf(rng: Random, input: CareInput, asOfMs: number): Record<string, unknown> | undefined {
  if (!rng.chance(CARE_RATES.resolution)) return undefined;
  // Known once the next-contact window (two to four days) has passed.
  const atMs = input.endMs + rng.int(48, 96) * HOUR_MS;
  const avoided = rng.chance(CARE_RATES.nextContactAvoided) ? 1 : 0;
  if (asOfMs < atMs) return undefined;
  return { eventTime: iso(atMs), ...(input.queueId ? { queueId: input.queueId } : {}), userId: input.userId, nNextContactAvoided: avoided };
}
