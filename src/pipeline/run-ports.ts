/**
 * What the window runner needs from persistence besides each stream's writer
 * (src/db/stream-writer.ts): the ledger of windows. The db layer owns the interface and Postgres
 * implements it (src/db/window-ledger.ts); tests of the runner's state machine use an in-memory
 * one (test/helpers/memory-ports.ts).
 */
export type { NewWindow, WindowDone, WindowFailed, WindowLedger } from '../db/window-ledger.ts';
