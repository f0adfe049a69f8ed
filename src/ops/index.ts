// Operations: liveness with the state of each dependency, readiness to serve, Prometheus metrics.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { metricsText } from './metrics'
import { checkDependencies, checkReady } from './checks'
import { errorsOf } from '../shared/error-schemas'
import { publicOperation } from '../docs/security'
import { mediaAnswer } from '../docs/document'

const check = t.UnionEnum(['ok', 'unavailable', 'not configured'])
const health = t.Object({ status: t.Literal('ok'), checks: t.Record(t.String(), check) })
const readiness = t.Object({
  status: t.UnionEnum(['ok', 'unavailable']),
  checks: t.Record(t.String(), t.UnionEnum(['ok', 'unavailable', 'shutting down'])),
})

export function opsPlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.ops', detail: { tags: ['Operations'] } })
    .get('/health', async () => ({ status: 'ok' as const, checks: await checkDependencies(deps) }), {
      response: { 200: health, ...errorsOf(400) },
      detail: publicOperation('Liveness', 'Answers while the process runs; `checks` tells the state of each dependency (Postgres, Redis, ClickHouse), as `kurz_dependency_up` in /metrics does. Public.'),
    })
    .get('/ready', async ({ set }) => {
      const r = await checkReady(deps)
      set.status = r.status === 'ok' ? 200 : 503
      return r
    }, {
      response: { 200: readiness, 503: readiness, ...errorsOf(400) },
      detail: publicOperation('Readiness', 'Can serve: Postgres answers and the instance is not shutting down (503 otherwise). Redis and ClickHouse being down does not make an instance unready: redirects and the API still work. Public.'),
    })
    .get('/metrics', async () => new Response(metricsText(deps, await checkDependencies(deps)), { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
      {
        response: { 200: mediaAnswer('Counters and gauges in the Prometheus text format', { 'text/plain; version=0.0.4': 'text' }), ...errorsOf(400) },
        detail: publicOperation('Metrics', 'Redirects, cache hits and misses, the click pipeline, each dependency\'s state and the process, for Prometheus to scrape. Public.'),
      })
}
