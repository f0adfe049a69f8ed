// Operations: liveness with the state of each dependency, readiness to serve, Prometheus metrics.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { metricsText } from './metrics'
import { checkDependencies, checkReady } from './checks'

const check = t.UnionEnum(['ok', 'unavailable', 'not configured'])
const health = t.Object({ status: t.Literal('ok'), checks: t.Record(t.String(), check) })
const readiness = t.Object({
  status: t.UnionEnum(['ok', 'unavailable']),
  checks: t.Record(t.String(), t.UnionEnum(['ok', 'unavailable', 'shutting down'])),
})

export function opsPlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.ops', detail: { tags: ['Operations'] } })
    .get('/health', async () => ({ status: 'ok' as const, checks: await checkDependencies(deps) }), {
      response: health,
      detail: { description: 'The process is up; `checks` tells the state of each dependency.' },
    })
    .get('/ready', async ({ set }) => {
      const r = await checkReady(deps)
      set.status = r.status === 'ok' ? 200 : 503
      return r
    }, {
      response: { 200: readiness, 503: readiness },
      detail: { description: 'Can serve: Postgres reachable and not shutting down. Redis and ClickHouse being down does not make an instance unready.' },
    })
    .get('/metrics', async () => new Response(metricsText(deps, await checkDependencies(deps)), { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
      { detail: { description: 'Prometheus text format' } })
}
