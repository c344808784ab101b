/**
 * What was asked of the planner cannot be planned: an unparseable date, an interval that ends
 * before it starts or is longer than a run may cover, a plan too large. The message names the
 * flag or value at fault; the CLI reports it like a usage error (exit 2), before any request.
 */
export class InvalidRequestError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}
