// Prometheus text: process figures and the counters the planes keep.
import type { Deps } from '../deps'
import type { Check } from './checks'

export function metricsText(deps: Deps, dependencies: Record<string, Check> = {}): string {
  const mem = process.memoryUsage()
  const counters = deps.metrics
  const lines = [
    '# TYPE kurz_redirects_total counter', `kurz_redirects_total ${counters.redirects}`,
    '# TYPE kurz_redirect_not_found_total counter', `kurz_redirect_not_found_total ${counters.redirectMisses}`,
    '# TYPE kurz_redirect_cache_miss_total counter', `kurz_redirect_cache_miss_total ${counters.redirectSlowPath}`,
    '# TYPE kurz_webhook_attempts_total counter', `kurz_webhook_attempts_total ${counters.webhookAttempts}`,
    '# TYPE kurz_webhook_attempts_failed_total counter', `kurz_webhook_attempts_failed_total ${counters.webhookAttemptsFailed}`,
    '# TYPE kurz_redirect_miss_limited_total counter', `kurz_redirect_miss_limited_total ${counters.redirectMissesLimited}`,
    '# TYPE kurz_previous_provider_asked_total counter', `kurz_previous_provider_asked_total ${counters.previousProviderAsked}`,
    '# TYPE kurz_previous_provider_limited_total counter', `kurz_previous_provider_limited_total ${counters.previousProviderLimited}`,
    '# TYPE kurz_click_events_skipped_total counter', `kurz_click_events_skipped_total ${counters.clickEventsSkipped}`,
    '# TYPE kurz_link_cache_entries gauge', `kurz_link_cache_entries ${deps.linkCache.size}`,
    '# TYPE kurz_link_cache_hot_entries gauge', `kurz_link_cache_hot_entries ${deps.linkCache.hotSize}`,
    '# TYPE kurz_link_cache_arena_bytes gauge', `kurz_link_cache_arena_bytes ${deps.linkCache.arenaBytes}`,
    '# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`,
    '# TYPE process_heap_bytes gauge', `process_heap_bytes ${mem.heapUsed}`,
    ...(deps.clickMetrics?.() ?? []),
    '# TYPE kurz_dependency_up gauge',
    ...Object.entries(dependencies).filter(([, v]) => v !== 'not configured')
      .map(([name, v]) => `kurz_dependency_up{dependency="${name}"} ${v === 'ok' ? 1 : 0}`),
    // 1 while Redis is configured but unreachable: links and callers are then cached only briefly.
    '# TYPE kurz_redis_degraded gauge', `kurz_redis_degraded ${deps.bus.degraded() ? 1 : 0}`,
  ]
  return lines.join('\n') + '\n'
}
