/** Process exit codes: part of the documented interface (README, "Exit codes"). */
export const EXIT = {
  OK: 0,
  /** The run finished with failed windows, or status found the data unhealthy. */
  FAILED: 1,
  /** Invalid configuration or command-line arguments; nothing was done. */
  USAGE: 2,
  /** A dependency refused us: database unreachable, Genesys credentials rejected. */
  UNAVAILABLE: 3,
  /** Stopped by SIGINT/SIGTERM before the run finished (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;
