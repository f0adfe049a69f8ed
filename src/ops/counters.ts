// The counters the planes keep for /metrics, one set per app (a field of Deps), so that two apps
// in one process (tests, a second instance) never count into each other's figures.

export type Counters = ReturnType<typeof createCounters>

export function createCounters() {
  return {
    redirects: 0,
    redirectMisses: 0,
    redirectSlowPath: 0,
    webhookAttempts: 0,
    webhookAttemptsFailed: 0,
    /** link.clicked events over the per-batch bound, not written. */
    clickEventsSkipped: 0,
    /** Cache misses refused because their client was past its allowance of unknown slugs. */
    redirectMissesLimited: 0,
    /** Unknown slugs asked of a custom domain's previous shortener, and those past its per-domain bound. */
    previousProviderAsked: 0,
    previousProviderLimited: 0,
  }
}
