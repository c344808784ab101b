/**
 * Dimension and metric names the details query accepts, per filter family, copied from
 * the SDK enums listed in the official SDKs (v257; docs/genesys-api-facts.md §1.1). Unknown names get
 * a 400, as the real API rejects values outside its enums; this catches typos such as
 * filtering `userId` at conversation level.
 */

const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

export const CONVERSATION_DIMENSIONS = words(`accessAttribute conversationEnd conversationId conversationInitiator
  conversationStart customerParticipation divisionId externalTag mediaStatsMinConversationMos originatingDirection
  originatingSocialMediaPublic`);

export const CONVERSATION_METRICS = words(`nBlindTransferred nBotInteractions nCallbackAttempts nCallbackOverSla
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

export const SEGMENT_DIMENSIONS = words(`addressFrom addressTo agentAssistantId agentOwned ani authenticated
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

export const SEGMENT_METRICS = words('tSegmentDuration');

export const EVALUATION_DIMENSIONS = words(`assigneeApplicable assigneeId calibrationId contextId deleted
  evaluationId evaluationStatus evaluatorId eventTime formId formName queueId released rescored systemSubmitted userId`);
export const EVALUATION_METRICS = words('oTotalCriticalScore oTotalScore');

export const SURVEY_DIMENSIONS = words(`eventTime queueId surveyCompletedDate surveyFormContextId surveyFormId
  surveyId surveyPartialResponse surveyPromoterScore surveyStatus surveyType userId`);
export const SURVEY_METRICS = words('oSurveyTotalScore');

/** Resolution filters are newer and their dimension enum is not in the research notes. */
export const RESOLUTION_DIMENSIONS = words('eventTime queueId userId');
export const RESOLUTION_METRICS = words('nNextContactAvoided');

/** Segment dimensions that live on the participant, not on the segment or session. */
export const PARTICIPANT_FIELDS = words(`purpose userId participantName teamId externalContactId
  externalOrganizationId flaggedReason screenRecording`);
