/** A bad command-line argument: reported with exit code 2 before any request (src/cli.ts). */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
