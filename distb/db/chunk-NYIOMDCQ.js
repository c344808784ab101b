import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/exit-codes.js
var EXIT = {
  OK: 0,
  /** The run finished with failed windows, or status found the data unhealthy. */
  FAILED: 1,
  /** Invalid configuration or command-line arguments; nothing was done. */
  USAGE: 2,
  /** A dependency refused us: database unreachable, Genesys credentials rejected. */
  UNAVAILABLE: 3,
  /** Stopped by SIGINT/SIGTERM before the run finished (128 + SIGINT). */
  INTERRUPTED: 130
};

// dist/commands/usage-error.js
var UsageError = class extends Error {
  code = "USAGE";
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};

export {
  EXIT,
  UsageError
};
