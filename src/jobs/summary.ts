/**
 * Moved to src/present/summary.ts. Kept only for src/commands/worker.ts and
 * src/commands/demo.ts, which another branch (metrics/build) is changing; point them at
 * src/present/summary.ts and delete this file after that branch is merged.
 */
export { formatSummary } from '../present/summary.ts';
