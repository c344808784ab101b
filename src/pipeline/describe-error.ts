import { redactText } from '../redact.ts';

/** One line for the ledger and the summary: the error's own message, secrets scrubbed. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactText(message.replace(/\s*\n\s*/g, ' ').trim()).slice(0, 2000);
}
