/**
 * What the window runner needs from persistence, as two small interfaces: the ledger of
 * windows and quarantined records, and the conversation writer. The db layer owns them and
 * Postgres implements them (src/db/window-ledger.ts: createWindowLedger, createConversationSink);
 * tests of the runner's state machine use in-memory ones (test/helpers/memory-ports.ts).
 */
export type {
  ConversationSink,
  NewWindow,
  PageReject as RejectedRecord,
  QuarantinedPage,
  WindowDone,
  WindowFailed,
  WindowLedger,
  WriteConversationsResult,
} from '../db/window-ledger.ts';
