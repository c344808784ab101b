/** The knobs of a jobs lane (any stream's async details jobs), from the configuration (JOBS_*). */
export interface JobsLaneSettings {
  /**
   * Jobs this lane keeps QUEUED or PENDING at Genesys at once (Genesys caps concurrent jobs per
   * org; docs/sync.md §13). A fulfilled job whose results are being read does not count.
   */
  maxConcurrentJobs: number;
  /** Jobs tried per window before falling back to the query lane. */
  maxAttempts: number;
  /** A job not FULFILLED this long after its creation is cancelled and counts as failed. */
  timeoutMs: number;
  /** First wait between two status polls; doubles up to `pollMaxMs`. */
  pollInitialMs: number;
  pollMaxMs: number;
  /**
   * Records per results page (1..1,000); the API's largest, 1,000, when absent, as the
   * configuration leaves it. Tests set it smaller to see jobs of many pages on a small org.
   */
  resultsPageSize?: number;
}

