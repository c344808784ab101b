/** How often the varied shapes of real records occur in generated conversations (variety.ts). */
export const RATES = {
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
  flagged: 0.005,
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
  agentMediaStats: 0.6,
} as const;
